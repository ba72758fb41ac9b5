/**
 * The lint engine: every policy of an inventory through every rule. Pure: sources in, findings out.
 * Parsing happens here, not in extraction, so that a malformed policy becomes a finding on the
 * check run instead of an error that hides every other result.
 */
import { type Catalog, loadCatalog } from '../catalog/index.js';
import type { PolicySource } from '../extract/types.js';
import { parsePolicy } from '../policy/parse-policy.js';
import type { PolicyProblem } from '../policy/types.js';
import { compareText, naturalCompare } from '../util/compare-text.js';
import type { Finding, ParsedSource, Rule, RuleHit, RuleSettings } from './types.js';

export interface LintOptions {
  rules: readonly Rule[];
  settings: RuleSettings;
  catalog?: Catalog;
}

export function lintSources(sources: readonly PolicySource[], options: LintOptions): Finding[] {
  const catalog = options.catalog ?? loadCatalog();
  const { rules, settings } = options;
  const sourceRules = rules.filter((rule) => rule.scope === 'source');
  const policyRules = rules.filter((rule) => rule.scope === 'policy');
  const principalRules = rules.filter((rule) => rule.scope === 'principal');
  const findings: Finding[] = [];
  const byId = new Map(sources.map((s) => [s.id, s]));
  const emit = (rule: Rule, hits: RuleHit[], source: PolicySource): void => {
    for (const hit of hits) {
      findings.push({
        ruleId: rule.id,
        severity: hit.severity ?? rule.defaultSeverity,
        message: hit.message,
        path: hit.path,
        source: (hit.sourceId !== undefined ? byId.get(hit.sourceId) : undefined) ?? source,
      });
    }
  };

  // Escalation needs all of a principal's identity policies at once: two harmless halves can combine.
  // Each principal is judged as soon as its last identity policy has been parsed, so that parsed
  // policies do not pile up until the end of a run over thousands of them (the garbage collector
  // would copy them all, twice, on their way to the old generation).
  const principalOf = (source: PolicySource): string => source.principal ?? source.id;
  const lastPolicyOf = new Map<string, number>();
  sources.forEach((source, index) => {
    if (source.kind === 'identity') lastPolicyOf.set(principalOf(source), index);
  });
  const byPrincipal = new Map<string, ParsedSource[]>();
  const judgePrincipal = (principal: string): void => {
    const policies = byPrincipal.get(principal);
    if (policies === undefined) return;
    byPrincipal.delete(principal);
    for (const rule of principalRules) {
      emit(rule, rule.check({ principal, policies, catalog, settings }), policies[0]?.source as PolicySource);
    }
  };

  // A policy attached to several principals is one source per principal (escalation needs each
  // principal's whole set) but one document: judge the document once, or every attachment would
  // repeat its findings.
  const documents = new Set<string>();
  sources.forEach((source, index) => {
    const key = `${source.location?.file ?? ''}\u0000${source.filePath ?? source.id}`;
    const first = !documents.has(key);
    let problems: PolicyProblem[] = [];
    // An unresolved policy is reported as such; its placeholders would only add parse noise.
    if (source.unresolved === undefined) {
      const result = parsePolicy(source.document, { kind: source.kind });
      if (result.ok) {
        if (source.kind === 'identity') {
          const entry = { source, policy: result.policy };
          const list = byPrincipal.get(principalOf(source));
          if (list) list.push(entry);
          else byPrincipal.set(principalOf(source), [entry]);
        }
        if (first) {
          // One context for every rule: rules are pure and never write to it.
          const context = { source, policy: result.policy, catalog, settings };
          for (const rule of policyRules) {
            if (rule.appliesTo && !rule.appliesTo.includes(source.kind)) continue;
            emit(rule, rule.check(context), source);
          }
        }
      } else {
        problems = result.errors;
      }
    }
    if (first) for (const rule of sourceRules) emit(rule, rule.check({ source, problems }), source);
    documents.add(key);
    if (source.kind === 'identity' && lastPolicyOf.get(principalOf(source)) === index) {
      judgePrincipal(principalOf(source));
    }
  });

  // In source order, then by path and rule. Bucketing by source keeps the costly path comparisons
  // inside each source's few findings instead of a sort over all of them; `sort` is stable, so the
  // order is the one a single sort by (source, path, rule) gives.
  const order = new Map(sources.map((s, i) => [s.id, i]));
  const buckets = new Array<Finding[] | undefined>(sources.length).fill(undefined);
  for (const finding of findings) {
    const index = order.get(finding.source.id) ?? 0;
    const bucket = buckets[index];
    if (bucket) bucket.push(finding);
    else buckets[index] = [finding];
  }
  const sorted: Finding[] = [];
  for (const bucket of buckets) {
    if (!bucket) continue;
    if (bucket.length > 1) bucket.sort(byPathAndRule);
    for (const finding of bucket) sorted.push(finding);
  }
  return sorted;
}

function byPathAndRule(a: Finding, b: Finding): number {
  return (a.path === b.path ? 0 : naturalCompare(a.path, b.path)) || compareText(a.ruleId, b.ruleId);
}
