/**
 * IAM globs as regular languages: whether every string one glob matches is matched by another
 * (containment), and whether two globs match a common string (intersection). The diff compares
 * resource patterns, action patterns and condition values this way; comparing their text would call
 * `arn:aws:s3:::app-data/*` and `arn:aws:s3:::app-data/uploads/*` unrelated.
 *
 * A glob is an NFA over its token positions: `*` loops on any character, `?` consumes one, a literal
 * consumes itself. Only the characters written in the two patterns can behave differently from one
 * another, so the alphabet is those characters plus one symbol standing for every other character;
 * the answer is then exact for the infinite alphabet too. Case-insensitive globs (action names) fold
 * ASCII letters first, which keeps the same exactness because IAM folds only ASCII (see glob.ts).
 *
 * Containment determinizes the outer glob on the fly (subset construction) and walks it in step with
 * the inner NFA, looking for a string the inner accepts and the outer rejects. That is exponential in
 * the worst case (`*a??????????`) and the patterns come from pull requests, so the walk has a budget:
 * past it the answer is "not contained", which every caller reads as "report it" and is therefore the
 * safe side. Intersection is a walk over pairs of positions and always polynomial.
 */

export type GlobToken = { kind: 'star' } | { kind: 'one' } | { kind: 'literal'; char: string };

export interface GlobSetOptions {
  /** Fold ASCII letters, as IAM does for action names. Off by default: ARNs compare case-sensitively. */
  caseInsensitive?: boolean;
  /** Product states to explore before giving up on containment (which then answers false). */
  maxStates?: number;
  /** Pairs of positions `tokensIntersect` marks in a bit array before it keeps them in a set. */
  maxMarkedPairs?: number;
}

const DEFAULT_MAX_STATES = 20_000;

/**
 * Up to this many position pairs, `tokensIntersect` marks them in a bit array (32 MB at most; two
 * 2,200-character globs take 0.9 MB), past it in a set: only two globs of some 16,000 characters
 * each, longer than most policies AWS accepts, get that far.
 */
const MAX_MARKED_PAIRS = 1 << 28;

const STAR_TOKEN: GlobToken = Object.freeze({ kind: 'star' });
const ONE_TOKEN: GlobToken = Object.freeze({ kind: 'one' });
const literalTokens = new Map<string, GlobToken>();

/**
 * One shared token per character: tokens are never changed, and a token per character of every new
 * ARN was a visible share of the diff's garbage. Bounded, since the characters come from pull requests.
 */
function literalToken(char: string): GlobToken {
  let token = literalTokens.get(char);
  if (!token) {
    token = Object.freeze({ kind: 'literal', char });
    if (literalTokens.size < 4096) literalTokens.set(char, token);
  }
  return token;
}

/** Tokens of a text read literally: `*` and `?` are characters like any other. */
export function textTokens(text: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (const char of text) tokens.push(literalToken(char));
  return tokens;
}

/** Tokens of an IAM glob. One `?` is one code point, as in glob.ts. Runs of `*` collapse. */
export function parseGlob(pattern: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (const char of pattern) {
    if (char === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push(STAR_TOKEN);
    } else if (char === '?') {
      tokens.push(ONE_TOKEN);
    } else {
      tokens.push(literalToken(char));
    }
  }
  return tokens;
}

function foldAscii(char: string): string {
  return char.length === 1 && char >= 'A' && char <= 'Z' ? char.toLowerCase() : char;
}

/** Literal characters folded once, and consecutive stars collapsed (token lists may be spliced). */
function prepare(tokens: readonly GlobToken[], caseInsensitive: boolean): readonly GlobToken[] {
  // Mostly nothing to do (ARNs compare case-sensitively, and parseGlob collapses stars): no copy.
  if (!caseInsensitive && !hasStarRun(tokens)) return tokens;
  const out: GlobToken[] = [];
  for (const token of tokens) {
    if (token.kind === 'star' && out[out.length - 1]?.kind === 'star') continue;
    out.push(token.kind === 'literal' && caseInsensitive ? literalToken(foldAscii(token.char)) : token);
  }
  return out;
}

