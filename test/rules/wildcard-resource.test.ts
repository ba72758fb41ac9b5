import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import type { PolicyKind } from '../../src/policy/types.js';
import { wildcardResource } from '../../src/rules/wildcard-resource.js';
import { policy, runPolicyRule } from './harness.js';

const catalog = loadCatalog();
const describeAll = catalog.expand('ec2:Describe*');
const describeWildcardOnly = describeAll.filter((action) => catalog.action(action)?.wildcardOnly).length;
const allow = (action: unknown, resource: unknown = '*', extra: object = {}) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});

describe('wildcard-resource', () => {
  it.each<[string, object, PolicyKind?]>([
    ['an action that only accepts "*"', policy(allow('sts:GetCallerIdentity'))],
    [
      'several wildcard-only actions, one matched case-insensitively',
      policy(allow(['xray:PutTraceSegments', 'EC2:describeinstances', 'sts:GetCallerIdentity'])),
    ],
    ['a scoped object ARN', policy(allow('s3:GetObject', 'arn:aws:s3:::app-data/*'))],
    ['a bucket whose name is only partly a wildcard', policy(allow('s3:ListBucket', 'arn:aws:s3:::app-*'))],
    ['a Deny guardrail', policy({ Effect: 'Deny', Action: 's3:*', Resource: '*' })],
    ['NotAction with "*" (not-action-allow)', policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })],
    ['only unknown actions (unknown-action)', policy(allow('s3:GetObjekt'))],
    [
      'attribute-based access control on the resource tag',
      policy(
        allow('secretsmanager:GetSecretValue', '*', {
          Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
        }),
      ),
    ],
    [
      'a KMS key policy, where "*" is the key itself',
      policy({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:root' },
        Action: 'kms:*',
        Resource: '*',
      }),
      'resource',
    ],
    [
      'a trust policy',
      policy({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      'trust',
    ],
  ])('is quiet on %s', (_name, document, kind = 'identity') => {
    expect(runPolicyRule(wildcardResource, document, { kind })).toEqual([]);
  });

  it.each([
    [
      'a scopable action on "*"',
      policy(allow('s3:GetObject')),
      ['Statement[0].Resource'],
      ['"*" matches every resource for s3:GetObject; name the resources instead'],
    ],
    [
      'a mixed statement, naming only the actions that accept ARNs',
      policy(allow(['sts:GetCallerIdentity', 'xray:PutTraceSegments', 's3:GetObject'])),
      ['Statement[0].Resource'],
      ['for s3:GetObject; move it', 'the other 2 actions only accept "*" and can stay'],
    ],
    [
      'ec2:Describe*, whose few scopable actions are counted',
      policy(allow('ec2:Describe*')),
      ['Statement[0].Resource'],
      [
        `for ${describeAll.length - describeWildcardOnly} actions (`,
        `the other ${describeWildcardOnly} actions only accept "*"`,
      ],
    ],
    [
      'every bucket and object ("*" spans "/")',
      policy(allow('s3:GetObject', 'arn:aws:s3:::*')),
      ['Statement[0].Resource'],
      ['"arn:aws:s3:::*" matches every resource of its type'],
    ],
    [
      'an ARN of wildcards only ("*" spans ":")',
      policy(allow('dynamodb:GetItem', 'arn:*:*:*:*:*')),
      ['Statement[0].Resource'],
      ['"arn:*:*:*:*:*"'],
    ],
    [
      'every table of any region and account',
      policy(allow(['dynamodb:GetItem', 'dynamodb:Query'], 'arn:aws:dynamodb:*:*:table/*')),
      ['Statement[0].Resource'],
      ['for 2 actions (dynamodb:GetItem and dynamodb:Query)'],
    ],
    [
      'the star entry of a list, in the Allow of a mixed policy',
      policy(
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        allow('s3:PutObject', ['arn:aws:s3:::app/*', '*']),
      ),
      ['Statement[1].Resource[1]'],
      ['s3:PutObject'],
    ],
    [
      'a negated resource-tag condition, which fences nothing',
      policy(
        allow('secretsmanager:GetSecretValue', '*', {
          Condition: { StringNotEquals: { 'aws:ResourceTag/team': 'payments' } },
        }),
      ),
      ['Statement[0].Resource'],
      ['secretsmanager:GetSecretValue'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = runPolicyRule(wildcardResource, document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    for (const fragment of fragments) expect(hits[0]?.message).toContain(fragment);
  });
});
