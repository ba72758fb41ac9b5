/**
 * Condition operators, through `simulate`: each case is an identity policy allowing everything
 * under one Condition block, so "holds" means the request is allowed.
 */
import { describe, expect, it } from 'vitest';
import type { PolicyVersion } from '../../src/policy/types.js';
import { simulate } from '../../src/simulate/index.js';
import { parseDoc } from './helpers.js';

type Context = Record<string, string | string[]>;

function holds(
  condition: object,
  context: Context = {},
  version: PolicyVersion | null = '2012-10-17',
): boolean {
  const policy = parseDoc(
    {
      ...(version ? { Version: version } : {}),
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition }],
    },
    'identity',
  );
  return (
    simulate({ identity: [policy] }, { action: 's3:GetObject', resource: '*', context }).decision ===
    'allowed'
  );
}

/** One operator, one key `k`, and the request value(s) of `k` (undefined: absent). */
function op(operator: string, values: unknown, request: string | string[] | undefined): boolean {
  return holds({ [operator]: { k: values } }, request === undefined ? {} : { k: request });
}

type Case = [
  operator: string,
  policyValues: unknown,
  request: string | string[] | undefined,
  expected: boolean,
];

describe('string operators', () => {
  it.each<Case>([
    ['StringEquals', 'prod', 'prod', true],
    ['StringEquals', 'prod', 'Prod', false],
    ['StringEquals', ['dev', 'prod'], 'prod', true],
    // A star under StringEquals is a literal star.
    ['StringEquals', 'repo:acme/infra:*', 'repo:acme/infra:ref:refs/heads/main', false],
    ['StringEquals', 'repo:acme/infra:*', 'repo:acme/infra:*', true],
    ['StringNotEquals', 'prod', 'dev', true],
    ['StringNotEquals', ['dev', 'prod'], 'prod', false],
    ['StringEqualsIgnoreCase', 'Prod', 'PROD', true],
    ['StringEqualsIgnoreCase', 'prod', 'production', false],
    ['StringNotEqualsIgnoreCase', 'Prod', 'pROD', false],
    ['StringNotEqualsIgnoreCase', 'Prod', 'dev', true],
    ['StringLike', 'repo:acme/*', 'repo:acme/infra:ref:refs/heads/main', true],
    ['StringLike', 'repo:acme/*', 'repo:other/infra', false],
    ['StringLike', 'env-?', 'env-a', true],
    ['StringLike', 'env-?', 'env-ab', false],
    ['StringLike', 'Team-*', 'team-a', false],
    ['StringNotLike', 'repo:acme/*', 'repo:other/x', true],
    ['StringNotLike', ['a*', 'b*'], 'bx', false],
  ])('%s %j vs %j -> %s', (operator, values, request, expected) => {
    expect(op(operator, values, request)).toBe(expected);
  });
});

describe('numeric operators', () => {
  it.each<Case>([
    ['NumericEquals', '10', '10', true],
    ['NumericEquals', '10', '10.0', true],
    ['NumericEquals', 10, '010', true],
    ['NumericEquals', '10', '11', false],
    ['NumericNotEquals', '10', '11', true],
    ['NumericNotEquals', '10', '10', false],
    ['NumericLessThan', '3600', '3599', true],
    ['NumericLessThan', '3600', '3600', false],
    ['NumericLessThanEquals', '3600', '3600', true],
    ['NumericGreaterThan', '0.5', '0.75', true],
    ['NumericGreaterThan', '-1', '-2', false],
    ['NumericGreaterThanEquals', '5', '5', true],
    ['NumericGreaterThanEquals', '5', '4.99', false],
    // Text that is not a number matches nothing, so its negation holds.
    ['NumericEquals', '10', 'ten', false],
    ['NumericLessThan', 'many', '1', false],
    ['NumericNotEquals', '10', 'ten', true],
  ])('%s %j vs %j -> %s', (operator, values, request, expected) => {
    expect(op(operator, values, request)).toBe(expected);
  });
});

