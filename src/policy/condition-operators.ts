/** IAM condition operators: the names AWS accepts and how a written operator decomposes. */
import type { SetQualifier } from './types.js';

export const BASE_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;

export type BaseOperator = (typeof BASE_OPERATORS)[number];

const BY_LOWER_NAME = new Map<string, BaseOperator>(BASE_OPERATORS.map((op) => [op.toLowerCase(), op]));

/**
 * Operators that are true when the key is absent from the request: AWS evaluates the negation of
 * a match that cannot happen. This is what makes `StringNotEquals` on a missing key a hole in an Allow.
 */
const NEGATED = new Set<BaseOperator>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

export interface ParsedOperator {
  /** Canonical spelling of the whole operator, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  baseOperator: BaseOperator;
  setQualifier?: SetQualifier;
  ifExists: boolean;
}

const parsedOperators = new Map<string, ParsedOperator | undefined>();

/**
 * Returns undefined for a name AWS would reject; a different letter case is accepted and
 * canonicalized. Memoized: a policy set uses a handful of operators thousands of times. The result
 * is frozen because it is shared.
 */
export function parseConditionOperator(written: string): ParsedOperator | undefined {
  if (parsedOperators.has(written)) return parsedOperators.get(written);
  const parsed = decomposeOperator(written);
  parsedOperators.set(written, parsed && Object.freeze(parsed));
  return parsed;
}

function decomposeOperator(written: string): ParsedOperator | undefined {
  let rest = written;
  let setQualifier: SetQualifier | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon).toLowerCase();
    if (qualifier === 'foranyvalue') setQualifier = 'ForAnyValue';
    else if (qualifier === 'forallvalues') setQualifier = 'ForAllValues';
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'ifexists'.length);
  }
  const baseOperator = BY_LOWER_NAME.get(rest.toLowerCase());
  // Null already asks "is the key there?": AWS rejects NullIfExists.
  if (!baseOperator || (ifExists && baseOperator === 'Null')) return undefined;
  const operator = `${setQualifier ? `${setQualifier}:` : ''}${baseOperator}${ifExists ? 'IfExists' : ''}`;
  return setQualifier
    ? { operator, baseOperator, setQualifier, ifExists }
    : { operator, baseOperator, ifExists };
}

export function isNegatedOperator(baseOperator: string): boolean {
  return NEGATED.has(baseOperator as BaseOperator);
}
