import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionsImply } from '../../src/diff/condition-implication.js';
import { simulate } from '../../src/simulate/simulate.js';
import type { PolicyDocument, PolicyVersion } from '../../src/policy/types.js';
import { parse, type Json } from './helpers.js';

function conditions(block: Json, version: PolicyVersion | null = '2012-10-17') {
  const policy = parse(
    [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: block }],
    'identity',
    version,
  );
  return { conditions: policy.statements[0]?.conditions ?? [], version: policy.version };
}

const K = 'aws:PrincipalTag/team';

describe('conditionsImply', () => {
  it.each<[string, Json, Json, 'yes' | 'no' | 'unknown']>([
    ['identical atoms', { StringEquals: { [K]: ['a', 'b'] } }, { StringEquals: { [K]: ['b', 'a'] } }, 'yes'],
    [
      'keys compare case-insensitively',
      { StringEquals: { 'AWS:PRINCIPALTAG/TEAM': 'a' } },
      { StringEquals: { [K]: 'a' } },
      'yes',
    ],
    ['fewer values in head', { StringEquals: { [K]: 'a' } }, { StringEquals: { [K]: ['a', 'b'] } }, 'yes'],
    ['a value added in head', { StringEquals: { [K]: ['a', 'b'] } }, { StringEquals: { [K]: 'a' } }, 'no'],
    ['a key missing in head', {}, { StringEquals: { [K]: 'a' } }, 'no'],
    [
      'another key in head',
      { StringEquals: { 'aws:PrincipalTag/role': 'a' } },
      { StringEquals: { [K]: 'a' } },
      'no',
    ],
    [
      'extra head keys only narrow',
      { StringEquals: { [K]: 'a', 'aws:SourceVpc': 'vpc-1' } },
      { StringEquals: { [K]: 'a' } },
      'yes',
    ],
    ['StringLike contained', { StringLike: { [K]: 'dev-*' } }, { StringLike: { [K]: 'dev*' } }, 'yes'],
    ['StringLike widened', { StringLike: { [K]: 'd*' } }, { StringLike: { [K]: 'dev*' } }, 'no'],
    [
      'StringEquals inside StringLike',
      { StringEquals: { [K]: ['dev-1', 'dev-2'] } },
      { StringLike: { [K]: 'dev-?' } },
      'yes',
    ],
    [
      'StringLike without wildcards inside StringEquals',
      { StringLike: { [K]: 'dev' } },
      { StringEquals: { [K]: 'dev' } },
      'yes',
    ],
    ['a StringEquals star is literal', { StringEquals: { [K]: '*' } }, { StringEquals: { [K]: 'a' } }, 'no'],
    [
      'IgnoreCase base admits case variants',
      { StringEquals: { [K]: 'Dev' } },
      { StringEqualsIgnoreCase: { [K]: 'dev' } },
      'yes',
    ],
    [
      'IgnoreCase head admits more than a case-sensitive base',
      { StringEqualsIgnoreCase: { [K]: 'dev' } },
      { StringEquals: { [K]: 'dev' } },
      'unknown',
    ],
    [
      'IgnoreCase on both sides, another case',
      { StringEqualsIgnoreCase: { [K]: 'DEV' } },
      { StringEqualsIgnoreCase: { [K]: 'dev' } },
      'yes',
    ],
    [
      'a head value a case-insensitive base excludes',
      { StringEquals: { [K]: 'DEV' } },
      { StringNotEqualsIgnoreCase: { [K]: 'dev' } },
      'no',
    ],
    [
      'a head value of another case than a case-sensitive exclusion',
      { StringEquals: { [K]: 'DEV' } },
      { StringNotEquals: { [K]: 'dev' } },
      'yes',
    ],
    ['IfExists added', { StringEqualsIfExists: { [K]: 'a' } }, { StringEquals: { [K]: 'a' } }, 'no'],
    ['IfExists removed', { StringEquals: { [K]: 'a' } }, { StringEqualsIfExists: { [K]: 'a' } }, 'yes'],
    [
      'negated: head excludes more',
      { StringNotEquals: { [K]: ['a', 'b'] } },
      { StringNotEquals: { [K]: 'a' } },
      'yes',
    ],
    [
      'negated: head excludes less',
      { StringNotEquals: { [K]: 'a' } },
      { StringNotEquals: { [K]: ['a', 'b'] } },
      'no',
    ],
    [
      'StringNotLike covering a StringNotEquals value',
      { StringNotLike: { [K]: 'guest*' } },
      { StringNotEquals: { [K]: 'guest-1' } },
      'yes',
    ],
    [
      'positive head disjoint from a negated base',
      { StringEquals: { [K]: 'dev' } },
      { StringNotEquals: { [K]: 'guest' } },
      'yes',
    ],
    [
      'positive head meeting a negated base',
      { StringLike: { [K]: 'g*' } },
      { StringNotLike: { [K]: 'gu*' } },
      'no',
    ],
    [
      'negated head against a positive base',
      { StringNotEquals: { [K]: 'guest' } },
      { StringEquals: { [K]: 'dev' } },
      'no',
    ],
    [
      'negated head against a universal IfExists base',
      { StringNotEquals: { [K]: 'guest' } },
      { StringLikeIfExists: { [K]: '*' } },
      'yes',
    ],
    [
      'Null true implies a negated base',
      { Null: { [K]: 'true' } },
      { StringNotEquals: { [K]: 'guest' } },
      'yes',
    ],
    ['Null true fails a positive base', { Null: { [K]: 'true' } }, { StringEquals: { [K]: 'dev' } }, 'no'],
    [
      'a positive head implies Null false',
      { StringEquals: { [K]: 'dev' } },
      { Null: { [K]: 'false' } },
      'yes',
    ],
    [
      'IfExists does not imply Null false',
      { StringEqualsIfExists: { [K]: 'dev' } },
      { Null: { [K]: 'false' } },
      'no',
    ],
    [
      'Bool equal',
      { Bool: { 'aws:SecureTransport': 'true' } },
      { Bool: { 'aws:SecureTransport': 'TRUE' } },
      'yes',
    ],
    [
      'Bool flipped',
      { Bool: { 'aws:SecureTransport': 'false' } },
      { Bool: { 'aws:SecureTransport': 'true' } },
      'no',
    ],
    [
      'a narrower CIDR',
      { IpAddress: { 'aws:SourceIp': '10.1.0.0/16' } },
      { IpAddress: { 'aws:SourceIp': ['192.168.0.0/16', '10.0.0.0/8'] } },
      'yes',
    ],
    [
      'a wider CIDR',
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      { IpAddress: { 'aws:SourceIp': '10.1.0.0/16' } },
      'no',
    ],
    [
      'NotIpAddress excluding more',
      { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      { NotIpAddress: { 'aws:SourceIp': '10.1.0.0/16' } },
      'yes',
    ],
    [
      'a narrower IPv6 block',
      { IpAddress: { 'aws:SourceIp': '2001:db8::/48' } },
      { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } },
      'yes',
    ],
    [
      'a wider IPv6 block',
      { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } },
      { IpAddress: { 'aws:SourceIp': '2001:0db8:0:0::/48' } },
      'no',
    ],
    [
      'an IPv6 block added next to an IPv4 one',
      { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      'no',
    ],
    [
      'an address that does not parse',
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } },
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      'unknown',
    ],
    [
      'ARN parts compared separately',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:topic-*' } },
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:111122223333:*' } },
      'yes',
    ],
    // As one glob `*:*:t` would match `us-east-1:111122223333:a:t`; part by part the resource `a:t` is not `t`.
    [
      'an ARN star does not cross a part',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:a:t' } },
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:t' } },
      'no',
    ],
    [
      'an ARN value without six parts',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:x' } },
      { ArnLike: { 'aws:SourceArn': 'arn:*' } },
      'unknown',
    ],
    [
      'a numeric upper bound raised',
      { NumericLessThan: { 's3:max-keys': '100' } },
      { NumericLessThan: { 's3:max-keys': '10' } },
      'no',
    ],
    [
      'a numeric upper bound lowered',
      { NumericLessThan: { 's3:max-keys': '10' } },
      { NumericLessThanEquals: { 's3:max-keys': '100' } },
      'yes',
    ],
    [
      'the same bound, now including it',
      { NumericLessThanEquals: { 's3:max-keys': '10' } },
      { NumericLessThan: { 's3:max-keys': '10' } },
      'no',
    ],
    [
      'the same bound, now excluding it',
      { NumericLessThan: { 's3:max-keys': '10.0' } },
      { NumericLessThanEquals: { 's3:max-keys': 10 } },
      'yes',
    ],
    [
      'several values: the widest bound counts',
      { NumericGreaterThan: { 's3:max-keys': ['5', '20'] } },
      { NumericGreaterThanEquals: { 's3:max-keys': '5' } },
      'yes',
    ],
    [
      'a lower bound lowered',
      { NumericGreaterThan: { 's3:max-keys': '1' } },
      { NumericGreaterThan: { 's3:max-keys': '5' } },
      'no',
    ],
    [
      'an upper bound against a lower one',
      { NumericLessThan: { 's3:max-keys': '10' } },
      { NumericGreaterThan: { 's3:max-keys': '0' } },
      'no',
    ],
    [
      'NumericEquals values inside a base bound',
      { NumericEquals: { 's3:max-keys': ['5', '9'] } },
      { NumericLessThan: { 's3:max-keys': '10' } },
      'yes',
    ],
    [
      'a bound where base allowed one value',
      { NumericLessThan: { 's3:max-keys': '10' } },
      { NumericEquals: { 's3:max-keys': '5' } },
      'no',
    ],
    [
      'an expiry moved later',
      { DateLessThan: { 'aws:CurrentTime': '2027-01-01' } },
      { DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } },
      'no',
    ],
    [
      'an expiry moved earlier, written as epoch seconds',
      { DateLessThan: { 'aws:EpochTime': '1767225600' } },
      { DateLessThan: { 'aws:EpochTime': '2027-01-01' } },
      'yes',
    ],
    [
      'a start date moved earlier',
      { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01' } },
      { DateGreaterThanEquals: { 'aws:CurrentTime': '2026-06-01' } },
      'no',
    ],
    [
      'an unreadable bound where base allowed one value',
      { NumericLessThan: { 's3:max-keys': '2020-01-01T00:00:00Z' } },
      { NumericEquals: { 's3:max-keys': '5' } },
      'unknown',
    ],
    [
      'a bound that is not a number',
      { NumericLessThan: { 's3:max-keys': 'ten' } },
      { NumericLessThan: { 's3:max-keys': '10' } },
      'unknown',
    ],
    [
      'a numeric bound against a date bound on one key',
      { NumericLessThan: { 'aws:EpochTime': '1767225600' } },
      { DateLessThan: { 'aws:EpochTime': '2027-01-01' } },
      'unknown',
    ],
    [
      'a bound with IfExists in head only',
      { NumericLessThanIfExists: { 's3:max-keys': '10' } },
      { NumericLessThan: { 's3:max-keys': '100' } },
      'no',
    ],
    ['a numeric condition removed', {}, { NumericLessThan: { 's3:max-keys': '10' } }, 'no'],
    [
      'mixed set qualifiers',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' } },
      { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'a' } },
      'unknown',
    ],
    [
      'ForAnyValue with fewer values',
      { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'a' } },
      { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
      'yes',
    ],
    [
      'ForAllValues with more values',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' } },
      'no',
    ],
    [
      'a policy variable in a head value',
      { StringEquals: { [K]: '${aws:username}' } },
      { StringEquals: { [K]: 'alice' } },
      'unknown',
    ],
    [
      'the same policy variable on both sides',
      { StringEquals: { [K]: '${aws:username}' } },
      { StringEquals: { [K]: '${aws:username}' } },
      'yes',
    ],
    ['a policy variable in a base value', {}, { StringEquals: { [K]: '${aws:username}' } }, 'unknown'],
  ])('%s', (_name, given, required, expected) => {
    expect(conditionsImply(conditions(given), conditions(required))).toBe(expected);
  });

  it('reads `${...}` as text without Version 2012-10-17', () => {
    const given = conditions({ StringEquals: { [K]: '${aws:username}' } }, null);
    expect(conditionsImply(given, conditions({ StringLike: { [K]: '$*' } }, null))).toBe('yes');
  });
});

