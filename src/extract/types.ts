/**
 * What extraction produces: every IAM policy found in an input (a policy file, a CloudFormation
 * template, Terraform JSON, Pulumi preview output, later a synthesized stack), with where it came
 * from. Policies stay raw here; the lint engine parses them so that malformed ones become findings.
 */
import type { PolicyKind } from '../policy/types.js';

export interface SourceLocation {
  /** Path of the file as the user named it (relative paths stay relative). */
  file: string;
  /** 1-based line of the policy (or of the IaC resource that holds it), when known. */
  line?: number;
  column?: number;
}

export interface PolicySource {
  /** Unique within one inventory, stable across runs: `<file>#<address>[.<property>]`. */
  id: string;
  kind: PolicyKind;
  /**
   * The IaC address of what holds the policy: a CloudFormation logical id (`AppRole`), a Terraform
   * address (`aws_iam_role_policy.app`), a Pulumi URN-ish name (`aws:iam/rolePolicy:RolePolicy::app`),
   * or the file name for a bare policy document.
   */
  address: string;
  /**
   * The template's own name for what holds the policy, when `address` is a friendlier construct
   * path: the CloudFormation logical id under a CDK path (`AppRoleDefaultPolicy7B2F1C3E` under
   * `Stack/AppRole/DefaultPolicy/Resource`), the Terraform address under a CDKTF path
   * (`aws_iam_role.app-role` under `stack/app-role`). Unset when it equals `address`.
   */
  logicalId?: string;
  /** The property holding the policy, e.g. `AssumeRolePolicyDocument` or `Policies[0]`. */
  property?: string;
  /**
   * The principal the policy applies to (identity and boundary policies: the role, user or group
   * address), so that principal-wide rules can see all of one principal's policies together.
   * For trust policies, the role whose trust it is; for resource policies, the resource.
   */
  principal?: string;
  /**
   * The policy as extracted: an object, or JSON text. Symbolic IaC references are kept as `${...}` text.
   * Undefined when nothing of it can be read before deployment (then `unresolved` says why).
   */
  document: unknown;
  /** JSON path of the policy inside its file, e.g. `Resources.AppRole.Properties.AssumeRolePolicyDocument`. */
  filePath?: string;
  location?: SourceLocation;
  /**
   * The line of each element of the policy that has a line of its own in the file, by its JSON path
   * inside the policy (`Statement[0].Resource`): set where findings are located after the file is
   * gone (a review's template stacks, whose results are cached). See `elementLines`.
   */
  lines?: Record<string, number>;
  /**
   * For an AWS managed policy attached to the principal: its ARN as written. The document comes from
   * iam-gate's copy of the AWS managed policies (`resolveManagedPolicies`).
   */
  managedPolicyArn?: string;
  /** Set when the policy's content cannot be known at analysis time; says why. Never passed silently. */
  unresolved?: string;
}

/**
 * What a policy belongs to, for grouping a principal's policies: the role, user, group or resource
 * it is attached to, or, for a bare policy file with no IaC principal, the policy itself.
 */
export function principalOf(source: Pick<PolicySource, 'principal' | 'address'>): string {
  return source.principal ?? source.address;
}

export interface PolicyInventory {
  sources: PolicySource[];
}
