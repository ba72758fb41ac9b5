/**
 * File globs for the config's `policies:` list and for npm/yarn/pnpm `workspaces`: `*` and `?` within
 * one path segment, `**` for any number of segments, `{a,b}` alternatives, and a leading `!` that
 * excludes. A segment starting with `.` is matched only by a pattern segment that starts with `.`,
 * as in shells and npm.
 *
 * Not a glob library because the patterns can come from the pull request under review: libraries
 * that compile a glob into one RegExp backtrack polynomially in the path length with the number of
 * stars (picomatch takes seconds for `*a*a*a*a*a*a*a*b` against a 60-character name). Segments are
 * matched with the non-backtracking IAM matcher, and `**` with a table over segment positions.
 */
import { matchesGlob } from '../policy/glob.js';

/** Alternatives a brace group may expand to before the pattern is refused as too broad. */
const MAX_EXPANSIONS = 256;

export class PathGlobError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`glob ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'PathGlobError';
  }
}

export type PathMatcher = (path: string) => boolean;

/**
 * A matcher for a list of globs: a path matches when some plain glob matches it and no later or
 * earlier `!glob` does. A leading `./` is ignored. Throws `PathGlobError` for a glob it cannot read.
 */
export function compilePathGlobs(globs: readonly string[]): PathMatcher {
  const include: string[][][] = [];
  const exclude: string[][][] = [];
  for (const glob of globs) {
    const negated = glob.startsWith('!');
    const body = (negated ? glob.slice(1) : glob).replace(/^(\.\/)+/, '');
    if (body === '') throw new PathGlobError(glob, 'empty pattern');
    if (body.startsWith('/')) throw new PathGlobError(glob, 'must be relative to the repository root');
    const alternatives = expandBraces(body, glob).map((pattern) =>
      pattern.split('/').filter((s) => s !== ''),
    );
    (negated ? exclude : include).push(alternatives);
  }
  return (path) => {
    const segments = path.split('/');
    const matches = (alternatives: string[][]) =>
      alternatives.some((pattern) => matchSegments(pattern, segments));
    return include.some(matches) && !exclude.some(matches);
  };
}

function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  // memo[i * (path.length + 1) + j]: does pattern[i..] match path[j..]? 0 unknown, 1 yes, 2 no.
  const width = path.length + 1;
  const memo = new Uint8Array((pattern.length + 1) * width);
  const match = (i: number, j: number): boolean => {
    const cached = memo[i * width + j];
    if (cached !== 0 && cached !== undefined) return cached === 1;
    let result: boolean;
    const segment = pattern[i];
    if (segment === undefined) {
      result = j === path.length;
    } else if (segment === '**') {
      // Zero segments, or one more segment that is not hidden.
      const next = path[j];
      result = match(i + 1, j) || (next !== undefined && !next.startsWith('.') && match(i, j + 1));
    } else {
      const next = path[j];
      result = next !== undefined && matchesSegment(segment, next) && match(i + 1, j + 1);
    }
    memo[i * width + j] = result ? 1 : 2;
    return result;
  };
  return match(0, 0);
}

function matchesSegment(pattern: string, segment: string): boolean {
  if (segment.startsWith('.') && !pattern.startsWith('.')) return false;
  // `**` inside a segment (`a**b`) means what `*` means there.
  return matchesGlob(pattern.replace(/\*{2,}/g, '*'), segment);
}

/** `policies/*.{json,yaml}` -> `policies/*.json`, `policies/*.yaml`; nested groups expand too. */
function expandBraces(pattern: string, original: string): string[] {
  const open = pattern.indexOf('{');
  if (open === -1) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length && close === -1; i += 1) {
    const char = pattern.charAt(i);
    if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) close = i;
    } else if (char === ',' && depth === 1) commas.push(i);
  }
  if (close === -1) throw new PathGlobError(original, 'unclosed "{"');
  const prefix = pattern.slice(0, open);
  const suffix = pattern.slice(close + 1);
  const bounds = [open, ...commas, close];
  const results: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k += 1) {
    const option = pattern.slice((bounds[k] ?? 0) + 1, bounds[k + 1]);
    for (const expanded of expandBraces(prefix + option + suffix, original)) {
      results.push(expanded);
      if (results.length > MAX_EXPANSIONS) {
        throw new PathGlobError(original, `"{...}" expands to more than ${MAX_EXPANSIONS} patterns`);
      }
    }
  }
  return results;
}
