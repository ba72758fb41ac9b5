/**
 * Conditions that fence a statement naming a broad principal (`"*"`, a foreign account, a service)
 * down to callers the organisation controls: an org id, an account, a VPC endpoint, a source ARN,
 * an ExternalId. Trust and resource-policy rules share this so "fenced" means the same everywhere.
 *
 * A condition fences only when it is false for callers outside the fence, including callers whose
 * request lacks the key (anonymous callers have no aws:PrincipalOrgID). So negated operators,
 * `...IfExists`, `ForAllValues:` and `Null` never fence an Allow, and a value such as `*` or
 * `o-*` admits everyone again.
 */
import type { Catalog } from '../../catalog/index.js';
import { parseArn } from '../../policy/arn.js';
import { hasWildcard, matchesAction, matchesGlob } from '../../policy/glob.js';
import type { Condition, PolicyDocument, Principal, Statement } from '../../policy/types.js';

/** Case-insensitive set of condition keys, as IAM compares keys. */
export type FenceKeys = ReadonlySet<string>;

function keySet(keys: readonly string[]): FenceKeys {
  return new Set(keys.map((key) => key.toLowerCase()));
}

/**
 * Keys that confine "anyone" to the organisation's own principals, networks or resources. Beyond
 * the keys AWS's data-perimeter guidance names, `kms:CallerAccount` is how KMS key policies grant
 * `{"AWS": "*"}` to one account, and `aws:SourceOwner` is the older spelling of aws:SourceAccount.
 */
export const PUBLIC_FENCE_KEYS: FenceKeys = keySet([
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:SourceOwner',
  'aws:SourceVpce',
  'aws:SourceVpc',
  'aws:SourceVpcArn',
  'aws:SourceIp',
  'aws:VpceAccount',
  'aws:VpceOrgID',
  'aws:VpceOrgPaths',
  'sts:ExternalId',
  'kms:CallerAccount',
]);

/**
 * Keys that make trust in a foreign account safe: an ExternalId only the intended customer knows,
 * or membership of the organisation (an org path starts with the org id, so it fences just as well).
 */
export const CROSS_ACCOUNT_FENCE_KEYS: FenceKeys = keySet([
  'sts:ExternalId',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
]);

/** Keys that tie a service principal to the resource or account it acts for (confused deputy). */
export const SOURCE_FENCE_KEYS: FenceKeys = keySet([
  'aws:SourceArn',
  'aws:SourceAccount',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:SourceOwner',
]);

/** Operators that can only be true for a request carrying a matching value. */
const POSITIVE_OPERATORS = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'ArnEquals',
  'ArnLike',
  'IpAddress',
]);

/** The negated twins of the positive operators: in a Deny they fence everyone outside the values. */
const NEGATED_FENCE_OPERATORS = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'ArnNotEquals',
  'ArnNotLike',
  'NotIpAddress',
]);

/** Operators whose values are globs. ArnEquals and ArnLike both read `*` and `?` as wildcards. */
const GLOB_OPERATORS = new Set([
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
]);

const ALL_WILDCARD = /^[*?]+$/;
const LEADING_WILDCARD = /^[*?]/;

/** Keys whose value is an account id: any wildcard spans accounts the organisation does not own. */
const ACCOUNT_KEYS = keySet([
  'aws:PrincipalAccount',
  'aws:SourceAccount',
  'aws:SourceOwner',
  'aws:VpceAccount',
  'kms:CallerAccount',
]);

/** The literal prefix every value of these keys starts with: `o-*` is every organisation. */
const GENERIC_PREFIXES = new Map<string, string>([
  ['aws:principalorgid', 'o-'],
  ['aws:principalorgpaths', 'o-'],
  ['aws:sourceorgid', 'o-'],
  ['aws:sourceorgpaths', 'o-'],
  ['aws:vpceorgid', 'o-'],
  ['aws:vpceorgpaths', 'o-'],
  ['aws:sourcevpce', 'vpce-'],
  ['aws:sourcevpc', 'vpc-'],
]);

