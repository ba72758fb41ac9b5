/**
 * How a condition evaluates when its key is missing from the request. This decides whether a
 * condition on a key the action never supplies locks a statement shut or leaves it wide open.
 */
import { isNegatedOperator } from '../../policy/condition-operators.js';
import type { Condition } from '../../policy/types.js';

/**
 * Why the condition is true without its key, or undefined when it is false then. The order follows
 * AWS's evaluation: `Null` asks about presence itself, `IfExists` short-circuits to true, a set
 * qualifier decides over the empty set (ForAllValues vacuously true, ForAnyValue false), and only a
 * plain operator falls back to its negation.
 */
export function trueWhenKeyAbsent(condition: Condition): string | undefined {
  if (condition.baseOperator === 'Null') {
    return condition.values.some((value) => value.toLowerCase() === 'true')
      ? `Null "true" is true when the key is absent`
      : undefined;
  }
  if (condition.ifExists) return `${condition.operator} is true when the key is absent`;
  if (condition.setQualifier === 'ForAllValues') {
    return `${condition.operator} is true when the key is absent (there are no values to fail)`;
  }
  if (condition.setQualifier === 'ForAnyValue') return undefined;
  if (isNegatedOperator(condition.baseOperator))
    return `${condition.operator} is true when the key is absent`;
  return undefined;
}

const RESOURCE_TAG_KEY = /^[a-z0-9-]+:resourcetag\/./i;
const ONLY_WILDCARDS = /^[*?]*$/;

/**
 * Attribute-based access control: `Resource: "*"` fenced by a positive condition on the resource's
 * tags (`aws:ResourceTag/team`, `secretsmanager:ResourceTag/team`) is AWS's recommended ABAC form,
 * not an unscoped grant. A condition that is true without the tag, or that accepts any tag value,
 * fences nothing.
 */
export function isResourceTagFence(condition: Condition): boolean {
  return (
    RESOURCE_TAG_KEY.test(condition.key) &&
    condition.baseOperator !== 'Null' &&
    trueWhenKeyAbsent(condition) === undefined &&
    !isNegatedOperator(condition.baseOperator) &&
    condition.values.length > 0 &&
    condition.values.every((value) => !ONLY_WILDCARDS.test(value))
  );
}
