/**
 * Whether a resource policy's Principal or NotPrincipal names the caller, and how.
 *
 * A role ARN names every session of the role (AWS turns it into the role's unique id), an account
 * id or root ARN names every principal of the account, and `"*"` names everyone, anonymous callers
 * included. ARNs compare exactly.
 */
import { parseArn } from '../policy/arn.js';
import { federatedProvider } from '../policy/principal.js';
import type { Principal } from '../policy/types.js';
import { type Caller, callerAccount } from './caller.js';
import type { PrincipalMatch } from './types.js';

/** Stronger matches first: a grant worth more wins when several entries name the caller. */
const STRENGTH: Record<PrincipalMatch, number> = {
  any: 3,
  exact: 3,
  service: 3,
  federated: 3,
  'canonical-user': 3,
  'not-principal': 3,
  role: 2,
  account: 1,
};

function isRoleOfSession(principal: Principal, caller: Extract<Caller, { kind: 'session' }>): boolean {
  const arn = parseArn(principal.value);
  if (!arn || arn.service !== 'iam' || arn.resourceType !== 'role') return false;
  const id = arn.resourceId ?? '';
  return (
    arn.partition === caller.partition &&
    arn.account === caller.accountId &&
    id.slice(id.lastIndexOf('/') + 1) === caller.roleName
  );
}

function entryMatch(principal: Principal, caller: Caller): PrincipalMatch | undefined {
  const cls = principal.class;
  switch (cls.kind) {
    case 'any':
      return 'any';
    case 'account':
      return callerAccount(caller) === cls.accountId && caller.kind !== 'service' ? 'account' : undefined;
    case 'iam':
      if ('arn' in caller && caller.arn === cls.arn) return caller.kind === 'role' ? 'role' : 'exact';
      if (caller.kind === 'session' && isRoleOfSession(principal, caller)) return 'role';
      return undefined;
    case 'service':
      return caller.kind === 'service' && caller.service.toLowerCase() === cls.service.toLowerCase()
        ? 'service'
        : undefined;
    case 'federated':
      return caller.kind === 'federated' &&
        (caller.provider === principal.value || federatedProvider(caller.provider) === cls.provider)
        ? 'federated'
        : undefined;
    case 'canonical-user':
      return caller.kind === 'canonical-user' && caller.id === cls.id ? 'canonical-user' : undefined;
    case 'unknown':
      return undefined;
  }
}

/** The strongest way any of `principals` names the caller; undefined when none does. */
export function matchPrincipal(principals: readonly Principal[], caller: Caller): PrincipalMatch | undefined {
  let best: PrincipalMatch | undefined;
  for (const principal of principals) {
    const match = entryMatch(principal, caller);
    if (match && (!best || STRENGTH[match] > STRENGTH[best])) best = match;
  }
  return best;
}

type Level = 'self' | 'role' | 'account';

/**
 * The identities AWS may check a caller as, one by one: an assumed-role session is checked as the
 * session, its role and its account; a user as itself and its account. AWS's NotPrincipal
 * documentation says to list every one of them, since a Deny applies when any is not excluded.
 */
function levels(caller: Caller): Level[] {
  switch (caller.kind) {
    case 'session':
      return ['self', 'role', 'account'];
    case 'role':
      return ['role', 'account'];
    case 'user':
    case 'other':
      return callerAccount(caller) === undefined ? ['self'] : ['self', 'account'];
    case 'account':
      return ['account'];
    default:
      return ['self'];
  }
}

function namesLevel(principal: Principal, caller: Caller, level: Level): boolean {
  if (principal.class.kind === 'any') return true;
  const match = entryMatch(principal, caller);
  if (level === 'account') return principal.class.kind === 'account' && match === 'account';
  if (level === 'role') return match === 'role';
  return match !== undefined && match !== 'account' && match !== 'role';
}

/** Whether a NotPrincipal list excludes the caller at every level it may be checked at. */
export function notPrincipalExcludes(principals: readonly Principal[], caller: Caller): boolean {
  return levels(caller).every((level) => principals.some((p) => namesLevel(p, caller, level)));
}
