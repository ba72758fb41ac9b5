/**
 * IAM wildcard matching: `*` is any run of characters, including `/`, `:` and none at all; `?` is
 * exactly one character; everything else is literal. IAM has no escape character, so `\` is literal
 * too.
 *
 * "One character" is one Unicode code point (the RegExp `u` flag), so `?` matches an emoji in an S3
 * key as a whole rather than half of its UTF-16 surrogate pair.
 *
 * The compiled RegExp never backtracks into an earlier star. A naive translation (`^.*a.*a.*b$`)
 * is polynomial in the value's length with the number of stars as exponent: six stars against 60
 * characters already take a second, and resource patterns come from the pull requests we gate.
 * Each fixed-length segment between two stars is instead matched at its leftmost occurrence inside
 * an atomic lookahead, `(?=([^]*?seg))\1`, and only the last star backtracks. That is exact for
 * globs: a later occurrence of a segment never leaves more room for the rest of the pattern than
 * the leftmost one.
 */

import { findPolicyVariables, specialVariableValue } from './policy-variables.js';
import type { PolicyVersion } from './types.js';

export interface GlobOptions {
  /** Fold ASCII letters, as IAM does for action names. Off by default: ARNs compare case-sensitively. */
  caseInsensitive?: boolean;
}

export interface ResourceMatchOptions {
  version?: PolicyVersion;
  /** Request-context values of policy variables; compare names case-insensitively. */
  variables?: (name: string) => string | undefined;
}

const MAX_CACHED = 10_000;
const cache = new Map<string, RegExp>();

type Token = { kind: 'star' } | { kind: 'one' } | { kind: 'literal'; char: string };

/**
 * Tokenizes an IAM glob. With `escaped`, `\x` is a literal `x`: that internal dialect lets
 * `matchesResource` splice in `${*}` and substituted values without their `*` or `?` turning into
 * wildcards. IAM patterns themselves are never read that way.
 */
function tokenize(pattern: string, escaped: boolean): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern.charAt(i);
    if (escaped && char === '\\' && i + 1 < pattern.length) {
      i += 1;
      tokens.push({ kind: 'literal', char: pattern.charAt(i) });
    } else if (char === '*') {
      tokens.push({ kind: 'star' });
    } else if (char === '?') {
      tokens.push({ kind: 'one' });
    } else {
      tokens.push({ kind: 'literal', char });
    }
  }
  return tokens;
}

// Only the syntax characters and `/`: in `u` mode escaping anything else (even `-`) is an error.
const REGEXP_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/**
 * Case folding is ASCII-only (`[aA]`) rather than the `i` flag: with `u`, `i` applies Unicode case
 * folding, under which `ſ` matches `s` and the Kelvin sign matches `k`, so a garbage action such as
 * `ſ3:*` would grant all of S3. Action names are ASCII, so nothing real is lost.
 */
function literalSource(char: string, caseInsensitive: boolean): string {
  if (caseInsensitive && /^[A-Za-z]$/.test(char)) return `[${char.toLowerCase()}${char.toUpperCase()}]`;
  return char.replace(REGEXP_SYNTAX, '\\$&');
}

function compile(tokens: Token[], caseInsensitive: boolean): RegExp {
  // Segments between stars; consecutive stars collapse into one.
  const segments: string[] = [''];
  for (const token of tokens) {
    if (token.kind === 'star') {
      if (segments[segments.length - 1] !== '' || segments.length === 1) segments.push('');
      continue;
    }
    const piece = token.kind === 'one' ? '[^]' : literalSource(token.char, caseInsensitive);
    segments[segments.length - 1] += piece;
  }

  let source = `^${segments[0] ?? ''}`;
  const stars = segments.length - 1;
  for (let i = 1; i < stars; i += 1) {
    source += `(?=([^]*?${segments[i] ?? ''}))\\${i}`;
  }
  if (stars > 0) source += `[^]*${segments[stars] ?? ''}`;
  source += '$';
  return new RegExp(source, 'u');
}

function cached(key: string, build: () => RegExp): RegExp {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const regexp = build();
  // Map iterates in insertion order, so the first key is the oldest entry.
  if (cache.size >= MAX_CACHED) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, regexp);
  return regexp;
}

