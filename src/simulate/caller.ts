/**
 * Who is calling, read from `SimulationRequest.principal`, and the request context keys AWS
 * derives from the caller (`aws:PrincipalArn`, `aws:PrincipalAccount`, ...).
 */
import { ACCOUNT_ID, parseArn } from '../policy/arn.js';
import type { PrincipalType } from '../policy/types.js';

export type Caller =
  /** No principal given: only `Principal: "*"` names it. */
  | { kind: 'anonymous' }
  /** An account id or its root ARN: some principal of that account. */
  | { kind: 'account'; accountId: string; partition: string }
  | { kind: 'user'; arn: string; accountId: string; partition: string; name: string }
  /** A role ARN: a session of that role whose session name does not matter. */
  | { kind: 'role'; arn: string; accountId: string; partition: string; roleName: string }
  /** `arn:aws:sts::111122223333:assumed-role/RoleName/SessionName`. */
  | { kind: 'session'; arn: string; accountId: string; partition: string; roleName: string }
  /** Any other ARN (a federated-user session, ...): named only by its own ARN or its account. */
  | { kind: 'other'; arn: string; accountId: string; partition: string }
  | { kind: 'service'; service: string }
  | { kind: 'federated'; provider: string }
  | { kind: 'canonical-user'; id: string };

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function parseCaller(principal: string | undefined, type?: PrincipalType): Caller {
  if (principal === undefined || principal === '' || principal === '*') return { kind: 'anonymous' };
  switch (type ?? inferType(principal)) {
    case 'Service':
      return { kind: 'service', service: principal };
    case 'Federated':
      return { kind: 'federated', provider: principal };
    case 'CanonicalUser':
      return { kind: 'canonical-user', id: principal };
    case 'AWS':
      return parseAwsCaller(principal);
  }
}

function inferType(principal: string): PrincipalType {
  return ACCOUNT_ID.test(principal) || principal.startsWith('arn:') ? 'AWS' : 'Service';
}

function parseAwsCaller(principal: string): Caller {
  if (ACCOUNT_ID.test(principal)) return { kind: 'account', accountId: principal, partition: 'aws' };
  const arn = parseArn(principal);
  if (!arn) return { kind: 'other', arn: principal, accountId: '', partition: 'aws' };
  const { partition, account: accountId } = arn;
  if (arn.service === 'iam' && arn.resource === 'root') return { kind: 'account', accountId, partition };
  const id = arn.resourceId ?? '';
  if (arn.service === 'iam' && arn.resourceType === 'user')
    return { kind: 'user', arn: principal, accountId, partition, name: lastSegment(id) };
  if (arn.service === 'iam' && arn.resourceType === 'role')
    return { kind: 'role', arn: principal, accountId, partition, roleName: lastSegment(id) };
  if (arn.service === 'sts' && arn.resourceType === 'assumed-role' && id.includes('/')) {
    const roleName = id.slice(0, id.indexOf('/'));
    return { kind: 'session', arn: principal, accountId, partition, roleName };
  }
  return { kind: 'other', arn: principal, accountId, partition };
}

export function callerAccount(caller: Caller): string | undefined {
  return 'accountId' in caller && caller.accountId !== '' ? caller.accountId : undefined;
}

/**
 * The role ARN a session belongs to. A session ARN does not carry the role's path, so the derived
 * `aws:PrincipalArn` has none: give `aws:PrincipalArn` in the context for a role with a path.
 */
export function sessionRoleArn(caller: Extract<Caller, { kind: 'session' }>): string {
  return `arn:${caller.partition}:iam::${caller.accountId}:role/${caller.roleName}`;
}

/** The global keys AWS puts in every request from this caller; the request's own context wins. */
export function callerContext(caller: Caller): Record<string, string> {
  switch (caller.kind) {
    case 'anonymous':
      return {};
    case 'service':
      return { 'aws:PrincipalServiceName': caller.service, 'aws:PrincipalIsAWSService': 'true' };
    case 'federated':
    case 'canonical-user':
      return {};
    case 'account':
      return {
        'aws:PrincipalArn': `arn:${caller.partition}:iam::${caller.accountId}:root`,
        'aws:PrincipalAccount': caller.accountId,
        'aws:PrincipalType': 'Account',
        'aws:PrincipalIsAWSService': 'false',
      };
    case 'user':
      return {
        'aws:PrincipalArn': caller.arn,
        'aws:PrincipalAccount': caller.accountId,
        'aws:PrincipalType': 'User',
        'aws:username': caller.name,
        'aws:PrincipalIsAWSService': 'false',
      };
    case 'role':
    case 'session':
      return {
        'aws:PrincipalArn': caller.kind === 'role' ? caller.arn : sessionRoleArn(caller),
        'aws:PrincipalAccount': caller.accountId,
        'aws:PrincipalType': 'AssumedRole',
        'aws:PrincipalIsAWSService': 'false',
      };
    case 'other': {
      const keys: Record<string, string> = { 'aws:PrincipalArn': caller.arn };
      if (caller.accountId !== '') keys['aws:PrincipalAccount'] = caller.accountId;
      return keys;
    }
  }
}