describe('date operators', () => {
  it.each<Case>([
    ['DateGreaterThan', '2026-01-01T00:00:00Z', '2026-06-30T12:00:00Z', true],
    ['DateGreaterThan', '2026-01-01T00:00:00Z', '2025-12-31T23:59:59Z', false],
    ['DateLessThan', '2026-01-01T00:00:00Z', '2025-12-31T23:59:59Z', true],
    ['DateLessThanEquals', '2026-01-01', '2026-01-01T00:00:00Z', true],
    ['DateGreaterThanEquals', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z', true],
    // Offsets are honoured; a time without a zone is UTC.
    ['DateEquals', '2026-01-01T02:00:00+02:00', '2026-01-01T00:00:00Z', true],
    ['DateEquals', '2026-01-01T02:00:00+0200', '2026-01-01T00:00:00Z', true],
    ['DateEquals', '2026-01-01T00:00:00', '2026-01-01T00:00:00Z', true],
    ['DateEquals', '2026-01-01T00:00', '2026-01-01T00:00:00.000Z', true],
    // Epoch seconds on either side.
    ['DateEquals', '1767225600', '2026-01-01T00:00:00Z', true],
    ['DateLessThan', '2026-01-01T00:00:00Z', '1767225599', true],
    ['DateNotEquals', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', true],
    ['DateNotEquals', '2026-01-01T00:00:00Z', '1767225600', false],
    ['DateEquals', '2026-01-01', 'yesterday', false],
    ['DateEquals', 'not a date', '2026-01-01', false],
  ])('%s %j vs %j -> %s', (operator, values, request, expected) => {
    expect(op(operator, values, request)).toBe(expected);
  });
});

describe('Bool and BinaryEquals', () => {
  it.each<Case>([
    ['Bool', 'true', 'true', true],
    ['Bool', true, 'true', true],
    ['Bool', 'false', 'true', false],
    ['Bool', 'True', 'TRUE', true],
    ['Bool', false, 'false', true],
    ['Bool', 'true', 'yes', false],
    ['BinaryEquals', 'QmluYXJ5VmFsdWU=', 'QmluYXJ5VmFsdWU=', true],
    // Same bytes, with and without padding.
    ['BinaryEquals', 'QmluYXJ5VmFsdWU=', 'QmluYXJ5VmFsdWU', true],
    ['BinaryEquals', 'QmluYXJ5VmFsdWU=', 'QmluYXJ5VmFsdWY=', false],
    ['BinaryEquals', 'QmluYXJ5VmFsdWU=', 'not base64!', false],
  ])('%s %j vs %j -> %s', (operator, values, request, expected) => {
    expect(op(operator, values, request)).toBe(expected);
  });
});

describe('IP address operators', () => {
  it.each<Case>([
    ['IpAddress', '203.0.113.0/24', '203.0.113.7', true],
    ['IpAddress', '203.0.113.0/24', '203.0.114.7', false],
    ['IpAddress', '10.0.0.0/8', '10.255.255.255', true],
    ['IpAddress', '10.0.0.1', '10.0.0.1', true],
    ['IpAddress', '10.0.0.1/32', '10.0.0.2', false],
    // Host bits in the block are ignored, as AWS does.
    ['IpAddress', '192.168.1.77/16', '192.168.200.1', true],
    ['IpAddress', '0.0.0.0/0', '198.51.100.1', true],
    ['IpAddress', ['192.0.2.0/24', '2001:db8::/32'], '2001:db8:1234::1', true],
    ['IpAddress', '2001:db8::/32', '2001:0db8:0000:0000:0000:0000:0000:0001', true],
    ['IpAddress', '2001:db8::/32', '2001:db9::1', false],
    ['IpAddress', '2001:DB8:ABCD::/48', '2001:db8:abcd:12::1', true],
    ['IpAddress', '::/0', '::1', true],
    // The families never mix.
    ['IpAddress', '0.0.0.0/0', '::ffff:10.0.0.1', false],
    ['IpAddress', '::/0', '10.0.0.1', false],
    ['IpAddress', '10.0.0.0/8', 'not-an-ip', false],
    ['IpAddress', '10.0.0.0/33', '10.0.0.1', false],
    ['NotIpAddress', '203.0.113.0/24', '198.51.100.1', true],
    ['NotIpAddress', ['203.0.113.0/24', '198.51.100.0/24'], '198.51.100.1', false],
  ])('%s %j vs %j -> %s', (operator, values, request, expected) => {
    expect(op(operator, values, request)).toBe(expected);
  });

  it('reads aws:SourceIp', () => {
    const condition = { IpAddress: { 'aws:SourceIp': ['10.0.0.0/16'] } };
    expect(holds(condition, { 'aws:SourceIp': '10.0.3.4' })).toBe(true);
    expect(holds(condition, { 'aws:SourceIp': '10.1.3.4' })).toBe(false);
  });
});

describe('ARN operators', () => {
  const role = 'arn:aws:iam::111122223333:role/team/app';
  it.each<Case>([
    ['ArnEquals', role, role, true],
    ['ArnLike', 'arn:aws:iam::111122223333:role/*', role, true],
    ['ArnLike', 'arn:aws:iam::*:role/team/*', role, true],
    // Each part is matched on its own: a star in the region part cannot reach the account.
    ['ArnLike', 'arn:aws:iam:*:role/team/app', role, false],
    ['ArnLike', 'arn:aws:sns:*:111122223333:alerts', 'arn:aws:sns:eu-west-1:111122223333:alerts', true],
    ['ArnLike', 'arn:aws:sns:us-*:111122223333:alerts', 'arn:aws:sns:eu-west-1:111122223333:alerts', false],
    // ArnEquals takes wildcards too.
    ['ArnEquals', 'arn:aws:iam::111122223333:role/*', role, true],
    ['ArnLike', 'arn:aws:iam::111122223333:role/Team/*', role, false],
    ['ArnLike', '*', role, true],
    ['ArnLike', 'arn:aws:iam::111122223333:role/*', 'not-an-arn', false],
    ['ArnNotLike', 'arn:aws:iam::111122223333:role/admin-*', role, true],
    ['ArnNotEquals', role, role, false],
  ])('%s %j vs %j -> %s', (operator, values, request, expected) => {
    expect(op(operator, values, request)).toBe(expected);
  });
});

describe('Null', () => {
  it.each<Case>([
    ['Null', 'true', undefined, true],
    ['Null', 'true', 'x', false],
    ['Null', 'false', undefined, false],
    ['Null', 'false', 'x', true],
    ['Null', true, [], true],
    ['Null', 'false', ['a', 'b'], true],
    ['Null', 'TRUE', undefined, true],
  ])('%s %j with %j -> %s', (operator, values, request, expected) => {
    expect(op(operator, values, request)).toBe(expected);
  });
});

describe('absent keys: IfExists and negated operators', () => {
  it.each<Case>([
    // An ordinary operator on an absent key: the statement never applies.
    ['StringEquals', 'x', undefined, false],
    ['IpAddress', '10.0.0.0/8', undefined, false],
    ['NumericLessThan', '5', undefined, false],
    // Negated operators are true when the key is absent.
    ['StringNotEquals', 'x', undefined, true],
    ['StringNotLike', 'x*', undefined, true],
    ['StringNotEqualsIgnoreCase', 'x', undefined, true],
    ['NumericNotEquals', '1', undefined, true],
    ['DateNotEquals', '2026-01-01', undefined, true],
    ['NotIpAddress', '10.0.0.0/8', undefined, true],
    ['ArnNotEquals', 'arn:aws:iam::1:role/x', undefined, true],
    ['ArnNotLike', 'arn:aws:iam::*:role/x', undefined, true],
    // ...IfExists is true when the key is absent, and an ordinary check when present.
    ['StringEqualsIfExists', 'x', undefined, true],
    ['StringEqualsIfExists', 'x', 'x', true],
    ['StringEqualsIfExists', 'x', 'y', false],
    ['IpAddressIfExists', '10.0.0.0/8', '192.0.2.1', false],
    ['StringNotEqualsIfExists', 'x', 'x', false],
    ['BoolIfExists', 'true', undefined, true],
  ])('%s %j with %j -> %s', (operator, values, request, expected) => {
    expect(op(operator, values, request)).toBe(expected);
  });
});

describe('set qualifiers over multi-valued keys', () => {
  it.each<Case>([
    // ForAnyValue: some request value matches; false when absent or empty.
    ['ForAnyValue:StringEquals', ['a', 'b'], ['b', 'z'], true],
    ['ForAnyValue:StringEquals', ['a', 'b'], ['y', 'z'], false],
    ['ForAnyValue:StringEquals', ['a'], undefined, false],
    ['ForAnyValue:StringEquals', ['a'], [], false],
    ['ForAnyValue:StringLike', ['team-*'], ['env', 'team-x'], true],
    // ForAllValues: every request value matches; true when absent or empty (the classic hole).
    ['ForAllValues:StringEquals', ['a', 'b'], ['a', 'b'], true],
    ['ForAllValues:StringEquals', ['a', 'b'], ['a', 'c'], false],
    ['ForAllValues:StringEquals', ['a'], undefined, true],
    ['ForAllValues:StringEquals', ['a'], [], true],
    ['ForAllValues:StringLike', ['key1*'], ['key1-a', 'key1-b'], true],
    // With a negated operator the negation applies to each request value.
    ['ForAllValues:StringNotEquals', ['secret'], ['a', 'b'], true],
    ['ForAllValues:StringNotEquals', ['secret'], ['a', 'secret'], false],
    ['ForAnyValue:StringNotEquals', ['secret'], ['a', 'secret'], true],
    ['ForAnyValue:StringNotEquals', ['secret'], ['secret'], false],
    ['ForAnyValue:StringNotEquals', ['secret'], undefined, false],
    ['ForAllValues:StringNotLike', ['key1*'], undefined, true],
    // IfExists still wins for an absent key.
    ['ForAnyValue:StringEqualsIfExists', ['a'], undefined, true],
    // A single request value is a set of one.
    ['ForAnyValue:StringEquals', ['a'], 'a', true],
    ['ForAllValues:StringEquals', ['a'], 'b', false],
    ['ForAnyValue:NumericGreaterThan', ['10'], ['5', '11'], true],
    ['ForAllValues:IpAddress', ['10.0.0.0/8'], ['10.1.1.1', '10.2.2.2'], true],
  ])('%s %j vs %j -> %s', (operator, values, request, expected) => {
    expect(op(operator, values, request)).toBe(expected);
  });

  it.each<Case>([
    // Without a qualifier a multi-valued key matches when any value does...
    ['StringEquals', 'b', ['a', 'b'], true],
    ['StringEquals', 'c', ['a', 'b'], false],
    ['StringLike', 'b*', ['a', 'bb'], true],
    // ...and its negation when none does.
    ['StringNotEquals', 'b', ['a', 'b'], false],
    ['StringNotEquals', 'c', ['a', 'b'], true],
  ])('single-valued %s %j vs multi-valued %j -> %s', (operator, values, request, expected) => {
    expect(op(operator, values, request)).toBe(expected);
  });
});

describe('blocks: keys AND, values OR', () => {
  const block = {
    StringEquals: { 'aws:PrincipalTag/team': ['data', 'ml'], 'aws:RequestedRegion': 'eu-west-1' },
    Bool: { 'aws:SecureTransport': 'true' },
  };
  it.each<[Context, boolean]>([
    [
      { 'aws:PrincipalTag/team': 'ml', 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' },
      true,
    ],
    [
      { 'aws:PrincipalTag/team': 'data', 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' },
      true,
    ],
    [
      { 'aws:PrincipalTag/team': 'web', 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' },
      false,
    ],
    [
      { 'aws:PrincipalTag/team': 'ml', 'aws:RequestedRegion': 'us-east-1', 'aws:SecureTransport': 'true' },
      false,
    ],
    [{ 'aws:PrincipalTag/team': 'ml', 'aws:RequestedRegion': 'eu-west-1' }, false],
  ])('%j -> %s', (context, expected) => {
    expect(holds(block, context)).toBe(expected);
  });
});

describe('policy variables in condition values', () => {
  const sameTeam = { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } };
  const context = { 'aws:ResourceTag/team': 'data', 'aws:PrincipalTag/team': 'data' };

  it.each<[string, object, Context, PolicyVersion | null, boolean]>([
    ['2012-10-17 substitutes', sameTeam, context, '2012-10-17', true],
    [
      '2012-10-17: different teams',
      sameTeam,
      { ...context, 'aws:PrincipalTag/team': 'web' },
      '2012-10-17',
      false,
    ],
    [
      '2012-10-17: unresolvable matches nothing',
      sameTeam,
      { 'aws:ResourceTag/team': 'data' },
      '2012-10-17',
      false,
    ],
    [
      '2012-10-17: unresolvable under a negated operator',
      { StringNotEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
      { 'aws:ResourceTag/team': 'data' },
      '2012-10-17',
      true,
    ],
    ['2008-10-17 is literal', sameTeam, context, '2008-10-17', false],
    [
      '2008-10-17 compares the literal text',
      sameTeam,
      { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' },
      '2008-10-17',
      true,
    ],
    ['no Version is literal', sameTeam, context, null, false],
    [
      'StringLike keeps substituted values literal',
      { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
      { 's3:prefix': 'home/alice/docs', 'aws:username': 'alice' },
      '2012-10-17',
      true,
    ],
    [
      'StringLike: a * in the substituted value is not a wildcard',
      { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
      { 's3:prefix': 'home/alice/docs', 'aws:username': '*' },
      '2012-10-17',
      false,
    ],
    [
      'ArnLike with the caller account',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:${aws:PrincipalAccount}:*' } },
      {
        'aws:SourceArn': 'arn:aws:sns:eu-west-1:111122223333:alerts',
        'aws:PrincipalAccount': '111122223333',
      },
      '2012-10-17',
      true,
    ],
    [
      'a default applies when the key is absent',
      { StringEquals: { 'aws:ResourceTag/team': "${aws:PrincipalTag/team, 'shared'}" } },
      { 'aws:ResourceTag/team': 'shared' },
      '2012-10-17',
      true,
    ],
    [
      'a multi-valued key is no variable',
      { StringEquals: { k: '${aws:TagKeys}' } },
      { k: 'a', 'aws:TagKeys': ['a', 'b'] },
      '2012-10-17',
      false,
    ],
  ])('%s', (_name, condition, ctx, version, expected) => {
    expect(holds(condition, ctx, version)).toBe(expected);
  });
});
