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
import type { Condition, PolicyKind, PolicyVersion, Principal, Statement } from '../policy/types.js';
import { FNV_OFFSET, foldAscii, mapKey, mix, sampledHash } from '../util/hash.js';
import type { ActionSpec, ActionSpecs } from './action-coverage.js';
import { sameValueSet, type ConditionSet } from './condition-implication.js';
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
  /** Which revision the statement is of; its label for messages is `labelOf`. */
  revision: Revision;
  /**
   * Two statements with the same meaning grant (or deny) the same requests: `context`, the actions'
   * id and `resources` agree. Labels, sids and sources are left out, since they only word reasons.
   */
  meaning: number;
  /**
   * The policy version, principals and conditions, as a number: what is left once actions and
   * resources are set aside. Equal numbers, equal contexts (see `intern`).
   */
  context: number;
  /** Mode and resource patterns as written, as a number (see `intern`). */
  resourcesId: number;
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

/** Order and repetition never change what a list of patterns or values stands for. */
function setOf(values: readonly string[]): readonly string[] {
  return values.length < 2 ? values : [...new Set(values)].sort();
}

/**
 * The policy version is in the context because it decides whether `${...}` in resources and
 * condition values is a policy variable; effect and kind are implied by the list of the group a
 * statement lands in, and the group by the principal it is attached to. Condition keys are
 * case-insensitive; operators are kept as written.
 */
const IDENTITY_CONTEXT: Record<PolicyVersion | '', string> = {
  '': 'identity',
  '2008-10-17': 'identity 2008-10-17',
  '2012-10-17': 'identity 2012-10-17',
};

function contextKey(
  family: GroupFamily,
  principals: PrincipalSpec,
  statement: Statement,
  version: PolicyVersion | undefined,
): string {
  // An identity policy's principal is the group's own: the same for every statement compared.
  if (family === 'identity' && statement.conditions.length === 0) return IDENTITY_CONTEXT[version ?? ''];
  const conditions = statement.conditions
    .map((c) => JSON.stringify([c.operator, c.key.toLowerCase(), setOf(c.values)]))
    .sort();
  // Each entry is JSON text, which holds no raw control character, so joining entries with U+0000
  // and parts with U+0001 keeps the key unambiguous without quoting the texts again.
  const principalTexts =
    family === 'identity' ? [] : setOf(principals.principals.map((p) => JSON.stringify([p.type, p.value])));
  return [
    version ?? '',
    family === 'identity' ? '' : principals.mode,
    principalTexts.join('\u0000'),
    conditions.join('\u0000'),
  ].join('\u0001');
}

const interned = new Map<string, number>();
let nextId = 1;

/**
 * A number per key text, so that statements compare by a few digits instead of long texts. The map
 * starts over past a bound (keys come from pull requests); numbers are never reused, so a key seen
 * again after that gets a new number and two statements can only look different, never alike.
 */
function intern(key: string): number {
  return numberIn(interned, key);
}

/** The number of `key` in `numbers`, given a new one when it has none (see `intern`). */
function numberIn<K>(numbers: Map<K, number>, key: K): number {
  let id = numbers.get(key);
  if (id === undefined) {
    if (numbers.size >= 50_000) numbers.clear();
    id = nextId++;
    numbers.set(key, id);
  }
  return id;
}

/**
 * Numbers for values of two parts found by a hash and confirmed by `same`, as `intern` gives them to
 * texts: the same bound, the same numbers (never reused, so after a restart a value only looks new).
 * The parts are passed apart so that a lookup that finds its value allocates nothing.
 */
class Interner<A, B> {
  private readonly buckets = new Map<number, { a: A; b: B; id: number }[]>();
  private count = 0;

  constructor(private readonly same: (a1: A, b1: B, a2: A, b2: B) => boolean) {}

  id(anyHash: number, a: A, b: B): number {
    const hash = mapKey(anyHash);
    const bucket = this.buckets.get(hash);
    for (let i = 0; bucket !== undefined && i < bucket.length; i += 1) {
      const entry = bucket[i] as { a: A; b: B; id: number };
      if (this.same(entry.a, entry.b, a, b)) return entry.id;
    }
    if (this.count >= 50_000) {
      this.buckets.clear();
      this.count = 0;
    }
    const entry = { a, b, id: nextId++ };
    this.count += 1;
    if (bucket && this.buckets.has(hash)) bucket.push(entry);
    else this.buckets.set(hash, [entry]);
    return entry.id;
  }
}

/** Identity contexts: a version and the conditions (see `identityContext`). */
const identityContexts = new Interner<PolicyVersion | undefined, readonly Condition[]>(
  (version1, conditions1, version2, conditions2) =>
    version1 === version2 && sameConditions(conditions1, conditions2),
);

