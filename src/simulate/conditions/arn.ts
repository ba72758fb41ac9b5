/**
 * ARN operators. `ArnEquals` and `ArnLike` behave alike: each of the six colon-separated parts is
 * matched on its own, with `*` and `?` wildcards, case-sensitively. So a `*` in the region part
 * cannot swallow the account, which a whole-string glob would let it do.
 */
import { type Arn, parseArn } from '../../policy/arn.js';
import { matchesResource } from '../../policy/glob.js';
import type { ConditionEnv, ValueMatcher } from './matcher.js';

const PARTS = [
  'partition',
  'service',
  'region',
  'account',
  'resource',
] as const satisfies readonly (keyof Arn)[];

function arnMatches(requestValue: string, written: string, env: ConditionEnv): boolean {
  const options = { version: env.version, variables: env.variable };
  // A policy value that does not even start like an ARN (`*`) is matched as one glob.
  if (!written.startsWith('arn:')) return matchesResource(written, requestValue, options);
  // One with fewer than six parts matches nothing: its star must not stand in for a missing part.
  const pattern = parseArn(written);
  const value = parseArn(requestValue);
  return (
    pattern !== undefined &&
    value !== undefined &&
    PARTS.every((part) => matchesResource(pattern[part], value[part], options))
  );
}

export const arnMatchers = {
  ArnEquals: arnMatches,
  ArnLike: arnMatches,
} satisfies Record<string, ValueMatcher>;
