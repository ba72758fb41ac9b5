/**
 * One revision's policies, grouped by what they are evaluated together for, with every statement
 * compiled into sets the diff can compare: principals, actions (today's and future), resources and
 * conditions.
 *
 * Groups: the identity policies and permissions boundaries of one principal; the resource policies of
 * one resource; the trust policies of one role. Allows from different groups are never combined, and
 * that only ever makes the diff report more (a head Allow already granted through another group's
 * policy in base shows up as added).
 */
import type { PolicyKind, PolicyVersion, Principal, Statement } from '../policy/types.js';
import type { ActionSpec, ActionSpecs } from './action-coverage.js';
import type { ConditionSet } from './condition-implication.js';
import type { PrincipalSpec } from './principal-coverage.js';
import type { ResourceSpec } from './resource-coverage.js';
import type { PolicySetEntry } from './types.js';

export type GroupFamily = 'identity' | 'resource' | 'trust';

export interface CompiledStatement {
  kind: PolicyKind;
  attachedTo: string;
  principals: PrincipalSpec;
  actions: ActionSpec;
  resources: ResourceSpec;
  conditions: ConditionSet;
  statement: Statement;
  source?: string;
  /** For messages: `Statement[1]` or `Statement[1] (sid Deny-Delete)`. */
  label: string;
}

export interface StatementGroup {
  family: GroupFamily;
  attachedTo: string;
  allows: CompiledStatement[];
  /** Denies of every policy kind, boundaries included: each one blocks the principal's requests. */
  denies: CompiledStatement[];
  /** Allows of permissions boundaries, which grant nothing but cap the identity policies. */
  boundaryAllows: CompiledStatement[];
  /** Whether a permissions boundary applies (then only what it allows can be granted). */
  bounded: boolean;
}

export type PolicySet = Map<string, StatementGroup>;

function familyOf(kind: PolicyKind): GroupFamily {
  if (kind === 'resource') return 'resource';
  if (kind === 'trust') return 'trust';
  return 'identity';
}

export function groupKey(family: GroupFamily, attachedTo: string): string {
  return `${family}\u0000${attachedTo}`;
}

/** The caller of an identity policy: the principal it is attached to, known only by its address. */
function selfPrincipal(address: string): Principal {
  return { type: 'AWS', value: address, class: { kind: 'unknown' }, path: '' };
}

const ANYONE: Principal = { type: 'AWS', value: '*', class: { kind: 'any' }, path: '' };

function principalSpec(statement: Statement, kind: PolicyKind, attachedTo: string): PrincipalSpec {
  if (familyOf(kind) === 'identity') return { mode: 'in', principals: [selfPrincipal(attachedTo)] };
  if (statement.notPrincipal) return { mode: 'notIn', principals: statement.notPrincipal };
  // A resource or trust statement without Principal is rejected by AWS; reading it as `*` reports
  // everything it could grant, and a base statement of that shape is dropped so it covers nothing.
  return { mode: 'in', principals: statement.principal ?? [ANYONE] };
}

function resourceSpec(
  statement: Statement,
  kind: PolicyKind,
  attachedTo: string,
  version: PolicyVersion | undefined,
): ResourceSpec {
  // A trust policy's resource is its role.
  if (kind === 'trust') return { mode: 'in', patterns: [attachedTo], version: undefined };
  if (statement.notResource) return { mode: 'notIn', patterns: statement.notResource.values, version };
  return { mode: 'in', patterns: statement.resource?.values ?? ['*'], version };
}

/** `base Statement[1] (DenyDelete) of roles.json#AppPolicy`: which revision, which statement, where. */
export function statementLabel(revision: Revision, statement: Statement, source: string | undefined): string {
  const sid = statement.sid ? ` (${statement.sid})` : '';
  return `${revision} ${statement.path}${sid}${source ? ` of ${source}` : ''}`;
}

export type Revision = 'base' | 'head';

/**
 * `role` says which side of a comparison the revision is on: a principal-less resource statement
 * (which AWS rejects) reads as `*` when it is the newer side's and is dropped when it is the older's,
 * so that either way it is reported rather than covering anything.
 */
export function compilePolicySet(
  entries: readonly PolicySetEntry[],
  specs: ActionSpecs,
  revision: Revision,
  role: 'newer' | 'older',
): PolicySet {
  const groups: PolicySet = new Map();
  for (const entry of entries) {
    const family = familyOf(entry.kind);
    const key = groupKey(family, entry.principal);
    let group = groups.get(key);
    if (!group) {
      group = {
        family,
        attachedTo: entry.principal,
        allows: [],
        denies: [],
        boundaryAllows: [],
        bounded: false,
      };
      groups.set(key, group);
    }
    if (entry.kind === 'boundary') group.bounded = true;
    const version = entry.policy.version;
    for (const statement of entry.policy.statements) {
      const actions = specs.of(statement);
      if (!actions) continue;
      if (role === 'older' && family !== 'identity' && !statement.principal && !statement.notPrincipal)
        continue;
      const compiled: CompiledStatement = {
        kind: entry.kind,
        attachedTo: entry.principal,
        principals: principalSpec(statement, entry.kind, entry.principal),
        actions,
        resources: resourceSpec(statement, entry.kind, entry.principal, version),
        conditions: { conditions: statement.conditions, version },
        statement,
        label: statementLabel(revision, statement, entry.source),
      };
      if (entry.source !== undefined) compiled.source = entry.source;
      if (statement.effect === 'Deny') group.denies.push(compiled);
      else if (entry.kind === 'boundary') group.boundaryAllows.push(compiled);
      else group.allows.push(compiled);
    }
  }
  return groups;
}
