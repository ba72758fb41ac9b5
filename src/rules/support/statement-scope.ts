/**
 * What a statement covers, in the terms rules ask about: which concrete actions (wildcards and
 * NotAction expanded through the catalog) and whether a resource pattern is effectively "*".
 */
import type { Catalog } from '../../catalog/index.js';
import { parseArn } from '../../policy/arn.js';
import type { PolicyKind, Statement } from '../../policy/types.js';

/**
 * Concrete actions the statement's Action or NotAction covers today. NotAction covers every action
 * it does not name (and, in AWS, every action added later: rules that care say so themselves).
 * Unknown names contribute nothing; `unknown-action` reports them.
 */
export function coveredActions(statement: Statement, catalog: Catalog): readonly string[] {
  // Several rules ask about the same statement; expanding a NotAction alone touches ~22,000 names.
  const cached = covered.get(statement);
  if (cached !== undefined) return cached;
  const actions = expandStatementActions(statement, catalog);
  covered.set(statement, actions);
  return actions;
}

const covered = new WeakMap<Statement, readonly string[]>();

function expandStatementActions(statement: Statement, catalog: Catalog): readonly string[] {
  if (statement.notAction) return catalog.expandNotAction(statement.notAction.values);
  const patterns = statement.action?.values ?? [];
  if (patterns.length === 1) return catalog.expand(patterns[0] as string);
  const union = new Set<string>();
  const scopable = new Set<string>();
  for (const pattern of patterns) {
    const expanded = catalog.expand(pattern);
    for (const action of expanded) union.add(action);
    // Each pattern's array is shared by every statement using it, so its scopable subset is
    // computed once; the statement's subset is the union of those.
    for (const action of scopableActions(expanded, catalog)) scopable.add(action);
  }
  const actions = [...union].sort();
  scopableCache.set(actions, scopable.size === union.size ? actions : [...scopable].sort());
  return actions;
}

/**
 * The actions that accept named resources, i.e. all but the wildcard-only ones. Memoized on the
 * array: expansions are cached and shared, so many statements hand in the very same array.
 */
export function scopableActions(actions: readonly string[], catalog: Catalog): readonly string[] {
  let scopable = scopableCache.get(actions);
  if (scopable === undefined) {
    scopable = actions.filter((action) => !catalog.isWildcardOnly(action));
    scopableCache.set(actions, scopable);
  }
  return scopable;
}

const scopableCache = new WeakMap<readonly string[], readonly string[]>();

/** True when the statement covers at least one action and every covered action only accepts `Resource: "*"`. */
export function onlyWildcardOnlyActions(actions: readonly string[], catalog: Catalog): boolean {
  return actions.length > 0 && scopableActions(actions, catalog).length === 0;
}

const ALL_WILDCARD = /^[*?]+$/;

/**
 * A resource pattern that matches every resource of its kind in the account: `*`, `arn:*:*:*:*:*`,
 * `arn:aws:s3:::*` (every bucket and, as `*` spans `/`, every object), `arn:aws:dynamodb:*:*:table/*`,
 * `arn:aws:iam::123456789012:role/*`.
 * The resource part is all wildcards, or a literal resource type followed by `/` or `:` and then
 * only wildcards. Region and account are not considered: a policy acts within the accounts it is
 * in, so `arn:aws:lambda:eu-west-1:123456789012:function:*` is every function there.
 */
export function isEffectivelyStar(resource: string): boolean {
  let answer = starCache.get(resource);
  if (answer === undefined) {
    // Bounded: a long-running App process sees an unbounded stream of resource strings.
    if (starCache.size >= 50_000) starCache.clear();
    answer = computeEffectivelyStar(resource);
    starCache.set(resource, answer);
  }
  return answer;
}

const starCache = new Map<string, boolean>();

function computeEffectivelyStar(resource: string): boolean {
  if (ALL_WILDCARD.test(resource)) return true;
  const arn = parseArn(resource);
  if (!arn) return false;
  const wildcards = (text: string) => text.split(/[/:]/).every((segment) => ALL_WILDCARD.test(segment));
  // Typed resources (`table/*`, `function:*`, `role/*`): the type is literal, the rest all wildcards.
  // Untyped ones (S3's `bucket/key`): every segment is a wildcard, so `app-data/*` is one bucket, not all.
  if (arn.resourceType !== undefined && !ALL_WILDCARD.test(arn.resourceType)) {
    return wildcards(arn.resourceId ?? '');
  }
  return wildcards(arn.resource);
}

/** Policies that grant access, as opposed to permission boundaries, which only cap it. */
export const GRANTING_POLICIES: readonly PolicyKind[] = ['identity', 'resource', 'trust'];

/**
 * In a resource policy, granting `svc:*` to whole accounts (`arn:aws:iam::111122223333:root`) is
 * delegation: that account's own IAM policies decide who may do what, and are judged there. It
 * is AWS's default KMS key policy; flagging it would be a false positive on every key.
 */
export function delegatesToAccounts(statement: Statement, kind: PolicyKind): boolean {
  const principals = statement.principal;
  return (
    kind === 'resource' &&
    principals !== undefined &&
    principals.length > 0 &&
    principals.every((p) => p.class.kind === 'account')
  );
}
