/**
 * A Lambda permission (CloudFormation `AWS::Lambda::Permission`, Terraform `aws_lambda_permission`,
 * Pulumi `aws:lambda/permission:Permission`) is one statement of the function's resource policy.
 * Written out as that statement, it goes through the same rules as any bucket or queue policy.
 */
import { ACCOUNT_ID } from '../policy/arn.js';

export interface LambdaPermission {
  statementId?: unknown;
  action: unknown;
  functionName: unknown;
  principal: unknown;
  sourceArn?: unknown;
  sourceAccount?: unknown;
  principalOrgId?: unknown;
  functionUrlAuthType?: unknown;
  eventSourceToken?: unknown;
}

/** The resource policy AWS writes for the permission, the way `lambda:AddPermission` builds it. */
export function lambdaPermissionPolicy(permission: LambdaPermission): Record<string, unknown> {
  const statement: Record<string, unknown> = {};
  if (typeof permission.statementId === 'string' && permission.statementId !== '')
    statement.Sid = permission.statementId;
  statement.Effect = 'Allow';
  statement.Principal = principalElement(permission.principal);
  statement.Action = permission.action;
  statement.Resource = functionArn(permission.functionName);

  const conditions: Record<string, Record<string, unknown>> = {};
  const add = (operator: string, key: string, value: unknown): void => {
    if (value === undefined || value === null || value === '') return;
    conditions[operator] = { ...conditions[operator], [key]: value };
  };
  add('ArnLike', 'aws:SourceArn', permission.sourceArn);
  add('StringEquals', 'aws:SourceAccount', permission.sourceAccount);
  add('StringEquals', 'aws:PrincipalOrgID', permission.principalOrgId);
  add('StringEquals', 'lambda:FunctionUrlAuthType', permission.functionUrlAuthType);
  add('StringEquals', 'lambda:EventSourceToken', permission.eventSourceToken);
  if (Object.keys(conditions).length > 0) statement.Condition = conditions;
  return { Version: '2012-10-17', Statement: [statement] };
}

function principalElement(principal: unknown): unknown {
  if (typeof principal !== 'string') return principal;
  if (principal === '*') return '*';
  // Account ids, IAM ARNs and references that resolve to them are AWS principals; anything else
  // Lambda accepts is a service (`s3.amazonaws.com`, `events.amazonaws.com`).
  if (ACCOUNT_ID.test(principal) || principal.startsWith('arn:') || principal.includes('${'))
    return { AWS: principal };
  return { Service: principal };
}

/**
 * Lambda accepts a function name, a partial ARN (`123456789012:function:f`) or a full ARN; the
 * policy names the full ARN. References stay as they are: they resolve to a name or ARN at deploy time.
 */
function functionArn(name: unknown): unknown {
  if (typeof name !== 'string' || name.startsWith('arn:') || name.includes('${')) return name;
  const prefix = 'arn:${AWS::Partition}:lambda:${AWS::Region}:';
  if (/^\d{12}:function:/.test(name)) return `${prefix}${name}`;
  return `${prefix}\${AWS::AccountId}:function:${name}`;
}
