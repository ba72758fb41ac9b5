import type { Catalog } from '../catalog/index.js';
import { isAlwaysPresentKey } from '../policy/always-present-keys.js';
import type { Condition, Effect, Statement } from '../policy/types.js';
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
 * combinations narrow it (an Allow that applies less, a Deny that applies more).
 *
 * A hole needs requests without the key, so a finding is made only where they are known to exist:
 * a global key AWS does not always include (`aws:SourceVpce` off an endpoint, `aws:PrincipalTag/x`
 * on an untagged principal); a service key that one of the statement's actions never carries; or an
 * S3 request parameter, present only when the request sets it (a ListBucket without `prefix` lists
 * the whole bucket). A service key every action of the statement carries is left alone. Service
 * keys are warnings, global ones errors: AWS's own CodeGuru Reviewer policy fences
 * `codestar-connections:UseConnection` with `ForAllValues` on `ProviderAction` in a statement whose
 * `ListConnections` never carries the key, which looks deliberate. Keys the catalog does not know
 * (identity-provider claims, typos) are left alone: their number of values is unknown.
 */
export const setOperatorSingleValued: PolicyRule = {
  id: 'set-operator-single-valued',
  scope: 'policy',
  defaultSeverity: 'error',
  description:
    'A ForAllValues or ForAnyValue operator on a single-valued key, which grants or spares requests that lack the key.',
  check: ({ policy, catalog }) => {
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      for (const condition of statement.conditions) {
        if (condition.setQualifier === undefined || condition.baseOperator === 'Null') continue;
        if (catalog.isMultivaluedKey(condition.key) !== false) continue;
        const lower = condition.key.toLowerCase();
        // Another condition on the key that fails without it (`Null: false`, a plain operator) already
        // keeps requests without the key out: the form AWS recommends for ForAllValues.
        const guarded = statement.conditions.some(
          (other) =>
            other !== condition &&
            other.key.toLowerCase() === lower &&
            trueWhenKeyAbsent(other) === undefined,
        );
        if (guarded) continue;
        let absentFor: string | undefined;
        if (catalog.isGlobalConditionKey(condition.key)) {
          // Without a request that lacks the key there is no hole, only an odd spelling.
          if (isAlwaysPresentKey(lower)) continue;
        } else {
          absentFor = actionWithoutKey(statement, condition.key, catalog);
          if (absentFor === undefined && !S3_REQUEST_PARAMETERS.has(lower)) continue;
        }
        const message = widening(condition, statement.effect, absentFor);
        if (message === undefined) continue;
        // A service key's absence may be the point (a fence meant for some actions of the statement
        // only, as in AWS's CodeGuru Reviewer policy): worth a look, not a blocked merge.
        const global = catalog.isGlobalConditionKey(condition.key);
        hits.push({ path: condition.path, message, ...(global ? {} : { severity: 'warning' as const }) });
      }
    }
    return hits;
  },
};

/** S3 keys that mirror optional request parameters: absent whenever the request leaves them out. */
const S3_REQUEST_PARAMETERS = new Set(['s3:prefix', 's3:delimiter', 's3:max-keys']);

/**
 * An action of the statement that never carries the key (so every request for it lacks it), or
 * undefined when each one can. A NotAction covers thousands of actions: the first of them without
 * the key is as good an example as any.
 */
function actionWithoutKey(statement: Statement, key: string, catalog: Catalog): string | undefined {
  if (statement.notAction) {
    for (const name of catalog.expandNotAction(statement.notAction.values)) {
      if (!catalog.supportsConditionKey(name, key)) return name;
    }
    return undefined;
  }
  for (const pattern of statement.action?.values ?? []) {
    for (const name of catalog.expand(pattern)) {
      if (!catalog.supportsConditionKey(name, key)) return name;
    }
  }
  return undefined;
}

/** The message when the set operator widens access against the plain one; undefined when it does not. */
function widening(condition: Condition, effect: Effect, absentFor: string | undefined): string | undefined {
  const withSet = trueWhenKeyAbsent(condition) !== undefined;
  const plain: Condition = { ...condition, operator: plainOperator(condition) };
  delete plain.setQualifier;
  const withoutSet = trueWhenKeyAbsent(plain) !== undefined;
  const key = JSON.stringify(condition.key);
  const intro = `${condition.operator} on ${key}, which holds one value,`;
  const why = absentFor === undefined ? '' : ` (${absentFor} never carries it)`;
  if (effect === 'Allow' && withSet && !withoutSet) {
    return `${intro} is true when a request has no ${key}${why}, so this Allow also grants every request without it; use ${plain.operator}, which is false then, or add a Null check on the key`;
  }
  if (effect === 'Deny' && !withSet && withoutSet) {
    // Switching to the plain operator would deny every request without the key, and for a key some
    // of the actions never carry, those actions outright: say so rather than just "use X".
    const scope =
      absentFor === undefined
        ? ''
        : ', and give the actions that never carry the key a statement of their own';
    return `${intro} is false when a request has no ${key}${why}, so this Deny spares every request without it; if it should not, use ${plain.operator}, which is true then${scope}`;
  }
  return undefined;
}

function plainOperator(condition: Condition): string {
  return condition.operator.slice(condition.operator.indexOf(':') + 1);
}
