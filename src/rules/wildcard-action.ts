import { eachEntry, isWholeServiceWildcard, splitActionPattern } from './support/action-pattern.js';
import { formatCount, listSome, plural } from './support/describe.js';
import { GRANTING_POLICIES, delegatesToAccounts } from './support/statement-scope.js';
import type { PolicyRule, RuleHit } from './types.js';

/**
 * `*`, `s3:*`, `*:*`: every action of whole services. Only Allow statements: a Deny with `s3:*` is a
 * guardrail. NotAction is `not-action-allow`'s, so that one line gets one finding.
 */
export const wildcardAction: PolicyRule = {
  id: 'wildcard-action',
  scope: 'policy',
  appliesTo: GRANTING_POLICIES,
  defaultSeverity: 'error',
  description: 'An Allow grants every action of a service ("s3:*") or of all services ("*").',
  check: ({ policy, source, catalog }) => {
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow' || delegatesToAccounts(statement, source.kind)) continue;
      for (const { value, path } of eachEntry(statement.action)) {
        if (!isWholeServiceWildcard(value)) continue;
        const actions = catalog.expand(value);
        // A pattern matching no service (`s4:*`) grants nothing today: unknown-action reports it.
        if (actions.length === 0) continue;
        hits.push({
          path,
          message: `${JSON.stringify(value)} grants ${scope(value, actions)}, and any AWS adds later`,
        });
      }
    }
    return hits;
  },
};

function scope(pattern: string, actions: readonly string[]): string {
  const { service } = splitActionPattern(pattern);
  const count = formatCount(actions.length);
  if (/^\*+$/.test(service)) return `all ${count} actions in every service`;
  const services = [...new Set(actions.map((action) => splitActionPattern(action).service))].sort();
  if (services.length === 1) return `all ${count} ${services[0] ?? service} actions`;
  return `all ${count} actions of ${plural(services.length, 'service')} (${listSome(services)})`;
}
