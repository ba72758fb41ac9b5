import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/policy/json-path.js';
import { type ParseOptions, entryPath, parsePolicy } from '../../src/policy/parse-policy.js';
import type { Entries, PolicyDocument } from '../../src/policy/types.js';

function parsed(input: unknown, options?: ParseOptions): PolicyDocument {
  const result = parsePolicy(input, options);
  if (!result.ok)
    throw new Error(`expected a valid policy, got:\n${result.errors.map(formatProblem).join('\n')}`);
  return result.policy;
}

function problems(input: unknown, options?: ParseOptions): string[] {
  const result = parsePolicy(input, options);
  if (result.ok) throw new Error('expected the policy to be rejected');
  return result.errors.map(formatProblem);
}

const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };

describe('parsePolicy: every JSON shape AWS accepts', () => {
  it('takes Statement as a single object, keeping the path "Statement"', () => {
    const policy = parsed({ Version: '2012-10-17', Statement: allow });
    expect(policy.version).toBe('2012-10-17');
    expect(policy.statements).toHaveLength(1);
    expect(policy.statements[0]).toMatchObject({
      effect: 'Allow',
      index: 0,
      path: 'Statement',
      action: { values: ['s3:GetObject'], path: 'Statement.Action', paths: ['Statement.Action'] },
      resource: { values: ['arn:aws:s3:::b/*'] },
      conditions: [],
    });
  });

  it('takes Statement as an array, with indexed paths', () => {
    const policy = parsed({
      Statement: [allow, { ...allow, Sid: 'Two', Action: ['s3:PutObject', 's3:GetObject'] }],
    });
    expect(policy.version).toBeUndefined();
    expect(policy.statements[1]).toMatchObject({
      sid: 'Two',
      index: 1,
      path: 'Statement[1]',
      action: {
        values: ['s3:PutObject', 's3:GetObject'],
        path: 'Statement[1].Action',
        paths: ['Statement[1].Action[0]', 'Statement[1].Action[1]'],
      },
    });
  });

  it('gives each entry its path on demand, the same as the full list', () => {
    const policy = parsed({
      Statement: [
        allow,
        { ...allow, Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::b/*' },
      ],
    });
    const [single, listed] = policy.statements;
    expect(entryPath(listed?.action as Entries, 1)).toBe('Statement[1].Action[1]');
    expect(entryPath(single?.resource as Entries, 0)).toBe('Statement[0].Resource');
    expect(listed?.action?.paths).toEqual(['Statement[1].Action[0]', 'Statement[1].Action[1]']);
  });

  it.each([
    ['NotAction as string', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, 'notAction', ['iam:*']],
    [
      'NotAction as array',
      { Effect: 'Allow', NotAction: ['iam:*', 'sts:*'], Resource: '*' },
      'notAction',
      ['iam:*', 'sts:*'],
    ],
    [
      'NotResource as string',
      { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::b' },
      'notResource',
      ['arn:aws:s3:::b'],
    ],
    [
      'Resource as array',
      { ...allow, Resource: ['arn:aws:s3:::a', 'arn:aws:s3:::b'] },
      'resource',
      ['arn:aws:s3:::a', 'arn:aws:s3:::b'],
    ],
  ])('takes %s', (_name, statement, field, values) => {
    const s = parsed({ Version: '2012-10-17', Statement: [statement] }).statements[0];
    expect(s?.[field as 'notAction']?.values).toEqual(values);
  });

  it('accepts action names with stray whitespace, as AWS did in its own managed policies', () => {
    const s = parsed({
      Statement: { ...allow, Action: ['lambda:ListFunctions ', 'ec2: DescribeAccountAttributes'] },
    }).statements[0];
    expect(s?.action?.values).toEqual(['lambda:ListFunctions ', 'ec2: DescribeAccountAttributes']);
  });

  it('accepts the 2008-10-17 version', () => {
    expect(parsed({ Version: '2008-10-17', Statement: allow }).version).toBe('2008-10-17');
  });

  it('parses JSON text as well as objects', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Id: 'doc', Statement: [allow] });
    expect(parsed(text)).toMatchObject({ id: 'doc', statements: [{ effect: 'Allow' }] });
  });
});

describe('parsePolicy: principals', () => {
  const trust = (Principal: unknown) => ({
    Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal },
  });

  it.each([
    ['"*"', '*', [{ type: 'AWS', value: '*', class: { kind: 'any' }, path: 'Statement.Principal' }]],
    [
      '{"AWS": "*"}',
      { AWS: '*' },
      [{ type: 'AWS', value: '*', class: { kind: 'any' }, path: 'Statement.Principal.AWS' }],
    ],
    [
      'a bare account id, which means the account root',
      { AWS: '123456789012' },
      [{ type: 'AWS', class: { kind: 'account', accountId: '123456789012' } }],
    ],
    [
      'an account root ARN',
      { AWS: 'arn:aws:iam::123456789012:root' },
      [{ class: { kind: 'account', accountId: '123456789012' } }],
    ],
    [
      'a role ARN with a path',
      { AWS: 'arn:aws:iam::123456789012:role/ci/deployer' },
      [{ class: { kind: 'iam', accountId: '123456789012', resourceType: 'role' } }],
    ],
    [
      'a user and an assumed-role session in a list',
      { AWS: ['arn:aws:iam::111111111111:user/alice', 'arn:aws:sts::111111111111:assumed-role/admin/alice'] },
      [
        { class: { kind: 'iam', resourceType: 'user' }, path: 'Statement.Principal.AWS[0]' },
        { class: { kind: 'iam', resourceType: 'assumed-role' }, path: 'Statement.Principal.AWS[1]' },
      ],
    ],
    [
      'services as a list',
      { Service: ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'] },
      [
        { type: 'Service', class: { kind: 'service', service: 'lambda.amazonaws.com' } },
        { type: 'Service', class: { kind: 'service', service: 'ecs-tasks.amazonaws.com' } },
      ],
    ],
    [
      'a GitHub OIDC provider',
      { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      [{ type: 'Federated', class: { kind: 'federated', provider: 'token.actions.githubusercontent.com' } }],
    ],
    [
      'a SAML provider',
      { Federated: 'arn:aws:iam::123456789012:saml-provider/okta' },
      [{ class: { kind: 'federated', provider: 'saml' } }],
    ],
    [
      'a web identity provider',
      { Federated: 'accounts.google.com' },
      [{ class: { kind: 'federated', provider: 'accounts.google.com' } }],
    ],
    [
      'a canonical user',
      { CanonicalUser: 'abc123' },
      [{ type: 'CanonicalUser', class: { kind: 'canonical-user', id: 'abc123' } }],
    ],
    [
      'an OIDC provider in an account known only at deploy time',
      { Federated: 'arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com' },
      [{ class: { kind: 'federated', provider: 'token.actions.githubusercontent.com' } }],
    ],
    [
      'a symbolic IaC reference, which stays unknown',
      { AWS: '${aws_iam_role.ci.arn}' },
      [{ class: { kind: 'unknown' } }],
    ],
  ])('classifies %s', (_name, principal, expected) => {
    expect(parsed(trust(principal)).statements[0]?.principal).toMatchObject(expected);
  });

  it('keeps NotPrincipal apart from Principal', () => {
    const s = parsed({
      Statement: { Effect: 'Deny', Action: 's3:*', Resource: '*', NotPrincipal: { AWS: '123456789012' } },
    }).statements[0];
    expect(s?.principal).toBeUndefined();
    expect(s?.notPrincipal).toMatchObject([{ class: { kind: 'account' } }]);
  });
});

describe('parsePolicy: conditions', () => {
  it('normalizes values to strings and decomposes operators', () => {
    const s = parsed({
      Version: '2012-10-17',
      Statement: {
        ...allow,
        Condition: {
          Bool: { 'aws:SecureTransport': true },
          NumericLessThan: { 's3:max-keys': 10 },
          NumericEquals: { 's3:signatureAge': [600, '900', true] },
          'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['team*', 'env'] },
          StringEquals: { 'aws:SourceAccount': '123456789012', 'aws:PrincipalOrgID': ['o-1', 'o-2'] },
        },
      },
    }).statements[0];
    expect(s?.conditions).toEqual([
      {
        operator: 'Bool',
        baseOperator: 'Bool',
        ifExists: false,
        key: 'aws:SecureTransport',
        values: ['true'],
        path: 'Statement.Condition.Bool["aws:SecureTransport"]',
      },
      {
        operator: 'NumericLessThan',
        baseOperator: 'NumericLessThan',
        ifExists: false,
        key: 's3:max-keys',
        values: ['10'],
        path: 'Statement.Condition.NumericLessThan["s3:max-keys"]',
      },
      {
        operator: 'NumericEquals',
        baseOperator: 'NumericEquals',
        ifExists: false,
        key: 's3:signatureAge',
        values: ['600', '900', 'true'],
        path: 'Statement.Condition.NumericEquals["s3:signatureAge"]',
      },
      {
        operator: 'ForAnyValue:StringLikeIfExists',
        baseOperator: 'StringLike',
        setQualifier: 'ForAnyValue',
        ifExists: true,
        key: 'aws:TagKeys',
        values: ['team*', 'env'],
        path: 'Statement.Condition["ForAnyValue:StringLikeIfExists"]["aws:TagKeys"]',
      },
      expect.objectContaining({ key: 'aws:SourceAccount', values: ['123456789012'] }),
      expect.objectContaining({ key: 'aws:PrincipalOrgID', values: ['o-1', 'o-2'] }),
    ]);
  });

  it('canonicalizes an operator written in another letter case', () => {
    const s = parsed({ Statement: { ...allow, Condition: { stringequals: { 'aws:SourceAccount': '1' } } } })
      .statements[0];
    expect(s?.conditions[0]).toMatchObject({ operator: 'StringEquals', baseOperator: 'StringEquals' });
  });
});

describe('parsePolicy: malformed input names the JSON path', () => {
  it.each([
    [
      'invalid JSON, with line and column',
      '{\n  "Version": "2012-10-17",\n  "Statement": [}\n}',
      ['invalid JSON at line 3, column 17: value expected'],
    ],
    ['JSON that ends early', '{"Statement": ', ['invalid JSON at line 1, column 15: value expected']],
    ['a non-object document', '[]', ['expected a policy object, got an array']],
    [
      'an unknown top-level element',
      { Statement: allow, Statment: [] },
      ['Statment: unknown element; a policy has only Version, Id and Statement'],
    ],
    [
      'an unknown version',
      { Version: '2012-10-18', Statement: allow },
      ['Version: expected "2012-10-17" or "2008-10-17", got "2012-10-18"'],
    ],
    [
      'a missing Statement',
      { Version: '2012-10-17' },
      ['Statement: missing; a policy needs at least one statement'],
    ],
    [
      'an empty Statement list',
      { Statement: [] },
      ['Statement: expected at least one statement, got an empty array'],
    ],
    [
      'a statement that is not an object',
      { Statement: [allow, 'Allow'] },
      ['Statement[1]: expected a statement object, got "Allow"'],
    ],
    [
      'a lower-case Effect',
      { Statement: [allow, { ...allow, Effect: 'allow' }] },
      ['Statement[1].Effect: expected "Allow" or "Deny", got "allow"'],
    ],
    [
      'a missing Effect',
      { Statement: [{ Action: 's3:GetObject', Resource: '*' }] },
      ['Statement[0].Effect: missing; expected "Allow" or "Deny"'],
    ],
    [
      'Action and NotAction together',
      { Statement: [{ ...allow, NotAction: 'iam:*' }] },
      ['Statement[0]: has both Action and NotAction; use one'],
    ],
    [
      'neither Action nor NotAction',
      { Statement: [{ Effect: 'Allow', Resource: '*' }] },
      ['Statement[0]: missing Action (or NotAction)'],
    ],
    [
      'an empty Action list',
      { Statement: [{ ...allow, Action: [] }] },
      ['Statement[0].Action: expected at least one action, got an empty array'],
    ],
    [
      'an empty action string',
      { Statement: [{ ...allow, Action: ['s3:GetObject', ''] }] },
      ['Statement[0].Action[1]: expected an action, got an empty string'],
    ],
    [
      'an action without a service',
      { Statement: [{ ...allow, Action: 'GetObject' }] },
      ['Statement[0].Action: expected "service:action" such as "s3:GetObject", or "*", got "GetObject"'],
    ],
    [
      'a number in Action',
      { Statement: [{ ...allow, Action: ['s3:GetObject', 7] }] },
      ['Statement[0].Action[1]: expected a string, got number 7'],
    ],
    [
      'an object as Action',
      { Statement: [{ ...allow, Action: { s3: 'GetObject' } }] },
      ['Statement[0].Action: expected a string or an array of strings, got an object'],
    ],
    [
      'Resource and NotResource together',
      { Statement: [{ ...allow, NotResource: '*' }] },
      ['Statement[0]: has both Resource and NotResource; use one'],
    ],
    [
      'a resource that is not an ARN',
      { Statement: [{ ...allow, Resource: 'my-bucket' }] },
      ['Statement[0].Resource: expected an ARN or "*", got "my-bucket"'],
    ],
    [
      'an unknown statement element',
      { Statement: [{ ...allow, Conditions: {} }] },
      [
        'Statement[0].Conditions: unknown element; a statement has Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition',
      ],
    ],
    [
      'a non-string Sid',
      { Statement: [{ ...allow, Sid: 1 }] },
      ['Statement[0].Sid: expected a string, got number 1'],
    ],
    [
      'an unknown condition operator',
      { Statement: [{ ...allow, Condition: { StringEqual: { 'aws:SourceAccount': '1' } } }] },
      ['Statement[0].Condition.StringEqual: unknown condition operator "StringEqual"'],
    ],
    [
      'NullIfExists, which AWS rejects',
      { Statement: [{ ...allow, Condition: { NullIfExists: { 'aws:TokenIssueTime': 'true' } } }] },
      ['Statement[0].Condition.NullIfExists: unknown condition operator "NullIfExists"'],
    ],
    [
      'an object as condition value',
      { Statement: [{ ...allow, Condition: { StringEquals: { 'aws:SourceAccount': { a: 1 } } } }] },
      [
        'Statement[0].Condition.StringEquals["aws:SourceAccount"]: expected a string, number or boolean, got an object',
      ],
    ],
    [
      'null inside a condition list',
      { Statement: [{ ...allow, Condition: { StringEquals: { 'aws:SourceAccount': ['1', null] } } }] },
      [
        'Statement[0].Condition.StringEquals["aws:SourceAccount"][1]: expected a string, number or boolean, got null',
      ],
    ],
    [
      'a condition block that is a list',
      { Statement: [{ ...allow, Condition: [] }] },
      ['Statement[0].Condition: expected an object of condition operators, got an array'],
    ],
    [
      'an unknown principal type',
      { Statement: [{ ...allow, Principal: { Aws: '*' } }] },
      [
        'Statement[0].Principal.Aws: unknown principal type; expected AWS, Service, Federated or CanonicalUser',
      ],
    ],
    [
      'an empty principal list',
      { Statement: [{ ...allow, Principal: { AWS: [] } }] },
      ['Statement[0].Principal.AWS: expected a string or a non-empty array of strings, got an array'],
    ],
    [
      'a principal that is a bare string other than "*"',
      { Statement: [{ ...allow, Principal: '123456789012' }] },
      [
        'Statement[0].Principal: expected "*" or an object such as {"AWS": "123456789012"}, got "123456789012"',
      ],
    ],
    [
      'a wildcard inside a principal ARN',
      { Statement: [{ ...allow, Principal: { AWS: ['arn:aws:iam::123456789012:role/*'] } }] },
      [
        'Statement[0].Principal.AWS[0]: wildcards are not allowed in principals (got "arn:aws:iam::123456789012:role/*"); use "*" with an aws:PrincipalArn condition',
      ],
    ],
    [
      'Principal and NotPrincipal together',
      { Statement: [{ ...allow, Principal: '*', NotPrincipal: { AWS: '1' } }] },
      ['Statement[0]: has both Principal and NotPrincipal; use one'],
    ],
  ])('reports %s', (_name, input, expected) => {
    expect(problems(input)).toEqual(expected);
  });

  it('reports every problem, not just the first', () => {
    expect(
      problems({
        Version: 1,
        Statement: [
          { Effect: 'allow', Action: [] },
          { Effect: 'Deny', Action: 's3:*', Resource: 'x' },
        ],
      }),
    ).toEqual([
      'Version: expected "2012-10-17" or "2008-10-17", got number 1',
      'Statement[0].Effect: expected "Allow" or "Deny", got "allow"',
      'Statement[0].Action: expected at least one action, got an empty array',
      'Statement[1].Resource: expected an ARN or "*", got "x"',
    ]);
  });
});

describe('parsePolicy: rules of the policy kind', () => {
  const roleTrust = {
    Effect: 'Allow',
    Principal: { Service: 'lambda.amazonaws.com' },
    Action: 'sts:AssumeRole',
  };

  it.each([
    [
      'an identity policy naming a Principal',
      { ...allow, Principal: '*' },
      'identity',
      [
        'Statement: an identity policy cannot name a Principal; it applies to the principal it is attached to',
      ],
    ],
    [
      'an identity policy without Resource',
      { Effect: 'Allow', Action: 's3:GetObject' },
      'identity',
      ['Statement: missing Resource (or NotResource)'],
    ],
    [
      'a boundary without Resource',
      { Effect: 'Allow', Action: 's3:*' },
      'boundary',
      ['Statement: missing Resource (or NotResource)'],
    ],
    [
      'a trust policy without Principal',
      { Effect: 'Allow', Action: 'sts:AssumeRole' },
      'trust',
      ['Statement: missing Principal (or NotPrincipal)'],
    ],
    [
      'a trust policy with Resource',
      { ...roleTrust, Resource: '*' },
      'trust',
      ['Statement: a trust policy cannot have Resource; the resource is the role itself'],
    ],
    [
      'a resource policy without Principal',
      allow,
      'resource',
      ['Statement: missing Principal (or NotPrincipal)'],
    ],
  ] as const)('rejects %s', (_name, statement, kind, expected) => {
    expect(problems({ Version: '2012-10-17', Statement: statement }, { kind })).toEqual(expected);
  });

  it('accepts a role trust policy as kind "trust"', () => {
    expect(
      parsed({ Version: '2012-10-17', Statement: roleTrust }, { kind: 'trust' }).statements,
    ).toHaveLength(1);
  });
});
