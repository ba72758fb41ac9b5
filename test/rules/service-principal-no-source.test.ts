import { describe, expect, it } from 'vitest';
import { servicePrincipalNoSource } from '../../src/rules/service-principal-no-source.js';
import { policy, runPolicyRule } from './harness.js';

const TRAIL_BUCKET = 'arn:aws:s3:::acme-trail/AWSLogs/123456789012/*';
const TRAIL = 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/main';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:jobs';
const allow = (
  service: unknown,
  condition?: object,
  action: unknown = 's3:PutObject',
  resource: unknown = TRAIL_BUCKET,
) => ({
  Effect: 'Allow',
  Principal: { Service: service },
  Action: action,
  Resource: resource,
  ...(condition && { Condition: condition }),
});

function run(document: unknown) {
  return runPolicyRule(servicePrincipalNoSource, document, { kind: 'resource' });
}

describe('service-principal-no-source', () => {
  it.each([
    [
      'aws:SourceArn',
      policy(allow('cloudtrail.amazonaws.com', { StringEquals: { 'aws:SourceArn': TRAIL } })),
    ],
    [
      'aws:SourceAccount',
      policy(allow('cloudtrail.amazonaws.com', { StringEquals: { 'aws:SourceAccount': '123456789012' } })),
    ],
    [
      'aws:SourceOrgID',
      policy(allow('cloudtrail.amazonaws.com', { StringEquals: { 'aws:SourceOrgID': 'o-a1b2c3d4e5' } })),
    ],
    [
      'ArnLike on topics of one account, key in another case',
      policy(
        allow(
          'sns.amazonaws.com',
          { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:eu-west-1:123456789012:*' } },
          'sqs:SendMessage',
          QUEUE,
        ),
      ),
    ],
    [
      'a KMS key fenced by the CloudTrail encryption context',
      policy(
        allow(
          'cloudtrail.amazonaws.com',
          {
            StringLike: {
              'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:123456789012:trail/*',
            },
          },
          'kms:GenerateDataKey*',
          '*',
        ),
      ),
    ],
    ['an AWS principal', policy({ ...allow('x'), Principal: { AWS: 'arn:aws:iam::123456789012:role/app' } })],
    ['a Deny for a service', policy({ ...allow('cloudtrail.amazonaws.com'), Effect: 'Deny' })],
  ])('is quiet on %s', (_name, document) => {
    expect(run(document)).toEqual([]);
  });

  it('does not check trust policies: service roles rarely need a source condition', () => {
    const trust = policy({
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
    expect(runPolicyRule(servicePrincipalNoSource, trust, { kind: 'trust' })).toEqual([]);
  });

  it.each([
    [
      'CloudTrail writing to a bucket without a source',
      policy(allow('cloudtrail.amazonaws.com')),
      ['Statement[0].Principal.Service'],
      ['service principal cloudtrail.amazonaws.com may s3:PutObject', 'confused deputy'],
    ],
    [
      'SNS sending to a queue, one of two services',
      policy(allow(['events.amazonaws.com', 'sns.amazonaws.com'], undefined, 'sqs:SendMessage', QUEUE)),
      ['Statement[0].Principal.Service[0]', 'Statement[0].Principal.Service[1]'],
      ['events.amazonaws.com', 'sns.amazonaws.com may sqs:SendMessage'],
    ],
    [
      'a negated source condition',
      policy(allow('cloudtrail.amazonaws.com', { StringNotEquals: { 'aws:SourceAccount': '210987654321' } })),
      ['Statement[0].Principal.Service'],
      ['StringNotEquals on aws:SourceAccount is true for every caller outside its values'],
    ],
    [
      'an IfExists source condition',
      policy(allow('cloudtrail.amazonaws.com', { ArnEqualsIfExists: { 'aws:SourceArn': TRAIL } })),
      ['Statement[0].Principal.Service'],
      ['ArnEqualsIfExists on aws:SourceArn is true for callers without the key'],
    ],
    [
      'a source ARN in any account',
      policy(
        allow('cloudtrail.amazonaws.com', { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*:*:trail/*' } }),
      ),
      ['Statement[0].Principal.Service'],
      ['"arn:aws:cloudtrail:*:*:trail/*"'],
    ],
    [
      'an account wildcard',
      policy(allow('cloudtrail.amazonaws.com', { StringLike: { 'aws:SourceAccount': '*' } })),
      ['Statement[0].Principal.Service'],
      ['admits any value with "*"'],
    ],
    [
      'a fence on another key only',
      policy(
        allow('cloudtrail.amazonaws.com', { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } }),
      ),
      ['Statement[0].Principal.Service'],
      ['no aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = run(document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    const messages = hits.map((hit) => hit.message).join('\n');
    for (const fragment of fragments) expect(messages).toContain(fragment);
  });
});
