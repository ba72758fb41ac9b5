import { describe, expect, it } from 'vitest';
import {
  REPORT_FORMATS,
  type ReportFormat,
  renderJson,
  renderMarkdown,
  renderReport,
  renderSarif,
  renderText,
} from '../../src/report/index.js';
import { makeReport } from './report-fixtures.js';

describe('renderReport', () => {
  const report = makeReport();

  it('dispatches to the renderer of each format, passing its options', () => {
    expect(renderReport(report, 'text', { color: true })).toBe(renderText(report, { color: true }));
    expect(renderReport(report, 'json')).toBe(renderJson(report));
    expect(renderReport(report, 'sarif', { srcRoot: '/repo' })).toBe(
      renderSarif(report, { srcRoot: '/repo' }),
    );
    expect(renderReport(report, 'markdown', { maxRows: 1 })).toBe(renderMarkdown(report, { maxRows: 1 }));
  });

  it('renders text without colour unless asked', () => {
    expect(renderReport(report, 'text')).toBe(renderText(report, { color: false }));
    expect(renderReport(report, 'text')).not.toContain('\u001b');
  });

  it('ends every format with exactly one newline', () => {
    for (const format of REPORT_FORMATS) {
      const output = renderReport(report, format);
      expect(output.endsWith('\n') && !output.endsWith('\n\n'), format).toBe(true);
    }
  });

  it('rejects a format it does not know', () => {
    expect(() => renderReport(report, 'html' as ReportFormat)).toThrow('unknown report format: html');
  });
});
