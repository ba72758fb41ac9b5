import { describe, expect, it } from 'vitest';
import {
  findPolicyVariables,
  substitutePolicyVariables,
  usesPolicyVariables,
  type PolicyVariableRef,
} from '../../src/policy/policy-variables.js';

describe('findPolicyVariables', () => {
  it.each<[string, Omit<PolicyVariableRef, 'start' | 'end'>]>([
    ['${aws:username}', { text: '${aws:username}', name: 'aws:username' }],
    ['${aws:userid}', { text: '${aws:userid}', name: 'aws:userid' }],
    ['${aws:PrincipalTag/team}', { text: '${aws:PrincipalTag/team}', name: 'aws:PrincipalTag/team' }],
    [
      '${aws:ResourceTag/cost center}',
      { text: '${aws:ResourceTag/cost center}', name: 'aws:ResourceTag/cost center' },
    ],
    [
      '${aws:ResourceTag/aws:cloudformation:stack-name}',
      {
        text: '${aws:ResourceTag/aws:cloudformation:stack-name}',
        name: 'aws:ResourceTag/aws:cloudformation:stack-name',
      },
    ],
    [
      '${s3:ExistingObjectTag/owner}',
      { text: '${s3:ExistingObjectTag/owner}', name: 's3:ExistingObjectTag/owner' },
    ],
    ['${rds:db-tag/env}', { text: '${rds:db-tag/env}', name: 'rds:db-tag/env' }],
    ['${ssm:resourceTag/env}', { text: '${ssm:resourceTag/env}', name: 'ssm:resourceTag/env' }],
    ['${saml:sub}', { text: '${saml:sub}', name: 'saml:sub' }],
    ['${s3:prefix}', { text: '${s3:prefix}', name: 's3:prefix' }],
    ['${s3:x-amz-acl}', { text: '${s3:x-amz-acl}', name: 's3:x-amz-acl' }],
    [
      '${token.actions.githubusercontent.com:sub}',
      { text: '${token.actions.githubusercontent.com:sub}', name: 'token.actions.githubusercontent.com:sub' },
    ],
    [
      '${oidc.eks.us-east-1.amazonaws.com/id/ABC123:sub}',
      {
        text: '${oidc.eks.us-east-1.amazonaws.com/id/ABC123:sub}',
        name: 'oidc.eks.us-east-1.amazonaws.com/id/ABC123:sub',
      },
    ],
    [
      "${aws:userid, 'default'}",
      { text: "${aws:userid, 'default'}", name: 'aws:userid', defaultValue: 'default' },
    ],
    [
      "${aws:PrincipalTag/team,'company-wide'}",
      {
        text: "${aws:PrincipalTag/team,'company-wide'}",
        name: 'aws:PrincipalTag/team',
        defaultValue: 'company-wide',
      },
    ],
    [
      "${aws:PrincipalTag/team , 'a b}c'}",
      { text: "${aws:PrincipalTag/team , 'a b}c'}", name: 'aws:PrincipalTag/team', defaultValue: 'a b}c' },
    ],
    ["${aws:username, ''}", { text: "${aws:username, ''}", name: 'aws:username', defaultValue: '' }],
    ['${*}', { text: '${*}', name: '*' }],
    ['${?}', { text: '${?}', name: '?' }],
    ['${$}', { text: '${$}', name: '$' }],
  ])('recognises %s', (text, expected) => {
    expect(findPolicyVariables(text)).toStrictEqual([{ ...expected, start: 0, end: text.length }]);
  });

  it.each([
    ['Terraform reference', '${aws_iam_role.app.arn}'],
    ['Pulumi-style token', '${aws:iam/role:Role::app.arn}'],
    ['CloudFormation pseudo-parameter', '${AWS::AccountId}'],
    ['CDK token', '${Token[TOKEN.123]}'],
    ['Fn::Sub attribute', '${MyBucket.Arn}'],
    ['empty', '${}'],
    ['whitespace inside', '${ aws:username }'],
    ['unterminated', '${aws:username'],
    ['no key', '${aws:}'],
    ['no prefix', '${:username}'],
    ['slash on a key that takes no tag', '${aws:username/x}'],
    ['special with a default', "${*, 'x'}"],
    ['two specials', '${**}'],
    ['double-quoted default', '${aws:username, "x"}'],
    ['default without quotes', '${aws:username, x}'],
    ['unterminated default', "${aws:username, 'x}"],
    ['plain dollar', '$aws:username'],
  ])('leaves %s literal: %s', (_name, text) => {
    expect(findPolicyVariables(text)).toStrictEqual([]);
  });

  it('reports offsets of every variable in a longer text', () => {
    const text = 'arn:aws:s3:::b/${aws:username}/${x}/${*}-${aws:PrincipalTag/team}';
    const refs = findPolicyVariables(text);
    expect(refs.map((r) => r.name)).toStrictEqual(['aws:username', '*', 'aws:PrincipalTag/team']);
    for (const ref of refs) expect(text.slice(ref.start, ref.end)).toBe(ref.text);
  });

  it('finds a variable nested inside an unrecognised ${', () => {
    expect(findPolicyVariables('${${aws:username}}')).toStrictEqual([
      { text: '${aws:username}', name: 'aws:username', start: 2, end: 17 },
    ]);
  });

  it('is safe to call repeatedly (no shared lastIndex)', () => {
    const text = 'x${aws:username}';
    expect(findPolicyVariables(text)).toHaveLength(1);
    expect(findPolicyVariables(text)).toHaveLength(1);
  });
});

