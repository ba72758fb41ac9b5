/**
 * Condition evaluation. Each operator family compares one request value with one policy value
 * (`./string.ts`, `./numeric.ts`, ...); this module adds what IAM layers on top:
 *
 * - all keys of a Condition block must hold (AND); the values of one key are alternatives (OR);
 * - a negated operator (`StringNotEquals`, `NotIpAddress`, ...) is the negation of its positive
 *   form, hence true when the key is absent;
 * - `...IfExists` is true when the key is absent;
 * - `ForAnyValue:` holds when some request value matches (false when the key is absent or empty),
 *   `ForAllValues:` when every request value does (true when absent or empty); with a negated
 *   operator the negation applies per request value;
 * - an operator without a set qualifier facing a multi-valued key matches when any request value
 *   does, and its negated form when none does, so that it stays the exact negation;
 * - `Null: {key: "true"}` holds when the key is absent, `"false"` when it is present.
 *
 * An empty list counts as absent: AWS does not tell "no tags" from "no TagKeys key", and every
 * rule above gives the same answer for both.
 */
import type { BaseOperator } from '../../policy/condition-operators.js';
import type { Condition } from '../../policy/types.js';
import { arnMatchers } from './arn.js';
import { binaryMatchers } from './binary.js';
import { boolMatchers } from './bool.js';
import { dateMatchers } from './date.js';
import { ipAddressMatchers } from './ip-address.js';
import type { ConditionEnv, ValueMatcher } from './matcher.js';
import { numericMatchers } from './numeric.js';
import { stringMatchers } from './string.js';

export type { ConditionEnv } from './matcher.js';

/** The request context as conditions read it: values by key, names compared case-insensitively. */
export interface ConditionContext {
  /** The key's values; undefined when the key is absent or has no values. */
  values(key: string): readonly string[] | undefined;
}

interface OperatorSemantics {
  matcher: ValueMatcher;
  negated: boolean;
}

const positive = (matcher: ValueMatcher): OperatorSemantics => ({ matcher, negated: false });
const negated = (matcher: ValueMatcher): OperatorSemantics => ({ matcher, negated: true });

const OPERATORS: Record<Exclude<BaseOperator, 'Null'>, OperatorSemantics> = {
  StringEquals: positive(stringMatchers.StringEquals),
  StringNotEquals: negated(stringMatchers.StringEquals),
  StringEqualsIgnoreCase: positive(stringMatchers.StringEqualsIgnoreCase),
  StringNotEqualsIgnoreCase: negated(stringMatchers.StringEqualsIgnoreCase),
  StringLike: positive(stringMatchers.StringLike),
  StringNotLike: negated(stringMatchers.StringLike),
  NumericEquals: positive(numericMatchers.NumericEquals),
  NumericNotEquals: negated(numericMatchers.NumericEquals),
  NumericLessThan: positive(numericMatchers.NumericLessThan),
  NumericLessThanEquals: positive(numericMatchers.NumericLessThanEquals),
  NumericGreaterThan: positive(numericMatchers.NumericGreaterThan),
  NumericGreaterThanEquals: positive(numericMatchers.NumericGreaterThanEquals),
  DateEquals: positive(dateMatchers.DateEquals),
  DateNotEquals: negated(dateMatchers.DateEquals),
  DateLessThan: positive(dateMatchers.DateLessThan),
  DateLessThanEquals: positive(dateMatchers.DateLessThanEquals),
  DateGreaterThan: positive(dateMatchers.DateGreaterThan),
  DateGreaterThanEquals: positive(dateMatchers.DateGreaterThanEquals),
  Bool: positive(boolMatchers.Bool),
  BinaryEquals: positive(binaryMatchers.BinaryEquals),
  IpAddress: positive(ipAddressMatchers.IpAddress),
  NotIpAddress: negated(ipAddressMatchers.IpAddress),
  ArnEquals: positive(arnMatchers.ArnEquals),
  ArnLike: positive(arnMatchers.ArnLike),
  ArnNotEquals: negated(arnMatchers.ArnEquals),
  ArnNotLike: negated(arnMatchers.ArnLike),
};

function nullHolds(written: string, present: boolean): boolean {
  const lower = written.toLowerCase();
  return lower === 'true' ? !present : lower === 'false' ? present : false;
}

export function evaluateCondition(
  condition: Condition,
  context: ConditionContext,
  env: ConditionEnv,
): boolean {
  const requestValues = context.values(condition.key);
  if (condition.baseOperator === 'Null') {
    return condition.values.some((written) => nullHolds(written, requestValues !== undefined));
  }
  const semantics = OPERATORS[condition.baseOperator as Exclude<BaseOperator, 'Null'>] as
    OperatorSemantics | undefined;
  // The parser only admits known operators; an unknown one never holds rather than throwing.
  if (!semantics) return false;

  if (requestValues === undefined) {
    if (condition.ifExists) return true;
    if (condition.setQualifier === 'ForAllValues') return true;
    if (condition.setQualifier === 'ForAnyValue') return false;
    return semantics.negated;
  }

  const matchesSome = (requestValue: string) =>
    condition.values.some((written) => semantics.matcher(requestValue, written, env));
  const holdsFor = (requestValue: string) => matchesSome(requestValue) !== semantics.negated;

  if (condition.setQualifier === 'ForAllValues') return requestValues.every(holdsFor);
  if (condition.setQualifier === 'ForAnyValue') return requestValues.some(holdsFor);
  return requestValues.some(matchesSome) !== semantics.negated;
}

/** The first condition of a statement that does not hold, or undefined when all hold (AND). */
export function firstUnmetCondition(
  conditions: readonly Condition[],
  context: ConditionContext,
  env: ConditionEnv,
): Condition | undefined {
  return conditions.find((condition) => !evaluateCondition(condition, context, env));
}
