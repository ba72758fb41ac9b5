import type { Catalog } from '../catalog/index.js';
import { splitActionPattern } from './support/action-pattern.js';
import { entryPath } from '../policy/parse-policy.js';
import { type ActionSet, entryActionSets, wildcardEntries } from './support/covered-actions.js';
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
      const action = statement.action;
      if (statement.effect !== 'Allow' || !action || delegatesToAccounts(statement, source.kind)) continue;
      const sets = entryActionSets(statement, catalog);
      for (const i of wildcardEntries(statement, catalog)) {
        const actions = sets[i] as ActionSet;
        // A pattern matching no service (`s4:*`) grants nothing today: unknown-action reports it.
        if (!actions.wholeService || actions.count === 0) continue;
        const value = action.values[i] as string;
        hits.push({
          path: entryPath(action, i),
          message: `${JSON.stringify(value)} grants ${scope(value, actions, catalog)}, and any AWS adds later`,
        });
      }
    }
    return hits;
  },
};

/** Per written pattern: `s3:*` recurs in hundreds of policies, and `*` would list 22,000 names. */
const scopes = new WeakMap<ActionSet, Map<string, string>>();

function scope(pattern: string, actions: ActionSet, catalog: Catalog): string {
  let byPattern = scopes.get(actions);
  if (byPattern === undefined) {
    byPattern = new Map();
    scopes.set(actions, byPattern);
  }
  let text = byPattern.get(pattern);
  if (text === undefined) {
    text = describeScope(pattern, actions, catalog);
    byPattern.set(pattern, text);
  }
  return text;
}

function describeScope(pattern: string, actions: ActionSet, catalog: Catalog): string {
  const { service } = splitActionPattern(pattern);
  const count = formatCount(actions.count);
  if (/^\*+$/.test(service)) return `all ${count} actions in every service`;
  const services = new Set<string>();
  for (const id of actions.ids) services.add(splitActionPattern(catalog.actionName(id)).service);
  const sorted = [...services].sort();
  if (sorted.length === 1) return `all ${count} ${sorted[0] ?? service} actions`;
  return `all ${count} actions of ${plural(sorted.length, 'service')} (${listSome(sorted)})`;
}
