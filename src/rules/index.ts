/**
 * The rule registry: explicit, so that the set of rules a run applies is visible in one place and a
 * test can prove every rule has docs and tests. Order here is the order rules run and are listed.
 */
import { actionPrefixWildcard } from './action-prefix-wildcard.js';
import { malformedPolicy } from './malformed-policy.js';
import { notActionAllow } from './not-action-allow.js';
import { notResourceAllow } from './not-resource-allow.js';
import { passRoleUnscoped } from './pass-role-unscoped.js';
import { privilegeEscalation } from './privilege-escalation.js';
import { resourcePolicyPublic } from './resource-policy-public.js';
import { sensitiveActionUnscoped } from './sensitive-action-unscoped.js';
import { setOperatorSingleValued } from './set-operator-single-valued.js';
import { servicePrincipalNoSource } from './service-principal-no-source.js';
import { trustAnyPrincipal } from './trust-any-principal.js';
import { trustOidcUnscoped } from './trust-oidc-unscoped.js';
import { trustUntrustedAccount } from './trust-untrusted-account.js';
import { unknownAction } from './unknown-action.js';
import { unresolvedPolicy } from './unresolved-policy.js';
import { unsupportedConditionKey } from './unsupported-condition-key.js';
import { wildcardAction } from './wildcard-action.js';
import { wildcardResource } from './wildcard-resource.js';
import type { Rule } from './types.js';

export const rules: readonly Rule[] = [
  malformedPolicy,
  unresolvedPolicy,
  wildcardAction,
  actionPrefixWildcard,
  notActionAllow,
  wildcardResource,
  notResourceAllow,
  unknownAction,
  unsupportedConditionKey,
  setOperatorSingleValued,
  passRoleUnscoped,
  privilegeEscalation,
  sensitiveActionUnscoped,
  trustAnyPrincipal,
  trustUntrustedAccount,
  trustOidcUnscoped,
  resourcePolicyPublic,
  servicePrincipalNoSource,
];

export const ruleIds: readonly string[] = rules.map((rule) => rule.id);

export function findRule(id: string): Rule | undefined {
  return rules.find((rule) => rule.id === id);
}

export { lintSources, type LintOptions } from './lint.js';
export type * from './types.js';
