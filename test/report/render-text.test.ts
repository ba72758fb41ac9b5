import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { printable, renderText } from '../../src/report/render-text.js';
import type { Finding } from '../../src/rules/types.js';
import {
  makeReport,
  suppressedPrefix,
  trustAnyPrincipal,
  wildcardAction,
  wildcardResource,
} from './report-fixtures.js';

const ESC = '\u001b';

describe('renderText without colour', () => {
  it('groups by file and policy under file:line headers, then summarises', () => {
    expect(renderText(makeReport(), { color: false })).toBe(
      [
        'infra/template.yaml:8  AppRole.AssumeRolePolicyDocument  trust policy',
        '  error    trust-any-principal  Statement[0].Principal.AWS  Principal "*" lets anyone on AWS assume AppRole',
        '',
        'infra/template.yaml:14  AppRole.Policies[0]  identity policy',
        '  error    wildcard-action    Statement[0].Action    "s3:*" grants all 180 s3 actions, including s3:DeleteBucket and s3:PutBucketPolicy',
        '  warning  wildcard-resource  Statement[1].Resource  "dynamodb:PutItem" applies to every table in every account',
        '',
        'policies/ci.json  identity policy',
        '  note     action-prefix-wildcard  Statement[0].Action[1]  "ec2:Describe*" covers 194 actions  (suppressed: inventory job reads every instance; expires 2026-12-31)',
        '',
        '3 problems (2 blocking: 2 errors), 1 warning, 1 suppressed',
        '',
        'Notes:',
        '  The exception for wildcard-resource on LegacyRole expired on 2026-01-31 and no longer applies.',
        '',
      ].join('\n'),
    );
  });

  it('contains no escape character at all', () => {
    expect(renderText(makeReport(), { color: false })).not.toContain(ESC);
    // Colour off is the default, so a caller that forgets the option never garbles a log file.
    expect(renderText(makeReport())).not.toContain(ESC);
  });

  it('says "No problems found in N files" when there is nothing to report', () => {
    const files = ['a.json', 'b.json', 'c.json', 'd.json'];
    expect(renderText(makeReport({ findings: [], notes: [], files }), { color: false })).toBe(
      'No problems found in 4 files\n',
    );
    expect(renderText(makeReport({ findings: [], notes: [], files: ['a.json'] }), { color: false })).toBe(
      'No problems found in 1 file\n',
    );
  });

  it('does not count suppressed findings as problems', () => {
    const output = renderText(makeReport({ findings: [suppressedPrefix], notes: [] }), { color: false });
    expect(output.trimEnd().split('\n').at(-1)).toBe('No problems found in 2 files (1 suppressed)');
  });

  it('says when nothing blocks, and uses singular nouns for one', () => {
    const lastLine = (findings: Finding[], blocking: (finding: Finding) => boolean) =>
      renderText(makeReport({ findings, notes: [], blocking }), { color: false })
        .trimEnd()
        .split('\n')
        .at(-1);
    expect(lastLine([wildcardResource, suppressedPrefix], () => false)).toBe(
      '1 problem (none blocking), 1 warning, 1 suppressed',
    );
    expect(lastLine([wildcardAction], () => true)).toBe('1 problem (1 blocking: 1 error)');
    // The predicate decides: an error that does not block is reported among the rest.
    expect(
      lastLine([wildcardAction, trustAnyPrincipal, wildcardResource], (f) => f.ruleId === 'wildcard-action'),
    ).toBe('3 problems (1 blocking: 1 error), 1 error, 1 warning');
  });

  it('shows a policy without a file under its address only', () => {
    const pulumi: Finding = {
      ...wildcardAction,
      source: {
        id: 'app',
        kind: 'identity',
        address: 'aws:iam/rolePolicy:RolePolicy::app',
        principal: 'aws:iam/role:Role::app',
        document: {},
      },
    };
    const [header] = renderText(makeReport({ findings: [pulumi] }), { color: false }).split('\n');
    expect(header).toBe('aws:iam/rolePolicy:RolePolicy::app  identity policy of aws:iam/role:Role::app');
  });

  it('leaves the path column out when no finding of the policy has a path', () => {
    const whole: Finding = {
      ...wildcardAction,
      ruleId: 'malformed-policy',
      path: '',
      message: 'Version must be 2012-10-17',
    };
    const lines = renderText(makeReport({ findings: [whole] }), { color: false }).split('\n');
    expect(lines[1]).toBe('  error    malformed-policy  Version must be 2012-10-17');
  });

  it('escapes control characters from the policies instead of sending them to the terminal', () => {
    const hostile: Finding = {
      ...wildcardAction,
      message: `"s3:*${ESC}[2J${ESC}]8;;https://evil.example${ESC}\\" grants everything\u202e`,
      path: 'Statement[0].Action\r\nforged line',
    };
    const output = renderText(makeReport({ findings: [hostile] }), { color: false });
    expect(output).not.toContain(ESC);
    expect(output).not.toContain('\r');
    expect(output).not.toContain('\u202e');
    expect(output).toContain(
      '"s3:*\\u001b[2J\\u001b]8;;https://evil.example\\u001b\\" grants everything\\u202e',
    );
    expect(output).toContain('Statement[0].Action\\u000d\\u000aforged line');
  });
});

describe('renderText with colour', () => {
  const coloured = renderText(makeReport(), { color: true });

  it('colours the output', () => {
    expect(coloured).toContain(ESC);
    expect(coloured).toContain('\u001b[31m'); // red for errors
    expect(coloured).toContain('\u001b[33mwarning'); // yellow for warnings
  });

  it('says exactly what the uncoloured output says', () => {
    expect(stripVTControlCharacters(coloured)).toBe(renderText(makeReport(), { color: false }));
  });

  it('dims a suppressed finding as a whole line', () => {
    const line = coloured.split('\n').find((l) => l.includes('action-prefix-wildcard'));
    expect(line).toBe(
      '\u001b[2m  note     action-prefix-wildcard  Statement[0].Action[1]  "ec2:Describe*" covers 194 actions  (suppressed: inventory job reads every instance; expires 2026-12-31)\u001b[22m',
    );
  });

  it('marks blocking findings in bold and the failing summary in red', () => {
    const line = coloured.split('\n').find((l) => l.includes('wildcard-action'));
    expect(line?.startsWith('  \u001b[31m\u001b[1merror  \u001b[22m\u001b[39m')).toBe(true);
    expect(coloured).toContain(
      '\u001b[31m\u001b[1m3 problems (2 blocking: 2 errors), 1 warning, 1 suppressed',
    );
  });

  it('colours a clean run green', () => {
    expect(renderText(makeReport({ findings: [], notes: [] }), { color: true })).toBe(
      '\u001b[32m\u001b[1mNo problems found in 2 files\u001b[22m\u001b[39m\n',
    );
  });
});

describe('printable', () => {
  it('keeps ordinary text, including non-ASCII, as it is', () => {
    expect(printable('arn:aws:s3:::café/*')).toBe('arn:aws:s3:::café/*');
  });
});
