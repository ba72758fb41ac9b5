/** String operators. `StringLike` globs like a resource pattern: `*` and `?`, case-sensitive. */
import { matchesResource } from '../../policy/glob.js';
import { type ValueMatcher, policyValue } from './matcher.js';

export const stringMatchers = {
  StringEquals: (requestValue, written, env) => policyValue(written, env) === requestValue,
  // ASCII and Unicode letters alike: IAM documents no locale, and toLowerCase needs none.
  StringEqualsIgnoreCase: (requestValue, written, env) =>
    policyValue(written, env)?.toLowerCase() === requestValue.toLowerCase(),
  // Substituted values stay literal, so a `*` inside a tag value cannot widen the pattern.
  StringLike: (requestValue, written, env) =>
    matchesResource(written, requestValue, { version: env.version, variables: env.variable }),
} satisfies Record<string, ValueMatcher>;
