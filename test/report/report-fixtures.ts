/** Hand-built findings for the renderer tests: a CloudFormation template with two policies of one role, and a bare policy file. */
import type { PolicySource } from '../../src/extract/types.js';
import type { CheckReport, RuleDescriptor } from '../../src/report/types.js';
import type { Finding } from '../../src/rules/types.js';

/** The inline policy `Policies[0]` of the role `AppRole`, located at its line in the template. */
export const roleInlinePolicy: PolicySource = {
  id: 'infra/template.yaml#AppRole.Policies[0]',
  kind: 'identity',
  address: 'AppRole',
  property: 'Policies[0]',
  principal: 'AppRole',
  document: {},
  location: { file: 'infra/template.yaml', line: 14, column: 9 },
};

/** The same role's trust policy, a few lines above. */
export const roleTrustPolicy: PolicySource = {
  id: 'infra/template.yaml#AppRole.AssumeRolePolicyDocument',
  kind: 'trust',
  address: 'AppRole',
  property: 'AssumeRolePolicyDocument',
  principal: 'AppRole',
  document: {},
  location: { file: 'infra/template.yaml', line: 8 },
};

/** A bare policy document: its address is its file name and no line is known. */
export const bareFilePolicy: PolicySource = {
  id: 'policies/ci.json#policies/ci.json',
  kind: 'identity',
  address: 'policies/ci.json',
  document: {},
  location: { file: 'policies/ci.json' },
};

export const wildcardAction: Finding = {
  ruleId: 'wildcard-action',
  severity: 'error',
  message: '"s3:*" grants all 180 s3 actions, including s3:DeleteBucket and s3:PutBucketPolicy',
  path: 'Statement[0].Action',
  source: roleInlinePolicy,
};

export const wildcardResource: Finding = {
  ruleId: 'wildcard-resource',
  severity: 'warning',
  message: '"dynamodb:PutItem" applies to every table in every account',
  path: 'Statement[1].Resource',
  source: roleInlinePolicy,
};

export const trustAnyPrincipal: Finding = {
  ruleId: 'trust-any-principal',
  severity: 'error',
  message: 'Principal "*" lets anyone on AWS assume AppRole',
  path: 'Statement[0].Principal.AWS',
  source: roleTrustPolicy,
};

export const suppressedPrefix: Finding = {
  ruleId: 'action-prefix-wildcard',
  severity: 'note',
  message: '"ec2:Describe*" covers 194 actions',
  path: 'Statement[0].Action[1]',
  source: bareFilePolicy,
  suppressed: { reason: 'inventory job reads every instance', expires: '2026-12-31' },
};

export const rules: RuleDescriptor[] = [
  {
    id: 'wildcard-action',
    defaultSeverity: 'error',
    description: 'An Allow grants every action of a service ("s3:*") or of all services ("*").',
  },
  {
    id: 'action-prefix-wildcard',
    defaultSeverity: 'warning',
    description: 'An Allow uses a wildcard inside an action name ("ec2:Describe*"), granting every match.',
  },
  {
    id: 'wildcard-resource',
    defaultSeverity: 'warning',
    description:
      'An Allow applies to every resource ("*") for actions that can be scoped to named resources.',
  },
  {
    id: 'trust-any-principal',
    defaultSeverity: 'error',
    description: 'A role trust policy lets any AWS principal assume the role, with no condition fencing it.',
  },
  { id: 'malformed-policy', defaultSeverity: 'note', description: 'The policy is not valid IAM JSON.' },
];

/** The policy a typical config encodes: errors block unless an exception accepted them. */
export function errorsBlock(finding: Finding): boolean {
  return finding.severity === 'error' && finding.suppressed === undefined;
}

export function makeReport(overrides: Partial<CheckReport> = {}): CheckReport {
  return {
    tool: { name: 'iam-gate', version: '1.4.2' },
    // Deliberately out of order: renderers sort.
    findings: [suppressedPrefix, wildcardResource, wildcardAction, trustAnyPrincipal],
    rules,
    files: ['infra/template.yaml', 'policies/ci.json'],
    notes: ['The exception for wildcard-resource on LegacyRole expired on 2026-01-31 and no longer applies.'],
    blocking: errorsBlock,
    ...overrides,
  };
}