/**
 * `intern(contextKey(...))` for an identity statement with conditions, without building the key:
 * the context is the version and the conditions as a multiset of (operator, key case-folded, set
 * of values), found by a hash that ignores their order and confirmed by comparing them. Consecutive
 * revisions repeat most conditions, so most lookups allocate nothing (the keys were a tenth of the
 * diff's garbage over the managed-policy history).
 */
function identityContext(version: PolicyVersion | undefined, conditions: readonly Condition[]): number {
  let hash = version === '2012-10-17' ? 1 : version === '2008-10-17' ? 2 : 3;
  for (let i = 0; i < conditions.length; i += 1)
    hash = (hash + conditionHash(conditions[i] as Condition)) | 0;
  return identityContexts.id(hash, version, conditions);
}

/**
 * Equal for conditions equal in `sameCondition` (values as a set: their least and greatest hash),
 * unless their keys differ in the case of a letter beyond ASCII: those land apart and only look
 * different, which costs a comparison the shortcuts would have skipped.
 */
function conditionHash(condition: Condition): number {
  const { operator, key } = condition;
  let hash = FNV_OFFSET;
  for (let i = 0; i < operator.length; i += 1) hash = mix(hash, operator.charCodeAt(i));
  hash = mix(hash, COLON);
  for (let i = 0; i < key.length; i += 1) hash = mix(hash, foldAscii(key.charCodeAt(i)));
  let least = 0x7fffffff;
  let greatest = -0x80000000;
  for (let i = 0; i < condition.values.length; i += 1) {
    const value = sampledHash(condition.values[i] as string);
    if (value < least) least = value;
    if (value > greatest) greatest = value;
  }
  return mix(mix(hash, least), greatest);
}

const COLON = 0x3a;

/** The same multiset of conditions: each of `a` matched to its own equal one of `b`. */
function sameConditions(a: readonly Condition[], b: readonly Condition[]): boolean {
  if (a.length !== b.length) return false;
  // Which of `b` are matched, as bits: a statement has a handful of conditions (a set past 30).
  let usedBits = 0;
  const usedSet = b.length > 30 ? new Set<number>() : undefined;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as Condition;
    // Usually the same place: revisions keep their conditions in order.
    let j = !isUsed(usedBits, usedSet, i) && sameCondition(x, b[i] as Condition) ? i : -1;
    for (let k = 0; j < 0 && k < b.length; k += 1)
      if (!isUsed(usedBits, usedSet, k) && sameCondition(x, b[k] as Condition)) j = k;
    if (j < 0) return false;
    if (usedSet) usedSet.add(j);
    else usedBits |= 1 << j;
  }
  return true;
}

/**
 * Whether `sameConditions` has matched position `k`. A function of its own rather than a closure
 * over the bits: it runs for every statement with conditions compiled, and a closure per call was
 * a share of the diff's garbage.
 */
function isUsed(bits: number, set: Set<number> | undefined, k: number): boolean {
  return set ? set.has(k) : (bits & (1 << k)) !== 0;
}

function sameCondition(x: Condition, y: Condition): boolean {
  return x.operator === y.operator && sameKey(x.key, y.key) && sameValueSet(x.values, y.values);
}

/** Condition keys compare case-insensitively, as `toLowerCase` folds them. */
function sameKey(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return a.toLowerCase() === b.toLowerCase();
  for (let i = 0; i < a.length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x > 127 || y > 127) return a.toLowerCase() === b.toLowerCase();
    if (foldAscii(x) !== foldAscii(y)) return false;
  }
  return true;
}

/** Lists: a mode and the items, in order. */
const internedLists = new Interner<string, readonly string[]>(
  (mode1, items1, mode2, items2) =>
    mode1 === mode2 && items1.length === items2.length && items1.every((item, i) => item === items2[i]),
);

/**
 * Lists of one item (most statements name one resource), by mode and item: the item's own string
 * hash, which the engine computes natively and keeps, answers without a loop over its characters.
 */
const singleItemLists = { in: new Map<string, number>(), notIn: new Map<string, number>() };

/** The same for lists, found by a hash of every character and confirmed item by item. */
function internList(mode: 'in' | 'notIn', items: readonly string[]): number {
  if (items.length === 1) return numberIn(singleItemLists[mode], items[0] as string);
  let hash = mode === 'in' ? FNV_OFFSET : 1;
  for (const item of items) {
    hash = mix(hash, item.length);
    for (let i = 0; i < item.length; i += 1) hash = mix(hash, item.charCodeAt(i));
  }
  return internedLists.id(hash, mode, items);
}

/** Meanings by context, then actions' id, then resources' id (see `meaningOf`). */
const meanings = new Map<number, Map<number, Map<number, number>>>();
let meaningCount = 0;

/**
 * A number per (context, actions, resources): statements with equal numbers have the same meaning.
 * Looked up by the three numbers rather than a text built of them per statement compiled. Starts
 * over past a bound, as `intern` does (numbers are never reused).
 */
