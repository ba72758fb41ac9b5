/**
 * Orderings for output that must not depend on the machine: code points, never `localeCompare`
 * (whose result follows the locale, and which loads ICU on first use).
 */

/** Code-point order. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Code-point order, except that runs of digits compare as numbers: `Statement[2]` before
 * `Statement[10]`. Numbers of any length compare exactly (by significant digits, then digit by
 * digit); equal values with different leading zeros fall back to code points (`01` before `1`).
 * A character loop rather than splitting: the lint engine sorts every finding with it.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(j);
    if (isDigit(x) && isDigit(y)) {
      let endA = i;
      let endB = j;
      while (endA < a.length && isDigit(a.charCodeAt(endA))) endA++;
      while (endB < b.length && isDigit(b.charCodeAt(endB))) endB++;
      const runA = a.slice(i, endA);
      const runB = b.slice(j, endB);
      if (runA !== runB) {
        const significant = runA.replace(/^0+/, '').length - runB.replace(/^0+/, '').length;
        return significant !== 0 ? significant : compareText(runA, runB);
      }
      i = endA;
      j = endB;
    } else {
      if (x !== y) return x - y;
      i++;
      j++;
    }
  }
  return a.length - i - (b.length - j);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
