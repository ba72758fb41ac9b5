import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  globContains,
  globsIntersect,
  parseGlob,
  containment,
  tokensIntersect,
} from '../../src/diff/glob-sets.js';
import { matchesGlob } from '../../src/policy/glob.js';

describe('globContains', () => {
  it.each([
    ['arn:aws:s3:::app-data/*', 'arn:aws:s3:::app-data/uploads/*', true],
    ['arn:aws:s3:::app-data/uploads/*', 'arn:aws:s3:::app-data/*', false],
    ['*', 'arn:aws:s3:::app-data/*', true],
    ['*', '', true],
    ['*', '?*?', true],
    ['**', '*', true],
    ['a*c', 'a?c', true],
    ['a?c', 'a*c', false],
    ['a*', 'a?c', true],
    ['a?c', 'abc', true],
    ['abc', 'a?c', false],
    ['a*b*c', 'a*bc', true],
    ['a*bc', 'a*b*c', false],
    ['?*', '*?', true],
    ['*?', '?*', true],
    ['??*', '*?', false],
    ['arn:aws:s3:::b*', 'arn:aws:s3:::b', true],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b', false],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/', true],
    // `*` crosses `/` and `:`.
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/path/x', true],
    ['arn:aws:*', 'arn:aws:iam::*:role/*', true],
    // Literal text never equals a wildcard: `a*` does not contain the language of `a` followed by anything, reversed.
    ['a', 'a*', false],
    // Patterns without wildcards contain exactly themselves.
    ['arn:aws:s3:::b/k', 'arn:aws:s3:::b/k', true],
    ['arn:aws:s3:::b/k', 'arn:aws:s3:::b/K', false],
    // A star inner against a literal-heavy outer.
    ['*a*', '*', false],
    ['*a*', '*a', true],
    ['*a*', 'a?*', true],
  ])('%j ⊇ %j: %s', (outer, inner, expected) => {
    expect(globContains(outer, inner)).toBe(expected);
  });

  it.each([
    ['s3:Get*', 'S3:GETOBJECT', true],
    ['S3:GET*', 's3:getObjectAcl', true],
    ['s3:get*', 's3:Get*', true],
    ['s3:Get*', 's3:*', false],
    ['s3:*Object', 'S3:?ETOBJECT', true],
  ])('case-insensitively %j ⊇ %j: %s', (outer, inner, expected) => {
    expect(globContains(outer, inner, { caseInsensitive: true })).toBe(expected);
    expect(globContains(outer, inner)).toBe(outer === inner);
  });

  it('folds ASCII letters only', () => {
    expect(globContains('ſ3:*', 's3:GetObject', { caseInsensitive: true })).toBe(false);
  });

  it('counts one code point as one character', () => {
    expect(globContains('x?', 'x😀')).toBe(true);
    expect(globContains('x??', 'x😀')).toBe(false);
  });

  it('answers false, the safe side, when the subset construction runs past its budget', () => {
    // The subset construction of `*a` followed by n `?` has 2^(n+1) states. The inner star sits
    // where outer has a `?`, so no token-by-token match proves the containment and the search runs.
    const outer = `*a${'?'.repeat(9)}*`;
    const inner = `*a?*${'?'.repeat(8)}`;
    expect(containment(parseGlob(outer), parseGlob(inner), { maxStates: 50 })).toBe('unknown');
    expect(globContains(outer, inner, { maxStates: 50 })).toBe(false);
    expect(globContains(outer, inner)).toBe(true);
  });

  it('stays fast on adversarial star runs', () => {
    const outer = `${'*a'.repeat(30)}*`;
    const inner = `${'a*'.repeat(31)}`;
    expect(globContains(outer, inner)).toBe(true);
    expect(globContains(outer, 'a'.repeat(29))).toBe(false);
  });
});

describe('globsIntersect', () => {
  it.each([
    ['arn:aws:s3:::app-data/*', 'arn:aws:s3:::app-data/uploads/*', true],
    ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*', false],
    ['a*', '*b', true],
    ['a?', '?b', true],
    ['a?', 'abc', false],
    ['a*c', 'b*', false],
    ['*x*', '*y*', true],
    ['', '*', true],
    ['', '?', false],
    ['abc', 'abc', true],
    ['abc', 'abd', false],
  ])('%j ∩ %j: %s', (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
    expect(globsIntersect(b, a)).toBe(expected);
  });

  it('folds case for actions', () => {
    expect(globsIntersect('s3:Get*', 'S3:*OBJECT', { caseInsensitive: true })).toBe(true);
    expect(globsIntersect('s3:Get*', 'S3:*OBJECT')).toBe(false);
  });
});

