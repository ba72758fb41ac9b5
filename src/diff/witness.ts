/**
 * A witness for an added row: one concrete request (an action, a resource ARN, a request context)
 * that head allows and base does not, checked with the local simulator on both revisions. A
 * reviewer reads "e.g. s3:DeleteObject on arn:aws:s3:::app-data/example" instead of working out
 * what a pattern admits. The request is built from the row (a catalog action of it, its resource
 * pattern with its wildcards filled in, a context meeting its conditions) and shown only when the
 * simulator confirms it, so a witness is never wrong; a row may have none (future actions only, a
 * NotResource, policy variables, conditions the builder cannot meet, or a base that allows the
 * first requests tried although it does not allow everything the row stands for).
 *
 * Identity rows, and resource rows that name one caller (`*` is shown as a stranger's role, a role
 * or service as itself): what a resource policy grants on its own. An account principal delegates
 * to that account's identity policies, which the diff does not have, so such rows have none; trust
 * rows are told by the trust changes.
 */
import { loadCatalog, type Catalog } from '../catalog/index.js';
import { isAlwaysPresentKey } from '../policy/always-present-keys.js';
import { parseConditionOperator } from '../policy/condition-operators.js';
import { matchesAction, matchesResource } from '../policy/glob.js';
import type { PolicyDocument, Statement } from '../policy/types.js';
import { callerContext, parseCaller } from '../simulate/caller.js';
import { simulate } from '../simulate/index.js';
import type { SimulationPolicies, SimulationRequest } from '../simulate/index.js';
import type { AddedGroup, ConditionAtom, PolicyDiff, PolicySetEntry, Witness } from './types.js';

/** Text put where a pattern has `*` (or the first try) and nothing (the second). */
const FILLERS = ['example', ''];

/** Rows asked about per call at most: each costs a few simulations of the principal's policies. */
export const MAX_WITNESSED_ROWS = 200;

/**
 * The diff with a witness on each added identity row that has one (`AddedGroup.witness`), for the
 * first `MAX_WITNESSED_ROWS` added rows. `base` and `head` are what the diff was given.
 */
export function withWitnesses(
  result: PolicyDiff,
  base: readonly PolicySetEntry[],
  head: readonly PolicySetEntry[],
  catalog: Catalog = loadCatalog(),
): PolicyDiff {
  let asked = 0;
  const groups = result.groups.map((group) => {
    if (group.certainty !== 'added' || asked >= MAX_WITNESSED_ROWS) return group;
    asked += 1;
    const witness = witnessOf(group, base, head, catalog);
    return witness === undefined ? group : { ...group, witness };
  });
  return { ...result, groups };
}

export function witnessOf(
  group: AddedGroup,
  base: readonly PolicySetEntry[],
  head: readonly PolicySetEntry[],
  catalog: Catalog = loadCatalog(),
): Witness | undefined {
  const caller = callerOf(group);
  if (caller === null) return undefined;
  if (group.notResource !== undefined || group.resource.includes('${')) return undefined;
  const action = group.actions.find((name) => catalog.action(name) !== undefined);
  if (action === undefined) return undefined;
  const context = contextMeeting(group.conditions);
  if (context === undefined) return undefined;
  const headPolicies = policiesOf(head, group);
  const basePolicies = policiesOf(base, group);
  for (const filler of FILLERS) {
    const request: SimulationRequest = { action, resource: fill(group.resource, filler), context };
    if (caller !== undefined) request.principal = caller;
    if (restsOnMissingKey(request, [headPolicies, basePolicies])) continue;
    if (simulate(headPolicies, request).decision !== 'allowed') continue;
    const decision = simulate(basePolicies, request).decision;
    if (decision === 'allowed') continue;
    const witness: Witness = { action, resource: request.resource, context, base: decision };
    if (caller !== undefined) witness.principal = caller;
    return witness;
  }
  return undefined;
}

/** A caller no policy names: the stranger `"Principal": "*"` lets in. */
export const ANY_CALLER = 'arn:aws:iam::999999999999:role/example';

/**
 * Who calls in a row's request: nobody in particular for identity rows (undefined), the principal a
 * resource row names (`*` as `ANY_CALLER`), or `null` when there is no single one to show (trust
 * rows, a NotPrincipal, a federated or canonical-user principal, a pattern).
 */
function callerOf(group: AddedGroup): string | undefined | null {
  if (group.kind === 'identity' || group.kind === 'boundary') return undefined;
  if (group.kind !== 'resource' || group.notPrincipal !== undefined) return null;
  const principal = group.principal;
  if (principal === '*') return ANY_CALLER;
  if (principal.includes('*') || principal.includes(',')) return null;
  const looksLikeCaller =
    /^\d{12}$/.test(principal) || principal.startsWith('arn:') || principal.endsWith('.amazonaws.com');
  return looksLikeCaller && !principal.includes(':oidc-provider/') && !principal.includes(':saml-provider/')
    ? principal
    : null;
}