/**
 * Whether one condition value admits callers from anywhere. Under StringEquals a `*` is a literal
 * star (it matches nobody), so only glob operators and CIDR `/0` ranges open a value up.
 */
export function isOpenValue(condition: Condition, value: string): boolean {
  const base = condition.baseOperator;
  if (base === 'IpAddress' || base === 'NotIpAddress') return /\/0$/.test(value.trim());
  if (!GLOB_OPERATORS.has(base) || !hasWildcard(value)) return false;
  // With no literal start, nothing about the value is pinned down.
  if (LEADING_WILDCARD.test(value)) return true;
  const key = condition.key.toLowerCase();
  if (ACCOUNT_KEYS.has(key)) return true;
  const prefix = GENERIC_PREFIXES.get(key);
  if (prefix !== undefined && value.toLowerCase().startsWith(prefix)) {
    return LEADING_WILDCARD.test(value.slice(prefix.length));
  }
  const arn = parseArn(value);
  if (arn) {
    // `arn:aws:iam::*:role/admin` is a role named admin in any account, anyone can create one;
    // `arn:aws:s3:::*` (no account field) is every bucket of everyone.
    if (hasWildcard(arn.account)) return true;
    if (arn.account === '' && ALL_WILDCARD.test(arn.resource)) return true;
  }
  return false;
}

/** A condition on one of `keys` that is false for every caller outside the values it names. */
export function isRestrictingCondition(condition: Condition, keys: FenceKeys): boolean {
  if (!keys.has(condition.key.toLowerCase())) return false;
  if (!POSITIVE_OPERATORS.has(condition.baseOperator)) return false;
  // IfExists and ForAllValues are true when the key is absent: anonymous callers walk through.
  if (condition.ifExists || condition.setQualifier === 'ForAllValues') return false;
  return condition.values.length > 0 && !condition.values.some((value) => isOpenValue(condition, value));
}

export function findRestrictingCondition(statement: Statement, keys: FenceKeys): Condition | undefined {
  return statement.conditions.find((condition) => isRestrictingCondition(condition, keys));
}

/**
 * A Deny condition that holds for every caller outside the values: `StringNotEquals
 * aws:PrincipalOrgID o-123` denies everyone outside the org, and callers without the key too.
 */
function isDenyFence(condition: Condition, keys: FenceKeys): boolean {
  if (!keys.has(condition.key.toLowerCase())) return false;
  if (!NEGATED_FENCE_OPERATORS.has(condition.baseOperator) || condition.setQualifier !== undefined)
    return false;
  return condition.values.length > 0 && !condition.values.some((value) => isOpenValue(condition, value));
}

/**
 * The data-perimeter pattern exempts AWS services from the org fence
 * (`"Bool": {"aws:PrincipalIsAWSService": "false"}`); services still act only where the resource's
 * own configuration sends them, so that exemption does not make the resource public.
 */
function isServiceExemption(condition: Condition): boolean {
  return (
    condition.key.toLowerCase() === 'aws:principalisawsservice' &&
    condition.baseOperator === 'Bool' &&
    condition.setQualifier === undefined &&
    condition.values.length === 1 &&
    condition.values[0]?.toLowerCase() === 'false'
  );
}

function denyAppliesTo(deny: Statement, principal: Principal | undefined): boolean {
  if (!deny.principal) return false;
  return deny.principal.some(
    (candidate) =>
      candidate.class.kind === 'any' ||
      (principal !== undefined && candidate.type === principal.type && candidate.value === principal.value),
  );
}

function denyCoversActions(deny: Statement, allow: Statement, catalog: Catalog): boolean {
  const denies = (action: string): boolean =>
    deny.notAction
      ? !deny.notAction.values.some((pattern) => matchesAction(pattern, action))
      : (deny.action?.values ?? []).some((pattern) => matchesAction(pattern, action));
  const everything = (deny.action?.values ?? []).some((pattern) => ALL_WILDCARD.test(pattern));
  if (everything) return true;
  if (allow.notAction || !allow.action) return false;
  return allow.action.values.every((pattern) => {
    // A deny pattern whose glob covers the allow pattern's text covers all it can expand to.
    if (!deny.notAction && (deny.action?.values ?? []).some((denied) => matchesAction(denied, pattern))) {
      return true;
    }
    const expanded = catalog.expand(pattern);
    return expanded.length > 0 && expanded.every(denies);
  });
}

