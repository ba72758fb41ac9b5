import { describe, expect, it } from 'vitest';
import { resourcePolicyPublic } from '../../src/rules/resource-policy-public.js';
import { policy, runPolicyRule } from './harness.js';

const BUCKET = 'arn:aws:s3:::acme-reports';
const OBJECTS = `${BUCKET}/*`;
const ORG = 'o-a1b2c3d4e5';
const allow = (
  principal: unknown,
  condition?: object,
  action: unknown = 's3:GetObject',
  resource: unknown = OBJECTS,
) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  Resource: resource,
  ...(condition && { Condition: condition }),
});
const deny = (condition: object, action: unknown = 's3:*', resource: unknown = [BUCKET, OBJECTS]) => ({
  Effect: 'Deny',
  Principal: '*',
  Action: action,
  Resource: resource,
  Condition: condition,
});

function run(document: unknown) {
  return runPolicyRule(resourcePolicyPublic, document, { kind: 'resource' });
}

describe('resource-policy-public', () => {
  it.each([
    ['a named account', policy(allow({ AWS: '123456789012' }))],
    [
      'a service principal (service-principal-no-source)',
      policy(allow({ Service: 'cloudtrail.amazonaws.com' })),
    ],
    [
      '{"AWS": "*"} fenced by aws:PrincipalOrgID',
      policy(allow({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': ORG } })),
    ],
    [
      '"*" fenced by a VPC endpoint',
      policy(allow('*', { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } })),
    ],
    [
      'an SNS topic fenced by the source bucket',
      policy(
        allow(
          { AWS: '*' },
          { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::acme-uploads' } },
          'SNS:Publish',
          'arn:aws:sns:eu-west-1:123456789012:uploads',
        ),
      ),
    ],
    [
      'a KMS key shared with one account through kms:CallerAccount',
      policy(
        allow(
          { AWS: '*' },
          {
            StringEquals: {
              'kms:CallerAccount': '123456789012',
              'kms:ViaService': 'ec2.eu-west-1.amazonaws.com',
            },
          },
          ['kms:Encrypt', 'kms:Decrypt'],
          '*',
        ),
      ),
    ],
    [
      'a Deny statement naming "*"',
      policy(allow({ AWS: '123456789012' }), deny({ Bool: { 'aws:SecureTransport': 'false' } })),
    ],
    [
      '"*" taken back by a Deny for everyone outside the org',
      policy(allow('*'), deny({ StringNotEquals: { 'aws:PrincipalOrgID': ORG } })),
    ],
    [
      '"*" taken back by a Deny outside the org, services exempted (data perimeter)',
      policy(
        allow('*'),
        deny({
          StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        }),
      ),
    ],
    [
      '"*" taken back by a Deny outside a VPC endpoint on every resource and action',
      policy(allow('*'), deny({ StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }, '*', '*')),
    ],
  ])('is quiet on %s', (_name, document) => {
    expect(run(document)).toEqual([]);
  });

  it('leaves trust policies to trust-any-principal', () => {
    const trust = policy({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' });
    expect(runPolicyRule(resourcePolicyPublic, trust, { kind: 'trust' })).toEqual([]);
  });

  it.each([
    [
      'a public-read bucket',
      policy(allow('*')),
      ['Statement[0].Principal'],
      ['Principal "*" makes this resource public', 'anyone, including anonymous callers, may s3:GetObject'],
    ],
    ['{"AWS": "*"}', policy(allow({ AWS: '*' })), ['Statement[0].Principal.AWS'], ['Principal {"AWS": "*"}']],
    [
      'a queue open to everyone but for a negated org condition',
      policy(
        allow(
          '*',
          { StringNotEquals: { 'aws:PrincipalOrgID': ORG } },
          'sqs:SendMessage',
          'arn:aws:sqs:eu-west-1:123456789012:jobs',
        ),
      ),
      ['Statement[0].Principal'],
      [
        'sqs:SendMessage',
        'StringNotEquals on aws:PrincipalOrgID is true for every caller outside its values',
      ],
    ],
    [
      'a ForAllValues fence',
      policy(allow('*', { 'ForAllValues:StringEquals': { 'aws:SourceVpce': 'vpce-1a2b3c4d' } })),
      ['Statement[0].Principal'],
      ['true when the key is absent or empty'],
    ],
    [
      'every VPC endpoint',
      policy(allow('*', { StringLike: { 'aws:SourceVpce': 'vpce-*' } })),
      ['Statement[0].Principal'],
      ['"vpce-*"'],
    ],
    [
      'any source bucket',
      policy(
        allow(
          { AWS: '*' },
          { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } },
          'sns:Publish',
          'arn:aws:sns:eu-west-1:123456789012:t',
        ),
      ),
      ['Statement[0].Principal.AWS'],
      ['"arn:aws:s3:::*"'],
    ],
    [
      'a NotAction grant',
      policy({ Effect: 'Allow', Principal: '*', NotAction: 's3:DeleteObject', Resource: OBJECTS }),
      ['Statement[0].Principal'],
      ['every action except s3:DeleteObject'],
    ],
    [
      'NotPrincipal with Allow',
      policy({
        Effect: 'Allow',
        NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/x' },
        Action: 's3:GetObject',
        Resource: OBJECTS,
      }),
      ['Statement[0].NotPrincipal'],
      [
        'NotPrincipal with Allow (everyone except arn:aws:iam::123456789012:role/x) makes this resource public',
      ],
    ],
    [
      'a Deny outside the org that covers other objects only',
      policy(
        allow('*'),
        deny({ StringNotEquals: { 'aws:PrincipalOrgID': ORG } }, 's3:*', `${BUCKET}/private/*`),
      ),
      ['Statement[0].Principal'],
      ['Principal "*"'],
    ],
    [
      'a Deny outside the org for other actions',
      policy(allow('*'), deny({ StringNotEquals: { 'aws:PrincipalOrgID': ORG } }, 's3:PutObject')),
      ['Statement[0].Principal'],
      ['Principal "*"'],
    ],
    [
      'a Deny with a fence that admits everyone',
      policy(allow('*'), deny({ StringNotLike: { 'aws:PrincipalOrgID': '*' } })),
      ['Statement[0].Principal'],
      ['Principal "*"'],
    ],
    [
      'a Deny whose Principal is one account',
      policy(allow('*'), {
        ...deny({ StringNotEquals: { 'aws:PrincipalOrgID': ORG } }),
        Principal: { AWS: '123456789012' },
      }),
      ['Statement[0].Principal'],
      ['Principal "*"'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = run(document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    const messages = hits.map((hit) => hit.message).join('\n');
    for (const fragment of fragments) expect(messages).toContain(fragment);
  });
});
