import type { Severity } from '../rules/types.js';

const SEVERITY_RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

/** Orders severities for `failOn`: a finding blocks when its rank reaches the threshold's. */
export function severityRank(value: Severity): number {
  return SEVERITY_RANK[value];
}
