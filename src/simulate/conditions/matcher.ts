/** What every operator family shares: how a request value is compared with one policy value. */
import { substitutePolicyVariables } from '../../policy/policy-variables.js';
import type { PolicyVersion } from '../../policy/types.js';

export interface ConditionEnv {
  /** The policy's Version: policy variables in condition values are substituted only under 2012-10-17. */
  version: PolicyVersion | undefined;
  /** A single-valued request context key by name (case-insensitive), for policy variables. */
  variable: (name: string) => string | undefined;
}

/**
 * Whether one request value satisfies one policy value under the positive form of an operator
 * (`StringEquals` for `StringNotEquals`): negation and set qualifiers are applied over these answers.
 */
export type ValueMatcher = (requestValue: string, policyValue: string, env: ConditionEnv) => boolean;

/**
 * The policy value after policy-variable substitution; undefined when a variable has neither a
 * value nor a default, and such a policy value matches nothing.
 */
export function policyValue(value: string, env: ConditionEnv): string | undefined {
  return substitutePolicyVariables(value, env.variable, env.version);
}

/** A matcher over values parsed into `T`: a value that does not parse matches nothing. */
export function parsedMatcher<T>(
  parse: (text: string) => T | undefined,
  compare: (request: T, policy: T) => boolean,
): ValueMatcher {
  return (requestValue, written, env) => {
    const substituted = policyValue(written, env);
    if (substituted === undefined) return false;
    const request = parse(requestValue);
    const policy = parse(substituted);
    return request !== undefined && policy !== undefined && compare(request, policy);
  };
}