function hasStarRun(tokens: readonly GlobToken[]): boolean {
  for (let i = 1; i < tokens.length; i += 1)
    if (tokens[i]?.kind === 'star' && tokens[i - 1]?.kind === 'star') return true;
  return false;
}

/** An NFA over symbol indices; the last index stands for every character not written in either glob. */
class GlobNfa {
  /** Per state: the symbol it consumes (-1: any symbol), or undefined for the accepting state. */
  private readonly consumes: (number | undefined)[] = [];
  private readonly star: boolean[] = [];
  readonly accepting: number;
  /** States from which every continuation is accepted: only stars remain. */
  private readonly universalFrom: number;

  constructor(tokens: readonly GlobToken[], symbolOf: (char: string) => number) {
    for (const token of tokens) {
      this.star.push(token.kind === 'star');
      this.consumes.push(token.kind === 'literal' ? symbolOf(token.char) : -1);
    }
    this.accepting = tokens.length;
    let from = tokens.length;
    while (from > 0 && this.star[from - 1] === true) from -= 1;
    // Without a trailing star the accepting state accepts only the end of the input.
    this.universalFrom = from < tokens.length ? from : Number.POSITIVE_INFINITY;
  }

  /** Adds `state` and every state its stars can skip to. */
  close(state: number, into: Set<number>): void {
    let current = state;
    into.add(current);
    while (this.star[current] === true) {
      current += 1;
      into.add(current);
    }
  }

  step(state: number, symbol: number, into: Set<number>): void {
    if (state >= this.accepting) return;
    if (this.star[state] === true) {
      this.close(state, into);
      return;
    }
    const wanted = this.consumes[state];
    if (wanted === -1 || wanted === symbol) this.close(state + 1, into);
  }

  isUniversal(state: number): boolean {
    return state >= this.universalFrom;
  }
}

function alphabetOf(a: readonly GlobToken[], b: readonly GlobToken[]): Map<string, number> {
  const symbols = new Map<string, number>();
  for (const token of [...a, ...b]) {
    if (token.kind === 'literal' && !symbols.has(token.char)) symbols.set(token.char, symbols.size);
  }
  return symbols;
}

function symbolLookup(symbols: Map<string, number>): (char: string) => number {
  return (char) => symbols.get(char) ?? symbols.size;
}

/** A character written in neither glob: patterns are finite and the alphabet is not. */
const OTHER = undefined;

/**
 * Whether the glob matches a word of `length` symbols, where `fits` says whether a non-star token
 * consumes the symbol at a position. The usual greedy walk that returns to the last star only: each
 * star-free run is placed at its leftmost fit, which is exact whenever every non-star token consumes
 * exactly one symbol, and takes at most length × tokens steps.
 */
function walk(
  tokens: readonly GlobToken[],
  length: number,
  fits: (token: GlobToken, at: number) => boolean,
): boolean {
  let t = 0;
  let w = 0;
  let star = -1;
  let starW = 0;
  while (w < length) {
    const token = tokens[t];
    if (token !== undefined && token.kind !== 'star') {
      if (fits(token, w)) {
        t += 1;
        w += 1;
        continue;
      }
    } else if (token !== undefined) {
      star = t;
      starW = w;
      t += 1;
      continue;
    }
    if (star < 0) return false;
    t = star + 1;
    starW += 1;
    w = starW;
  }
  while (tokens[t]?.kind === 'star') t += 1;
  return t === tokens.length;
}

/** Whether the glob matches a word whose `OTHER` entries stand for a character written in neither glob. */
function matchesWord(tokens: readonly GlobToken[], word: readonly (string | typeof OTHER)[]): boolean {
  return walk(
    tokens,
    word.length,
    (token, at) =>
      token.kind === 'one' || (token.kind === 'literal' && word[at] !== OTHER && token.char === word[at]),
  );
}

/**
 * Two strings of a glob that most questions are settled by: every star empty, and every star one
 * character written in neither glob (each `?` such a character too).
 */
