/**
 * Terminal output: findings grouped by the policy they are in, under a `file:line` header that
 * terminals and editors turn into a link, then one summary line and the config notes.
 */
import { styleText } from 'node:util';
import type { PolicySource } from '../extract/types.js';
import type { PolicyKind } from '../policy/types.js';
import type { Finding, Severity } from '../rules/types.js';
import { type ReportEntry, locationLabel, policyLabel, summarize, summaryLine } from './summarize.js';
import type { CheckReport } from './types.js';

export interface TextRenderOptions {
  /** The CLI decides (TTY, NO_COLOR, FORCE_COLOR); when false the output holds no escape codes at all. */
  color: boolean;
}

type Style = Parameters<typeof styleText>[0];
type Format = Exclude<Style, unknown[]>;
type Paint = (style: Style, text: string) => string;

const SEVERITY_STYLE: Record<Severity, Format> = { error: 'red', warning: 'yellow', note: 'cyan' };

const KIND_LABEL: Record<PolicyKind, string> = {
  identity: 'identity policy',
  trust: 'trust policy',
  resource: 'resource policy',
  boundary: 'permissions boundary',
};

const SEVERITY_WIDTH = Math.max(...Object.keys(SEVERITY_STYLE).map((severity) => severity.length));

export function renderText(report: CheckReport, options: TextRenderOptions = { color: false }): string {
  // Node 20's styleText checks process.stdout for colour support, but only for single styles:
  // the caller has already decided, and a pure renderer must not look at the process.
  const paint: Paint = options.color
    ? (style, text) => styleText(style, text, { validateStream: false })
    : (_style, text) => text;
  const summary = summarize(report);
  const lines = findingBlocks(summary.entries, paint);

  const verdictStyle: Style =
    summary.verdict === 'fail'
      ? ['red', 'bold']
      : summary.nonBlocking.length > 0
        ? ['yellow', 'bold']
        : ['green', 'bold'];
  lines.push(paint(verdictStyle, summaryLine(summary, report.files.length)));

  if (report.notes.length > 0) {
    lines.push('', paint('bold', 'Notes:'));
    for (const note of report.notes) lines.push(`  ${printable(note)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The findings, one block per policy (a header line, one line per finding, a blank line): the body
 * of a check report, and of each stack in a review.
 */
export function renderFindingBlocks(
  report: CheckReport,
  options: TextRenderOptions = { color: false },
): string[] {
  const paint: Paint = options.color
    ? (style, text) => styleText(style, text, { validateStream: false })
    : (_style, text) => text;
  return findingBlocks(summarize(report).entries, paint);
}

function findingBlocks(entries: readonly ReportEntry[], paint: Paint): string[] {
  const lines: string[] = [];
  for (const group of groupBySource(entries)) {
    const first = group[0];
    if (first === undefined) continue;
    lines.push(groupHeader(first.finding.source, paint));
    const ruleWidth = Math.max(...group.map((entry) => printable(entry.finding.ruleId).length));
    const pathWidth = Math.max(...group.map((entry) => printable(pathColumn(entry.finding)).length));
    for (const entry of group) lines.push(findingLine(entry, ruleWidth, pathWidth, paint));
    lines.push('');
  }
  return lines;
}

/** Entries arrive sorted by file, line, address and property, so each policy's findings are adjacent. */
function groupBySource(entries: readonly ReportEntry[]): ReportEntry[][] {
  const groups: ReportEntry[][] = [];
  let lastKey: string | undefined;
  for (const entry of entries) {
    const { location, address, property } = entry.finding.source;
    const key = JSON.stringify([location?.file, location?.line, location?.column, address, property]);
    if (key === lastKey) groups.at(-1)?.push(entry);
    else groups.push([entry]);
    lastKey = key;
  }
  return groups;
}

function groupHeader(source: PolicySource, paint: Paint): string {
  const location = locationLabel(source.location);
  const label = policyLabel(source);
  const parts: string[] = [];
  if (location !== undefined) parts.push(paint('bold', printable(location)));
  // A bare policy file's address is its file name: saying it twice helps nobody.
  if (location === undefined || label !== source.location?.file) parts.push(paint('bold', printable(label)));
  const principal =
    source.principal !== undefined && source.principal !== source.address ? ` of ${source.principal}` : '';
  parts.push(paint('dim', printable(`${KIND_LABEL[source.kind]}${principal}`)));
  return parts.join('  ');
}

/** The finding's JSON path, and its own line when that is not the header's (`Statement[0].Resource (line 7)`). */
function pathColumn(finding: Finding): string {
  return finding.line === undefined ? finding.path : `${finding.path} (line ${finding.line})`;
}

function findingLine(entry: ReportEntry, ruleWidth: number, pathWidth: number, paint: Paint): string {
  const { finding } = entry;
  const severity = finding.severity.padEnd(SEVERITY_WIDTH);
  const ruleId = printable(finding.ruleId).padEnd(ruleWidth);
  const path = printable(pathColumn(finding)).padEnd(pathWidth);
  const message = printable(finding.message);
  const columns = (first: string, second: string) =>
    ['', first, second, ...(pathWidth > 0 ? [path] : []), message].join('  ');

  if (finding.suppressed !== undefined && !entry.blocking) {
    const { reason, expires } = finding.suppressed;
    const note = `(suppressed: ${printable(reason)}${expires === undefined ? '' : `; expires ${printable(expires)}`})`;
    return paint('dim', `${columns(severity, ruleId)}  ${note}`);
  }
  const color = SEVERITY_STYLE[finding.severity];
  const severityStyle: Style = entry.blocking ? [color, 'bold'] : color;
  return columns(paint(severityStyle, severity), paint('gray', ruleId));
}

/**
 * Policies come from the pull request under review: an escape sequence in an action name or a
 * resource address must not be able to rewrite the terminal (or hide a finding), and bidi
 * overrides must not reorder what the reader sees.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (char) => {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
