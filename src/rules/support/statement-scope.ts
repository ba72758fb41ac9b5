/**
 * What a statement covers, in the terms rules ask about: whether a resource pattern is effectively
 * "*", and whom a resource policy grants to. (Which actions it covers: covered-actions.ts.)
 */
import { parseArn } from '../../policy/arn.js';
import type { PolicyKind, Statement } from '../../policy/types.js';
import { RecentStatements } from './covered-actions.js';

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

const starsByStatement = new RecentStatements<readonly number[]>();
const NO_STARS: readonly number[] = [];

/** Positions of the statement's Resource entries that are effectively `*`, ascending. */
export function starResources(statement: Statement): readonly number[] {
  let stars = starsByStatement.get(statement);
  if (stars === undefined) {
    const values = statement.resource?.values ?? [];
    let found: number[] | undefined;
    for (let i = 0; i < values.length; i++)
      if (isEffectivelyStar(values[i] as string)) (found ??= []).push(i);
    stars = found ?? NO_STARS;
    starsByStatement.set(statement, stars);
  }
  return stars;
}

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