function witnesses(tokens: readonly GlobToken[]): [(string | typeof OTHER)[], (string | typeof OTHER)[]] {
  const shortest: (string | typeof OTHER)[] = [];
  const padded: (string | typeof OTHER)[] = [];
  for (const token of tokens) {
    if (token.kind === 'literal') {
      shortest.push(token.char);
      padded.push(token.char);
    } else {
      if (token.kind === 'one') shortest.push(OTHER);
      padded.push(OTHER);
    }
  }
  return [shortest, padded];
}

/**
 * A string of `inner` that `outer` rejects is a counterexample, found in linear time, where the
 * subset construction may take thousands of states (`arn:*:sagemaker:*:*:model-package-group/*`
 * against a 100-character ARN).
 */
function refutedByWitness(outer: readonly GlobToken[], inner: readonly GlobToken[]): boolean {
  return witnesses(inner).some((word) => !matchesWord(outer, word));
}

/**
 * A proof of containment: `outer` matches `inner` read as a word of tokens, where an outer star
 * consumes anything, an outer `?` a literal or a `?`, and an outer literal only the same literal.
 * Substituting any strings for inner's wildcards keeps that match, so every string of inner is
 * matched. Not every containment has such a proof (`?*` contains `*?`); the search decides the rest.
 */
function containedSymbolically(outer: readonly GlobToken[], inner: readonly GlobToken[]): boolean {
  return walk(outer, inner.length, (token, at) => {
    const symbol = inner[at];
    if (symbol === undefined || symbol.kind === 'star') return false;
    if (token.kind === 'one') return true;
    return token.kind === 'literal' && symbol.kind === 'literal' && symbol.char === token.char;
  });
}

/** The literal text before the first wildcard and after the last, and whether there is one. */
function tokenEnds(tokens: readonly GlobToken[]): { prefix: string; suffix: string; wild: boolean } {
  const literal = (token: GlobToken | undefined) => (token?.kind === 'literal' ? token.char : undefined);
  let first = 0;
  while (first < tokens.length && literal(tokens[first]) !== undefined) first += 1;
  const chars = (from: number, to: number) =>
    tokens
      .slice(from, to)
      .map((t) => literal(t) ?? '')
      .join('');
  if (first === tokens.length) {
    const text = chars(0, tokens.length);
    return { prefix: text, suffix: text, wild: false };
  }
  let last = tokens.length;
  while (last > first && literal(tokens[last - 1]) !== undefined) last -= 1;
  return { prefix: chars(0, first), suffix: chars(last, tokens.length), wild: true };
}

/** True when every string `inner` matches is matched by `outer`; false past the budget. */
export function tokensContain(
  outer: readonly GlobToken[],
  inner: readonly GlobToken[],
  options?: GlobSetOptions,
): boolean {
  return containment(outer, inner, options) === 'yes';
}

