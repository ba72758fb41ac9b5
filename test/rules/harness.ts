/** Runs one rule on literal policies, the way the lint engine would, for table-driven rule tests. */
import { loadCatalog } from '../../src/catalog/index.js';
import type { PolicySource } from '../../src/extract/types.js';
import { formatProblem } from '../../src/policy/json-path.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { PolicyKind } from '../../src/policy/types.js';
import type {
  ParsedSource,
  PolicyRule,
  PrincipalRule,
  RuleHit,
  RuleSettings,
} from '../../src/rules/types.js';

export const noSettings: RuleSettings = { ownAccounts: [], trustedAccounts: [], allowedOidcSubjects: [] };

export function source(document: unknown, kind: PolicyKind = 'identity', id = 'policy.json'): PolicySource {
  return { id, kind, address: id, principal: 'AppRole', document };
}

export function parsed(document: unknown, kind: PolicyKind = 'identity', id = 'policy.json'): ParsedSource {
  const result = parsePolicy(document, { kind });
  if (!result.ok)
    throw new Error(`test policy does not parse:\n${result.errors.map(formatProblem).join('\n')}`);
  return { source: source(document, kind, id), policy: result.policy };
}

/** Shorthand: a 2012-10-17 policy of the given statements. */
export function policy(...statements: object[]): object {
  return { Version: '2012-10-17', Statement: statements };
}

export function runPolicyRule(
  rule: PolicyRule,
  document: unknown,
  options: { kind?: PolicyKind; settings?: Partial<RuleSettings> } = {},
): RuleHit[] {
  return rule.check({
    ...parsed(document, options.kind ?? 'identity'),
    catalog: loadCatalog(),
    settings: { ...noSettings, ...options.settings },
  });
}

export function runPrincipalRule(
  rule: PrincipalRule,
  documents: unknown[],
  options: { settings?: Partial<RuleSettings> } = {},
): RuleHit[] {
  return rule.check({
    principal: 'AppRole',
    policies: documents.map((document, i) => parsed(document, 'identity', `policy-${i}.json`)),
    catalog: loadCatalog(),
    settings: { ...noSettings, ...options.settings },
  });
}
