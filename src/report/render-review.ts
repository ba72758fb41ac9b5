/**
 * A review for its readers: text for a terminal, markdown for a pull-request comment, JSON for
 * scripts, SARIF for code scanning. What a reviewer needs first comes first: per stack, the access
 * the change adds and the findings it introduces; pre-existing findings are counted, not repeated.
 */
import type { Review, ReviewedStack } from '../review/types.js';
import type { Finding } from '../rules/types.js';
import { CHANGE_RULES } from '../review/compare-revisions.js';
import { EXPECTATION_FAILED } from '../expect/expectation-failed.js';
import { rules } from '../rules/index.js';
import { toJsonReport } from './render-json.js';
import { codeSpan, escapeMarkdown } from './render-markdown.js';
import { accessTableMarkdown, diffToJson, removedRows, rowText, witnessText } from './render-diff.js';
import { toSarifLog } from './render-sarif.js';
import { findingLocation, locationLabel, summarize } from './summarize.js';
import { printable, renderFindingBlocks } from './render-text.js';
import type { CheckReport, RuleDescriptor } from './types.js';
import { packageVersion } from '../version.js';

export type ReviewFormat = 'text' | 'markdown' | 'json' | 'sarif';

const RULES: RuleDescriptor[] = [...rules, EXPECTATION_FAILED, ...Object.values(CHANGE_RULES)].map(
  ({ id, defaultSeverity, description }) => ({ id, defaultSeverity, description }),
);

export function renderReview(
  review: Review,
  format: ReviewFormat,
  options: { color?: boolean } = {},
): string {
  switch (format) {
    case 'text':
      return renderReviewText(review, options.color ?? false);
    case 'markdown':
      return renderReviewMarkdown(review);
    case 'json':
      return `${JSON.stringify(reviewToJson(review), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(reviewToSarif(review), null, 2)}\n`;
  }
}

