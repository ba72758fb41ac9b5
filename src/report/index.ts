/**
 * Report rendering: one `CheckReport`, four faces. Every renderer is a pure function returning
 * the whole output, ending in a newline.
 */
import { type JsonReport, renderJson, toJsonReport } from './render-json.js';
import { GITHUB_COMMENT_LIMIT, type MarkdownRenderOptions, renderMarkdown } from './render-markdown.js';
import {
  FINGERPRINT_KEY,
  type SarifLog,
  type SarifRenderOptions,
  renderSarif,
  toSarifLog,
} from './render-sarif.js';
import { type TextRenderOptions, renderText } from './render-text.js';
import type { CheckReport, ReportFormat } from './types.js';

/** Each option is read by the formats its comment names and ignored by the others. */
export interface RenderOptions
  extends Partial<TextRenderOptions>, SarifRenderOptions, MarkdownRenderOptions {}

export function renderReport(report: CheckReport, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(report, { color: options.color ?? false });
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, { srcRoot: options.srcRoot });
    case 'markdown':
      return renderMarkdown(report, { maxRows: options.maxRows, maxLength: options.maxLength });
    default: {
      const unknown: never = format;
      throw new Error(`unknown report format: ${String(unknown)}`);
    }
  }
}

export type { CheckReport, ReportFormat, RuleDescriptor, Verdict } from './types.js';
export { REPORT_FORMATS } from './types.js';
export {
  FINGERPRINT_KEY,
  GITHUB_COMMENT_LIMIT,
  type JsonReport,
  type MarkdownRenderOptions,
  type SarifLog,
  type SarifRenderOptions,
  type TextRenderOptions,
  renderJson,
  renderMarkdown,
  renderSarif,
  renderText,
  toJsonReport,
  toSarifLog,
};
export { summarize, summaryLine } from './summarize.js';
