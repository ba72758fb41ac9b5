/**
 * What the renderers receive. A report is the outcome of one `check` (later one `review`): findings
 * plus what a reader needs to judge them. Policy decisions (what blocks a merge) arrive as a
 * predicate, so every output format agrees with the exit code by construction.
 */
import type { Finding, Severity } from '../rules/types.js';

/** The metadata of a rule that ran; every `Rule` satisfies it. */
export interface RuleDescriptor {
  id: string;
  defaultSeverity: Severity;
  description: string;
}

export interface CheckReport {
  tool: { name: 'iam-gate'; version: string };
  findings: Finding[];
  /** Every rule that ran, found something or not: SARIF lists them so code scanning can close fixed alerts. */
  rules: RuleDescriptor[];
  /** The input files that were checked. */
  files: string[];
  /** How many policies the files held, when the caller counted them. */
  policies?: number;
  /** Configuration notes for the reader (an expired exception, an exception that matched nothing). */
  notes: string[];
  /** Decided by the configuration; renderers only display the decision. */
  blocking: (finding: Finding) => boolean;
}

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type Verdict = 'pass' | 'fail';
