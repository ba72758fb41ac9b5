import type { Condition, Effect } from '../policy/types.js';
import { trueWhenKeyAbsent } from './support/condition-absence.js';
import type { PolicyRule, RuleHit } from './types.js';

/**
 * `ForAllValues:` and `ForAnyValue:` compare sets of values; on a key that holds one value they
 * differ from the plain operator only when the request lacks the key, and there they can open a
 * hole. `ForAllValues` is true without the key, so an Allow fenced by
 * `ForAllValues:StringEquals {"aws:SourceVpce": ...}` also grants requests that come through no VPC
 * endpoint at all. `ForAnyValue` is false without the key, so a Deny on
 * `ForAnyValue:StringNotEquals {"aws:SourceVpce": ...}` spares exactly those requests, which
 * `StringNotEquals` would deny. Only these two widen access, so only they are reported; the other
 * combinations narrow it (an Allow that applies less, a Deny that applies more). Keys the catalog
 * does not know (identity-provider claims, typos) are left alone: whether they hold several values
 * is not known.
 *
 * Global keys are errors: AWS documents when each is absent (`aws:SourceVpce` off an endpoint,
 * `aws:PrincipalTag/x` on an untagged principal), so the hole is real. A service key is a warning:
 * the actions that define it mostly always supply it, and AWS's own policies use `ForAllValues` on
 * some keys the catalog types as single-valued (`codestar-connections:ProviderAction`), while
 * others do go missing (`s3:prefix` on a ListBucket without a prefix lists the whole bucket).
 */
export const setOperatorSingleValued: PolicyRule = {
  id: 'set-operator-single-valued',
  scope: 'policy',
  defaultSeverity: 'warning',
  description:
    'A ForAllValues or ForAnyValue operator on a single-valued key, which grants or spares requests that lack the key.',
  check: ({ policy, catalog }) => {
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      for (const condition of statement.conditions) {
        if (condition.setQualifier === undefined || condition.baseOperator === 'Null') continue;
        if (catalog.isMultivaluedKey(condition.key) !== false) continue;
        const message = widening(condition, statement.effect);
        if (message === undefined) continue;
        const global = catalog.isGlobalConditionKey(condition.key);
        hits.push({ path: condition.path, message, ...(global ? { severity: 'error' as const } : {}) });
      }
    }
    return hits;
  },
};

/** The message when the set operator widens access against the plain one; undefined when it does not. */
function widening(condition: Condition, effect: Effect): string | undefined {
  const withSet = trueWhenKeyAbsent(condition) !== undefined;
  const plain: Condition = { ...condition, operator: plainOperator(condition) };
  delete plain.setQualifier;
  const withoutSet = trueWhenKeyAbsent(plain) !== undefined;
  const key = JSON.stringify(condition.key);
  const intro = `${condition.operator} on ${key}, which holds one value,`;
  if (effect === 'Allow' && withSet && !withoutSet) {
    return `${intro} is true when a request has no ${key}, so this Allow also grants every request without it; use ${plain.operator} (with a Null check if the key must be present)`;
  }
  if (effect === 'Deny' && !withSet && withoutSet) {
    return `${intro} is false when a request has no ${key}, so this Deny spares every request without it, which ${plain.operator} would deny; use ${plain.operator}`;
  }
  return undefined;
}

function plainOperator(condition: Condition): string {
  return condition.operator.slice(condition.operator.indexOf(':') + 1);
}
