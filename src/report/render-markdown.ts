/**
 * A pull-request comment: the verdict first, the blocking findings in a table, everything else
 * collapsed. Values come from the pull request's own policies, so every cell is escaped: a `|`
 * must not split a row, `*` in `s3:*` must not start emphasis, `${aws:username}` must not become
 * math, `<` must not open HTML, and an `@` in a value must not notify anyone.
 */
import type { Finding } from '../rules/types.js';
import {
  type ReportEntry,
  type ReportSummary,
  count,
  findingLocation,
  locationLabel,
  policyLabel,
  ruleDocsUrl,
  summarize,
  summaryLine,
} from './summarize.js';
import type { CheckReport } from './types.js';

/** GitHub rejects issue and pull-request comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownRenderOptions {
  /** Rows per table (and notes) before `... and N more`. Default 50. */
  maxRows?: number;
  /**
   * Longest comment to produce; rows are halved until it fits. Default 60,000, which leaves the
   * caller room below GitHub's 65,536 for a marker or a footer.
   */
  maxLength?: number;
}

const DEFAULT_MAX_ROWS = 50;
const DEFAULT_MAX_LENGTH = 60_000;
/** One message listing hundreds of actions must not eat the whole comment. */
const MAX_CELL_LENGTH = 500;

export function renderMarkdown(report: CheckReport, options: MarkdownRenderOptions = {}): string {
  const summary = summarize(report);
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  let rows = Math.max(0, Math.floor(options.maxRows ?? DEFAULT_MAX_ROWS));
  for (;;) {
    const markdown = compose(report, summary, rows);
    // With no rows left the comment is a heading, one sentence and "... and N more" lines.
    if (markdown.length <= maxLength || rows === 0) return markdown;
    rows = Math.floor(rows / 2);
  }
}

function compose(report: CheckReport, summary: ReportSummary, maxRows: number): string {
  const blocks: string[] = [];
  const files = report.files.length;
  const problems = summary.blocking.length + summary.nonBlocking.length;

  blocks.push(
    summary.verdict === 'fail'
      ? `## ❌ iam-gate: ${count(summary.blocking.length, 'blocking finding')}`
      : '## ✅ iam-gate: no blocking findings',
  );
  const line = summaryLine(summary, files);
  blocks.push(problems === 0 || files === 0 ? `${line}.` : `Checked ${count(files, 'file')}: ${line}.`);

  if (summary.blocking.length > 0) {
    blocks.push(
      ...table(['Rule', 'Location', 'Address', 'Path', 'Message'], summary.blocking, maxRows, findingCells),
    );
  }
  if (summary.nonBlocking.length > 0) {
    blocks.push(
      ...collapsed(
        count(summary.nonBlocking.length, 'non-blocking finding'),
        table(
          ['Severity', 'Rule', 'Location', 'Address', 'Path', 'Message'],
          summary.nonBlocking,
          maxRows,
          (entry) => [entry.finding.severity, ...findingCells(entry)],
        ),
      ),
    );
  }
  if (summary.suppressed.length > 0) {
    blocks.push(
      ...collapsed(
        count(summary.suppressed.length, 'suppressed finding'),
        table(
          ['Rule', 'Location', 'Address', 'Path', 'Message', 'Reason'],
          summary.suppressed,
          maxRows,
          (entry) => [...findingCells(entry), suppressionCell(entry.finding)],
        ),
      ),
    );
  }
  if (report.notes.length > 0) {
    const shown = report.notes.slice(0, maxRows).map((note) => `- ${escapeMarkdown(truncate(note))}`);
    blocks.push('**Notes**', shown.join('\n'));
    if (report.notes.length > shown.length) blocks.push(andMore(report.notes.length - shown.length));
  }
  return `${blocks.filter((block) => block !== '').join('\n\n')}\n`;
}

function findingCells({ finding }: ReportEntry): string[] {
  const location = locationLabel(findingLocation(finding));
  return [
    `[${escapeMarkdown(finding.ruleId)}](${ruleDocsUrl(finding.ruleId)})`,
    location === undefined ? '—' : codeSpan(location),
    codeSpan(policyLabel(finding.source)),
    finding.path === '' ? '—' : codeSpan(finding.path),
    escapeMarkdown(truncate(finding.message)),
  ];
}

function suppressionCell(finding: Finding): string {
  if (finding.suppressed === undefined) return '';
  const { reason, expires } = finding.suppressed;
  return escapeMarkdown(truncate(expires === undefined ? reason : `${reason} (expires ${expires})`));
}

function table(
  headers: string[],
  entries: readonly ReportEntry[],
  maxRows: number,
  cells: (entry: ReportEntry) => string[],
): string[] {
  const shown = entries.slice(0, maxRows);
  const blocks: string[] = [];
  if (shown.length > 0) {
    const row = (values: string[]) => `| ${values.join(' | ')} |`;
    blocks.push(
      [row(headers), row(headers.map(() => '---')), ...shown.map((entry) => row(cells(entry)))].join('\n'),
    );
  }
  if (entries.length > shown.length) blocks.push(andMore(entries.length - shown.length));
  return blocks;
}

/** GitHub renders markdown inside `<details>` only with blank lines around it. */
function collapsed(summary: string, blocks: string[]): string[] {
  return [`<details>\n<summary>${summary}</summary>`, ...blocks, '</details>'];
}

function andMore(n: number): string {
  return `... and ${n} more`;
}

/**
 * Inline text that renders as itself in a table cell or list item. Backslash escapes cover
 * markdown syntax (and `$`, GitHub's math delimiter); entities cover HTML; a zero-width space
 * after `@` stops GitHub from turning a value into a mention.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[\\`*_[\]|~$]/g, (char) => `\\${char}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@&#8203;')
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/^([-+#=])/, '\\$1');
}

/**
 * A code span that survives a table: the fence is longer than any backtick run inside, and `\|`
 * is the one escape GFM honours inside code spans in tables.
 */
export function codeSpan(text: string): string {
  const flat = truncate(text).replace(/\r\n?|\n/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat.replace(/\|/g, '\\|')}${pad}${fence}`;
}

function truncate(text: string): string {
  if (text.length <= MAX_CELL_LENGTH) return text;
  let end = MAX_CELL_LENGTH - 1;
  // Never cut a surrogate pair in half: GitHub would show a replacement character.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
