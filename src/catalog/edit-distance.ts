/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), because swapped
 * letters (`GetObjcet`) are the most common typo in hand-written action names and should cost 1.
 *
 * Returns `max + 1` as soon as the distance is known to exceed `max`, so scanning a service's
 * hundreds of actions for a did-you-mean stays cheap: only the cells within `max` of the diagonal
 * are computed (any path through another cell costs more than `max`), and the three rows are reused
 * between calls (the function is synchronous).
 */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)] as const;

export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;

  // Every cell outside the band counts as `beyond`, more than any distance worth knowing.
  const band = Math.min(max, a.length + b.length);
  const beyond = band + 1;
  const width = b.length + 2;
  if (rows[0].length < width) rows = [new Int32Array(width), new Int32Array(width), new Int32Array(width)];
  let [prevPrev, prev, row] = rows;
  const firstHigh = Math.min(b.length, band);
  for (let j = 0; j <= firstHigh; j++) prev[j] = j;
  prev[firstHigh + 1] = beyond;

  for (let i = 1; i <= a.length; i++) {
    const low = Math.max(1, i - band);
    const high = Math.min(b.length, i + band);
    row[low - 1] = low === 1 ? i : beyond;
    let rowMin = row[low - 1] as number;
    const x = a.charCodeAt(i - 1);
    const xBefore = i > 1 ? a.charCodeAt(i - 2) : -1;
    for (let j = low; j <= high; j++) {
      const y = b.charCodeAt(j - 1);
      let value = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (x === y ? 0 : 1),
      );
      if (i > 1 && j > 1 && x === b.charCodeAt(j - 2) && xBefore === y) {
        value = Math.min(value, (prevPrev[j - 2] as number) + 1);
      }
      if (value > beyond) value = beyond;
      row[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (high < b.length) row[high + 1] = beyond;
    if (rowMin > max) return max + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  const distance = prev[b.length] as number;
  return distance > max ? max + 1 : distance;
}
