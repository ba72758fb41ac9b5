/** Whether one statement applies to a request: action, resource, principal, then conditions. */
import { matchesAction, matchesResource } from '../policy/glob.js';
import type { Condition, Entries, PolicyVersion, Statement } from '../policy/types.js';
import type { Caller } from './caller.js';
import { firstUnmetCondition } from './conditions/index.js';
import { matchPrincipal, notPrincipalExcludes } from './principal-match.js';
import type { RequestContext } from './request-context.js';
import type { PrincipalMatch, SimulationPolicyKind, SimulationRequest } from './types.js';

export interface StatementScope {
  kind: SimulationPolicyKind;
  version: PolicyVersion | undefined;
  request: SimulationRequest;
  caller: Caller;
  context: RequestContext;
  /** Whether the caller has a permissions boundary: it changes what NotPrincipal does. */
  hasBoundary: boolean;
}

export type StatementOutcome =
  | { kind: 'match'; principalMatch?: PrincipalMatch }
  /** Everything but a condition matched: the explanation names the condition. */
  | { kind: 'unmet-condition'; condition: Condition; principalMatch?: PrincipalMatch }
  | { kind: 'no-match' };

const NO_MATCH: StatementOutcome = { kind: 'no-match' };

/** Whether the statement's Action (or NotAction) covers the action; neither covers nothing. */
export function matchesActionElement(statement: Statement, action: string): boolean {
  const listed = (entries: Entries) => entries.values.some((pattern) => matchesAction(pattern, action));
  if (statement.action) return listed(statement.action);
  if (statement.notAction) return !listed(statement.notAction);
  return false;
}

function matchesResourceElement(statement: Statement, scope: StatementScope): boolean {
  const options = { version: scope.version, variables: scope.context.variable };
  // An unresolvable policy variable makes its pattern match nothing, under NotResource too.
  const listed = (entries: Entries) =>
    entries.values.some((pattern) => matchesResource(pattern, scope.request.resource, options));
  if (statement.resource) return listed(statement.resource);
  if (statement.notResource) return !listed(statement.notResource);
  // Trust policies have no Resource: the resource is the role the policy belongs to.
  return true;
}

/**
 * Principal / NotPrincipal, for resource policies only: identity policies and boundaries apply to
 * the principal they are attached to. Undefined when the statement does not apply to the caller.
 */
function principalMatch(statement: Statement, scope: StatementScope): PrincipalMatch | 'none' | undefined {
  if (scope.kind !== 'resource') return undefined;
  if (statement.principal) return matchPrincipal(statement.principal, scope.caller) ?? 'none';
  if (statement.notPrincipal) {
    // AWS documents that a Deny with NotPrincipal always denies an IAM user or role that has a
    // permissions boundary, whatever the NotPrincipal lists.
    const iamCaller = ['user', 'role', 'session'].includes(scope.caller.kind);
    if (statement.effect === 'Deny' && scope.hasBoundary && iamCaller) return 'not-principal';
    return notPrincipalExcludes(statement.notPrincipal, scope.caller) ? 'none' : 'not-principal';
  }
  // A resource-policy statement without a Principal names nobody.
  return 'none';
}

export function evaluateStatement(statement: Statement, scope: StatementScope): StatementOutcome {
  if (!matchesActionElement(statement, scope.request.action)) return NO_MATCH;
  if (!matchesResourceElement(statement, scope)) return NO_MATCH;
  const principal = principalMatch(statement, scope);
  if (principal === 'none') return NO_MATCH;
  const env = { version: scope.version, variable: scope.context.variable };
  const condition = firstUnmetCondition(statement.conditions, scope.context, env);
  const base = principal === undefined ? {} : { principalMatch: principal };
  return condition ? { kind: 'unmet-condition', condition, ...base } : { kind: 'match', ...base };
}
