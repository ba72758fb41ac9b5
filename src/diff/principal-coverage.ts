/**
 * Who a resource or trust statement speaks for. `Principal` lists are sets of principals; `NotPrincipal`
 * is everyone but a list. A principal covers another when they are equal, when it is `*`, or when it
 * is an account (a bare id or its `:root`) that the other belongs to.
 *
 * That last rule holds for who a statement can reach, not for what an Allow grants on its own: an
 * account principal delegates to the account's identity policies, while a role or user named
 * directly is granted within its own account without one. Callers that judge an Allow therefore ask
 * without it (`accountCoversMembers = false`) and treat the difference as undecided.
 */
import type { Principal } from '../policy/types.js';

export interface PrincipalSpec {
  mode: 'in' | 'notIn';
  principals: readonly Principal[];
}

/** Equal principals: the same type and value, or the same account however it is written. */
function samePrincipal(a: Principal, b: Principal): boolean {
  if (a.class.kind === 'any' && b.class.kind === 'any') return true;
  if (a.class.kind === 'account' && b.class.kind === 'account')
    return a.class.accountId === b.class.accountId;
  return a.type === b.type && a.value === b.value;
}

/** Whether every caller `inner` stands for is also one `outer` stands for. */
export function principalCovers(outer: Principal, inner: Principal, accountCoversMembers = true): boolean {
  if (outer.class.kind === 'any') return true;
  if (samePrincipal(outer, inner)) return true;
  if (accountCoversMembers && outer.class.kind === 'account' && inner.class.kind === 'iam')
    return outer.class.accountId === inner.class.accountId;
  return false;
}

/**
 * Whether a NotPrincipal list surely leaves `p` out. AWS checks a role or user at each level it may
 * be named at (session, role, account), so listing a role without its account does not exclude it.
 */
function surelyExcluded(list: readonly Principal[], p: Principal): boolean {
  if (!list.some((x) => principalCovers(x, p))) return false;
  if (p.class.kind !== 'iam') return true;
  const account = p.class.accountId;
  return list.some(
    (x) => x.class.kind === 'any' || (x.class.kind === 'account' && x.class.accountId === account),
  );
}

/** Whether the two may stand for a common caller (`true` when unsure). */
export function principalsOverlap(a: Principal, b: Principal): boolean {
  if (principalCovers(a, b) || principalCovers(b, a)) return true;
  if (a.class.kind === 'unknown' || b.class.kind === 'unknown') return true;
  return false;
}

/** Whether every caller of `inner` is a caller of `outer`. Sufficient conditions only. */
export function principalSpecCovers(
  outer: PrincipalSpec,
  inner: PrincipalSpec,
  accountCoversMembers = true,
): boolean {
  // One principal each, as in every identity policy (its own): asked for every grant decided.
  if (
    inner.mode === 'in' &&
    outer.mode === 'in' &&
    inner.principals.length === 1 &&
    outer.principals.length === 1
  )
    return principalCovers(
      outer.principals[0] as Principal,
      inner.principals[0] as Principal,
      accountCoversMembers,
    );
  if (inner.mode === 'in') {
    return inner.principals.every((p) =>
      outer.mode === 'in'
        ? outer.principals.some((o) => principalCovers(o, p, accountCoversMembers))
        : // Everyone but X' holds p when no principal of X' may be p or contain it.
          !outer.principals.some((x) => principalsOverlap(x, p)),
    );
  }
  if (outer.mode === 'in') return outer.principals.some((o) => o.class.kind === 'any');
  // Everyone but X is within everyone but X' when X' ⊆ X. Entry by entry, not by containment:
  // AWS excludes a role only when its account is listed too, so an account in X does not stand in
  // for a role in X'.
  return outer.principals.every((x) => inner.principals.some((y) => samePrincipal(y, x)));
}

/** Whether the two specs may share a caller (`true` when unsure). */
export function principalSpecsOverlap(a: PrincipalSpec, b: PrincipalSpec): boolean {
  if (a.mode === 'in' && b.mode === 'in') {
    if (a.principals.length === 1 && b.principals.length === 1)
      return principalsOverlap(a.principals[0] as Principal, b.principals[0] as Principal);
    return a.principals.some((p) => b.principals.some((q) => principalsOverlap(p, q)));
  }
  if (a.mode === 'notIn' && b.mode === 'notIn') return true;
  const [within, without] = a.mode === 'in' ? [a, b] : [b, a];
  return within.principals.some((p) => !surelyExcluded(without.principals, p));
}
