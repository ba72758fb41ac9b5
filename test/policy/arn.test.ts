import { describe, expect, it } from 'vitest';
import { ACCOUNT_ID, accountRootArn, formatArn, isArn, parseArn, type Arn } from '../../src/policy/arn.js';

describe('parseArn', () => {
  it.each<[string, string, Arn]>([
    [
      'iam role with a path',
      'arn:aws:iam::123456789012:role/service-role/ci',
      {
        partition: 'aws',
        service: 'iam',
        region: '',
        account: '123456789012',
        resource: 'role/service-role/ci',
        resourceType: 'role',
        resourceId: 'service-role/ci',
      },
    ],
    [
      'lambda function with an alias',
      'arn:aws:lambda:eu-west-1:123456789012:function:app:live',
      {
        partition: 'aws',
        service: 'lambda',
        region: 'eu-west-1',
        account: '123456789012',
        resource: 'function:app:live',
        resourceType: 'function',
        resourceId: 'app:live',
      },
    ],
    [
      's3 object: the bucket name is not a type',
      'arn:aws:s3:::my-bucket/a/b:c.txt',
      { partition: 'aws', service: 's3', region: '', account: '', resource: 'my-bucket/a/b:c.txt' },
    ],
    [
      's3 bucket',
      'arn:aws:s3:::my-bucket',
      { partition: 'aws', service: 's3', region: '', account: '', resource: 'my-bucket' },
    ],
    [
      's3 access point, which has an account and a type',
      'arn:aws:s3:us-east-1:123456789012:accesspoint/reports/object/key',
      {
        partition: 'aws',
        service: 's3',
        region: 'us-east-1',
        account: '123456789012',
        resource: 'accesspoint/reports/object/key',
        resourceType: 'accesspoint',
        resourceId: 'reports/object/key',
      },
    ],
    [
      'sqs queue: a bare name',
      'arn:aws:sqs:us-east-1:123456789012:jobs.fifo',
      {
        partition: 'aws',
        service: 'sqs',
        region: 'us-east-1',
        account: '123456789012',
        resource: 'jobs.fifo',
      },
    ],
    [
      'kms key',
      'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      {
        partition: 'aws',
        service: 'kms',
        region: 'us-east-1',
        account: '123456789012',
        resource: 'key/1234abcd-12ab-34cd-56ef-1234567890ab',
        resourceType: 'key',
        resourceId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      },
    ],
    [
      'sts assumed-role session',
      'arn:aws:sts::123456789012:assumed-role/ci/session-1',
      {
        partition: 'aws',
        service: 'sts',
        region: '',
        account: '123456789012',
        resource: 'assumed-role/ci/session-1',
        resourceType: 'assumed-role',
        resourceId: 'ci/session-1',
      },
    ],
    [
      'aws-cn partition',
      'arn:aws-cn:iam::123456789012:user/alice',
      {
        partition: 'aws-cn',
        service: 'iam',
        region: '',
        account: '123456789012',
        resource: 'user/alice',
        resourceType: 'user',
        resourceId: 'alice',
      },
    ],
    [
      'aws-us-gov partition',
      'arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts',
      {
        partition: 'aws-us-gov',
        service: 'sns',
        region: 'us-gov-west-1',
        account: '123456789012',
        resource: 'alerts',
      },
    ],
    [
      'account root',
      'arn:aws:iam::123456789012:root',
      { partition: 'aws', service: 'iam', region: '', account: '123456789012', resource: 'root' },
    ],
    [
      'AWS-managed policy',
      'arn:aws:iam::aws:policy/AdministratorAccess',
      {
        partition: 'aws',
        service: 'iam',
        region: '',
        account: 'aws',
        resource: 'policy/AdministratorAccess',
        resourceType: 'policy',
        resourceId: 'AdministratorAccess',
      },
    ],
    [
      'wildcards everywhere',
      'arn:*:*:*:*:*',
      { partition: '*', service: '*', region: '*', account: '*', resource: '*' },
    ],
    [
      'wildcard account and role name',
      'arn:aws:iam::*:role/*',
      {
        partition: 'aws',
        service: 'iam',
        region: '',
        account: '*',
        resource: 'role/*',
        resourceType: 'role',
        resourceId: '*',
      },
    ],
    [
      'log group with a stream',
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/app:*',
      {
        partition: 'aws',
        service: 'logs',
        region: 'us-east-1',
        account: '123456789012',
        resource: 'log-group:/aws/lambda/app:*',
        resourceType: 'log-group',
        resourceId: '/aws/lambda/app:*',
      },
    ],
    [
      'execute-api: the API id is not a type',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/pets',
      {
        partition: 'aws',
        service: 'execute-api',
        region: 'us-east-1',
        account: '123456789012',
        resource: 'a1b2c3/prod/GET/pets',
      },
    ],
    [
      'sns subscription: the topic name is not a type',
      'arn:aws:sns:us-east-1:123456789012:alerts:5f0e-11aa',
      {
        partition: 'aws',
        service: 'sns',
        region: 'us-east-1',
        account: '123456789012',
        resource: 'alerts:5f0e-11aa',
      },
    ],
    [
      'policy variable with colons in the account',
      'arn:aws:iam::${aws:PrincipalAccount}:role/x',
      {
        partition: 'aws',
        service: 'iam',
        region: '',
        account: '${aws:PrincipalAccount}',
        resource: 'role/x',
        resourceType: 'role',
        resourceId: 'x',
      },
    ],
    [
      'CloudFormation pseudo-parameter in the partition',
      'arn:${AWS::Partition}:s3:::bucket/${aws:username}/*',
      {
        partition: '${AWS::Partition}',
        service: 's3',
        region: '',
        account: '',
        resource: 'bucket/${aws:username}/*',
      },
    ],
    [
      'policy variable before the type separator',
      'arn:aws:dynamodb:us-east-1:123456789012:table/${aws:PrincipalTag/team}-data',
      {
        partition: 'aws',
        service: 'dynamodb',
        region: 'us-east-1',
        account: '123456789012',
        resource: 'table/${aws:PrincipalTag/team}-data',
        resourceType: 'table',
        resourceId: '${aws:PrincipalTag/team}-data',
      },
    ],
    [
      'resource starting with a separator has no type',
      'arn:aws:apigateway:us-east-1::/restapis/a1b2c3',
      {
        partition: 'aws',
        service: 'apigateway',
        region: 'us-east-1',
        account: '',
        resource: '/restapis/a1b2c3',
      },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseArn(text)).toStrictEqual(expected);
    expect(isArn(text)).toBe(true);
  });

  it.each([
    ['*'],
    ['foo'],
    [''],
    ['arn'],
    ['arn:'],
    ['arn:aws:s3'],
    ['arn:aws:s3:::'],
    ['arn:aws:iam::123456789012'],
    ['arn::iam::123456789012:root'],
    ['arn:aws:::123456789012:root'],
    ['ARN:aws:iam::123456789012:root'],
    [' arn:aws:iam::123456789012:root'],
    ['123456789012'],
    ['${aws:iam/role:Role::app.arn}'],
    ['${aws_iam_role.app.arn}'],
    ['arn:aws:iam::${aws:iam/role:Role::app.arn}'],
  ])('rejects %j', (text) => {
    expect(parseArn(text)).toBeUndefined();
    expect(isArn(text)).toBe(false);
  });

  it('does not crash on symbolic placeholders inside an ARN', () => {
    const arn = parseArn('arn:aws:iam::123456789012:role/${aws:iam/role:Role::app.arn}');
    expect(arn?.resourceType).toBe('role');
    expect(arn?.resourceId).toBe('${aws:iam/role:Role::app.arn}');
  });

  it('treats an unterminated ${ as plain text', () => {
    expect(parseArn('arn:aws:iam::${oops:role/x')).toStrictEqual({
      partition: 'aws',
      service: 'iam',
      region: '',
      account: '${oops',
      resource: 'role/x',
      resourceType: 'role',
      resourceId: 'x',
    });
  });
});

