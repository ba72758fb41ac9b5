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

  // A policy attached to several principals is one source per principal (escalation needs each
  // principal's whole set) but one document: judge the document once, or every attachment would
  // repeat its findings.
  const documents = new Set<string>();
  const parsed: ParsedSource[] = [];
  for (const source of sources) {
    const key = `${source.location?.file ?? ''}\u0000${source.filePath ?? source.id}`;
    const first = !documents.has(key);
    let problems: PolicyProblem[] = [];
    // An unresolved policy is reported as such; its placeholders would only add parse noise.
    if (source.unresolved === undefined) {
      const result = parsePolicy(source.document, { kind: source.kind });
      if (result.ok) {
        const entry = { source, policy: result.policy };
        parsed.push(entry);
        if (first) {
          for (const rule of policyRules) {
            if (rule.appliesTo && !rule.appliesTo.includes(source.kind)) continue;
            emit(rule, rule.check({ ...entry, catalog, settings }), source);
          }
        }
      } else {
        problems = result.errors;
      }
    }
    if (first) for (const rule of sourceRules) emit(rule, rule.check({ source, problems }), source);
    documents.add(key);
  }

  // Escalation needs all of a principal's identity policies at once: two harmless halves can combine.
  const byPrincipal = new Map<string, ParsedSource[]>();
  for (const entry of parsed) {
    if (entry.source.kind !== 'identity') continue;
    const principal = entry.source.principal ?? entry.source.id;
    const list = byPrincipal.get(principal);
    if (list) list.push(entry);
    else byPrincipal.set(principal, [entry]);
  }
  for (const [principal, policies] of byPrincipal) {
    for (const rule of principalRules) {
      emit(rule, rule.check({ principal, policies, catalog, settings }), policies[0]?.source as PolicySource);
    }
  }

  const order = new Map(sources.map((s, i) => [s.id, i]));
  return findings.sort(
    (a, b) =>
      (order.get(a.source.id) ?? 0) - (order.get(b.source.id) ?? 0) ||
      naturalCompare(a.path, b.path) ||
      compareText(a.ruleId, b.ruleId),
  );
}
