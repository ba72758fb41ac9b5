/**
 * AWS managed policies attached by ARN are linted and diffed like inline policies: their documents
 * come from iam-gate's copy of the managed-policy data, and an unknown one is reported, not dropped.
 */
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/index.js';
import { extractPolicies } from '../../src/extract/extract-file.js';
import { awsManagedPolicyName, managedPolicyDocument } from '../../src/extract/managed-policies.js';
import { lintSources, rules } from '../../src/rules/index.js';
import { policySet } from '../../src/review/compare-revisions.js';

const settings = { ownAccounts: [], trustedAccounts: [], allowedOidcSubjects: [] };

const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function sources(value: object, file: string) {
  const extracted = extractPolicies(JSON.stringify(value), file);
  if (!extracted.ok) throw new Error(extracted.error);
  return extracted.sources;
}

describe('awsManagedPolicyName', () => {
  it.each([
    ['arn:aws:iam::aws:policy/AdministratorAccess', 'AdministratorAccess'],
    [
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'service-role/AWSLambdaBasicExecutionRole',
    ],
    ['arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess', 'ReadOnlyAccess'],
    ['arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess', 'ReadOnlyAccess'],
    ['arn:aws:iam::111122223333:policy/AdministratorAccess', undefined],
    ['${aws_iam_policy.app.arn}', undefined],
  ])('%s -> %s', (arn, name) => {
    expect(awsManagedPolicyName(arn)).toBe(name);
  });

  it('finds the current document by name', () => {
    expect(managedPolicyDocument('AdministratorAccess')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    expect(managedPolicyDocument('toString')).toBeUndefined();
  });
});

describe('managed policy attachments', () => {
  it('CloudFormation ManagedPolicyArns: literal and CDK-style Fn::Join ARNs resolve; an unknown one is unresolved', () => {
    const template = {
      Resources: {
        AppRole: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: TRUST,
            ManagedPolicyArns: [
              'arn:aws:iam::aws:policy/AdministratorAccess',
              {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
                  ],
                ],
              },
              'arn:aws:iam::aws:policy/AdministratorAcess',
            ],
          },
        },
      },
    };
    const found = sources(template, 'template.json').filter((s) => s.managedPolicyArn !== undefined);
    expect(found.map((s) => [s.property, s.principal, s.unresolved === undefined])).toEqual([
      ['ManagedPolicyArns[0]', 'AppRole', true],
      ['ManagedPolicyArns[1]', 'AppRole', true],
      ['ManagedPolicyArns[2]', 'AppRole', false],
    ]);
    expect(found[2]?.unresolved).toContain('not an AWS managed policy iam-gate knows');
    const findings = lintSources(found, { rules, settings });
    expect(findings).toContainEqual(
      expect.objectContaining({ ruleId: 'wildcard-action', path: 'Statement[0].Action', source: found[0] }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({ ruleId: 'unresolved-policy', source: found[2] }),
    );
    // Line of the attachment in the template, for annotations.
    expect(found[0]?.location?.file).toBe('template.json');
  });

  it('Terraform: a policy attachment of AmazonS3FullAccess is linted on the role it attaches to', () => {
    const config = {
      resource: {
        aws_iam_role: { app: { name: 'app', assume_role_policy: JSON.stringify(TRUST) } },
        aws_iam_role_policy_attachment: {
          s3: { role: '${aws_iam_role.app.name}', policy_arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' },
        },
      },
    };
    const [attached] = sources(config, 'cdk.tf.json').filter((s) => s.managedPolicyArn !== undefined);
    expect(attached).toMatchObject({
      principal: 'aws_iam_role.app',
      managedPolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess',
      document: {
        Statement: expect.arrayContaining([
          expect.objectContaining({ Action: expect.arrayContaining(['s3:*']) }),
        ]),
      },
    });
    expect(attached?.unresolved).toBeUndefined();
  });

  it('the diff sees what attaching a managed policy adds', () => {
    const role = (arns: string[]) => ({
      Resources: {
        AppRole: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: TRUST, ManagedPolicyArns: arns },
        },
      },
    });
    const base = policySet(sources(role(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']), 't.json'));
    const head = policySet(sources(role(['arn:aws:iam::aws:policy/AmazonS3FullAccess']), 't.json'));
    const result = diff(base, head);
    expect(result.verdict).toBe('new-access');
    expect(result.added.map((g) => g.action)).toContain('s3:DeleteBucket');
    expect(result.added.map((g) => g.action)).not.toContain('s3:GetObject');
  });
});