describe('formatArn', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/service-role/ci'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:app:live'],
    ['arn:aws:s3:::my-bucket/a/b:c.txt'],
    ['arn:*:*:*:*:*'],
    ['arn:aws:iam::${aws:PrincipalAccount}:role/x'],
  ])('round-trips %s', (text) => {
    const arn = parseArn(text);
    expect(arn).toBeDefined();
    expect(formatArn(arn as Arn)).toBe(text);
  });

  it('formats from resource, not resourceType/resourceId', () => {
    expect(
      formatArn({
        partition: 'aws',
        service: 'iam',
        region: '',
        account: '123456789012',
        resource: 'role/ci',
        resourceType: 'user',
        resourceId: 'other',
      }),
    ).toBe('arn:aws:iam::123456789012:role/ci');
  });
});

describe('accountRootArn', () => {
  it.each([
    ['123456789012', undefined, 'arn:aws:iam::123456789012:root'],
    ['123456789012', 'aws-cn', 'arn:aws-cn:iam::123456789012:root'],
    ['123456789012', 'aws-us-gov', 'arn:aws-us-gov:iam::123456789012:root'],
  ])('%s in %s', (account, partition, expected) => {
    expect(accountRootArn(account, partition)).toBe(expected);
    expect(parseArn(expected)?.account).toBe(account);
  });
});

describe('ACCOUNT_ID', () => {
  it.each([
    ['123456789012', true],
    ['012345678901', true],
    ['12345678901', false],
    ['1234567890123', false],
    ['12345678901a', false],
    [' 123456789012', false],
    ['１２３４５６７８９０１２', false],
    ['*', false],
  ])('%j -> %s', (text, expected) => {
    expect(ACCOUNT_ID.test(text)).toBe(expected);
  });
});
