/**
 * FNV-1a pieces for the diff's lookup tables: a hash only picks a bucket, and every entry found in
 * one is confirmed by comparing in full, so a collision costs a comparison, never a wrong answer.
 */

export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** One step: the hash so far with one more number (a character code, a length, another hash). */
export function mix(hash: number, value: number): number {
  return Math.imul(hash ^ value, FNV_PRIME);
}

/**
 * A text's length and five of its characters (a quarter, half and three quarters in, and the last
 * two): hashing every character of the managed-policy history's 20 million action characters cost
 * as much as the lookups it served.
 */
export function sampledHash(text: string): number {
  const n = text.length;
  let hash = mix(FNV_OFFSET, n);
  if (n === 0) return hash;
  hash = mix(hash, text.charCodeAt(n >> 2));
  hash = mix(hash, text.charCodeAt(n >> 1));
  hash = mix(hash, text.charCodeAt((3 * n) >> 2));
  hash = mix(hash, text.charCodeAt(n > 1 ? n - 2 : 0));
  return mix(hash, text.charCodeAt(n - 1));
}

/** An ASCII capital as its small letter, any other code as it is: IAM's folding of action names. */
export function foldAscii(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/**
 * A hash as a Map key: 30 bits, which V8 stores as a small integer on every build. A Map keyed by
 * larger numbers (`>>> 0` makes half of all hashes so) hashes each as an allocated heap number,
 * which took twice as long per lookup.
 */
export function mapKey(hash: number): number {
  return hash & 0x3fffffff;
}
