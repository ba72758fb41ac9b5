import { describe, expect, it } from 'vitest';
import type { PolicyKind } from '../../src/policy/types.js';
import { unsupportedConditionKey } from '../../src/rules/unsupported-condition-key.js';
import { policy, runPolicyRule } from './harness.js';

const statement = (effect: 'Allow' | 'Deny', action: unknown, condition: object) => ({
  Effect: effect,
  Action: action,
  Resource: '*',
  Condition: condition,
});
const allow = (action: unknown, condition: object) => statement('Allow', action, condition);
const deny = (action: unknown, condition: object) => statement('Deny', action, condition);

const githubTrust = policy({
  Effect: 'Allow',
  Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
    StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/infra:ref:refs/heads/main' },
  },
});

describe('unsupported-condition-key', () => {
  it.each<[string, object, PolicyKind?]>([
    [
      'a key of the action (kms:ViaService on kms:Decrypt)',
      policy(allow('kms:Decrypt', { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } })),
    ],
    [
      'a key in another letter case',
      policy(allow('kms:Decrypt', { StringEquals: { 'KMS:VIASERVICE': 's3.eu-west-1.amazonaws.com' } })),
    ],
    [
      'a global key',
      policy(allow('s3:GetObject', { StringEquals: { 'aws:SourceAccount': '123456789012' } })),
    ],
    [
      'a global tag key',
      policy(allow('s3:GetObject', { StringEquals: { 'aws:PrincipalTag/team': 'payments' } })),
    ],
    [
      'a key of the resource type (s3:prefix on s3:ListBucket)',
      policy(allow('s3:ListBucket', { StringLike: { 's3:prefix': 'home/*' } })),
    ],
    [
      'a key that one of several actions supplies',
      policy(allow(['kms:Decrypt', 's3:ListBucket'], { StringLike: { 's3:prefix': 'home/*' } })),
    ],
    [
      'a key that a wildcard covers an action for',
      policy(deny('s3:*', { StringNotLike: { 's3:prefix': 'home/*' } })),
    ],
    [
      'a NotAction statement whose covered actions include a supplier',
      policy({
        Effect: 'Deny',
        NotAction: 'kms:*',
        Resource: '*',
        Condition: { StringLike: { 's3:prefix': 'x/*' } },
      }),
    ],
    [
      'only unknown actions (unknown-action)',
      policy(allow('s3:GetObjekt', { StringLike: { 'foo:bar': 'x' } })),
    ],
    ['GitHub OIDC keys on AssumeRoleWithWebIdentity', githubTrust, 'trust'],
  ])('is quiet on %s', (_name, document, kind = 'identity') => {
    expect(runPolicyRule(unsupportedConditionKey, document, { kind })).toEqual([]);
  });

  it.each([
    [
      "another service's key on kms:Decrypt (Allow, ordinary operator)",
      policy(
        allow('kms:Decrypt', {
          StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com', 's3:prefix': 'home/' },
        }),
      ),
      ['Statement[0].Condition.StringEquals["s3:prefix"]'],
      [
        '"s3:prefix" is never present in requests for kms:Decrypt',
        'the condition never matches, so this Allow never grants anything',
      ],
    ],
    [
      'a Deny with an ordinary operator, which never fires',
      policy(deny('s3:GetObject', { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } })),
      ['Statement[0].Condition.StringEquals["kms:ViaService"]'],
      ['so this Deny never fires'],
    ],
    [
      'a negated operator on an Allow, which opens the grant',
      policy(allow('kms:Decrypt', { StringNotEquals: { 's3:prefix': 'private/' } })),
      ['Statement[0].Condition.StringNotEquals["s3:prefix"]'],
      ['StringNotEquals is true when the key is absent', 'the fence is gone and the grant is open'],
    ],
    [
      'an IfExists operator on an Allow',
      policy(
        allow('s3:GetObject', { StringEqualsIfExists: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }),
      ),
      ['Statement[0].Condition.StringEqualsIfExists["kms:ViaService"]'],
      ['StringEqualsIfExists is true when the key is absent', 'the grant is open'],
    ],
    [
      'Null "true" on an Allow',
      policy(allow('kms:Decrypt', { Null: { 's3:x-amz-server-side-encryption': 'true' } })),
      ['Statement[0].Condition.Null["s3:x-amz-server-side-encryption"]'],
      ['Null "true" is true when the key is absent', 'the grant is open'],
    ],
    [
      'Null "false", which never matches',
      policy(allow('kms:Decrypt', { Null: { 's3:x-amz-server-side-encryption': 'false' } })),
      ['Statement[0].Condition.Null["s3:x-amz-server-side-encryption"]'],
      ['with Null the condition never matches'],
    ],
    [
      'ForAllValues, true on an absent key',
      policy(allow('s3:GetObject', { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['id'] } })),
      ['Statement[0].Condition["ForAllValues:StringEquals"]["dynamodb:Attributes"]'],
      ['ForAllValues:StringEquals is true when the key is absent', 'the grant is open'],
    ],
    [
      'ForAnyValue, false on an absent key',
      policy(allow('s3:GetObject', { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['id'] } })),
      ['Statement[0].Condition["ForAnyValue:StringEquals"]["dynamodb:Attributes"]'],
      ['with ForAnyValue:StringEquals the condition never matches'],
    ],
    [
      'a negated operator on a Deny, which then applies to everything',
      policy(deny('s3:GetObject', { StringNotEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } })),
      ['Statement[0].Condition.StringNotEquals["kms:ViaService"]'],
      ['this Deny applies to every request it covers'],
    ],
    [
      'a misspelled global key, with a did-you-mean',
      policy(allow('s3:GetObject', { StringEquals: { 'aws:SourceAcount': '123456789012' } })),
      ['Statement[0].Condition.StringEquals["aws:SourceAcount"]'],
      ['"aws:SourceAcount" is not an AWS global condition key (did you mean "aws:SourceAccount"?)'],
    ],
    [
      'a misspelled global tag key',
      policy(allow('s3:GetObject', { StringEquals: { 'aws:PrincipleTag/team': 'payments' } })),
      ['Statement[0].Condition.StringEquals["aws:PrincipleTag/team"]'],
      ['did you mean "aws:PrincipalTag/team"?'],
    ],
    [
      'a GitHub OIDC key in an identity policy, where no token is present',
      policy(
        allow('s3:GetObject', { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } }),
      ),
      ['Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]'],
      ['never present in requests for s3:GetObject'],
    ],
    [
      'each unsupported key of a statement covering several actions',
      policy(
        allow('s3:ListBucket', { StringLike: { 's3:prefix': 'home/*' } }),
        allow(['kms:Decrypt', 'kms:Encrypt'], {
          StringEquals: { 's3:prefix': 'x', 'ec2:Region': 'eu-west-1' },
        }),
      ),
      [
        'Statement[1].Condition.StringEquals["s3:prefix"]',
        'Statement[1].Condition.StringEquals["ec2:Region"]',
      ],
      ['2 actions (kms:Decrypt and kms:Encrypt)'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = runPolicyRule(unsupportedConditionKey, document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    for (const fragment of fragments) expect(hits[0]?.message).toContain(fragment);
  });
});