/** `yes`, `no`, or `unknown` when the search ran out of budget. */
export function containment(
  outerTokens: readonly GlobToken[],
  innerTokens: readonly GlobToken[],
  options?: GlobSetOptions,
): 'yes' | 'no' | 'unknown' {
  const caseInsensitive = options?.caseInsensitive === true;
  const outerPrepared = prepare(outerTokens, caseInsensitive);
  const innerPrepared = prepare(innerTokens, caseInsensitive);
  if (containedSymbolically(outerPrepared, innerPrepared)) return 'yes';
  if (refutedByWitness(outerPrepared, innerPrepared)) return 'no';
  const symbols = alphabetOf(outerPrepared, innerPrepared);
  const lookup = symbolLookup(symbols);
  const outer = new GlobNfa(outerPrepared, lookup);
  const inner = new GlobNfa(innerPrepared, lookup);
  const symbolCount = symbols.size + 1;
  const maxStates = options?.maxStates ?? DEFAULT_MAX_STATES;

  const startOuter = new Set<number>();
  outer.close(0, startOuter);
  const startInner = new Set<number>();
  inner.close(0, startInner);

  const seen = new Set<string>();
  const queue: [number, number[]][] = [];
  const visit = (innerState: number, outerStates: Set<number>): boolean => {
    const sorted = [...outerStates].sort((x, y) => x - y);
    const key = `${innerState}|${sorted.join(',')}`;
    if (seen.has(key)) return true;
    seen.add(key);
    // The inner NFA can accept here while no outer state does: a counterexample.
    if (innerState === inner.accepting && !outerStates.has(outer.accepting)) return false;
    // An outer state followed by nothing but stars accepts every continuation.
    if (sorted.some((state) => outer.isUniversal(state))) return true;
    queue.push([innerState, sorted]);
    return true;
  };

  for (const innerState of startInner) if (!visit(innerState, startOuter)) return 'no';
  for (let head = 0; head < queue.length; head += 1) {
    if (seen.size > maxStates) return 'unknown';
    const next = queue[head];
    if (next === undefined) break;
    const [innerState, outerStates] = next;
    for (let symbol = 0; symbol < symbolCount; symbol += 1) {
      const innerNext = new Set<number>();
      inner.step(innerState, symbol, innerNext);
      if (innerNext.size === 0) continue;
      const outerNext = new Set<number>();
      for (const state of outerStates) outer.step(state, symbol, outerNext);
      for (const state of innerNext) if (!visit(state, outerNext)) return 'no';
    }
  }
  return 'yes';
}

/**
 * True when some string matches both globs. Common literal ends are necessary and a string of one
 * glob that the other matches is sufficient, which settles most pairs in linear time (condition
 * values and ARNs can be long). The rest is a walk over pairs of token positions (i, j), where a
 * star may be skipped on either side, and two non-star positions (or stars) advance together when
 * one character can satisfy both, which fails only for two different literals: the product of the
 * two NFAs without spelling out an alphabet, since any character written in neither glob satisfies
 * every star and `?`. Only reachable pairs are visited; they are marked in a byte array when the
 * product is small and in a set otherwise.
 */
export function tokensIntersect(
  aTokens: readonly GlobToken[],
  bTokens: readonly GlobToken[],
  options?: GlobSetOptions,
): boolean {
  const caseInsensitive = options?.caseInsensitive === true;
  const a = prepare(aTokens, caseInsensitive);
  const b = prepare(bTokens, caseInsensitive);
  const x = tokenEnds(a);
  const y = tokenEnds(b);
  const agree = (p: string, q: string) => p.startsWith(q) || q.startsWith(p);
  const agreeEnd = (p: string, q: string) => p.endsWith(q) || q.endsWith(p);
  if (!agree(x.prefix, y.prefix) || !agreeEnd(x.suffix, y.suffix)) return false;
  if (witnesses(a).some((word) => matchesWord(b, word))) return true;
  if (witnesses(b).some((word) => matchesWord(a, word))) return true;
  const width = b.length + 1;
  const size = (a.length + 1) * width;
  const marks =
    size <= (options?.maxMarkedPairs ?? MAX_MARKED_PAIRS) ? new Uint32Array((size + 31) >>> 5) : undefined;
  const marked = marks === undefined ? new Set<number>() : undefined;
  const stack: number[] = [];
  const push = (i: number, j: number) => {
    const at = i * width + j;
    if (marks !== undefined) {
      const bit = 1 << (at & 31);
      const word = marks[at >>> 5] as number;
      if ((word & bit) !== 0) return;
      marks[at >>> 5] = word | bit;
    } else if (marked !== undefined) {
      if (marked.has(at)) return;
      marked.add(at);
    }
    stack.push(at);
  };
  push(0, 0);
  while (stack.length > 0) {
    const at = stack.pop() as number;
    const i = Math.floor(at / width);
    const j = at - i * width;
    if (i === a.length && j === b.length) return true;
    const x = a[i];
    const y = b[j];
    // A star matches the empty string: skip it.
    if (x?.kind === 'star') push(i + 1, j);
    if (y?.kind === 'star') push(i, j + 1);
    if (x === undefined || y === undefined) continue;
    if (x.kind === 'literal' && y.kind === 'literal' && x.char !== y.char) continue;
    // One character for both; a star stays where it is to take more.
    push(x.kind === 'star' ? i : i + 1, y.kind === 'star' ? j : j + 1);
  }
  return false;
}