function checkReport(review: Review, findings: Finding[]): CheckReport {
  return {
    tool: { name: 'iam-gate', version: packageVersion },
    findings,
    rules: RULES,
    files: [],
    notes: [],
    blocking: review.blocking,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function synthLine(stack: ReviewedStack): string {
  const side = (label: string, result: ReviewedStack['base']) => {
    if (result === undefined) return `${label} absent`;
    if (!result.ok) return `${label} FAILED`;
    return `${label} ${result.cached ? 'cached' : seconds(result.durationMs)}`;
  };
  return `synthesized: ${side('base', stack.base)}, ${side('head', stack.head)}`;
}

function introducedOf(stack: ReviewedStack): Finding[] {
  return stack.findings.filter((finding) => finding.introduced !== false);
}

function preexistingOf(stack: ReviewedStack): Finding[] {
  return stack.findings.filter((finding) => finding.introduced === false);
}

export function renderReviewText(review: Review, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [
    paint(
      '1',
      `iam-gate review: ${printable(review.base.ref)} (${review.base.commit.slice(0, 12)}) -> ${printable(review.head.ref)} (${review.head.commit.slice(0, 12)})`,
    ),
    '',
  ];
  if (review.stacks.length === 0) lines.push('This change touches no stack.', '');
  for (const stack of review.stacks) {
    lines.push(
      paint('1', `${printable(stack.stack.name)}`) +
        paint(
          '2',
          `  ${stack.stack.kind} stack in ${printable(stack.stack.dir)}, ${stack.change}: ${printable(stack.reasons.join('; '))}`,
        ),
    );
    lines.push(`  ${synthLine(stack)}`);
    for (const [label, result] of [
      ['base', stack.base],
      ['head', stack.head],
    ] as const) {
      if (result !== undefined && !result.ok) {
        lines.push(paint('31', `  ${label} failed: ${printable(result.error)}`));
        for (const line of result.output.trim().split('\n').slice(-15))
          lines.push(paint('2', `    | ${printable(line)}`));
      }
    }
    if (stack.diff?.incomplete !== undefined) {
      lines.push(paint('33', `  diff incomplete: ${printable(stack.diff.incomplete)}`));
    }
    if (stack.diff !== undefined) {
      const { trust, removed } = stack.diff;
      // Trust grants are told by the trust lines, in words about who may assume the role.
      const groups = stack.diff.groups.filter((group) => group.kind !== 'trust');
      if (groups.length + trust.length > 0) {
        lines.push('  access added:');
        let principal: string | undefined;
        for (const group of groups) {
          if (group.attachedTo !== principal) {
            principal = group.attachedTo;
            lines.push(`    ${paint('1', printable(principal))}`);
          }
          lines.push(
            group.certainty === 'added'
              ? paint('32', `      + ${printable(rowText(group))}`)
              : paint(
                  '33',
                  `      ? ${printable(rowText(group))} (possibly: ${printable(group.why.join('; '))})`,
                ),
          );
          if (group.witness) lines.push(`          ${printable(witnessText(group.witness))}`);
        }
        for (const change of trust) lines.push(paint('31', `    trust: ${printable(change.message)}`));
      } else {
        lines.push('  no access added');
      }
      if (removed.length > 0) {
        lines.push('  access removed:');
        for (const row of removedRows(removed)) lines.push(paint('2', `      - ${printable(row)}`));
      }
    }
    for (const source of stack.changedUnresolved) {
      lines.push(
        paint(
          '33',
          `  ? ${printable(source.address)}: changed, and unknown until deployment (${printable(source.unresolved ?? '')})`,
        ),
      );
    }
    // added-permissions repeats "access added" above as findings (for check runs and SARIF).
    const introduced = introducedOf(stack).filter(
      (finding) => finding.ruleId !== CHANGE_RULES['added-permissions'].id,
    );
    if (introduced.length > 0) {
      lines.push('  introduced findings:');
      for (const line of renderFindingBlocks(checkReport(review, introduced), { color }))
        lines.push(line === '' ? '' : `    ${line}`);
    }
    const preexisting = preexistingOf(stack);
    if (preexisting.length > 0) {
      const counts = countByRule(preexisting);
      lines.push(
        paint(
          '2',
          `  ${preexisting.length} pre-existing findings (${counts}), not introduced by this change`,
        ),
      );
    }
    if (stack.fixed.length > 0)
      lines.push(
        paint('32', `  fixed: ${stack.fixed.length} findings of base (${countByRule(stack.fixed)})`),
      );
    lines.push('');
  }
  const evaluated = review.expectations.filter((result) => result.skipped !== true);
  if (review.expectations.length > 0) {
    const failed = evaluated.filter((result) => !result.passed);
    lines.push(
      paint('1', 'expectations: ') +
        `${evaluated.length - failed.length} hold, ${failed.length} failed, ${review.expectations.length - evaluated.length} not in a reviewed stack`,
    );
    for (const result of failed) lines.push(paint('31', `  x ${printable(result.finding?.message ?? '')}`));
    lines.push('');
  }
  if (review.untouched.length > 0)
    lines.push(paint('2', `not touched: ${review.untouched.map((s) => s.name).join(', ')}`));
  for (const message of [...review.skippedProjects, ...review.warnings])
    lines.push(paint('33', `note: ${printable(message)}`));
  for (const note of review.notes) lines.push(paint('33', `note: ${printable(note)}`));
  if (
    review.untouched.length + review.skippedProjects.length + review.warnings.length + review.notes.length >
    0
  )
    lines.push('');
  lines.push(
    review.verdict === 'fail'
      ? paint('1;31', `FAIL: ${review.reasons.join('; ')}`)
      : paint('1;32', 'PASS: no blocking finding introduced'),
  );
  return `${lines.join('\n')}\n`;
}

function countByRule(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.ruleId, (counts.get(finding.ruleId) ?? 0) + 1);
  return [...counts].map(([rule, count]) => `${count} ${rule}`).join(', ');
}

export function renderReviewMarkdown(review: Review): string {
  const lines: string[] = [
    review.verdict === 'fail'
      ? `## ❌ iam-gate: ${escapeMarkdown(review.reasons.join('; '))}`
      : '## ✅ iam-gate: no blocking finding introduced',
    '',
    `Base ${codeSpan(review.base.commit.slice(0, 12))} → head ${codeSpan(review.head.commit.slice(0, 12))}` +
      (review.stacks.length === 0 ? ': no stack touched.' : ''),
    '',
  ];
  for (const stack of review.stacks) {
    lines.push(`### ${codeSpan(stack.stack.name)} (${stack.stack.kind}, ${stack.change})`, '');
    for (const [label, result] of [
      ['base', stack.base],
      ['head', stack.head],
    ] as const) {
      if (result !== undefined && !result.ok) {
        lines.push(
          `**${label} failed to synthesize:** ${escapeMarkdown(result.error)}`,
          '',
          '```',
          result.output.trim().split('\n').slice(-30).join('\n').replaceAll('```', "'''"),
          '```',
          '',
        );
      }
    }
    if (stack.diff?.incomplete !== undefined) {
      lines.push(`> **Diff incomplete:** ${escapeMarkdown(stack.diff.incomplete)}.`, '');
    }
    const accessGroups = stack.diff?.groups.filter((g) => g.kind !== 'trust') ?? [];
    if (stack.diff !== undefined && accessGroups.length + stack.diff.trust.length > 0) {
      lines.push(...accessTableMarkdown(accessGroups), '');
      for (const change of stack.diff.trust) lines.push(`- **trust:** ${escapeMarkdown(change.message)}`);
      if (stack.diff.trust.length > 0) lines.push('');
    } else if (stack.diff !== undefined) {
      lines.push('No access added.', '');
    }
    const introduced = introducedOf(stack).filter(
      (finding) => finding.ruleId !== CHANGE_RULES['added-permissions'].id,
    );
    if (introduced.length > 0) {
      lines.push('| Severity | Rule | Where | Finding |', '| --- | --- | --- | --- |');
      for (const finding of introduced) {
        const where = locationLabel(findingLocation(finding)) ?? finding.source.address;
        const blocking = review.blocking(finding) ? ' (blocking)' : '';
        lines.push(
          `| ${finding.severity}${blocking} | ${codeSpan(finding.ruleId)} | ${codeSpan(where)} ${codeSpan(finding.path || finding.source.address)} | ${escapeMarkdown(finding.message)} |`,
        );
      }
      lines.push('');
    }
    const preexisting = preexistingOf(stack);
    if (preexisting.length > 0)
      lines.push(
        `<sub>${preexisting.length} pre-existing findings (${escapeMarkdown(countByRule(preexisting))}), not introduced here.</sub>`,
        '',
      );
  }
  const failed = review.expectations.filter((result) => result.skipped !== true && !result.passed);
  if (failed.length > 0) {
    lines.push(
      '### Expectations',
      '',
      ...failed.map((result) => `- ❌ ${escapeMarkdown(result.finding?.message ?? '')}`),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function reviewToJson(review: Review): object {
  // toJsonReport sorts; summarize gives the same order, to pair each entry with its finding.
  const findingJson = (findings: Finding[]) => {
    const report = checkReport(review, findings);
    const sorted = summarize(report).entries;
    return toJsonReport(report).findings.map((json, index) => ({
      ...json,
      introduced: sorted[index]?.finding.introduced !== false,
    }));
  };
  return {
    verdict: review.verdict,
    reasons: review.reasons,
    base: review.base,
    head: review.head,
    stacks: review.stacks.map((stack) => ({
      name: stack.stack.name,
      kind: stack.stack.kind,
      dir: stack.stack.dir,
      change: stack.change,
      reasons: stack.reasons,
      base: synthJson(stack.base),
      head: synthJson(stack.head),
      ...(stack.diff ? { diff: diffToJson(stack.diff) } : {}),
      changedUnresolved: stack.changedUnresolved.map((source) => ({
        address: source.address,
        why: source.unresolved,
      })),
      findings: findingJson(stack.findings),
      fixed: stack.fixed.map((finding) => ({
        ruleId: finding.ruleId,
        message: finding.message,
        address: finding.source.address,
        path: finding.path,
      })),
    })),
    expectations: review.expectations.map((result) => ({
      index: result.index,
      ...result.expectation,
      status: result.skipped === true ? 'not-evaluated' : result.passed ? 'holds' : 'failed',
      ...(result.simulation
        ? { decision: result.simulation.decision, reason: result.simulation.reason }
        : {}),
      ...(result.finding ? { message: result.finding.message } : {}),
    })),
    untouched: review.untouched.map((stack) => stack.name),
    skippedProjects: review.skippedProjects,
    warnings: review.warnings,
    notes: review.notes,
  };
}

function synthJson(result: ReviewedStack['base']): object | null {
  if (result === undefined) return null;
  return result.ok
    ? {
        status: 'ok',
        cached: result.cached,
        durationMs: Math.round(result.durationMs),
        policies: result.sources.length,
        warnings: result.warnings,
      }
    : { status: 'failed', error: result.error, output: result.output };
}

/**
 * SARIF with GitHub's baseline semantics: a finding base already had is `unchanged`, one the change
 * introduced is `new`, so code scanning shows the pull request only what it brought.
 */
export function reviewToSarif(review: Review): object {
  const report = checkReport(review, review.findings);
  const sorted = summarize(report).entries;
  const log = toSarifLog(report, { srcRoot: review.repo });
  const run = log.runs[0];
  if (run !== undefined) {
    run.results.forEach((result, index) => {
      const finding = sorted[index]?.finding;
      (result as { baselineState?: string }).baselineState =
        finding?.introduced === false ? 'unchanged' : 'new';
    });
  }
  return log;
}
