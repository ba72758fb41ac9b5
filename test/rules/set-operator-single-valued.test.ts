import { describe, expect, it } from 'vitest';
import { setOperatorSingleValued } from '../../src/rules/set-operator-single-valued.js';
import { policy, runPolicyRule } from './harness.js';

const VPCE = 'vpce-1a2b3c4d';
const statement = (effect: 'Allow' | 'Deny', condition: object) => ({
  Effect: effect,
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::acme-reports/*',
  Condition: condition,
});

function run(document: unknown, kind: 'identity' | 'resource' = 'identity') {
  return runPolicyRule(setOperatorSingleValued, document, { kind });
}

describe('set-operator-single-valued', () => {
  it.each([
    ['the plain operator', statement('Allow', { StringEquals: { 'aws:SourceVpce': VPCE } })],
    [
      'ForAllValues on a multivalued key (what set operators are for)',
      statement('Allow', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost-center'] } }),
    ],
    [
      'ForAnyValue on a multivalued key',
      statement('Deny', { 'ForAnyValue:StringNotEquals': { 'aws:PrincipalOrgPaths': 'o-1/r-2/ou-3/' } }),
    ],
    [
      'ForAnyValue in an Allow: false without the key, so the Allow only applies less',
      statement('Allow', { 'ForAnyValue:StringEquals': { 'aws:SourceVpce': VPCE } }),
    ],
    [
      'ForAllValues in a Deny: true without the key, so the Deny only applies more',
      statement('Deny', { 'ForAllValues:StringEquals': { 'aws:SourceVpce': VPCE } }),
    ],
    [
      'ForAnyValue with a non-negated operator in a Deny: the plain operator is false without the key too',
      statement('Deny', { 'ForAnyValue:StringEquals': { 'aws:SourceVpce': VPCE } }),
    ],
    [
      'IfExists, which is true without the key either way',
      statement('Deny', { 'ForAnyValue:StringNotEqualsIfExists': { 'aws:SourceVpce': VPCE } }),
    ],
    [
      'ForAllValues with a Null check on the key, as AWS recommends',
      statement('Allow', {
        'ForAllValues:StringEquals': { 'aws:SourceVpce': VPCE },
        Null: { 'aws:SourceVpce': 'false' },
      }),
    ],
    [
      'ForAllValues next to a plain operator on the same key, which fails without it',
      statement('Allow', {
        'ForAllValues:StringLike': { 'aws:SourceVpce': 'vpce-*' },
        StringLike: { 'aws:SourceVpce': 'vpce-1*' },
      }),
    ],
    [
      'a global key every request carries, where no request lacks it',
      statement('Allow', {
        'ForAllValues:StringEquals': { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] },
      }),
    ],
    [
      'a service key every action of the statement carries (as in AWS CodeGuru Reviewer policies)',
      {
        Effect: 'Allow',
        Action: 'codestar-connections:UseConnection',
        Resource: '*',
        Condition: {
          'ForAllValues:StringEquals': {
            'codestar-connections:ProviderAction': ['ListRepositories', 'ListBranches'],
          },
        },
      },
    ],
    [
      'a key the catalog does not know, whose number of values is unknown',
      statement('Allow', { 'ForAllValues:StringEquals': { 'acme:Team': 'infra' } }),
    ],
  ])('is quiet on %s', (_name, body) => {
    expect(run(policy(body))).toEqual([]);
  });

  it.each([
    [
      'ForAllValues in an Allow on aws:SourceVpce',
      statement('Allow', { 'ForAllValues:StringEquals': { 'aws:SourceVpce': VPCE } }),
      'Statement[0].Condition["ForAllValues:StringEquals"]["aws:SourceVpce"]',
      [
        'ForAllValues:StringEquals on "aws:SourceVpce", which holds one value',
        'this Allow also grants every request without it',
        'use StringEquals, which is false then',
      ],
    ],
    [
      'ForAllValues with a tag key template, matched case-insensitively',
      statement('Allow', { 'ForAllValues:StringLike': { 'AWS:RequestTag/team': 'infra-*' } }),
      'Statement[0].Condition["ForAllValues:StringLike"]["AWS:RequestTag/team"]',
      ['use StringLike'],
    ],
    [
      'ForAnyValue with a negated operator in a Deny',
      statement('Deny', { 'ForAnyValue:StringNotEquals': { 'aws:SourceVpce': VPCE } }),
      'Statement[0].Condition["ForAnyValue:StringNotEquals"]["aws:SourceVpce"]',
      [
        'is false when a request has no "aws:SourceVpce"',
        'this Deny spares every request without it',
        'use StringNotEquals',
      ],
    ],
    [
      'a service key one of the actions never carries, naming it',
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:GetObject'],
        Resource: ['arn:aws:s3:::acme-reports', 'arn:aws:s3:::acme-reports/*'],
        Condition: { 'ForAllValues:StringLike': { 's3:prefix': 'reports/*' } },
      },
      'Statement[0].Condition["ForAllValues:StringLike"]["s3:prefix"]',
      ['is true when a request has no "s3:prefix" (s3:GetObject never carries it)'],
    ],
    [
      'an S3 request parameter (s3:prefix) in a bucket policy, absent when a ListBucket sets none',
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/reader' },
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::acme-reports',
        Condition: { 'ForAllValues:StringLike': { 's3:prefix': 'reports/*' } },
      },
      'Statement[0].Condition["ForAllValues:StringLike"]["s3:prefix"]',
      ['"s3:prefix", which holds one value'],
    ],
  ])('reports %s', (_name, body, path, fragments) => {
    const hits = run(policy(body), 'Principal' in body ? 'resource' : 'identity');
    expect(hits.map((hit) => hit.path)).toEqual([path]);
    // Global keys are errors (the rule's default); a service key's absence may be deliberate: a warning.
    expect(hits[0]?.severity).toBe(path.includes('"aws:') || path.includes('"AWS:') ? undefined : 'warning');
    for (const fragment of fragments) expect(hits[0]?.message).toContain(fragment);
  });
});
