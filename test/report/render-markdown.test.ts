import { describe, expect, it } from 'vitest';
import {
  GITHUB_COMMENT_LIMIT,
  codeSpan,
  escapeMarkdown,
  renderMarkdown,
} from '../../src/report/render-markdown.js';
import type { Finding } from '../../src/rules/types.js';
import { makeReport, suppressedPrefix, wildcardAction, wildcardResource } from './report-fixtures.js';

function many(n: number, base: Finding, message = base.message): Finding[] {
  return Array.from({ length: n }, (_, i) => ({ ...base, path: `Statement[${i}].Action`, message }));
}

describe('renderMarkdown', () => {
  it('renders a failing check: blocking table, collapsed non-blocking and suppressed findings, notes', () => {
    expect(renderMarkdown(makeReport())).toMatchInlineSnapshot(`
      "## ❌ iam-gate: 2 blocking findings

      Checked 2 files: 3 problems (2 blocking: 2 errors), 1 warning, 1 suppressed.

      | Rule | Location | Address | Path | Message |
      | --- | --- | --- | --- | --- |
      | [trust-any-principal](https://github.com/iam-gate/iam-gate/blob/main/docs/rules/trust-any-principal.md) | \`infra/template.yaml:8\` | \`AppRole.AssumeRolePolicyDocument\` | \`Statement[0].Principal.AWS\` | Principal "\\*" lets anyone on AWS assume AppRole |
      | [wildcard-action](https://github.com/iam-gate/iam-gate/blob/main/docs/rules/wildcard-action.md) | \`infra/template.yaml:14\` | \`AppRole.Policies[0]\` | \`Statement[0].Action\` | "s3:\\*" grants all 180 s3 actions, including s3:DeleteBucket and s3:PutBucketPolicy |

      <details>
      <summary>1 non-blocking finding</summary>

      | Severity | Rule | Location | Address | Path | Message |
      | --- | --- | --- | --- | --- | --- |
      | warning | [wildcard-resource](https://github.com/iam-gate/iam-gate/blob/main/docs/rules/wildcard-resource.md) | \`infra/template.yaml:14\` | \`AppRole.Policies[0]\` | \`Statement[1].Resource\` | "dynamodb:PutItem" applies to every table in every account |

      </details>

      <details>
      <summary>1 suppressed finding</summary>

      | Rule | Location | Address | Path | Message | Reason |
      | --- | --- | --- | --- | --- | --- |
      | [action-prefix-wildcard](https://github.com/iam-gate/iam-gate/blob/main/docs/rules/action-prefix-wildcard.md) | \`policies/ci.json\` | \`policies/ci.json\` | \`Statement[0].Action[1]\` | "ec2:Describe\\*" covers 194 actions | inventory job reads every instance (expires 2026-12-31) |

      </details>

      **Notes**

      - The exception for wildcard-resource on LegacyRole expired on 2026-01-31 and no longer applies.
      "
    `);
  });

  it('renders a clean check', () => {
    expect(renderMarkdown(makeReport({ findings: [], notes: [] }))).toMatchInlineSnapshot(`
      "## ✅ iam-gate: no blocking findings

      No problems found in 2 files.
      "
    `);
  });

  it('renders a passing check that still has warnings and suppressed findings', () => {
    expect(renderMarkdown(makeReport({ findings: [wildcardResource, suppressedPrefix], notes: [] })))
      .toMatchInlineSnapshot(`
      "## ✅ iam-gate: no blocking findings

      Checked 2 files: 1 problem (none blocking), 1 warning, 1 suppressed.

      <details>
      <summary>1 non-blocking finding</summary>

      | Severity | Rule | Location | Address | Path | Message |
      | --- | --- | --- | --- | --- | --- |
      | warning | [wildcard-resource](https://github.com/iam-gate/iam-gate/blob/main/docs/rules/wildcard-resource.md) | \`infra/template.yaml:14\` | \`AppRole.Policies[0]\` | \`Statement[1].Resource\` | "dynamodb:PutItem" applies to every table in every account |

      </details>

      <details>
      <summary>1 suppressed finding</summary>

      | Rule | Location | Address | Path | Message | Reason |
      | --- | --- | --- | --- | --- | --- |
      | [action-prefix-wildcard](https://github.com/iam-gate/iam-gate/blob/main/docs/rules/action-prefix-wildcard.md) | \`policies/ci.json\` | \`policies/ci.json\` | \`Statement[0].Action[1]\` | "ec2:Describe\\*" covers 194 actions | inventory job reads every instance (expires 2026-12-31) |

      </details>
      "
    `);
  });

  it('escapes values from the policies so they render as written', () => {
    const hostile: Finding = {
      ...wildcardAction,
      message:
        '"arn:aws:s3:::logs/${aws:username}/*" | and "${aws:userid}" <img src=x> @octocat\nsecond line',
      path: 'Statement[0].Condition.StringLike["a|b`c"]',
    };
    expect(renderMarkdown(makeReport({ findings: [hostile], notes: ['1. not a list'] })))
      .toMatchInlineSnapshot(`
      "## ❌ iam-gate: 1 blocking finding

      Checked 2 files: 1 problem (1 blocking: 1 error).

      | Rule | Location | Address | Path | Message |
      | --- | --- | --- | --- | --- |
      | [wildcard-action](https://github.com/iam-gate/iam-gate/blob/main/docs/rules/wildcard-action.md) | \`infra/template.yaml:14\` | \`AppRole.Policies[0]\` | \`\`Statement[0].Condition.StringLike["a\\|b\`c"]\`\` | "arn:aws:s3:::logs/\\\${aws:username}/\\*" \\| and "\\\${aws:userid}" &lt;img src=x&gt; @&#8203;octocat second line |

      **Notes**

      - 1\\. not a list
      "
    `);
  });

  it('cuts each table at maxRows and says how many more there are', () => {
    const report = makeReport({
      findings: [...many(7, wildcardAction), ...many(4, wildcardResource)],
      notes: [],
    });
    const markdown = renderMarkdown(report, { maxRows: 5 });
    expect(markdown.match(/\| \[wildcard-action\]/g)).toHaveLength(5);
    expect(markdown.match(/\| warning \| \[wildcard-resource\]/g)).toHaveLength(4);
    expect(markdown).toContain('\n\n... and 2 more\n\n<details>');
    expect(markdown).toContain('11 problems (7 blocking: 7 errors), 4 warnings');
  });

  it('stays under GitHub comment limit with thousands of long findings', () => {
    const long = `"s3:*" grants ${'s3:GetObject, '.repeat(200)}and more`;
    const report = makeReport({
      findings: [...many(3000, wildcardAction, long), ...many(3000, wildcardResource, long)],
    });
    const markdown = renderMarkdown(report);
    expect(markdown.length).toBeLessThanOrEqual(60_000);
    expect(markdown.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(markdown).toMatch(/\n\.\.\. and \d+ more\n/);
    expect(markdown).toContain('6000 problems (3000 blocking: 3000 errors), 3000 warnings');
    // Long messages are cut in the cell, not dropped.
    expect(markdown).toContain('…');
  });

  it('honours a smaller maxLength by showing fewer rows', () => {
    const report = makeReport({ findings: many(40, wildcardAction) });
    const markdown = renderMarkdown(report, { maxLength: 3000 });
    expect(markdown.length).toBeLessThanOrEqual(3000);
    const rows = markdown.match(/\| \[wildcard-action\]/g)?.length ?? 0;
    expect(rows).toBeGreaterThan(0);
    expect(markdown).toContain(`... and ${40 - rows} more`);
  });
});

describe('escapeMarkdown', () => {
  it('escapes markdown, math, HTML and mentions, and keeps a cell on one line', () => {
    expect(
      escapeMarkdown('"s3:*" on arn:aws:s3:::b/${aws:username}/_x_ [link](u) a|b <b>&amp; @team\nnext'),
    ).toBe(
      '"s3:\\*" on arn:aws:s3:::b/\\${aws:username}/\\_x\\_ \\[link\\](u) a\\|b &lt;b&gt;&amp;amp; @&#8203;team next',
    );
  });

  it('escapes what would start a list or heading', () => {
    expect(escapeMarkdown('1. step')).toBe('1\\. step');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('# title')).toBe('\\# title');
  });
});

describe('codeSpan', () => {
  it('fences backticks with a longer run and escapes pipes for tables', () => {
    expect(codeSpan('Statement[0].Action')).toBe('`Statement[0].Action`');
    expect(codeSpan('a`b|c')).toBe('``a`b\\|c``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
  });
});
