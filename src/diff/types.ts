/** The public shapes of the semantic diff. See docs/diff.md for what each field means to a reviewer. */
import type { PolicyDocument, PolicyKind } from '../policy/types.js';

/** One parsed policy of a revision and what it is attached to. */
export interface PolicySetEntry {
  /**
   * The IaC address of what the policy belongs to: the role, user or group an identity policy or
   * permissions boundary is attached to, the resource a resource policy protects, or the role whose
   * trust policy it is. Policies with the same `principal` and kind family are evaluated together.
   */
  principal: string;
  kind: PolicyKind;
  policy: PolicyDocument;
  /** Where the policy came from (a PolicySource id or file), copied onto the grants it yields. */
  source?: string;
}

/** One condition key test, as AWS evaluates it: all atoms of a grant must hold (AND), values are OR. */
export interface ConditionAtom {
  /** Canonical operator, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  key: string;
  /** Sorted, deduplicated. */
  values: string[];
}

/**
 * One (principal, action, resource, conditions) tuple. Grants compare and sort by every field but
 * `why` and `source`. The diff's grants carry every field, the optional ones `undefined` when they
 * do not apply (JSON leaves those out), so that they share one object shape.
 */
export interface Grant {
  effect: 'Allow' | 'Deny';
  /** The kind of policy the grant comes from. */
  kind: PolicyKind;
  /** The entry `principal` (IaC address) whose policies hold the grant. */
  attachedTo: string;
  /**
   * Who is allowed: for identity policies and boundaries the attached principal (same as
   * `attachedTo`); for resource and trust policies the statement's principal as written
   * (`*`, `111122223333`, `arn:aws:iam::111122223333:role/x`, `cloudtrail.amazonaws.com`, a
   * federated provider ARN). A NotPrincipal statement gives `*` with `notPrincipal` set.
   */
  principal: string;
  notPrincipal?: string[];
  /**
   * A canonical action name (`s3:GetObject`), an unknown name as written, or, for the actions AWS may
   * add later, the wildcard pattern that would grant them (`s3:Get*`; `*` with `notAction` set for
   * a NotAction statement).
   */
  action: string;
  notAction?: string[];
  /**
   * The resource pattern as written (trust policies: the role's address). A NotResource statement gives
   * `*` with `notResource` set, so a reader who ignores `notResource` over-approximates.
   */
  resource: string;
  notResource?: string[];
  /** The statement's conditions, sorted; empty when unconditional. */
  conditions: ConditionAtom[];
  /** Why this grant is listed, when it is not simply "head allows it and base did not". */
  why?: string;
  source?: string;
}

/** What changed in who may assume a role, in words a reviewer can act on. */
export interface TrustChange {
  /** The role's IaC address. */
  role: string;
  change: 'new-principal' | 'condition-removed' | 'condition-widened' | 'condition-changed';
  /** The trusted principal as written in head. */
  principal: string;
  /** The sts:AssumeRole* actions concerned, sorted. */
  actions: string[];
  /** The condition key concerned, for condition changes. */
  key?: string;
  /** Base's values of `key` (removed, widened, changed). */
  before?: string[];
  /** Head's values of `key` (widened, changed). */
  after?: string[];
  /** Certain (`added`) or only possible (`possible`: a condition the diff cannot compare). */
  certainty: 'added' | 'possible';
  /** E.g. `+ repo:acme/*:ref:* may now assume AppRole (sub widened from repo:acme/infra:ref:refs/heads/main)`. */
  message: string;
}

/** Added grants sharing everything but the action: one row for a human. */
export interface AddedGroup {
  certainty: 'added' | 'possible';
  kind: PolicyKind;
  attachedTo: string;
  principal: string;
  notPrincipal?: string[];
  resource: string;
  notResource?: string[];
  conditions: ConditionAtom[];
  /**
   * Sorted. Future-action patterns (`s3:Get*`) appear next to the concrete names; a NotAction's are
   * written `* except iam:*, sts:*` (see `NOT_ACTION_EXCEPT`).
   */
  actions: string[];
  /** Distinct reasons of the grants in the row, sorted. */
  why: string[];
  /** A request head allows and base does not, checked with the simulator (see `withWitnesses`). */
  witness?: Witness;
}

/**
 * One concrete request an added row stands for: head allows it, base does not, as the local
 * simulator decides on both revisions.
 */
export interface Witness {
  action: string;
  resource: string;
  /** Resource rows: who calls (`*` as a stranger's role, `ANY_CALLER`). */
  principal?: string;
  /** Request context keys the request carries; empty when the row is unconditional. */
  context: Record<string, string>;
  /** What base decides for the request (head allows it). */
  base: 'explicitDeny' | 'implicitDeny';
}

export interface PolicyDiff {
  verdict: 'new-access' | 'no-new-access';
  /** Requests head allows and base did not, for certain. */
  added: Grant[];
  /**
   * Requests base allowed and head does not: the reverse diff, certain and possible together. A new
   * or widened Deny shows up here as the base Allow grants it now blocks.
   */
  removed: Grant[];
  /** Head may allow these and base may not have; the diff cannot decide (see docs/diff.md). */
  possiblyAdded: Grant[];
  trust: TrustChange[];
  /** `added` then `possiblyAdded`, one row per (principal, resource, conditions). */
  groups: AddedGroup[];
  /** Set when the time budget ran out (see `DiffOptions`): says what was listed without comparison. */
  incomplete?: string;
}

/** A three-valued answer: `unknown` means the diff cannot decide and reports "possibly". */
export type Tri = 'yes' | 'no' | 'unknown';

/** Conjunction of two answers: `no` wins, then `unknown`. */
export function bothOf(a: Tri, b: Tri): Tri {
  if (a === 'no' || b === 'no') return 'no';
  return a === 'unknown' || b === 'unknown' ? 'unknown' : 'yes';
}

/** Disjunction: `yes` wins, then `unknown`. */
export function anyOf(values: Iterable<Tri>): Tri {
  let result: Tri = 'no';
  for (const value of values) {
    if (value === 'yes') return 'yes';
    if (value === 'unknown') result = 'unknown';
  }
  return result;
}

/** Whether some item passes: `yes` if any does, else `unknown` if any might, else `no`. */
export function someTri<T>(items: readonly T[], test: (item: T) => Tri): Tri {
  let result: Tri = 'no';
  for (const item of items) {
    const answer = test(item);
    if (answer === 'yes') return 'yes';
    if (answer === 'unknown') result = 'unknown';
  }
  return result;
}

/** Whether every item passes: `no` if any fails, else `unknown` if any might not, else `yes`. */
export function everyTri<T>(items: readonly T[], test: (item: T) => Tri): Tri {
  let result: Tri = 'yes';
  for (const item of items) {
    const answer = test(item);
    if (answer === 'no') return 'no';
    if (answer === 'unknown') result = 'unknown';
  }
  return result;
}
