import type { Catalog } from '../catalog/index.js';
import { editDistance } from '../catalog/edit-distance.js';
import type { Condition, Effect, Statement } from '../policy/types.js';
import { trueWhenKeyAbsent } from './support/condition-absence.js';
import { type CoveredActions, coveredActions } from './support/covered-actions.js';
import { describeFirstActions, formatCount } from './support/describe.js';
import type { PolicyRule, RuleHit } from './types.js';

/**
 * A condition key that none of the statement's actions supplies (and that is not global) is absent
 * from every request the statement applies to. AWS does not reject the policy; it evaluates the
 * condition without the key, which either locks the statement shut or, with a negated operator,
 * `IfExists`, `Null: true` or `ForAllValues`, removes the fence entirely.
 */
export const unsupportedConditionKey: PolicyRule = {
  id: 'unsupported-condition-key',
  scope: 'policy',
  defaultSeverity: 'error',
  description:
    "A condition key that none of the statement's actions supplies: the condition never matches, or always does.",
  check: ({ policy, catalog }) => {
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      if (statement.conditions.length === 0) continue;
      const actions = coveredActions(statement, catalog);
      // Nothing known to check against: unknown-action reports the names.
      if (actions.count === 0) continue;
      for (const condition of statement.conditions) {
        if (catalog.isGlobalConditionKey(condition.key)) continue;
        if (actions.supportsConditionKey(condition.key)) continue;
        hits.push({ path: condition.path, message: describe(condition, statement, actions, catalog) });
      }
    }
    return hits;
  },
};

function describe(
  condition: Condition,
  statement: Statement,
  actions: CoveredActions,
  catalog: Catalog,
): string {
  const key = JSON.stringify(condition.key);
  const subject = statement.notAction
    ? `any of the ${formatCount(actions.count)} actions this NotAction covers`
    : describeFirstActions(actions.count, actions.firstNames());
  const what = condition.key.toLowerCase().startsWith('aws:')
    ? `${key} is not an AWS global condition key${didYouMean(closestGlobalKey(condition.key, catalog))}, and ${subject} ${actions.count === 1 ? 'does' : 'do'} not supply it either`
    : `${key} is never present in requests for ${subject}`;
  return `${what}; ${consequence(condition, statement.effect)}`;
}

function consequence(condition: Condition, effect: Effect): string {
  const why = trueWhenKeyAbsent(condition);
  if (why === undefined) {
    return effect === 'Allow'
      ? `with ${condition.operator} the condition never matches, so this Allow never grants anything`
      : `with ${condition.operator} the condition never matches, so this Deny never fires`;
  }
  return effect === 'Allow'
    ? `${why}, so the condition always matches: the fence is gone and the grant is open`
    : `${why}, so the condition always matches and this Deny applies to every request it covers, exempting nothing`;
}

function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`;
}

/** `aws:SourceAcount` -> `aws:SourceAccount`, `aws:PrincipleTag/team` -> `aws:PrincipalTag/team`. */
function closestGlobalKey(key: string, catalog: Catalog): string | undefined {
  const slash = key.indexOf('/');
  let best: { key: string; distance: number } | undefined;
  for (const known of catalog.globalConditionKeys()) {
    // Tag keys are templates (`aws:PrincipalTag/${TagKey}`): compare the part before the tag name.
    const template = known.indexOf('/${');
    if (template >= 0 && slash < 0) continue;
    const written = template >= 0 ? key.slice(0, slash) : key;
    const candidate = template >= 0 ? known.slice(0, template) : known;
    const budget = Math.min(3, Math.max(1, Math.floor(candidate.length / 6)));
    const distance = editDistance(written.toLowerCase(), candidate.toLowerCase(), budget);
    if (distance <= budget && (!best || distance < best.distance)) {
      best = { key: template >= 0 ? `${candidate}${key.slice(slash)}` : known, distance };
    }
  }
  return best?.key;
}
