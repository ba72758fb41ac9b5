/**
 * Did-you-mean for names a user typed (config keys, rule ids, principals of expectations). Kept
 * apart from the config schema so that a caller needing only this does not load zod (~35 ms).
 */
import { editDistance } from '../catalog/edit-distance.js';

/**
 * The closest candidate within a typo's reach, compared case-insensitively, or the only candidate
 * that the value abbreviates (`warn` -> `warning`).
 */
export function closestMatch(value: string, candidates: readonly string[]): string | undefined {
  const wanted = value.toLowerCase();
  if (wanted.length >= 3) {
    const extended = candidates.filter((candidate) => candidate.toLowerCase().startsWith(wanted));
    if (extended.length === 1) return extended[0];
  }
  // One edit per three characters: `resaon` -> `reason`, but `foo` suggests nothing.
  const max = Math.max(1, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase(), max);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
