/**
 * A local evaluator of AWS's policy evaluation logic for a request within one account.
 *
 * 1. An explicit Deny in any policy (identity, resource, boundary) decides: `explicitDeny`.
 * 2. A resource-policy Allow that names the caller directly (its user or session ARN, `"*"`, a
 *    service principal) allows on its own: within an account neither a missing identity-policy
 *    Allow nor the permissions boundary limits it.
 * 3. A resource-policy Allow that names the caller's role allows without an identity policy, but
 *    the boundary (when there is one) must allow too. (AWS's flowchart once said otherwise; the
 *    boundary documentation and tests against AWS show the boundary limits grants to a role ARN.)
 * 4. An identity-policy Allow allows when the boundary (when there is one) allows too.
 * 5. Otherwise: `implicitDeny`. A resource-policy Allow naming only the caller's account delegates
 *    to the identity policies, so it does not allow on its own.
 *
 * Not modelled: SCPs and RCPs, session policies, cross-account requests, and service-specific
 * rules (KMS key policies that must name the account before IAM policies count, S3 ACLs).
 */
import type { Condition, PolicyDocument } from '../policy/types.js';
import { parseCaller } from './caller.js';
import {
  describeCondition,
  describeStatement,
  describeStatements,
  principalPhrase,
  requestPhrase,
} from './explain.js';
import { buildRequestContext } from './request-context.js';
import { evaluateStatement } from './statement-match.js';
import type {
  Decision,
  MatchedStatement,
  PrincipalMatch,
  SimulationPolicies,
  SimulationPolicyKind,
  SimulationRequest,
  SimulationResult,
} from './types.js';

const KINDS: readonly SimulationPolicyKind[] = ['identity', 'resource', 'boundary'];

/** Principal matches that grant on their own; see the module comment. */
const DIRECT_GRANTS = new Set<PrincipalMatch>([
  'any',
  'exact',
  'service',
  'federated',
  'canonical-user',
  'not-principal',
]);

interface NearMiss {
  statement: MatchedStatement;
  condition: Condition;
}

interface Verdict {
  decision: Decision;
  deciding: MatchedStatement[];
  reason: string;
}

export function simulate(policies: SimulationPolicies, request: SimulationRequest): SimulationResult {
  const caller = parseCaller(request.principal, request.principalType);
  const context = buildRequestContext(request.context, caller);
  const hasBoundary = (policies.boundary?.length ?? 0) > 0;

  const matched: MatchedStatement[] = [];
  const nearMisses: NearMiss[] = [];
  for (const kind of KINDS) {
    (policies[kind] ?? []).forEach((policy: PolicyDocument, policyIndex) => {
      for (const statement of policy.statements) {
        const scope = { kind, version: policy.version, request, caller, context, hasBoundary };
        const outcome = evaluateStatement(statement, scope);
        if (outcome.kind === 'no-match') continue;
        const entry: MatchedStatement = {
          policyKind: kind,
          policyIndex,
          statementIndex: statement.index,
          path: statement.path,
          effect: statement.effect,
          deciding: false,
        };
        if (statement.sid !== undefined) entry.sid = statement.sid;
        const name = policies.names?.[kind]?.[policyIndex];
        if (name !== undefined) entry.policyName = name;
        if (outcome.principalMatch !== undefined) entry.principalMatch = outcome.principalMatch;
        if (outcome.kind === 'match') matched.push(entry);
        else if (statement.effect === 'Allow')
          nearMisses.push({ statement: entry, condition: outcome.condition });
      }
    });
  }

  const verdict = decide(matched, nearMisses, hasBoundary, request);
  for (const statement of verdict.deciding) statement.deciding = true;
  return { decision: verdict.decision, matched, reason: verdict.reason };
}

function decide(
  matched: MatchedStatement[],
  nearMisses: NearMiss[],
  hasBoundary: boolean,
  request: SimulationRequest,
): Verdict {
  const denies = matched.filter((s) => s.effect === 'Deny');
  if (denies.length > 0) {
    return {
      decision: 'explicitDeny',
      deciding: denies,
      reason: `explicitly denied by ${describeStatements(denies)}`,
    };
  }

  const allows = (kind: SimulationPolicyKind) =>
    matched.filter((s) => s.policyKind === kind && s.effect === 'Allow');
  const resourceAllows = allows('resource');
  const identityAllows = allows('identity');
  const boundaryAllows = allows('boundary');
  const boundaryPermits = !hasBoundary || boundaryAllows.length > 0;
  const within = hasBoundary ? `, within ${describeStatements(boundaryAllows)}` : '';

  const direct = resourceAllows.filter(
    (s) => s.principalMatch !== undefined && DIRECT_GRANTS.has(s.principalMatch),
  );
  const first = direct[0];
  if (first?.principalMatch !== undefined) {
    const names = direct.length === 1 ? `, ${principalPhrase(first.principalMatch)}` : '';
    return {
      decision: 'allowed',
      deciding: direct,
      reason: `allowed by ${describeStatements(direct)}${names}`,
    };
  }

  const viaRole = resourceAllows.filter((s) => s.principalMatch === 'role');
  if (viaRole.length > 0 && boundaryPermits) {
    return {
      decision: 'allowed',
      deciding: [...viaRole, ...boundaryAllows],
      reason: `allowed by ${describeStatements(viaRole)}, ${principalPhrase('role')}${within}`,
    };
  }
  if (identityAllows.length > 0 && boundaryPermits) {
    return {
      decision: 'allowed',
      deciding: [...identityAllows, ...boundaryAllows],
      reason: `allowed by ${describeStatements(identityAllows)}${within}`,
    };
  }
  return { decision: 'implicitDeny', deciding: [], reason: implicitDenyReason(matched, nearMisses, request) };
}

function implicitDenyReason(
  matched: MatchedStatement[],
  nearMisses: NearMiss[],
  request: SimulationRequest,
): string {
  const what = requestPhrase(request.action, request.resource);
  const allows = (kind: SimulationPolicyKind, principal?: PrincipalMatch) =>
    matched.filter(
      (s) =>
        s.policyKind === kind &&
        s.effect === 'Allow' &&
        (principal === undefined || s.principalMatch === principal),
    );

  const identity = allows('identity');
  if (identity.length > 0) {
    return `${describeStatements(identity)} allows ${what}, but no statement of the permissions boundary does`;
  }
  const viaRole = allows('resource', 'role');
  if (viaRole.length > 0) {
    return `${describeStatements(viaRole)} names the caller's role, but no statement of the permissions boundary allows ${what}`;
  }
  const viaAccount = allows('resource', 'account');
  if (viaAccount.length > 0) {
    return `${describeStatements(viaAccount)} names only the caller's account, which leaves the decision to its identity policies, and none allows ${what}`;
  }
  const near = nearMisses.find((miss) => miss.statement.policyKind !== 'boundary');
  const hint = near
    ? ` (${describeStatement(near.statement)} would, but its condition ${describeCondition(near.condition)} is not met)`
    : '';
  return `no statement allows ${what}${hint}`;
}
