/**
 * One stack at two revisions, compared: lint both, mark each head finding `introduced` or
 * pre-existing, diff the policies semantically, and turn what the diff found into findings a check
 * run can carry (`trust-regression`, `added-permissions`). Pure: sources in, data out.
 */
import { diff, withWitnesses } from '../diff/index.js';
import type { PolicyDiff, PolicySetEntry, TrustChange } from '../diff/types.js';
import { principalOf, type PolicySource } from '../extract/types.js';
import { parsePolicy } from '../policy/parse-policy.js';
import { actionsText, conditionText, resourceText, witnessText } from '../report/render-diff.js';
import { lintSources } from '../rules/lint.js';
import type { Finding, Rule, RuleSettings, Severity } from '../rules/types.js';

export const CHANGE_RULES = {
  'trust-regression': {
    id: 'trust-regression',
    defaultSeverity: 'error' as Severity,
    description: 'A change lets new principals assume a role, or removes or widens a trust condition.',
  },
  'added-permissions': {
    id: 'added-permissions',
    defaultSeverity: 'note' as Severity,
    description: 'A change grants permissions the base revision did not (informational).',
  },
} as const;

export interface RevisionComparison {
  /** Head's findings, each with `introduced` set, then the change findings (always introduced). */
  findings: Finding[];
  /** Base findings head no longer has: what the change fixed. */
  fixed: Finding[];
  /** Undefined when there is no base (a new stack): everything in head is new anyway. */
  diff?: PolicyDiff;
  /**
   * Head policies whose content is unknown and that differ from base (or are new): the diff cannot
   * say they add nothing, so they count as possibly new access.
   */
  changedUnresolved: PolicySource[];
}

export interface CompareOptions {
  rules: readonly Rule[];
  settings: RuleSettings;
  /** See `DiffOptions.timeBudgetMs`. */
  diffTimeBudgetMs?: number;
}

export function compareRevisions(
  base: readonly PolicySource[] | undefined,
  head: readonly PolicySource[],
  options: CompareOptions,
): RevisionComparison {
  const headFindings = lintSources(head, options);
  const baseFindings = base === undefined ? [] : lintSources(base, options);
  const { introduced, fixed } = matchFindings(baseFindings, headFindings);
  const findings: Finding[] = headFindings.map((finding) => ({
    ...finding,
    introduced: introduced.has(finding),
  }));
  if (base === undefined) return { findings, fixed, changedUnresolved: head.filter((s) => s.unresolved) };

  const baseEntries = policySet(base);
  const headEntries = policySet(head);
  const started = performance.now();
  const compared = diff(baseEntries, headEntries, undefined, { timeBudgetMs: options.diffTimeBudgetMs });
  // Witnesses share the diff's budget: what the diff left of it.
  const left =
    options.diffTimeBudgetMs === undefined
      ? undefined
      : Math.max(0, options.diffTimeBudgetMs - (performance.now() - started));
  const result = withWitnesses(compared, baseEntries, headEntries, { timeBudgetMs: left });
  const changedUnresolved = head.filter((source) => {
    if (source.unresolved === undefined) return false;
    const before = base.find((candidate) => candidate.id === source.id);
    return before === undefined || JSON.stringify(before.document) !== JSON.stringify(source.document);
  });
  const byId = new Map(head.map((source) => [source.id, source]));
  findings.push(...changeFindings(result, head, byId));
  return { findings, fixed, diff: result, changedUnresolved };
}

/**
 * Which head findings base did not have. A finding survives an edit elsewhere in its policy even
 * when its JSON path moves (a statement inserted above it): same rule and policy, and the same
 * path or the same message, is the same finding. Each base finding matches at most one head finding.
 */
export function matchFindings(
  base: readonly Finding[],
  head: readonly Finding[],
): { introduced: Set<Finding>; fixed: Finding[] } {
  const unmatched = new Map<string, Finding[]>();
  for (const finding of base) {
    const key = `${finding.ruleId}\u0000${finding.source.id}`;
    const list = unmatched.get(key);
    if (list) list.push(finding);
    else unmatched.set(key, [finding]);
  }
  const introduced = new Set<Finding>();
  const pending: Finding[] = [];
  // Exact paths first, so that a moved finding does not take the place of one that stayed.
  for (const finding of head) {
    const list = unmatched.get(`${finding.ruleId}\u0000${finding.source.id}`);
    const index =
      list?.findIndex(
        (candidate) => candidate.path === finding.path && candidate.message === finding.message,
      ) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
    else pending.push(finding);
  }
  for (const finding of pending) {
    const list = unmatched.get(`${finding.ruleId}\u0000${finding.source.id}`);
    const index =
      list?.findIndex(
        (candidate) => candidate.path === finding.path || candidate.message === finding.message,
      ) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
    else introduced.add(finding);
  }
  return { introduced, fixed: [...unmatched.values()].flat() };
}

/** The readable policies of a revision, keyed for the diff by what they belong to. */
export function policySet(sources: readonly PolicySource[]): PolicySetEntry[] {
  const entries: PolicySetEntry[] = [];
  for (const source of sources) {
    if (source.unresolved !== undefined) continue;
    const parsed = parsePolicy(source.document, { kind: source.kind });
    // Malformed policies are findings (malformed-policy); the diff compares what AWS would accept.
    if (!parsed.ok) continue;
    entries.push({
      principal: principalOf(source),
      kind: source.kind,
      policy: parsed.policy,
      source: source.id,
    });
  }
  return entries;
}

function changeFindings(
  result: PolicyDiff,
  head: readonly PolicySource[],
  byId: ReadonlyMap<string, PolicySource>,
): Finding[] {
  const findings: Finding[] = [];
  for (const change of result.trust) {
    const source = trustSource(change, head);
    if (source === undefined) continue;
    findings.push({
      ruleId: CHANGE_RULES['trust-regression'].id,
      severity: change.certainty === 'added' ? 'error' : 'warning',
      message: change.message,
      path: '',
      source,
      introduced: true,
    });
  }
  for (const group of result.groups) {
    if (group.kind === 'trust') continue;
    const grant = (group.certainty === 'added' ? result.added : result.possiblyAdded).find(
      (g) => g.attachedTo === group.attachedTo && g.resource === group.resource && g.source !== undefined,
    );
    const source =
      (grant?.source === undefined ? undefined : byId.get(grant.source)) ??
      ownerSource(group.attachedTo, head);
    if (source === undefined) continue;
    const where = resourceText(group);
    const who = group.kind === 'resource' ? ` to ${group.principal}` : '';
    const when = group.conditions.length > 0 ? ` when ${conditionText(group.conditions)}` : '';
    const prefix = group.certainty === 'added' ? '+' : 'possibly +';
    const why = group.certainty === 'possible' && group.why.length > 0 ? ` (${group.why.join('; ')})` : '';
    const finding: Finding = {
      ruleId: CHANGE_RULES['added-permissions'].id,
      severity: 'note',
      message: `${prefix} ${actionsText(group.actions)} on ${where}${who}${when}${why}`,
      path: '',
      source,
      introduced: true,
    };
    if (group.witness !== undefined) finding.detail = witnessText(group.witness);
    findings.push(finding);
  }
  return findings;
}

function trustSource(change: TrustChange, head: readonly PolicySource[]): PolicySource | undefined {
  return (
    head.find((s) => s.kind === 'trust' && principalOf(s) === change.role) ?? ownerSource(change.role, head)
  );
}

function ownerSource(principal: string, head: readonly PolicySource[]): PolicySource | undefined {
  return head.find((s) => principalOf(s) === principal);
}
