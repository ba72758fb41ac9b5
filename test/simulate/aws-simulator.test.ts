/**
 * The AWS simulator adapter against recorded IAM Query-protocol responses. Nothing reaches AWS:
 * the network is off, credentials are dummies, retries are disabled and every mock must be used.
 */
import { readFileSync } from 'node:fs';
import { IAMClient } from '@aws-sdk/client-iam';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AwsSimulatorUnavailableError,
  inferContextKeyType,
  simulateCustomPolicyWithAws,
  simulatePrincipalPolicyWithAws,
  toContextEntries,
} from '../../src/simulate/aws-simulator.js';

const IAM = 'https://iam.amazonaws.com';
const OBJECT = 'arn:aws:s3:::acme-data/reports/q1.csv';
const USER = 'arn:aws:iam::111122223333:user/alice';
const ROLE = 'arn:aws:iam::111122223333:role/app';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const clientConfig = {
  region: 'us-east-1',
  credentials: {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  maxAttempts: 1,
};
const client = new IAMClient(clientConfig);

// The policies exactly as sent; the recorded statement positions point into this text.
const READ_REPORTS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ReadReports',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::acme-data/reports/*',
      Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    },
  ],
});
const ALLOW_S3 = JSON.stringify({
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' },
});
const DENY_DELETE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ReadAll', Effect: 'Allow', Action: 's3:Get*', Resource: '*' },
    { Sid: 'DenyDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::acme-data/*' },
  ],
});
const BOUNDARY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
});
const BUCKET_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: USER }, Action: 's3:*', Resource: 'arn:aws:s3:::acme-data/*' },
  ],
});

type FormBody = Record<string, string>;

/** Mocks one IAM call and records its form-encoded body. */
function mockIam(responseFixture: string, status = 200): { body: () => FormBody; scope: nock.Scope } {
  let seen: FormBody | undefined;
  const scope = nock(IAM)
    .post('/', (body: FormBody) => {
      seen = body;
      return true;
    })
    .reply(status, fixture(responseFixture), { 'Content-Type': 'text/xml' });
  return {
    scope,
    body: () => {
      if (!seen) throw new Error('IAM was not called');
      return seen;
    },
  };
}

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => {
  nock.enableNetConnect();
  client.destroy();
});

describe('simulateCustomPolicyWithAws', () => {
  it('sends the policy, action, resource and context, and maps an allowed decision', async () => {
    const iam = mockIam('simulate-custom-policy-allowed.xml');
    const result = await simulateCustomPolicyWithAws(
      { identity: [READ_REPORTS] },
      {
        action: 's3:GetObject',
        resource: OBJECT,
        context: { 'aws:SourceIp': '10.1.2.3', 'aws:TagKeys': ['team', 'env'] },
      },
      { client },
    );

    expect(iam.body()).toEqual({
      Action: 'SimulateCustomPolicy',
      Version: '2010-05-08',
      'PolicyInputList.member.1': READ_REPORTS,
      'ActionNames.member.1': 's3:GetObject',
      'ResourceArns.member.1': OBJECT,
      'ContextEntries.member.1.ContextKeyName': 'aws:SourceIp',
      'ContextEntries.member.1.ContextKeyValues.member.1': '10.1.2.3',
      'ContextEntries.member.1.ContextKeyType': 'ip',
      'ContextEntries.member.2.ContextKeyName': 'aws:TagKeys',
      'ContextEntries.member.2.ContextKeyValues.member.1': 'team',
      'ContextEntries.member.2.ContextKeyValues.member.2': 'env',
      'ContextEntries.member.2.ContextKeyType': 'stringList',
    });
    expect(result).toEqual({
      decision: 'allowed',
      reason: 'allowed by identity policy 0, Statement[0] (Sid ReadReports)',
      matched: [
        {
          policyKind: 'identity',
          policyIndex: 0,
          statementIndex: 0,
          path: 'Statement[0]',
          sid: 'ReadReports',
          effect: 'Allow',
          deciding: true,
        },
      ],
    });
  });

  it('sends boundary, resource policy, owner and caller, and maps an explicit deny to its statement', async () => {
    const iam = mockIam('simulate-custom-policy-explicit-deny.xml');
    const result = await simulateCustomPolicyWithAws(
      { identity: [ALLOW_S3, DENY_DELETE], boundary: [BOUNDARY], resource: BUCKET_POLICY },
      { action: 's3:DeleteObject', resource: OBJECT, principal: USER },
      { client },
    );

    expect(iam.body()).toEqual({
      Action: 'SimulateCustomPolicy',
      Version: '2010-05-08',
      'PolicyInputList.member.1': ALLOW_S3,
      'PolicyInputList.member.2': DENY_DELETE,
      'PermissionsBoundaryPolicyInputList.member.1': BOUNDARY,
      'ActionNames.member.1': 's3:DeleteObject',
      'ResourceArns.member.1': OBJECT,
      ResourcePolicy: BUCKET_POLICY,
      ResourceOwner: 'arn:aws:iam::111122223333:root',
      CallerArn: USER,
    });
    expect(result).toEqual({
      decision: 'explicitDeny',
      reason: 'explicitly denied by identity policy 1, Statement[1] (Sid DenyDelete)',
      matched: [
        {
          policyKind: 'identity',
          policyIndex: 1,
          statementIndex: 1,
          path: 'Statement[1]',
          sid: 'DenyDelete',
          effect: 'Deny',
          deciding: true,
        },
      ],
    });
  });

  it('creates, uses and closes its own client from clientConfig', async () => {
    mockIam('simulate-custom-policy-allowed.xml');
    const result = await simulateCustomPolicyWithAws(
      { identity: [READ_REPORTS] },
      { action: 's3:GetObject', resource: OBJECT },
      { clientConfig },
    );
    expect(result.decision).toBe('allowed');
  });

  it('passes an AWS error through', async () => {
    mockIam('invalid-input-error.xml', 400);
    await expect(
      simulateCustomPolicyWithAws(
        { identity: [ALLOW_S3], resource: BUCKET_POLICY },
        {
          action: 's3:GetObject',
          resource: OBJECT,
          principal: 'arn:aws:sts::111122223333:assumed-role/app/build-42',
        },
        { client },
      ),
    ).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: expect.stringContaining('does not clearly define entity type'),
    });
  });

  it('needs an identity policy', async () => {
    await expect(
      simulateCustomPolicyWithAws(
        { resource: BUCKET_POLICY },
        { action: 's3:GetObject', resource: OBJECT },
        { client },
      ),
    ).rejects.toThrow('SimulateCustomPolicy needs at least one identity policy');
  });

  it('says how to install @aws-sdk/client-iam when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@aws-sdk/client-iam'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const attempt = simulateCustomPolicyWithAws(
      { identity: [ALLOW_S3] },
      { action: 's3:GetObject', resource: OBJECT },
      { loadSdk: () => Promise.reject(missing) },
    );
    await expect(attempt).rejects.toBeInstanceOf(AwsSimulatorUnavailableError);
    await expect(attempt).rejects.toThrow('npm install @aws-sdk/client-iam');
  });
});

