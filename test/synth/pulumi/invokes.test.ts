import { describe, expect, it } from 'vitest';
import { answerInvoke, knownInvoke } from '../../../src/synth/pulumi/invokes.js';

const GET_POLICY_DOCUMENT = 'aws:iam/getPolicyDocument:getPolicyDocument';

function rendered(inputs: Record<string, unknown>): unknown {
  const answer = answerInvoke(GET_POLICY_DOCUMENT, inputs, {});
  expect(answer.known).toBe(true);
  const json = answer.result.json;
  expect(JSON.parse(answer.result.minifiedJson as string)).toEqual(JSON.parse(json as string));
  return JSON.parse(json as string);
}

describe('aws.iam.getPolicyDocument', () => {
  it("renders Pulumi's camelCase statements as the provider's JSON policy", () => {
    expect(
      rendered({
        policyId: 'uploads',
        statements: [
          {
            sid: 'Read',
            actions: ['s3:GetObject'],
            resources: ['${aws:s3/bucket:Bucket::data.arn}/*'],
            principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] }],
            conditions: [
              { test: 'StringEquals', variable: 'aws:PrincipalOrgID', values: ['o-abc'] },
              { test: 'StringEquals', variable: 'aws:SourceVpc', values: ['vpc-1', 'vpc-2'] },
            ],
          },
          {
            effect: 'Deny',
            notActions: ['s3:GetObject'],
            notResources: ['arn:aws:s3:::data/public/*'],
            notPrincipals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
          },
        ],
      }),
    ).toEqual({
      Version: '2012-10-17',
      Id: 'uploads',
      Statement: [
        {
          Sid: 'Read',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '${aws:s3/bucket:Bucket::data.arn}/*',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc', 'aws:SourceVpc': ['vpc-1', 'vpc-2'] } },
        },
        {
          Effect: 'Deny',
          NotAction: 's3:GetObject',
          NotResource: 'arn:aws:s3:::data/public/*',
          NotPrincipal: { Service: 'cloudfront.amazonaws.com' },
        },
      ],
    });
  });

  it('keeps ${...} as written and turns the provider spelling &{...} into a policy variable', () => {
    expect(
      rendered({
        statements: [
          { actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::home/&{aws:username}/$${x}/%{y}'] },
        ],
      }),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::home/${aws:username}/$${x}/%{y}',
        },
      ],
    });
  });

  it('builds on source documents and lets override documents replace statements by Sid', () => {
    const source = JSON.stringify({
      Statement: [
        { Sid: 'Keep', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' },
        { Sid: 'Replace', Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
      ],
    });
    const override = JSON.stringify({
      Statement: [{ Sid: 'Replace', Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: '*' }],
    });
    expect(
      rendered({
        sourcePolicyDocuments: [source],
        overridePolicyDocuments: [override],
        statements: [{ sid: 'Own', actions: ['sqs:GetQueueUrl'], resources: ['*'] }],
      }),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Keep', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' },
        { Sid: 'Replace', Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: '*' },
        { Sid: 'Own', Effect: 'Allow', Action: 'sqs:GetQueueUrl', Resource: '*' },
      ],
    });
  });

  it("says what it could not render, in Pulumi's names", () => {
    const answer = answerInvoke(
      GET_POLICY_DOCUMENT,
      { sourcePolicyDocuments: ['${aws:iam/policy:Policy::base.policy}'], statements: [] },
      {},
    );
    expect(answer.problems).toEqual([
      'Statement: sourcePolicyDocuments includes a document that is not a JSON policy',
    ]);
  });
});

describe('account, region and partition', () => {
  it('gives the account as the AWS::AccountId pseudo parameter', () => {
    expect(answerInvoke('aws:index/getCallerIdentity:getCallerIdentity', {}, {}).result).toEqual({
      accountId: '${AWS::AccountId}',
      id: '${AWS::AccountId}',
      arn: '${aws:index/getCallerIdentity:getCallerIdentity.arn}',
      userId: '${aws:index/getCallerIdentity:getCallerIdentity.userId}',
    });
  });

  it('gives the region of the stack config, the one asked for, or the pseudo parameter', () => {
    const region = (inputs: object, configured?: string): unknown =>
      answerInvoke('aws:index/getRegion:getRegion', inputs, configured ? { region: configured } : {}).result
        .region;
    expect(region({}, 'eu-west-1')).toBe('eu-west-1');
    expect(region({ region: 'us-east-2' }, 'eu-west-1')).toBe('us-east-2');
    expect(region({})).toBe('${AWS::Region}');
  });

  it("derives the partition from the stack's region", () => {
    const partition = (region?: string): unknown =>
      answerInvoke('aws:index/getPartition:getPartition', {}, region ? { region } : {}).result;
    expect(partition('eu-west-1')).toMatchObject({ partition: 'aws', dnsSuffix: 'amazonaws.com' });
    expect(partition('cn-north-1')).toMatchObject({ partition: 'aws-cn', dnsSuffix: 'amazonaws.com.cn' });
    expect(partition('us-gov-west-1')).toMatchObject({ partition: 'aws-us-gov' });
    expect(partition()).toMatchObject({ partition: '${AWS::Partition}', dnsSuffix: '${AWS::URLSuffix}' });
  });

  it('does not pretend to know other functions', () => {
    expect(answerInvoke('aws:ec2/getVpc:getVpc', { default: true }, {})).toEqual({
      known: false,
      result: {},
    });
    expect(knownInvoke('aws:ec2/getVpc:getVpc')).toBe(false);
    expect(knownInvoke(GET_POLICY_DOCUMENT)).toBe(true);
  });
});
