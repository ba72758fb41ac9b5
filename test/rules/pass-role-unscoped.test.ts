import { describe, expect, it } from 'vitest';
import { passRoleUnscoped } from '../../src/rules/pass-role-unscoped.js';
import { policy, runPolicyRule } from './harness.js';

const ROLE = 'arn:aws:iam::123456789012:role/app-worker';
const toLambda = { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } };
const allow = (action: unknown, resource: unknown, condition?: object) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...(condition && { Condition: condition }),
});

describe('pass-role-unscoped', () => {
  it.each([
    ['a named role passed to one service', policy(allow('iam:PassRole', ROLE, toLambda))],
    [
      'a service fence written in another case, with several services',
      policy(
        allow('iam:passrole', ROLE, {
          StringEquals: { 'IAM:PassedToService': ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'] },
        }),
      ),
    ],
    ['a Deny guardrail', policy({ Effect: 'Deny', Action: 'iam:*', Resource: '*' })],
    ['no PassRole', policy(allow(['iam:GetRole', 'iam:ListRoles'], '*'))],
    [
      'iam:* on users only, where PassRole grants nothing',
      policy(allow('iam:*', 'arn:aws:iam::123456789012:user/*')),
    ],
    ['s3:* on "*"', policy(allow('s3:*', '*'))],
    [
      'NotResource (not-resource-allow)',
      policy({
        Effect: 'Allow',
        Action: 'iam:PassRole',
        NotResource: 'arn:aws:iam::123456789012:role/admin',
      }),
    ],
  ])('is quiet on %s', (_name, document) => {
    expect(runPolicyRule(passRoleUnscoped, document)).toEqual([]);
  });

  it.each([
    [
      'PassRole on "*"',
      policy(allow('iam:PassRole', '*', toLambda)),
      [['Statement[0].Resource', undefined]],
      ['iam:PassRole on "*" can hand any role'],
    ],
    [
      'PassRole through iam:* on every role',
      policy(allow('iam:*', 'arn:aws:iam::123456789012:role/*')),
      [['Statement[0].Resource', undefined]],
      ['"arn:aws:iam::123456789012:role/*"'],
    ],
    [
      'PassRole through iam:Pass*',
      policy(allow('iam:Pass*', '*')),
      [['Statement[0].Resource', undefined]],
      ['any role'],
    ],
    ['PassRole through "*"', policy(allow('*', '*')), [['Statement[0].Resource', undefined]], ['any role']],
    [
      'only the star entry when scoped roles are listed too',
      policy(allow('iam:PassRole', [ROLE, '*'])),
      [['Statement[0].Resource[1]', undefined]],
      ['iam:PassRole on "*"'],
    ],
    [
      'a named role without iam:PassedToService, as a warning on the PassRole entry',
      policy(allow(['lambda:CreateFunction', 'iam:PassRole'], ROLE)),
      [['Statement[0].Action[1]', 'warning']],
      ['no iam:PassedToService condition, so any service could receive the role'],
    ],
    [
      'a negated service fence',
      policy(
        allow('iam:PassRole', ROLE, { StringNotEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } }),
      ),
      [['Statement[0].Action', 'warning']],
      [
        'StringNotEquals, which only excludes the listed services',
        'any other service could receive the role',
      ],
    ],
    [
      'a service fence of "*"',
      policy(allow('iam:PassRole', ROLE, { StringLike: { 'iam:PassedToService': '*' } })),
      [['Statement[0].Action', 'warning']],
      ['only matches "*"'],
    ],
    [
      'an unresolved role reference without a service fence',
      policy(allow('iam:PassRole', '${AppRole.Arn}')),
      [['Statement[0].Action', 'warning']],
      ['any service could receive the role'],
    ],
    [
      'PassRole through NotAction on a named role',
      policy({ Effect: 'Allow', NotAction: 's3:*', Resource: ROLE }),
      [['Statement[0].NotAction', 'warning']],
      ['any service could receive the role'],
    ],
  ])('reports %s', (_name, document, expected, fragments) => {
    const hits = runPolicyRule(passRoleUnscoped, document);
    expect(hits.map((hit) => [hit.path, hit.severity])).toEqual(expected);
    for (const fragment of fragments) expect(hits[0]?.message).toContain(fragment);
  });
});