/** A glob's literal text before its first wildcard and after its last (the whole text when none). */
export interface LiteralEnds {
  prefix: string;
  suffix: string;
  wild: boolean;
}

/** The text before the first wildcard, and after the last one (the whole text when it has none). */
export function literalEnds(glob: string): LiteralEnds {
  const first = glob.search(/[*?]/);
  if (first < 0) return { prefix: glob, suffix: glob, wild: false };
  let last = glob.length - 1;
  while (glob.charAt(last) !== '*' && glob.charAt(last) !== '?') last -= 1;
  return { prefix: glob.slice(0, first), suffix: glob.slice(last + 1), wild: true };
}

interface ParsedGlob extends LiteralEnds {
  tokens: GlobToken[];
  universal: boolean;
}

const parsedGlobs = new Map<string, ParsedGlob>();

/**
 * A glob's tokens and literal ends, kept by its text: the diff asks about the same action patterns
 * for every revision of a policy. Bounded, since the patterns come from pull requests.
 */
function parsed(glob: string): ParsedGlob {
  let entry = parsedGlobs.get(glob);
  if (!entry) {
    entry = { tokens: parseGlob(glob), ...literalEnds(glob), universal: /^\*+$/.test(glob) };
    if (parsedGlobs.size >= 20_000) parsedGlobs.clear();
    parsedGlobs.set(glob, entry);
  }
  return entry;
}

function foldText(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * A necessary condition for containment read off the literal ends, so that the automaton runs only
 * for plausible pairs (`s3:Get*` against 1,500 patterns of another service costs string compares).
 * Outer's literal prefix must begin inner's, and its suffix end inner's: inner can put any character
 * right after its own prefix, which outer would then have to match literally.
 */
export function endsAllowContainment(outer: LiteralEnds, inner: LiteralEnds): boolean {
  if (!outer.wild) return !inner.wild && outer.prefix === inner.prefix;
  return inner.prefix.startsWith(outer.prefix) && inner.suffix.endsWith(outer.suffix);
}

/**
 * A necessary condition for a common string: a string both match begins with both literal
 * prefixes, so one of them begins the other, and likewise ends with both literal suffixes.
 */
export function endsAllowIntersection(x: LiteralEnds, y: LiteralEnds): boolean {
  const prefixes =
    x.prefix.length <= y.prefix.length ? y.prefix.startsWith(x.prefix) : x.prefix.startsWith(y.prefix);
  if (!prefixes) return false;
  return x.suffix.length <= y.suffix.length ? y.suffix.endsWith(x.suffix) : x.suffix.endsWith(y.suffix);
}

/**
 * L(inner) ⊆ L(outer): every string `inner` matches, `outer` matches too. Decided on the languages,
 * never the text (`a*` contains `a?c`). Answers false when the search exceeds `maxStates`.
 */
export function globContains(outer: string, inner: string, options?: GlobSetOptions): boolean {
  if (outer === inner) return true;
  const fold = options?.caseInsensitive === true;
  const o = parsed(fold ? foldText(outer) : outer);
  if (o.universal) return true;
  const i = parsed(fold ? foldText(inner) : inner);
  if (o === i) return true;
  if (!endsAllowContainment(o, i)) return false;
  return tokensContain(o.tokens, i.tokens, options);
}

/** Whether some string matches both globs. */
export function globsIntersect(a: string, b: string, options?: GlobSetOptions): boolean {
  if (a === b) return true;
  const fold = options?.caseInsensitive === true;
  const x = parsed(fold ? foldText(a) : a);
  const y = parsed(fold ? foldText(b) : b);
  if (x === y) return true;
  if (!endsAllowIntersection(x, y)) return false;
  return tokensIntersect(x.tokens, y.tokens, options);
}
