/**
 * What every renderer shares: one deterministic order of findings, one partition into blocking,
 * non-blocking and suppressed, and the counts, so that text, JSON, SARIF and markdown never
 * disagree with each other or with the exit code.
 */
import { compareText, naturalCompare } from '../util/compare-text.js';
import type { PolicySource, SourceLocation } from '../extract/types.js';
import type { Finding, Severity } from '../rules/types.js';
import type { CheckReport, Verdict } from './types.js';

export const REPOSITORY_URL = 'https://github.com/iam-gate/iam-gate';

export function ruleDocsUrl(ruleId: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules/${encodeURIComponent(ruleId)}.md`;
}

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];

export interface ReportEntry {
  finding: Finding;
  /** The report's `blocking` predicate, asked once per finding. */
  blocking: boolean;
}

export interface ReportSummary {
  /** Every finding, sorted by file, line, policy, JSON path and rule. */
  entries: ReportEntry[];
  /** Findings the configuration says block, suppressed or not: the predicate has the last word. */
  blocking: ReportEntry[];
  /** Neither blocking nor suppressed. */
  nonBlocking: ReportEntry[];
  /** Suppressed by a config exception and not blocking. */
  suppressed: ReportEntry[];
  /** Counts over all findings, suppressed included, so they add up to `entries.length`. */
  bySeverity: Record<Severity, number>;
  /** Counts over all findings by rule id, keys sorted. */
  byRule: Record<string, number>;
  verdict: Verdict;
}

export function summarize(report: CheckReport): ReportSummary {
  const entries = [...report.findings]
    .sort(compareFindings)
    .map((finding) => ({ finding, blocking: report.blocking(finding) }));
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  const ruleCounts = new Map<string, number>();
  for (const { finding } of entries) {
    bySeverity[finding.severity] += 1;
    ruleCounts.set(finding.ruleId, (ruleCounts.get(finding.ruleId) ?? 0) + 1);
  }
  const byRule: Record<string, number> = {};
  for (const ruleId of [...ruleCounts.keys()].sort(compareText)) byRule[ruleId] = ruleCounts.get(ruleId) ?? 0;
  const blocking = entries.filter((entry) => entry.blocking);
  return {
    entries,
    blocking,
    nonBlocking: entries.filter((entry) => !entry.blocking && entry.finding.suppressed === undefined),
    suppressed: entries.filter((entry) => !entry.blocking && entry.finding.suppressed !== undefined),
    bySeverity,
    byRule,
    verdict: blocking.length > 0 ? 'fail' : 'pass',
  };
}

/**
 * `3 problems (2 blocking: 2 errors), 1 warning, 1 suppressed` or `No problems found in 4 files`.
 * Suppressed findings are not problems: an exception in the config accepted them.
 */
export function summaryLine(summary: ReportSummary, fileCount: number): string {
  const problems = summary.blocking.length + summary.nonBlocking.length;
  const suppressed = summary.suppressed.length > 0 ? `${summary.suppressed.length} suppressed` : '';
  if (problems === 0) {
    const where = fileCount > 0 ? ` in ${count(fileCount, 'file')}` : '';
    return `No problems found${where}${suppressed ? ` (${suppressed})` : ''}`;
  }
  const blocking =
    summary.blocking.length > 0
      ? `${summary.blocking.length} blocking: ${severityCounts(summary.blocking)}`
      : 'none blocking';
  const rest = [summary.nonBlocking.length > 0 ? severityCounts(summary.nonBlocking) : '', suppressed];
  return [`${count(problems, 'problem')} (${blocking})`, ...rest].filter((part) => part !== '').join(', ');
}

/** `2 errors, 1 warning`: severities in order of weight, absent ones left out. */
function severityCounts(entries: readonly ReportEntry[]): string {
  return SEVERITIES.map(
    (severity) => [severity, entries.filter((e) => e.finding.severity === severity).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => count(n, severity))
    .join(', ');
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `infra/app.yaml:14`, or just the file when the line is unknown. */
export function locationLabel(location: SourceLocation | undefined): string | undefined {
  if (location === undefined) return undefined;
  return location.line === undefined ? location.file : `${location.file}:${location.line}`;
}

/** Where a finding's element is: its own line when known (see `Finding.line`), else its policy's. */
export function findingLocation(finding: Pick<Finding, 'line' | 'source'>): SourceLocation | undefined {
  const location = finding.source.location;
  if (location === undefined || finding.line === undefined) return location;
  return { file: location.file, line: finding.line };
}

/**
 * Which policy of an address: `AppRole.Policies[0]` and `AppRole.AssumeRolePolicyDocument` are two
 * policies of one CloudFormation resource, and a reader needs to know which one a path points into.
 */
export function policyLabel(source: PolicySource): string {
  const property = source.property;
  if (property === undefined || property === '') return source.address;
  return property.startsWith('[') ? `${source.address}${property}` : `${source.address}.${property}`;
}

export function compareFindings(a: Finding, b: Finding): number {
  const left = a.source.location;
  const right = b.source.location;
  return (
    compareFile(left?.file, right?.file) ||
    (left?.line ?? 0) - (right?.line ?? 0) ||
    (left?.column ?? 0) - (right?.column ?? 0) ||
    naturalCompare(a.source.address, b.source.address) ||
    naturalCompare(a.source.property ?? '', b.source.property ?? '') ||
    naturalCompare(a.path, b.path) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.message, b.message)
  );
}

/** Findings without a file (a Pulumi resource known only by its URN) come after located ones. */
function compareFile(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return naturalCompare(a, b);
}