/**
 * Whenever the module says "yes", every request context (of a small universe) that satisfies the head
 * conditions satisfies the base conditions too, as the simulator evaluates them.
 */
/**
 * For random blocks on one key: whenever conditionsImply answers "yes", no request (the key at each
 * of `values`, `undefined` for absent) satisfies head but not base; whenever it answers "no", one does.
 */
function assertDecidedExactly(blocks: fc.Arbitrary<Json>, key: string, values: (string | undefined)[]) {
  const allows = (block: Json, value: string | undefined): boolean => {
    const policy = parse(
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: block }],
      'identity',
    );
    const context: Record<string, string> = value === undefined ? {} : { [key]: value };
    return (
      simulate({ identity: [policy] }, { action: 's3:GetObject', resource: '*', context }).decision ===
      'allowed'
    );
  };
  fc.assert(
    fc.property(blocks, blocks, (given, required) => {
      const answer = conditionsImply(conditions(given), conditions(required));
      const refuting = values.filter((value) => allows(given, value) && !allows(required, value));
      if (answer === 'yes') expect(refuting, JSON.stringify({ given, required })).toEqual([]);
      if (answer === 'no') expect(refuting.length, JSON.stringify({ given, required })).toBeGreaterThan(0);
    }),
    { numRuns: 1000 },
  );
}

