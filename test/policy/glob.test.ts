import { describe, expect, it } from 'vitest';
import {
  globToRegExp,
  hasWildcard,
  matchesAction,
  matchesGlob,
  matchesResource,
} from '../../src/policy/glob.js';

describe('hasWildcard', () => {
  it.each([
    ['s3:Get*', true],
    ['s3:GetObjec?', true],
    ['arn:aws:s3:::b/${*}', true],
    ['s3:GetObject', false],
    ['arn:aws:s3:::b/${aws:username}', false],
    ['', false],
  ])('%j -> %s', (text, expected) => {
    expect(hasWildcard(text)).toBe(expected);
  });
});

describe('matchesGlob', () => {
  it.each([
    // `?` is exactly one character.
    ['s3:GetObjec?', 's3:GetObject', true],
    ['s3:GetObjec?', 's3:GetObjects', false],
    ['s3:GetObjec?', 's3:GetObjec', false],
    ['??', 'ab', true],
    ['??', 'a', false],
    ['a?c', 'a/c', true],
    ['a?c', 'a:c', true],
    ['a?c', 'a\nc', true],
    ['x?', 'x😀', true],
    ['x??', 'x😀', false],
    // `*` crosses `/` and `:` and matches the empty string.
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b/c', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket', false],
    ['arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:role/path/x', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:user/x', false],
    ['arn:*:*:*:*:*', 'arn:aws:s3:::bucket/key', true],
    ['arn:aws:logs:*:*:log-group:*', 'arn:aws:logs:us-east-1:1:log-group:/a/b:log-stream:c', true],
    ['*', '', true],
    ['*', 'anything:at/all', true],
    ['**', '', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['*ab*ab', 'xabab', true],
    ['*ab*ab', 'xab', false],
    ['*a?c*', 'zzabcdd', true],
    ['*aa', 'aaa', true],
    ['', '', true],
    ['', 'a', false],
    // ARNs are case-sensitive.
    ['arn:aws:s3:::Bucket', 'arn:aws:s3:::bucket', false],
    ['arn:aws:s3:::Bucket/*', 'arn:aws:s3:::bucket/x', false],
    // Regex metacharacters are literal.
    ['arn:aws:s3:::a.b', 'arn:aws:s3:::axb', false],
    ['arn:aws:s3:::a.b', 'arn:aws:s3:::a.b', true],
    ['a+b', 'aab', false],
    ['a+b', 'a+b', true],
    ['a(b)', 'ab', false],
    ['a(b)*', 'a(b)c', true],
    ['[ab]', 'a', false],
    ['[ab]?', '[ab]x', true],
    ['a{2}', 'aa', false],
    ['a{2}*', 'a{2}', true],
    ['a$', 'a$', true],
    ['a$*', 'a$b', true],
    ['^a', 'a', false],
    ['^a*', '^ab', true],
    ['a|b', 'a', false],
    ['a|b*', 'a|b', true],
    ['a\\b', 'a\\b', true],
    ['a\\b', 'ab', false],
    ['a\\*', 'a\\xyz', true],
    ['a\\*', 'a*', false],
    ['a/b', 'a/b', true],
    ['a-b*', 'a-bc', true],
    ['\\1*', '\\1x', true],
  ])('%j matches %j: %s', (pattern, value, expected) => {
    expect(matchesGlob(pattern, value)).toBe(expected);
  });

  it('folds case only when asked', () => {
    expect(matchesGlob('ABC*', 'abcd')).toBe(false);
    expect(matchesGlob('ABC*', 'abcd', { caseInsensitive: true })).toBe(true);
    expect(matchesGlob('ABC', 'abc', { caseInsensitive: true })).toBe(true);
  });

  it('stays fast on patterns that make a backtracking matcher explode', () => {
    const pattern = '*a*a*a*a*a*a*a*a*a*a*a*a*b';
    const value = 'a'.repeat(20_000);
    const started = performance.now();
    expect(matchesGlob(pattern, value)).toBe(false);
    expect(matchesGlob(pattern, `${value}b`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('globToRegExp', () => {
  it('is anchored', () => {
    expect(globToRegExp('b').test('abc')).toBe(false);
    expect(globToRegExp('a*').test('xa')).toBe(false);
  });

  it('caches per pattern and case mode', () => {
    expect(globToRegExp('s3:Get*')).toBe(globToRegExp('s3:Get*'));
    expect(globToRegExp('s3:Get*', { caseInsensitive: true })).not.toBe(globToRegExp('s3:Get*'));
    expect(globToRegExp('s3:Get*', { caseInsensitive: true }).test('S3:gEtX')).toBe(true);
  });

  it('keeps working past the cache bound', () => {
    let matched = 0;
    for (let i = 0; i < 10_050; i += 1) if (matchesGlob(`p${i}-*`, `p${i}-x`)) matched += 1;
    expect(matched).toBe(10_050);
    expect(matchesGlob('p0-*', 'p0-x')).toBe(true);
    expect(matchesGlob('p0-*', 'p1-x')).toBe(false);
  });
});

describe('matchesAction', () => {
  it.each([
    ['s3:GetObject', 's3:GetObject', true],
    ['S3:getobject', 's3:GetObject', true],
    ['s3:GetObject', 'S3:GETOBJECT', true],
    ['s3:get*', 's3:GetObjectAcl', true],
    ['S3:*', 's3:ListBucket', true],
    ['*', 'iam:PassRole', true],
    ['s3:GetObjec?', 's3:GetObject', true],
    ['s3:GetObjec?', 's3:GetObjects', false],
    ['s3:GetObjec?', 's3:GetObjec', false],
    ['s3:Get*', 's3:PutObject', false],
    ['s3:Get*', 'ec2:GetConsoleOutput', false],
    ['s3:Get.bject', 's3:GetObject', false],
    ['iam:*Policy*', 'iam:PutRolePolicy', true],
    ['iam:Put*Policy', 'iam:PutRolePolicy', true],
    ['iam:Put*Policy', 'iam:PutRolePolicyX', false],
    // Folding is ASCII-only: Unicode folding would let `ſ` stand for `s` and the Kelvin sign for `k`.
    ['ſ3:*', 's3:GetObject', false],
    ['s3:*', 'ſ3:GetObject', false],
    ['\u212A*', 'kms:Decrypt', false],
    ['kms:*', '\u212Ams:Decrypt', false],
  ])('%j matches %j: %s', (pattern, action, expected) => {
    expect(matchesAction(pattern, action)).toBe(expected);
  });
});

describe('matchesResource', () => {
  const context: Record<string, string> = {
    'aws:username': 'alice',
    'aws:principaltag/team': 'payments',
    's3:prefix': 'a*b',
  };
  const variables = (name: string): string | undefined => context[name.toLowerCase()];

  it.each([
    // Plain globs behave like matchesGlob, case-sensitively.
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b/c', {}, true],
    ['arn:aws:s3:::Bucket', 'arn:aws:s3:::bucket', {}, false],
    // 2012-10-17 with a request context: substitute.
    [
      'arn:aws:s3:::b/home/${aws:username}/*',
      'arn:aws:s3:::b/home/alice/doc',
      { version: '2012-10-17', variables },
      true,
    ],
    [
      'arn:aws:s3:::b/home/${aws:username}/*',
      'arn:aws:s3:::b/home/bob/doc',
      { version: '2012-10-17', variables },
      false,
    ],
    [
      'arn:aws:s3:::b/home/${AWS:UserName}',
      'arn:aws:s3:::b/home/alice',
      { version: '2012-10-17', variables },
      true,
    ],
    [
      'arn:aws:s3:::b/${aws:PrincipalTag/team}/*',
      'arn:aws:s3:::b/payments/x',
      { version: '2012-10-17', variables },
      true,
    ],
    // Missing value: no match, unless there is a default.
    [
      'arn:aws:s3:::b/${aws:PrincipalTag/nope}/*',
      'arn:aws:s3:::b/x/y',
      { version: '2012-10-17', variables },
      false,
    ],
    [
      'arn:aws:s3:::b/${aws:PrincipalTag/nope}',
      'arn:aws:s3:::b/${aws:PrincipalTag/nope}',
      { version: '2012-10-17', variables },
      false,
    ],
    [
      "arn:aws:s3:::b/${aws:PrincipalTag/nope, 'shared'}/*",
      'arn:aws:s3:::b/shared/y',
      { version: '2012-10-17', variables },
      true,
    ],
    [
      "arn:aws:s3:::b/${aws:PrincipalTag/nope, 'shared'}/*",
      'arn:aws:s3:::b/other/y',
      { version: '2012-10-17', variables },
      false,
    ],
    [
      "arn:aws:s3:::b/${aws:username, 'shared'}",
      'arn:aws:s3:::b/alice',
      { version: '2012-10-17', variables },
      true,
    ],
    // Substituted values are literal.
    ['arn:aws:s3:::b/${s3:prefix}', 'arn:aws:s3:::b/a*b', { version: '2012-10-17', variables }, true],
    ['arn:aws:s3:::b/${s3:prefix}', 'arn:aws:s3:::b/aXb', { version: '2012-10-17', variables }, false],
    // ${*} ${?} ${$} are literal characters, not wildcards.
    ['arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*', { version: '2012-10-17' }, true],
    ['arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/x', { version: '2012-10-17' }, false],
    ['arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/', { version: '2012-10-17' }, false],
    ['arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*', { version: '2012-10-17', variables }, true],
    ['arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/x', { version: '2012-10-17', variables }, false],
    ['arn:aws:s3:::b/${?}', 'arn:aws:s3:::b/?', { version: '2012-10-17', variables }, true],
    ['arn:aws:s3:::b/${?}', 'arn:aws:s3:::b/x', { version: '2012-10-17', variables }, false],
    ['arn:aws:s3:::b/${$}x', 'arn:aws:s3:::b/$x', { version: '2012-10-17', variables }, true],
    ['arn:aws:s3:::b/${*}/*', 'arn:aws:s3:::b/*/any/thing', { version: '2012-10-17', variables }, true],
    ['arn:aws:s3:::b/${*}/*', 'arn:aws:s3:::b/x/any', { version: '2012-10-17', variables }, false],
    // Backslashes stay literal next to variables.
    [
      'arn:aws:s3:::b/\\*${aws:username}',
      'arn:aws:s3:::b/\\xyzalice',
      { version: '2012-10-17', variables },
      true,
    ],
    [
      'arn:aws:s3:::b/\\*${aws:username}',
      'arn:aws:s3:::b/*alice',
      { version: '2012-10-17', variables },
      false,
    ],
    // Without a version (2008-10-17 semantics) the variable is literal text and `*` a wildcard.
    ['arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/${aws:username}', { variables }, true],
    ['arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/alice', { variables }, false],
    ['arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/alice', { version: '2008-10-17', variables }, false],
    ['arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/${aws:username}', { version: '2008-10-17' }, true],
    ['arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/${anything}', { version: '2008-10-17' }, true],
    ['arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*', { version: '2008-10-17' }, false],
    // Analysis time (no lookup): each variable is any run of characters.
    [
      'arn:aws:s3:::b/home/${aws:username}/*',
      'arn:aws:s3:::b/home/anyone/doc',
      { version: '2012-10-17' },
      true,
    ],
    ['arn:aws:s3:::b/home/${aws:username}/*', 'arn:aws:s3:::b/home/a/b/doc', { version: '2012-10-17' }, true],
    ['arn:aws:s3:::b/home/${aws:username}/*', 'arn:aws:s3:::b/home//doc', { version: '2012-10-17' }, true],
    [
      'arn:aws:s3:::b/home/${aws:username}/*',
      'arn:aws:s3:::b/other/anyone/doc',
      { version: '2012-10-17' },
      false,
    ],
    ['arn:aws:s3:::b/home/${aws:username}', 'arn:aws:s3:::c/home/x', { version: '2012-10-17' }, false],
    // Non-variables in ${...} stay literal even with 2012-10-17.
    [
      'arn:aws:iam::1:role/${aws_iam_role.app.name}',
      'arn:aws:iam::1:role/${aws_iam_role.app.name}',
      { version: '2012-10-17' },
      true,
    ],
    [
      'arn:aws:iam::1:role/${aws_iam_role.app.name}',
      'arn:aws:iam::1:role/app',
      { version: '2012-10-17' },
      false,
    ],
    [
      'arn:aws:iam::1:role/${aws:iam/role:Role::app.arn}',
      'arn:aws:iam::1:role/app',
      { version: '2012-10-17' },
      false,
    ],
  ] as const)('%j vs %j with %o -> %s', (pattern, resource, options, expected) => {
    expect(matchesResource(pattern, resource, options)).toBe(expected);
  });

  it('does not call the lookup for the specials', () => {
    const names: string[] = [];
    matchesResource('a${*}${?}${$}${aws:username}', 'a*?$x', {
      version: '2012-10-17',
      variables: (name) => {
        names.push(name);
        return 'x';
      },
    });
    expect(names).toStrictEqual(['aws:username']);
  });
});