/** Conservative: a `?` or an inner `*` in the Deny is not assumed to cover an Allow pattern. */
function resourceCovers(denied: string, allowed: string): boolean {
  if (denied === allowed || ALL_WILDCARD.test(denied)) return true;
  if (!hasWildcard(allowed)) return matchesGlob(denied, allowed);
  const star = denied.indexOf('*');
  return star === denied.length - 1 && !denied.includes('?') && allowed.startsWith(denied.slice(0, star));
}

function denyCoversResources(deny: Statement, allow: Statement): boolean {
  // Trust policies have no Resource: the resource is the role itself.
  if (!allow.resource && !allow.notResource) return !deny.resource && !deny.notResource;
  if (!deny.resource) return false;
  const denied = deny.resource.values;
  if (denied.some((pattern) => ALL_WILDCARD.test(pattern))) return true;
  if (!allow.resource) return false;
  return allow.resource.values.every((allowed) => denied.some((pattern) => resourceCovers(pattern, allowed)));
}

/**
 * Whether a Deny in the same policy takes back everything `allow` grants to callers outside a fence:
 * the usual "Allow `*`, Deny unless aws:PrincipalOrgID is ours" bucket policy. `principal` is the
 * broad principal being judged, or undefined for a NotPrincipal statement (then only a Deny naming
 * `*` counts).
 */
export function isFencedByDeny(
  allow: Statement,
  principal: Principal | undefined,
  policy: PolicyDocument,
  keys: FenceKeys,
  catalog: Catalog,
): boolean {
  return policy.statements.some((deny) => {
    if (deny.effect !== 'Deny' || !denyAppliesTo(deny, principal)) return false;
    const fences = deny.conditions.filter((condition) => isDenyFence(condition, keys));
    if (fences.length === 0) return false;
    // Any further condition makes the Deny apply to fewer callers, so it no longer fences all of them.
    if (!deny.conditions.every((condition) => fences.includes(condition) || isServiceExemption(condition))) {
      return false;
    }
    return denyCoversActions(deny, allow, catalog) && denyCoversResources(deny, allow);
  });
}

/** The Allow statement's own conditions fence it, or a Deny of the same policy does. */
export function isFenced(
  allow: Statement,
  principal: Principal | undefined,
  policy: PolicyDocument,
  keys: FenceKeys,
  catalog: Catalog,
): boolean {
  return (
    findRestrictingCondition(allow, keys) !== undefined ||
    isFencedByDeny(allow, principal, policy, keys, catalog)
  );
}

/** `aws:PrincipalOrgID, aws:PrincipalAccount or sts:ExternalId`: a readable hint for messages. */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] as string}`;
}

/**
 * Why the statement's conditions on fence keys do not fence it, for messages: the usual mistake is
 * a condition that looks like a fence but is true for callers without the key.
 */
export function whyNotRestricting(statement: Statement, keys: FenceKeys): string | undefined {
  for (const condition of statement.conditions) {
    if (!keys.has(condition.key.toLowerCase())) continue;
    const what = `${condition.operator} on ${condition.key}`;
    if (NEGATED_FENCE_OPERATORS.has(condition.baseOperator)) {
      return `${what} is true for every caller outside its values, including callers without the key`;
    }
    if (condition.ifExists) return `${what} is true for callers without the key`;
    if (condition.setQualifier === 'ForAllValues') return `${what} is true when the key is absent or empty`;
    const open = condition.values.find((value) => isOpenValue(condition, value));
    if (open !== undefined) return `${what} admits any value with ${JSON.stringify(open)}`;
    if (!POSITIVE_OPERATORS.has(condition.baseOperator)) {
      return `${what} does not limit callers to named values`;
    }
  }
  return undefined;
}
