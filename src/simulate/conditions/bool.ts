/** `Bool`: `true` / `false`, in any letter case; other text matches nothing. */
import { type ValueMatcher, parsedMatcher } from './matcher.js';

export function parseBool(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

export const boolMatchers = {
  Bool: parsedMatcher(parseBool, (request, policy) => request === policy),
} satisfies Record<string, ValueMatcher>;
