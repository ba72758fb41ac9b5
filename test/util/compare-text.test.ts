import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareText, naturalCompare } from '../../src/util/compare-text.js';

/** The order spelled out with slices and RegExps: what the character loop must agree with. */
function naturalCompareBySlices(a: string, b: string): number {
  const runs = (text: string) => text.match(/\d+|\D/g) ?? [];
  const left = runs(a);
  const right = runs(b);
  for (let k = 0; k < left.length && k < right.length; k++) {
    const x = left[k] as string;
    const y = right[k] as string;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const significant = x.replace(/^0+/, '').length - y.replace(/^0+/, '').length;
      return significant !== 0 ? significant : compareText(x, y);
    }
    return compareText(x, y);
  }
  return left.length - right.length;
}

describe('naturalCompare', () => {
  it.each([
    ['Statement[2].Action', 'Statement[10].Action'],
    ['Statement[0].Action[9]', 'Statement[0].Action[10]'],
    ['Statement[1]', 'Statement[1].Action'],
    ['01', '1'],
    ['role-99999999999999999998', 'role-99999999999999999999'],
    ['Policies[0]', 'Resource'],
  ])('puts %s before %s', (first, second) => {
    expect(naturalCompare(first, second)).toBeLessThan(0);
    expect(naturalCompare(second, first)).toBeGreaterThan(0);
  });

  it('is 0 for equal strings', () => {
    expect(naturalCompare('Statement[3]', 'Statement[3]')).toBe(0);
  });

  it('orders any two strings as the run-by-run definition does', () => {
    const text = fc.string({ unit: fc.constantFrom('0', '1', '9', '[', ']', '.', 'A', 'a', '"') });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(naturalCompare(a, b))).toBe(Math.sign(naturalCompareBySlices(a, b)));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('compareText', () => {
  it('orders by code point, upper case before lower case', () => {
    expect(['b', 'B', 'a'].sort(compareText)).toEqual(['B', 'a', 'b']);
  });
});
