import { describe, expect, it } from 'vitest';
import { compareText, naturalCompare } from '../../src/util/compare-text.js';

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
});

describe('compareText', () => {
  it('orders by code point, upper case before lower case', () => {
    expect(['b', 'B', 'a'].sort(compareText)).toEqual(['B', 'a', 'b']);
  });
});
