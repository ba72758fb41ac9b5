/** Numeric operators: integers and decimals; a value that is not a number matches nothing. */
import { type ValueMatcher, parsedMatcher } from './matcher.js';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : undefined;
}

export const numericMatchers = {
  NumericEquals: parsedMatcher(parseNumber, (request, policy) => request === policy),
  NumericLessThan: parsedMatcher(parseNumber, (request, policy) => request < policy),
  NumericLessThanEquals: parsedMatcher(parseNumber, (request, policy) => request <= policy),
  NumericGreaterThan: parsedMatcher(parseNumber, (request, policy) => request > policy),
  NumericGreaterThanEquals: parsedMatcher(parseNumber, (request, policy) => request >= policy),
} satisfies Record<string, ValueMatcher>;
