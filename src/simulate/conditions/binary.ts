/**
 * `BinaryEquals`: both the policy value and the request value are base64; they are compared as the
 * bytes they encode, so padding and line breaks do not matter. Text that is not base64 matches nothing.
 */
import { type ValueMatcher, parsedMatcher } from './matcher.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

export function parseBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  return BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined;
}

export const binaryMatchers = {
  BinaryEquals: parsedMatcher(parseBase64, (request, policy) => request.equals(policy)),
} satisfies Record<string, ValueMatcher>;