/**
 * Brute force over a small alphabet. Why enumerating short strings decides containment: if
 * L(inner) ⊄ L(outer), a witness can be made from `inner` by writing a letter that neither pattern
 * uses (`c`) for each `?` and a run of `c` for each `*` (a letter the outer pattern does not name
 * can only meet its wildcards, so the swap keeps the string outside it), and each run needs at most
 * m + 1 letters, m being the number of `?` in `outer` (longer runs all behave alike, since one of
 * outer's stars must absorb a letter of the run). So a witness has at most k + s * (m + 1) characters
 * for an inner pattern of k non-star tokens and s stars, and the property only runs where that is at
 * most 6. Intersection: each letter of a shortest common string is consumed by a non-star token of
 * one of the patterns, so at most k_a + k_b characters are needed.
 */
const MAX_LENGTH = 6;
function wordsOver(symbols: readonly string[], maxLength: number): string[] {
  const words: string[] = [''];
  for (let length = 1, frontier = ['']; length <= maxLength; length += 1) {
    frontier = frontier.flatMap((prefix) => symbols.map((s) => prefix + s));
    words.push(...frontier);
  }
  return words;
}

function shape(pattern: string): { stars: number; others: number; ones: number } {
  const tokens = parseGlob(pattern);
  return {
    stars: tokens.filter((t) => t.kind === 'star').length,
    others: tokens.filter((t) => t.kind !== 'star').length,
    ones: tokens.filter((t) => t.kind === 'one').length,
  };
}

function matcher(words: readonly string[], options?: { caseInsensitive: boolean }) {
  const cache = new Map<string, boolean[]>();
  return (pattern: string): boolean[] => {
    let matched = cache.get(pattern);
    if (!matched) {
      matched = words.map((w) => matchesGlob(pattern, w, options));
      cache.set(pattern, matched);
    }
    return matched;
  };
}

const words = wordsOver(['a', 'b', '/', 'c'], MAX_LENGTH);
const matched = matcher(words);
const glob = fc
  .array(fc.constantFrom('a', 'b', '/', '*', '?'), { maxLength: 4 })
  .map((chars) => chars.join(''));

function witnessBound(outer: string, inner: string): number {
  const i = shape(inner);
  return i.others + i.stars * (shape(outer).ones + 1);
}

describe('tokensIntersect on long patterns', () => {
  it('decides 70,000-character values from their ends, without a mark per pair of positions', () => {
    const long = 'a'.repeat(70_000);
    expect(tokensIntersect(parseGlob(`*${long}x`), parseGlob(`*${long}y`))).toBe(false);
    expect(tokensIntersect(parseGlob(`*${long}x`), parseGlob(`${long}*`))).toBe(true);
  });

  it.each([
    ['a bit per pair', undefined, 2200],
    ['a set, past its bound', 1000, 600],
  ])(
    'walks millions of pairs of positions, marked in %s, with the same answers',
    (_how, maxMarkedPairs, n) => {
      const options = { maxMarkedPairs };
      // Ends agree and neither glob's plain strings match the other: only the walk decides.
      const a = `a${'*b'.repeat(n / 2)}*`;
      expect(tokensIntersect(parseGlob(a), parseGlob(`${'*c'.repeat(n / 2)}*`), options)).toBe(true);
      expect(tokensIntersect(parseGlob(a), parseGlob(`${'*c'.repeat(n / 2)}*d`), options)).toBe(true);
      const exactly = (length: number) => parseGlob(`a${'?'.repeat(length)}`);
      const atLeast = (length: number) =>
        parseGlob(`${'*c'.repeat(length / 2)}*${'c'.repeat(length / 2 + 2)}`);
      expect(tokensIntersect(exactly(40), atLeast(40), options)).toBe(false);
      // Every pair of positions (7 million for 2,200 characters) is visited before the answer is known.
      expect(tokensIntersect(exactly(n), atLeast(n), options)).toBe(false);
      expect(tokensIntersect(exactly(n + 3), atLeast(n), options)).toBe(true);
    },
  );
});

describe('against brute force', () => {
  it('containment agrees with enumeration', () => {
    fc.assert(
      fc.property(glob, glob, (outer, inner) => {
        fc.pre(witnessBound(outer, inner) <= MAX_LENGTH);
        const o = matched(outer);
        const expected = matched(inner).every((hit, k) => !hit || o[k] === true);
        expect(globContains(outer, inner)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('intersection agrees with enumeration', () => {
    fc.assert(
      fc.property(glob, glob, (a, b) => {
        fc.pre(shape(a).others + shape(b).others <= MAX_LENGTH);
        const x = matched(a);
        const expected = matched(b).some((hit, k) => hit && x[k] === true);
        expect(globsIntersect(a, b)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('case-insensitive containment agrees with enumeration over both cases', () => {
    const options = { caseInsensitive: true };
    const mixedWords = wordsOver(['a', 'A', 'b', 'B', 'c'], 5);
    const mixedMatched = matcher(mixedWords, options);
    const mixed = fc
      .array(fc.constantFrom('a', 'A', 'b', '*', '?'), { maxLength: 4 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(mixed, mixed, (outer, inner) => {
        fc.pre(witnessBound(outer, inner) <= 5);
        const o = mixedMatched(outer);
        const expected = mixedMatched(inner).every((hit, k) => !hit || o[k] === true);
        expect(globContains(outer, inner, options)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
