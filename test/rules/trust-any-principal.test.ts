import { describe, expect, it } from 'vitest';
import { trustAnyPrincipal } from '../../src/rules/trust-any-principal.js';
import { policy, runPolicyRule } from './harness.js';

const ORG = 'o-a1b2c3d4e5';
const assume = (principal: unknown, condition?: object, action: unknown = 'sts:AssumeRole') => ({
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  ...(condition && { Condition: condition }),
});
const denyOutsideOrg = (extra: object = {}) => ({
  Effect: 'Deny',
  Principal: '*',
  Action: 'sts:AssumeRole',
  Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG }, ...extra },
});

function run(document: unknown) {
  return runPolicyRule(trustAnyPrincipal, document, { kind: 'trust' });
}

describe('trust-any-principal', () => {
  it.each([
    ['a named role', policy(assume({ AWS: 'arn:aws:iam::123456789012:role/ci' }))],
    ['a service principal', policy(assume({ Service: 'lambda.amazonaws.com' }))],
    [
      '{"AWS": "*"} fenced by aws:PrincipalOrgID',
      policy(assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': ORG } })),
    ],
    ['"*" fenced by sts:ExternalId', policy(assume('*', { StringEquals: { 'sts:ExternalId': 'f3a9c2e1' } }))],
    [
      '"*" fenced by aws:PrincipalArn within one account',
      policy(assume('*', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/ci-*' } })),
    ],
    [
      'an org-path fence under ForAnyValue:StringLike, false when the key is absent',
      policy(
        assume('*', {
          'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/ou-ab12-11111111/*` },
        }),
      ),
    ],
    [
      'a fence key in another letter case',
      policy(assume('*', { StringEquals: { 'AWS:PRINCIPALORGID': ORG } })),
    ],
    ['a source IP range', policy(assume('*', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }))],
    [
      'StringEquals with a literal "*", which matches nobody',
      policy(assume('*', { StringEquals: { 'aws:PrincipalOrgID': '*' } })),
    ],
    [
      'one fence among other conditions (all keys must match)',
      policy(
        assume('*', {
          Bool: { 'aws:SecureTransport': 'true' },
          StringEquals: { 'aws:PrincipalAccount': '123456789012' },
        }),
      ),
    ],
    ['a Deny for everyone outside the org', policy(assume('*'), denyOutsideOrg())],
    [
      'a Deny outside the org that exempts AWS services (data perimeter)',
      policy(assume('*'), denyOutsideOrg({ Bool: { 'aws:PrincipalIsAWSService': 'false' } })),
    ],
    [
      '"*" allowed only sts:TagSession, which assumes nothing',
      policy(assume('*', undefined, 'sts:TagSession')),
    ],
    [
      'a Deny naming "*"',
      policy(assume({ AWS: '123456789012' }), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }),
    ],
  ])('is quiet on %s', (_name, document) => {
    expect(run(document)).toEqual([]);
  });

  it('leaves resource policies to resource-policy-public', () => {
    const bucket = policy({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
    });
    expect(runPolicyRule(trustAnyPrincipal, bucket, { kind: 'resource' })).toEqual([]);
  });

  it.each([
    [
      '"Principal": "*"',
      policy(assume('*')),
      ['Statement[0].Principal'],
      ['Principal "*" lets principals of any AWS account assume this role'],
    ],
    [
      '{"AWS": "*"}',
      policy(assume({ AWS: '*' })),
      ['Statement[0].Principal.AWS'],
      ['Principal {"AWS": "*"}', 'aws:PrincipalOrgID'],
    ],
    [
      '"*" among named principals',
      policy(assume({ AWS: ['arn:aws:iam::123456789012:root', '*'] })),
      ['Statement[0].Principal.AWS[1]'],
      ['{"AWS": "*"}'],
    ],
    [
      'sts:* to "*"',
      policy(assume('*', undefined, 'sts:*')),
      ['Statement[0].Principal'],
      ['any AWS account'],
    ],
    [
      'NotAction that leaves AssumeRole in',
      policy({ Effect: 'Allow', Principal: '*', NotAction: 'sts:TagSession' }),
      ['Statement[0].Principal'],
      ['Principal "*"'],
    ],
    [
      'a negated fence, true for everyone outside it',
      policy(assume('*', { StringNotEquals: { 'aws:PrincipalOrgID': ORG } })),
      ['Statement[0].Principal'],
      ['StringNotEquals on aws:PrincipalOrgID is true for every caller outside its values'],
    ],
    [
      'an IfExists fence, true without the key',
      policy(assume('*', { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG } })),
      ['Statement[0].Principal'],
      ['StringEqualsIfExists on aws:PrincipalOrgID is true for callers without the key'],
    ],
    [
      'a ForAllValues fence, true when the key is absent',
      policy(assume('*', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ORG } })),
      ['Statement[0].Principal'],
      ['ForAllValues:StringEquals on aws:PrincipalOrgID is true when the key is absent or empty'],
    ],
    [
      'StringLike "o-*", every organisation',
      policy(assume('*', { StringLike: { 'aws:PrincipalOrgID': 'o-*' } })),
      ['Statement[0].Principal'],
      ['admits any value with "o-*"'],
    ],
    [
      'StringLike "*" among real values',
      policy(assume('*', { StringLike: { 'aws:PrincipalAccount': ['123456789012', '*'] } })),
      ['Statement[0].Principal'],
      ['"*"'],
    ],
    [
      'a role name in any account',
      policy(assume('*', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin' } })),
      ['Statement[0].Principal'],
      ['"arn:aws:iam::*:role/admin"'],
    ],
    [
      'every IP address',
      policy(assume('*', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })),
      ['Statement[0].Principal'],
      ['"0.0.0.0/0"'],
    ],
    [
      'Null, which only asks that the key be present',
      policy(assume('*', { Null: { 'aws:PrincipalOrgID': 'false' } })),
      ['Statement[0].Principal'],
      ['Null on aws:PrincipalOrgID does not limit callers to named values'],
    ],
    [
      'a condition on a key that fences nothing',
      policy(assume('*', { Bool: { 'aws:SecureTransport': 'true' } })),
      ['Statement[0].Principal'],
      ['any AWS account'],
    ],
    [
      'a Deny whose extra condition leaves outsiders in',
      policy(assume('*'), denyOutsideOrg({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } })),
      ['Statement[0].Principal'],
      ['Principal "*"'],
    ],
    [
      'a Deny outside the org for another action',
      policy(assume('*'), { ...denyOutsideOrg(), Action: 'sts:TagSession' }),
      ['Statement[0].Principal'],
      ['Principal "*"'],
    ],
    [
      'NotPrincipal with Allow',
      policy({
        Effect: 'Allow',
        NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/ci' },
        Action: 'sts:AssumeRole',
      }),
      ['Statement[0].NotPrincipal'],
      ['NotPrincipal with Allow (everyone except arn:aws:iam::123456789012:role/ci)'],
    ],
    [
      'each open statement',
      policy(assume({ Service: 'ec2.amazonaws.com' }), assume('*'), assume({ AWS: '*' })),
      ['Statement[1].Principal', 'Statement[2].Principal.AWS'],
      [],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = run(document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    for (const hit of hits) expect(hit.severity).toBeUndefined();
    const messages = hits.map((hit) => hit.message).join('\n');
    for (const fragment of fragments) expect(messages).toContain(fragment);
  });
});