describe('usesPolicyVariables', () => {
  it.each([
    ['arn:aws:s3:::b/${aws:username}/*', '2012-10-17', true],
    ['arn:aws:s3:::b/${aws:username}/*', '2008-10-17', false],
    ['arn:aws:s3:::b/${aws:username}/*', undefined, false],
    ['arn:aws:s3:::b/${*}', '2012-10-17', true],
    ['arn:aws:s3:::b/*', '2012-10-17', false],
    ['arn:aws:s3:::b/${aws_iam_role.app.arn}', '2012-10-17', false],
  ] as const)('%s with %s -> %s', (text, version, expected) => {
    expect(usesPolicyVariables(text, version)).toBe(expected);
  });
});

describe('substitutePolicyVariables', () => {
  const context: Record<string, string> = {
    'aws:username': 'alice',
    'aws:principaltag/team': 'payments',
    'aws:userid': 'AIDAEXAMPLE',
  };
  // IAM keys are case-insensitive, so the lookup folds case as callers are told to.
  const lookup = (name: string): string | undefined => context[name.toLowerCase()];

  it.each([
    ['substitutes a variable', 'home/${aws:username}/*', '2012-10-17', 'home/alice/*'],
    ['folds case of the name', 'home/${AWS:UserName}', '2012-10-17', 'home/alice'],
    ['substitutes a tag', 'team/${aws:PrincipalTag/team}', '2012-10-17', 'team/payments'],
    ['uses the value over the default', "${aws:userid, 'anon'}", '2012-10-17', 'AIDAEXAMPLE'],
    ['falls back to the default', "u/${aws:PrincipalTag/missing, 'shared'}", '2012-10-17', 'u/shared'],
    ['allows an empty default', "u/${saml:sub, ''}x", '2012-10-17', 'u/x'],
    ['specials become literal characters', 'a${*}b${?}c${$}d', '2012-10-17', 'a*b?c$d'],
    [
      'leaves non-variables literal',
      '${aws_iam_role.app.arn}/${aws:username}',
      '2012-10-17',
      '${aws_iam_role.app.arn}/alice',
    ],
    [
      'no substitution with 2008-10-17',
      'home/${aws:username}/${*}',
      '2008-10-17',
      'home/${aws:username}/${*}',
    ],
    ['no substitution without a version', 'home/${aws:username}', undefined, 'home/${aws:username}'],
    ['missing value without a default', 'home/${aws:PrincipalTag/missing}', '2012-10-17', undefined],
    ['missing value ignored with 2008-10-17', 'home/${saml:sub}', '2008-10-17', 'home/${saml:sub}'],
  ] as const)('%s', (_name, text, version, expected) => {
    expect(substitutePolicyVariables(text, lookup, version)).toBe(expected);
  });

  it('does not call lookup for the specials', () => {
    const names: string[] = [];
    substitutePolicyVariables(
      '${*}${?}${$}${aws:username}',
      (name) => {
        names.push(name);
        return 'v';
      },
      '2012-10-17',
    );
    expect(names).toStrictEqual(['aws:username']);
  });
});
