/**
 * The simulator's request and result shapes. Both the local evaluator (`simulate`) and the AWS
 * policy simulator adapter answer in `SimulationResult`, so callers can compare the two.
 */
import type { Effect, PolicyDocument, PrincipalType } from '../policy/types.js';

export interface SimulationPolicies {
  /** Identity policies of the calling principal (inline, managed, group): parsed and normalized. */
  identity?: PolicyDocument[];
  /** The resource's resource-based policy (bucket policy, key policy, ...): its Principal matters. */
  resource?: PolicyDocument[];
  /** The caller's permissions boundary: it only restricts. Absent or empty means no boundary. */
  boundary?: PolicyDocument[];
  /**
   * What to call each policy in explanations (a file name, an IaC address), by kind and position;
   * without one a policy is named by its position (`identity policy 0`).
   */
  names?: Partial<Record<SimulationPolicyKind, readonly string[]>>;
}

export interface SimulationRequest {
  /** `s3:GetObject`; compared case-insensitively. */
  action: string;
  /** The resource ARN, or `*` for actions that take no resource. */
  resource: string;
  /**
   * The caller: a user, role or assumed-role session ARN, an account id (any principal of that
   * account), or a service principal such as `cloudtrail.amazonaws.com`. Without it only
   * `Principal: "*"` in a resource policy names the caller.
   */
  principal?: string;
  /** Overrides what is inferred from `principal` (`*.amazonaws.com` is a service, the rest AWS). */
  principalType?: PrincipalType;
  /**
   * Request context. Names are case-insensitive; a list is a multi-valued key, and an empty list
   * counts as absent. Keys derived from `principal` (`aws:PrincipalArn`, ...) are added unless given.
   */
  context?: Record<string, string | string[]>;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export type SimulationPolicyKind = 'identity' | 'resource' | 'boundary';

/**
 * How a resource-policy statement named the caller; it decides what the grant is worth:
 * - `any`: `"*"`; `exact`: the caller's own user or session ARN; `service`, `federated`,
 *   `canonical-user`: the caller's identity of that type; `not-principal`: a NotPrincipal that does
 *   not exclude the caller. These grant on their own, whatever the identity policies and boundary.
 * - `role`: the role of the calling session. Grants without an identity policy, but a permissions
 *   boundary still limits it.
 * - `account`: the caller's account. Delegates to the account's identity policies: grants nothing alone.
 */
export type PrincipalMatch =
  'any' | 'exact' | 'role' | 'account' | 'service' | 'federated' | 'canonical-user' | 'not-principal';

export interface MatchedStatement {
  policyKind: SimulationPolicyKind;
  /**
   * Position in the list of that kind given to the simulator. Undefined only for a policy the AWS
   * simulator found attached to a principal, which `policyId` then names.
   */
  policyIndex?: number;
  /** The AWS simulator's SourcePolicyId (`PolicyInputList.1`, a policy name); AWS results only. */
  policyId?: string;
  /** The caller's name for the policy (`SimulationPolicies.names`), used in explanations. */
  policyName?: string;
  /** Position in the policy's Statement list; undefined when an AWS result cannot be mapped back. */
  statementIndex?: number;
  /** JSON path of the statement, `Statement[1]` (or `Statement` for a single statement object). */
  path?: string;
  sid?: string;
  effect: Effect;
  /** Resource policies only: how the statement's Principal or NotPrincipal named the caller. */
  principalMatch?: PrincipalMatch;
  /** Whether the statement is one the decision rests on (the denies, or the grants that allowed). */
  deciding: boolean;
}

export interface SimulationResult {
  decision: Decision;
  /** Every statement that matched the request, deciding or not: the explanation. */
  matched: MatchedStatement[];
  /** One sentence: what decided, or what is missing. */
  reason: string;
  /** AWS results only: context keys the policies use that the request did not supply. */
  missingContextValues?: string[];
}