describe('conditionsImply against the simulator', () => {
  const KEY = 'aws:PrincipalTag/team';
  const operators = [
    'StringEquals',
    'StringNotEquals',
    'StringLike',
    'StringNotLike',
    'StringEqualsIgnoreCase',
    'StringNotEqualsIgnoreCase',
    'StringEqualsIfExists',
    'StringLikeIfExists',
    'StringNotLikeIfExists',
    'Null',
  ];
  const values = ['dev', 'Dev', 'ops', 'd*', '*', 'd?v', 'o*'];
  const atom = fc.tuple(
    fc.constantFrom(...operators),
    fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 2 }),
  );
  const block = fc.array(atom, { maxLength: 2 }).map((atoms) => {
    const result: Record<string, Record<string, string[]>> = {};
    for (const [operator, vals] of atoms) {
      // One entry per operator and key, as JSON allows.
      result[operator] = { [KEY]: operator === 'Null' ? [vals[0] === 'dev' ? 'true' : 'false'] : vals };
    }
    return result;
  });
  const contexts: (string | undefined)[] = [
    undefined,
    '',
    'dev',
    'DEV',
    'Dev',
    'ops',
    'OPS',
    'o*',
    'd*',
    'd?v',
    '*',
    'dxv',
    'other',
  ];

  function holds(block: Json, team: string | undefined): boolean {
    const policy: PolicyDocument = parse(
      [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          ...(Object.keys(block).length > 0 ? { Condition: block } : {}),
        },
      ],
      'identity',
    );
    const context: Record<string, string> = team === undefined ? {} : { [KEY]: team };
    return (
      simulate({ identity: [policy] }, { action: 's3:GetObject', resource: '*', context }).decision ===
      'allowed'
    );
  }

  it('never proves an implication a context refutes', () => {
    fc.assert(
      fc.property(block, block, (given, required) => {
        const answer = conditionsImply(conditions(given), conditions(required));
        if (answer !== 'yes') return;
        for (const team of contexts) {
          if (holds(given, team) && !holds(required, team)) {
            expect.fail(`${JSON.stringify({ given, required, team })}: head holds, base does not`);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decides numeric bounds exactly: "yes" never refuted, "no" always shown by a request', () => {
    const COUNT = 's3:max-keys';
    const numeric = [
      'NumericLessThan',
      'NumericLessThanEquals',
      'NumericGreaterThan',
      'NumericGreaterThanEquals',
      'NumericEquals',
      'NumericLessThanIfExists',
    ];
    const bound = fc
      .tuple(
        fc.constantFrom(...numeric),
        fc.uniqueArray(fc.constantFrom('5', '10', '20'), { minLength: 1, maxLength: 2 }),
      )
      .map(([operator, vals]) => ({ [operator]: { [COUNT]: vals } }));
    // Every bound is 5, 10 or 20: a request on, between and beyond them shows any difference.
    assertDecidedExactly(bound, COUNT, [
      undefined,
      '0',
      '4.5',
      '5',
      '5.5',
      '10',
      '10.5',
      '20',
      '20.5',
      '100',
    ]);
  });

  it('decides address blocks exactly, IPv4 and IPv6: "yes" never refuted, "no" always shown', () => {
    const SOURCE = 'aws:SourceIp';
    const blocks = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.3', '2001:db8::/32', '2001:db8:1::/48', '::/0'];
    const atom = fc
      .tuple(
        fc.constantFrom('IpAddress', 'NotIpAddress'),
        fc.uniqueArray(fc.constantFrom(...blocks), { minLength: 1, maxLength: 2 }),
      )
      .map(([operator, vals]) => ({ [operator]: { [SOURCE]: vals } }));
    // An address inside and outside each block, of both families, and none at all.
    assertDecidedExactly(atom, SOURCE, [
      undefined,
      '10.1.2.3',
      '10.1.9.9',
      '10.9.9.9',
      '192.0.2.1',
      '2001:db8:1::1',
      '2001:db8:2::1',
      '2001:db9::1',
    ]);
  });

  it('holds for set operators over a multi-valued key', () => {
    const TAGS = 'aws:TagKeys';
    const setOperators = [
      'ForAnyValue:StringEquals',
      'ForAllValues:StringEquals',
      'ForAnyValue:StringLike',
      'ForAllValues:StringLike',
      'ForAllValues:StringNotEquals',
      'ForAnyValue:StringEqualsIfExists',
      'StringEquals',
    ];
    const setBlock = fc
      .array(
        fc.tuple(
          fc.constantFrom(...setOperators),
          fc.uniqueArray(fc.constantFrom('a', 'b', 'a*', '*'), { minLength: 1, maxLength: 2 }),
        ),
        { maxLength: 2 },
      )
      .map((atoms) => Object.fromEntries(atoms.map(([operator, vals]) => [operator, { [TAGS]: vals }])));
    const tagSets: (string[] | undefined)[] = [
      undefined,
      [],
      ['a'],
      ['b'],
      ['a', 'b'],
      ['ab'],
      ['a', 'c'],
      ['c'],
    ];
    const holdsFor = (block: Json, tags: string[] | undefined): boolean => {
      const policy = parse(
        [
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            ...(Object.keys(block).length > 0 ? { Condition: block } : {}),
          },
        ],
        'identity',
      );
      const context: Record<string, string[]> = tags === undefined ? {} : { [TAGS]: tags };
      return (
        simulate({ identity: [policy] }, { action: 's3:GetObject', resource: '*', context }).decision ===
        'allowed'
      );
    };
    fc.assert(
      fc.property(setBlock, setBlock, (given, required) => {
        if (conditionsImply(conditions(given), conditions(required)) !== 'yes') return;
        for (const tags of tagSets) {
          if (holdsFor(given, tags) && !holdsFor(required, tags)) {
            expect.fail(`${JSON.stringify({ given, required, tags })}: head holds, base does not`);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
