import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import type { PolicyKind } from '../../src/policy/types.js';
import { SENSITIVE_ACTIONS, sensitiveActionUnscoped } from '../../src/rules/sensitive-action-unscoped.js';
import { policy, runPolicyRule } from './harness.js';

const catalog = loadCatalog();
const allow = (action: unknown, resource: unknown = '*', extra: object = {}) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});

describe('sensitive-action-unscoped', () => {
  it.each([...SENSITIVE_ACTIONS.keys()])(
    'lists %s by its canonical name, as an action that accepts ARNs',
    (name) => {
      const info = catalog.action(name);
      expect(info?.name).toBe(name);
      expect(info?.wildcardOnly).toBe(false);
    },
  );

  it.each<[string, object, PolicyKind?]>([
    [
      'named secrets',
      policy(
        allow(
          'secretsmanager:GetSecretValue',
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-*',
        ),
      ),
    ],
    [
      'objects of one bucket',
      policy(allow(['s3:GetObject', 's3:GetObjectVersion'], 'arn:aws:s3:::app-data/*')),
    ],
    ['non-sensitive actions on "*"', policy(allow(['s3:ListAllMyBuckets', 'ec2:DescribeInstances']))],
    ['a wildcard-only credential action', policy(allow('ecr:GetAuthorizationToken'))],
    ['a Deny guardrail', policy({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' })],
    [
      'attribute-based access control on the resource tag',
      policy(
        allow('secretsmanager:GetSecretValue', '*', {
          Condition: { StringEquals: { 'secretsmanager:ResourceTag/team': 'payments' } },
        }),
      ),
    ],
    [
      'a bucket policy, where "*" is not how objects are scoped',
      policy({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/reader' },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::app-data/*',
      }),
      'resource',
    ],
    [
      'a KMS key policy, where "*" is the key itself',
      policy({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/app' },
        Action: 'kms:Decrypt',
        Resource: '*',
      }),
      'resource',
    ],
  ])('is quiet on %s', (_name, document, kind = 'identity') => {
    expect(runPolicyRule(sensitiveActionUnscoped, document, { kind })).toEqual([]);
  });

  it.each([
    [
      'one sensitive action on "*", saying what it returns',
      policy(allow('secretsmanager:GetSecretValue')),
      ['Statement[0].Resource'],
      ['"*" lets secretsmanager:GetSecretValue reach every resource, and it returns secret values'],
    ],
    [
      'a case-insensitive name',
      policy(allow('KMS:decrypt')),
      ['Statement[0].Resource'],
      ['kms:Decrypt', 'decrypts'],
    ],
    [
      'sensitive actions reached through a wildcard',
      policy(allow('ssm:GetParameter*')),
      ['Statement[0].Resource'],
      [
        '4 credential- or data-returning actions (ssm:GetParameter, ssm:GetParameterHistory, ssm:GetParameters and 1 more)',
      ],
    ],
    [
      'every bucket and object through s3:Get*',
      policy(allow('s3:Get*', 'arn:aws:s3:::*')),
      ['Statement[0].Resource'],
      [
        '"arn:aws:s3:::*" lets 2 credential- or data-returning actions (s3:GetObject and s3:GetObjectVersion)',
      ],
    ],
    [
      'every action',
      policy(allow('*')),
      ['Statement[0].Resource'],
      [`${SENSITIVE_ACTIONS.size} credential- or data-returning actions`],
    ],
    [
      'every secret of any region and account',
      policy(allow('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:*:*:secret:*')),
      ['Statement[0].Resource'],
      ['"arn:aws:secretsmanager:*:*:secret:*" lets secretsmanager:GetSecretValue reach every resource'],
    ],
    [
      'each star entry of a mixed statement, not the scoped one',
      policy(
        allow('s3:PutObject', '*'),
        allow(
          ['dynamodb:Query', 'dynamodb:PutItem'],
          ['arn:aws:dynamodb:eu-west-1:123456789012:table/app', 'arn:aws:dynamodb:*:*:table/*', '*'],
        ),
      ),
      ['Statement[1].Resource[1]', 'Statement[1].Resource[2]'],
      ['dynamodb:Query'],
    ],
    [
      'sts:AssumeRole on every role',
      policy(allow('sts:AssumeRole', 'arn:aws:iam::*:role/*')),
      ['Statement[0].Resource'],
      ['credentials of every role'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = runPolicyRule(sensitiveActionUnscoped, document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    for (const fragment of fragments) expect(hits[0]?.message).toContain(fragment);
  });
});