function meaningOf(context: number, actions: number, resources: number): number {
  if (meaningCount >= 50_000) {
    meanings.clear();
    meaningCount = 0;
  }
  let byActions = meanings.get(context);
  if (!byActions) {
    byActions = new Map();
    meanings.set(context, byActions);
  }
  let byResources = byActions.get(actions);
  if (!byResources) {
    byResources = new Map();
    byActions.set(actions, byResources);
  }
  let meaning = byResources.get(resources);
  if (meaning === undefined) {
    meaning = nextId++;
    byResources.set(resources, meaning);
    meaningCount += 1;
  }
  return meaning;
}

/** `base Statement[1] (DenyDelete) of roles.json#AppPolicy`: which revision, which statement, where. */
export function statementLabel(revision: Revision, statement: Statement, source: string | undefined): string {
  const sid = statement.sid ? ` (${statement.sid})` : '';
  return `${revision} ${statement.path}${sid}${source ? ` of ${source}` : ''}`;
}

export type Revision = 'base' | 'head';

/**
 * For messages: `head Statement[1] (Deny-Delete) of roles.json#AppPolicy`. Built when a message
 * needs it: most statements compiled are never named, and a label each was a share of the garbage.
 */
export function labelOf(s: CompiledStatement): string {
  return statementLabel(s.revision, s.statement, s.source);
}

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
    // Every statement of an identity policy speaks for the principal it is attached to.
    const self: PrincipalSpec | undefined =
      family === 'identity' ? { mode: 'in', principals: [selfPrincipal(entry.principal)] } : undefined;
    for (const statement of entry.policy.statements) {
      const actions = specs.of(statement);
      if (!actions) continue;
      if (role === 'older' && speaksForNobody(statement, family)) continue;
      const principals = self ?? principalSpec(statement, entry.kind, entry.principal);
      const resources = resourceSpec(statement, entry.kind, entry.principal, version);
      const context =
        family === 'identity' && statement.conditions.length > 0
          ? identityContext(version, statement.conditions)
          : intern(contextKey(family, principals, statement, version));
      const resourcesId = internList(resources.mode, resources.patterns);
      const compiled: CompiledStatement = {
        kind: entry.kind,
        attachedTo: entry.principal,
        principals,
        actions,
        resources,
        conditions:
          statement.conditions.length === 0
            ? NO_CONDITIONS[version ?? '']
            : { conditions: statement.conditions, version },
        statement,
        revision,
        meaning: meaningOf(context, actions.id, resourcesId),
        context,
        resourcesId,
      };
      if (entry.source !== undefined) compiled.source = entry.source;
      if (statement.effect === 'Deny') group.denies.push(compiled);
      else if (entry.kind === 'boundary') group.boundaryAllows.push(compiled);
      else group.allows.push(compiled);
    }
  }
  return groups;
}

/**
 * The condition set of every statement without conditions, one per policy version: most statements
 * have none, and a set of their own per statement compiled was a share of the diff's garbage. What
 * is kept on a set (its atoms, its grants' atoms) is the same for all of them; its answers as the
 * given set are not kept (see `conditionsImply`).
 */
const NO_CONDITIONS: Record<PolicyVersion | '', ConditionSet> = {
  '': { conditions: Object.freeze([]), version: undefined },
  '2008-10-17': { conditions: Object.freeze([]), version: '2008-10-17' },
  '2012-10-17': { conditions: Object.freeze([]), version: '2012-10-17' },
};

/** A resource or trust statement without Principal, which AWS rejects (see `compilePolicySet`). */
function speaksForNobody(statement: Statement, family: GroupFamily): boolean {
  return family !== 'identity' && !statement.principal && !statement.notPrincipal;
}

/**
 * One revision compiled for both sides of the diff: as the newer side (forward) and as the older one
 * (backward). They differ only in principal-less resource statements, so the statements are compiled
 * once and shared.
 */
export function compilePolicySetRoles(
  entries: readonly PolicySetEntry[],
  specs: ActionSpecs,
  revision: Revision,
): { newer: PolicySet; older: PolicySet } {
  const newer = compilePolicySet(entries, specs, revision, 'newer');
  const keep = (s: CompiledStatement) => !speaksForNobody(s.statement, familyOf(s.kind));
  const older: PolicySet = new Map();
  for (const [key, group] of newer) {
    const pruned = group.allows.every(keep) && group.denies.every(keep) && group.boundaryAllows.every(keep);
    older.set(
      key,
      pruned
        ? group
        : {
            ...group,
            allows: group.allows.filter(keep),
            denies: group.denies.filter(keep),
            boundaryAllows: group.boundaryAllows.filter(keep),
          },
    );
  }
  return { newer, older };
}
