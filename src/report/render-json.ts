/**
 * Machine-readable output for scripts and other CI systems (`iam-gate check --format json | jq`).
 * The shape is a contract: keys are built in a fixed order, optional keys are left out rather
 * than set to null, and `file` is always present (null when the policy has no file).
 */
import type { PolicyKind } from '../policy/types.js';
import type { Severity } from '../rules/types.js';
import { type ReportEntry, summarize } from './summarize.js';
import type { CheckReport, Verdict } from './types.js';

export interface JsonFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** `Finding.detail` (a review's example request), when there is one. */
  detail?: string;
  file: string | null;
  path: string;
  source: { address: string; kind: PolicyKind; principal?: string; line?: number };
  suppressed?: { reason: string; expires?: string };
  blocking: boolean;
}

export interface JsonSummary {
  files: number;
  policies?: number;
  findings: number;
  blocking: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
  verdict: Verdict;
}

export interface JsonReport {
  findings: JsonFinding[];
  summary: JsonSummary;
  notes: string[];
}

export function toJsonReport(report: CheckReport): JsonReport {
  const summary = summarize(report);
  return {
    findings: summary.entries.map(toJsonFinding),
    summary: {
      files: report.files.length,
      ...(report.policies === undefined ? {} : { policies: report.policies }),
      findings: summary.entries.length,
      blocking: summary.blocking.length,
      bySeverity: { ...summary.bySeverity },
      byRule: { ...summary.byRule },
      verdict: summary.verdict,
    },
    notes: [...report.notes],
  };
}

export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}

function toJsonFinding({ finding, blocking }: ReportEntry): JsonFinding {
  const { source } = finding;
  const line = source.location?.line;
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    ...(finding.detail === undefined ? {} : { detail: finding.detail }),
    file: source.location?.file ?? null,
    path: finding.path,
    source: {
      address: source.address,
      kind: source.kind,
      ...(source.principal === undefined ? {} : { principal: source.principal }),
      ...(line === undefined ? {} : { line }),
    },
    ...(finding.suppressed === undefined
      ? {}
      : {
          suppressed: {
            reason: finding.suppressed.reason,
            ...(finding.suppressed.expires === undefined ? {} : { expires: finding.suppressed.expires }),
          },
        }),
    blocking,
  };
}