/**
 * Whether a statement that may apply to the request has a condition on a key every real request
 * carries (`aws:PrincipalAccount`, `aws:RequestedRegion`...) and the request lacks: its decision
 * would then say nothing about real requests. Policy variables are not resolved here, so a pattern
 * with one counts as applying.
 */
function restsOnMissingKey(request: SimulationRequest, revisions: readonly SimulationPolicies[]): boolean {
  // The keys the simulator derives from the caller (aws:PrincipalArn...) are in every request too.
  const derived = request.principal === undefined ? {} : callerContext(parseCaller(request.principal));
  const given = new Set(
    [...Object.keys(request.context ?? {}), ...Object.keys(derived)].map((key) => key.toLowerCase()),
  );
  const action = (pattern: string) => matchesAction(pattern, request.action);
  // Only a pattern without a variable surely matches; one with a variable may.
  const surely = (pattern: string) => !pattern.includes('${') && matchesResource(pattern, request.resource);
  const maybe = (pattern: string) => pattern.includes('${') || matchesResource(pattern, request.resource);
  const applies = (statement: Statement) =>
    (statement.action ? statement.action.values.some(action) : !statement.notAction?.values.some(action)) &&
    (statement.resource
      ? statement.resource.values.some(maybe)
      : !statement.notResource?.values.some(surely));
  for (const policies of revisions) {
    for (const policy of [
      ...(policies.identity ?? []),
      ...(policies.boundary ?? []),
      ...(policies.resource ?? []),
    ]) {
      for (const statement of policy.statements) {
        if (!applies(statement)) continue;
        const key = statement.conditions.find(
          (c) => isAlwaysPresentKey(c.key) && !given.has(c.key.toLowerCase()),
        );
        if (key !== undefined) return true;
      }
    }
  }
  return false;
}

/**
 * What a row's request is decided by in a revision: the identity policies and boundary of the
 * principal of an identity row; the resource policies of the resource of a resource row (the
 * caller's own identity policies are not in the diff, so only what the resource policy grants on
 * its own is shown).
 */
function policiesOf(entries: readonly PolicySetEntry[], group: AddedGroup): SimulationPolicies {
  const identity: PolicyDocument[] = [];
  const boundary: PolicyDocument[] = [];
  const resource: PolicyDocument[] = [];
  for (const entry of entries) {
    if (entry.principal !== group.attachedTo) continue;
    if (group.kind === 'resource') {
      if (entry.kind === 'resource') resource.push(entry.policy);
    } else if (entry.kind === 'identity') identity.push(entry.policy);
    else if (entry.kind === 'boundary') boundary.push(entry.policy);
  }
  return { identity, boundary, resource };
}

/** `arn:aws:s3:::app-data/*` as `arn:aws:s3:::app-data/example`; `*` alone stays `*`. */
function fill(pattern: string, filler: string): string {
  if (/^\*+$/.test(pattern)) return '*';
  return pattern.replace(/\*+/g, filler).replace(/\?/g, 'x');
}

/**
 * Request context that meets every atom of a row, or undefined when an atom is beyond this simple
 * construction. A negated operator holds when the key is absent, so it adds nothing; the simulator
 * checks the result in any case.
 */
function contextMeeting(conditions: readonly ConditionAtom[]): Record<string, string> | undefined {
  const context: Record<string, string> = {};
  const present: string[] = [];
  for (const atom of conditions) {
    const parsed = parseConditionOperator(atom.operator);
    const first = atom.values[0];
    if (parsed === undefined || first === undefined) return undefined;
    const value = valueMeeting(parsed.baseOperator, first);
    if (value === null) {
      if (parsed.baseOperator === 'Null' && first.toLowerCase() === 'false') present.push(atom.key);
      continue;
    }
    if (value === undefined) return undefined;
    context[atom.key] = value;
  }
  for (const key of present) context[key] ??= 'example';
  return context;
}

/**
 * A value of a key that meets the operator against `value`; `null` when leaving the key out does
 * (negated operators, `Null`), undefined when this construction has none.
 */
function valueMeeting(operator: string, value: string): string | null | undefined {
  switch (operator) {
    case 'StringEquals':
    case 'StringEqualsIgnoreCase':
    case 'ArnEquals':
    case 'Bool':
    case 'BinaryEquals':
    case 'NumericEquals':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThanEquals':
    case 'DateEquals':
    case 'DateLessThanEquals':
    case 'DateGreaterThanEquals':
      return value;
    case 'StringLike':
    case 'ArnLike':
      return fill(value, 'example');
    case 'NumericLessThan':
    case 'NumericGreaterThan': {
      const bound = Number(value);
      if (!Number.isFinite(bound)) return undefined;
      return String(operator === 'NumericLessThan' ? bound - 1 : bound + 1);
    }
    case 'IpAddress':
      return value.split('/')[0];
    case 'StringNotEquals':
    case 'StringNotEqualsIgnoreCase':
    case 'StringNotLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
    case 'NotIpAddress':
    case 'NumericNotEquals':
    case 'DateNotEquals':
    case 'Null':
      return null;
    default:
      return undefined;
  }
}