function compileCached(pattern: string, escaped: boolean, caseInsensitive: boolean): RegExp {
  const key = `${escaped ? 'e' : 'g'}${caseInsensitive ? 'i' : 's'}${pattern}`;
  return cached(key, () => compile(tokenize(pattern, escaped), caseInsensitive));
}

/** Whether the text contains `*` or `?`, read as raw IAM glob syntax (a `${*}` counts). */
export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/**
 * The anchored RegExp for an IAM glob. It is shared through a cache: do not mutate it (it has no
 * `g` or `y` flag, so `test` and `exec` leave it alone).
 */
export function globToRegExp(pattern: string, options?: GlobOptions): RegExp {
  return compileCached(pattern, false, options?.caseInsensitive === true);
}

export function matchesGlob(pattern: string, value: string, options?: GlobOptions): boolean {
  if (pattern === value) return true;
  const caseInsensitive = options?.caseInsensitive === true;
  // Most patterns are exact names: compare them without compiling (and evicting) a RegExp.
  if (!hasWildcard(pattern)) return caseInsensitive && equalsIgnoringAsciiCase(pattern, value);
  return compileCached(pattern, false, caseInsensitive).test(value);
}

/** ASCII-only folding, for the same reason as `literalSource`: `ſ` must not equal `s`. */
function equalsIgnoringAsciiCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y || x < 97 || x > 122) return false;
  }
  return true;
}

/** Action names (`s3:GetObject`) compare case-insensitively, both service prefix and name. */
export function matchesAction(pattern: string, action: string): boolean {
  return matchesGlob(pattern, action, { caseInsensitive: true });
}

/** A value spliced into the escaped dialect must match only itself. */
function escapeLiteral(text: string): string {
  return text.replace(/[\\*?]/g, '\\$&');
}

/** Pattern text spliced into the escaped dialect keeps its wildcards; only `\` needs protecting. */
function escapeBackslashes(text: string): string {
  return text.replace(/\\/g, '\\\\');
}

/**
 * Resource matching. With version 2012-10-17, policy variables in the pattern are substituted from
 * `variables` (undefined lookup -> no match unless it has a default); without a lookup (analysis
 * time, no request) each variable matches any run of characters, which over-approximates what the
 * pattern can match. ${*} ${?} ${$} become literal characters, not wildcards.
 *
 * Substituted values are literal too: a `*` in a tag value does not widen the pattern. With
 * 2008-10-17 or no version, `${...}` is plain text whose `*` and `?` are ordinary wildcards.
 */
export function matchesResource(pattern: string, resource: string, options?: ResourceMatchOptions): boolean {
  if (options?.version !== '2012-10-17' || !pattern.includes('${')) return matchesGlob(pattern, resource);
  const lookup = options.variables;
  if (lookup === undefined) {
    // The analysis-time translation depends on the pattern alone, and the diff engine asks often.
    return cached(`a${pattern}`, () => compile(tokenize(translateVariables(pattern), true), false)).test(
      resource,
    );
  }
  const translated = translateVariables(pattern, lookup);
  return translated !== undefined && compileCached(translated, true, false).test(resource);
}

/**
 * Rewrites a 2012-10-17 resource pattern into the escaped glob dialect: specials and looked-up
 * values as literals, variables as `*` when there is no lookup. Undefined when a looked-up variable
 * has neither a value nor a default.
 */
function translateVariables(pattern: string): string;
function translateVariables(
  pattern: string,
  lookup: (name: string) => string | undefined,
): string | undefined;
function translateVariables(
  pattern: string,
  lookup?: (name: string) => string | undefined,
): string | undefined {
  let escaped = '';
  let last = 0;
  for (const ref of findPolicyVariables(pattern)) {
    escaped += escapeBackslashes(pattern.slice(last, ref.start));
    const special = specialVariableValue(ref.name);
    if (special !== undefined) {
      escaped += escapeLiteral(special);
    } else if (lookup === undefined) {
      escaped += '*';
    } else {
      const value = lookup(ref.name) ?? ref.defaultValue;
      if (value === undefined) return undefined;
      escaped += escapeLiteral(value);
    }
    last = ref.end;
  }
  return escaped + escapeBackslashes(pattern.slice(last));
}