describe('simulatePrincipalPolicyWithAws', () => {
  it('names attached policies by their id and reports missing context keys', async () => {
    const iam = mockIam('simulate-principal-policy-implicit-deny.xml');
    const result = await simulatePrincipalPolicyWithAws(
      ROLE,
      { action: 's3:PutObject', resource: OBJECT },
      {},
      { client },
    );
    expect(iam.body()).toEqual({
      Action: 'SimulatePrincipalPolicy',
      Version: '2010-05-08',
      PolicySourceArn: ROLE,
      'ActionNames.member.1': 's3:PutObject',
      'ResourceArns.member.1': OBJECT,
    });
    expect(result).toEqual({
      decision: 'implicitDeny',
      reason: `no statement allows s3:PutObject on ${OBJECT}; the request lacks context keys the policies use: aws:SourceVpce`,
      matched: [],
      missingContextValues: ['aws:SourceVpce'],
    });
  });

  it('adds extra policies and maps a statement of an attached managed policy', async () => {
    const iam = mockIam('simulate-principal-policy-allowed.xml');
    const result = await simulatePrincipalPolicyWithAws(
      ROLE,
      { action: 's3:ListAllMyBuckets', resource: '*' },
      { identity: [ALLOW_S3] },
      { client },
    );
    expect(iam.body()).toMatchObject({
      Action: 'SimulatePrincipalPolicy',
      PolicySourceArn: ROLE,
      'PolicyInputList.member.1': ALLOW_S3,
      'ActionNames.member.1': 's3:ListAllMyBuckets',
      'ResourceArns.member.1': '*',
    });
    expect(result).toEqual({
      decision: 'allowed',
      reason: 'allowed by identity policy "AmazonS3ReadOnlyAccess"',
      matched: [
        { policyKind: 'identity', policyId: 'AmazonS3ReadOnlyAccess', effect: 'Allow', deciding: true },
      ],
    });
  });
});

describe('context entries', () => {
  it.each<[string, string[], boolean, string]>([
    ['aws:SourceIp', ['203.0.113.7'], false, 'ip'],
    ['aws:CurrentTime', ['2026-01-01T00:00:00Z'], false, 'date'],
    ['aws:SecureTransport', ['true'], false, 'boolean'],
    ['aws:MultiFactorAuthAge', ['3600'], false, 'numeric'],
    ['s3:max-keys', ['10'], false, 'numeric'],
    ['s3:prefix', ['home/alice/'], false, 'string'],
    ['ec2:Encrypted', ['false'], false, 'boolean'],
    ['aws:TokenIssueTime', ['1767225600'], false, 'date'],
    ['custom:when', ['2026-03-01'], false, 'date'],
    ['custom:net', ['10.0.0.0/8', '2001:db8::/32'], true, 'ipList'],
    ['custom:n', ['1', '2'], true, 'numericList'],
    ['custom:mixed', ['1', 'two'], true, 'stringList'],
    // A tag is text, whatever it looks like.
    ['aws:PrincipalTag/cost-center', ['1234'], false, 'string'],
    ['aws:RequestTag/enabled', ['true'], false, 'string'],
    ['aws:TagKeys', ['team'], true, 'stringList'],
  ])('%s %j (list: %s) -> %s', (key, values, list, type) => {
    expect(inferContextKeyType(key, values, list)).toBe(type);
  });

  it('a given type wins, matched case-insensitively', () => {
    expect(
      toContextEntries({ 'S3:Prefix': '2026', 'aws:SourceIp': '10.0.0.1' }, { 's3:prefix': 'string' }),
    ).toEqual([
      { ContextKeyName: 'S3:Prefix', ContextKeyValues: ['2026'], ContextKeyType: 'string' },
      { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['10.0.0.1'], ContextKeyType: 'ip' },
    ]);
  });
});
