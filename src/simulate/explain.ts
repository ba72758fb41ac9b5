/** The one-sentence reasons, shared by the local simulator and the AWS adapter. */
import type { Condition } from '../policy/types.js';
import type { MatchedStatement, PrincipalMatch, SimulationPolicyKind } from './types.js';

const KIND_LABELS: Record<SimulationPolicyKind, string> = {
  identity: 'identity policy',
  resource: 'resource policy',
  boundary: 'permissions boundary',
};

/** `identity policy 0, Statement[1] (Sid DenyDelete)`, or with a name, `identity policy app.json, ...`. */
export function describeStatement(statement: MatchedStatement): string {
  const label = KIND_LABELS[statement.policyKind];
  const policy =
    statement.policyName !== undefined
      ? `${label} ${statement.policyName}`
      : statement.policyIndex !== undefined
        ? `${label} ${statement.policyIndex}`
        : `${label} ${JSON.stringify(statement.policyId ?? '?')}`;
  const where = statement.path === undefined ? '' : `, ${statement.path}`;
  const sid = statement.sid === undefined || statement.sid === '' ? '' : ` (Sid ${statement.sid})`;
  return `${policy}${where}${sid}`;
}

export function describeStatements(statements: readonly MatchedStatement[]): string {
  return statements.map(describeStatement).join(' and ');
}

const PRINCIPAL_PHRASES: Record<PrincipalMatch, string> = {
  any: 'which allows any principal',
  exact: 'which names the caller',
  role: "which names the caller's role",
  account: "which names the caller's account",
  service: 'which names the service',
  federated: 'which names the identity provider',
  'canonical-user': 'which names the canonical user',
  'not-principal': 'whose NotPrincipal does not exclude the caller',
};

export function principalPhrase(match: PrincipalMatch): string {
  return PRINCIPAL_PHRASES[match];
}

export function describeCondition(condition: Condition): string {
  return `${condition.operator} ${condition.key}`;
}

export function requestPhrase(action: string, resource: string): string {
  return `${action} on ${resource}`;
}
