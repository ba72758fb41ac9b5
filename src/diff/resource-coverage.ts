/**
 * Resource sets as the diff sees them: a list of ARN globs (Resource), or everything but a list
 * (NotResource). Coverage is glob containment, never text equality.
 *
 * Policy variables (`${aws:username}` under Version 2012-10-17) make a pattern's language depend on
 * the request. On the side being checked (head, the inner set) a variable is widened to `*`, which
 * over-approximates; on the covering side (base) nothing sound can be assumed, so a variable there
 * covers only the same text under the same substitution rules, and otherwise the answer is `unknown`
 * rather than `no` when the widened pattern would have covered. The specials `${*}`, `${?}`, `${$}`
 * are literal characters.
 */
import {
  findPolicyVariables,
  specialVariableValue,
  usesPolicyVariables,
} from '../policy/policy-variables.js';
import type { PolicyVersion } from '../policy/types.js';
import {
  containment,
  endsAllowContainment,
  endsAllowIntersection,
  literalEnds,
  parseGlob,
  tokensIntersect,
  type GlobToken,
  type LiteralEnds,
} from './glob-sets.js';
import { type Tri, everyTri, someTri } from './types.js';

export interface ResourceSpec {
  mode: 'in' | 'notIn';
  patterns: readonly string[];
  /** Decides whether `${...}` is a policy variable or literal text. */
  version: PolicyVersion | undefined;
}

/**
 * A pattern with its analysis-time reading: tokens with variables widened to `*`, and the literal
 * text before the first wildcard token and after the last (all of it when none).
 */
interface Pattern extends LiteralEnds {
  text: string;
  variables: boolean;
  tokens: GlobToken[];
}

function pattern(text: string, variables: boolean, tokens: GlobToken[]): Pattern {
  // Without variables the literal tokens are the text's characters other than `*` and `?`, so the
  // ends are those of the text; a variable widened to `*` leaves the tokens to be read instead.
  if (!variables) {
    const { prefix, suffix, wild } = literalEnds(text);
    return { text, variables, tokens, prefix, suffix, wild };
  }
  const literal = (token: GlobToken | undefined) => (token?.kind === 'literal' ? token.char : undefined);
  let first = 0;
  while (first < tokens.length && literal(tokens[first]) !== undefined) first += 1;
  let last = tokens.length;
  while (last > first && literal(tokens[last - 1]) !== undefined) last -= 1;
  const chars = (from: number, to: number) =>
    tokens
      .slice(from, to)
      .map((t) => literal(t) ?? '')
      .join('');
  const wild = first < tokens.length;
  return {
    text,
    variables,
    tokens,
    prefix: chars(0, first),
    suffix: wild ? chars(last, tokens.length) : chars(0, tokens.length),
    wild,
  };
}

const UNIVERSAL: Pattern = pattern('*', false, [{ kind: 'star' }]);

/** Entries kept per cache before it starts over: patterns come from pull requests. */
const MAX_CACHED = 20_000;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * Memoizes glob answers by pattern text. One instance is shared by every diff (`shared`): the answers
 * depend on nothing else, and consecutive revisions repeat most of their patterns.
 */
export class ResourceCoverage {
  static readonly shared = new ResourceCoverage();

  /** Patterns by text: read with policy variables, and read literally (see `pattern`). */
  private readonly withVariables = new Map<string, Pattern>();
  private readonly literal = new Map<string, Pattern>();
  private readonly contains = new Map<string, Tri>();
  private readonly intersects = new Map<string, boolean>();

  private pattern(text: string, version: PolicyVersion | undefined): Pattern {
    const variables = usesPolicyVariables(text, version);
    // Two maps keyed by the text itself, whose hash the engine keeps, rather than one keyed by a
    // text built per lookup.
    const patterns = variables ? this.withVariables : this.literal;
    return (
      patterns.get(text) ??
      remember(patterns, text, pattern(text, variables, variables ? widenVariables(text) : parseGlob(text)))
    );
  }

  /** Whether `outer` matches everything `inner` can match. */
  private patternContains(outer: Pattern, inner: Pattern): Tri {
    if (outer.text === inner.text && outer.variables === inner.variables) return 'yes';
    // Most pairs fail on their literal ends: answered before a cache key is even built (a policy of
    // hundreds of ARNs against another asks this of every pair).
    if (!endsAllowContainment(outer, inner)) return inner.variables ? 'unknown' : 'no';
    const key = `${outer.variables ? 'v' : 'l'}${inner.variables ? 'v' : 'l'}${outer.text}\u0000${inner.text}`;
    let answer = this.contains.get(key);
    if (answer === undefined) {
      const widened = containment(outer.tokens, inner.tokens);
      if (widened === 'yes') answer = outer.variables ? 'unknown' : 'yes';
      else if (widened === 'unknown') answer = 'unknown';
      else answer = inner.variables ? 'unknown' : 'no';
      remember(this.contains, key, answer);
    }
    return answer;
  }

  /** Over-approximates: variables are widened on both sides. */
  private patternsIntersect(a: Pattern, b: Pattern): boolean {
    if (a.text === b.text) return true;
    // Most pairs (two buckets, two tables) fail on their literal ends: answered before a cache key
    // is even built, as for containment.
    if (!endsAllowIntersection(a, b)) return false;
    const key = `${a.variables ? 'v' : 'l'}${b.variables ? 'v' : 'l'}${a.text}\u0000${b.text}`;
    let answer = this.intersects.get(key);
    if (answer === undefined) {
      answer = tokensIntersect(a.tokens, b.tokens);
      remember(this.intersects, key, answer);
    }
    return answer;
  }

  /** Per spec object: a statement's resources are asked about for every action class. */
  private readonly lists = new WeakMap<ResourceSpec, { patterns: Pattern[]; patternSet: Set<Pattern> }>();

  private compiled(spec: ResourceSpec): { patterns: Pattern[]; patternSet: Set<Pattern> } {
    let entry = this.lists.get(spec);
    if (!entry) {
      const patterns = spec.patterns.map((text) => this.pattern(text, spec.version));
      entry = { patterns, patternSet: new Set(patterns) };
      this.lists.set(spec, entry);
    }
    return entry;
  }

  private list(spec: ResourceSpec): Pattern[] {
    return this.compiled(spec).patterns;
  }

  /** Whether every resource `inner` may name is also in `outer`. */
  covers(outer: ResourceSpec, inner: ResourceSpec): Tri {
    const { patterns: outers, patternSet } = this.compiled(outer);
    const inners = this.list(inner);
    if (outer.mode === 'in' && inner.mode === 'in') {
      // The same text is the common case between two revisions and needs no automaton (patterns
      // of the same text and reading are one object while the cache holds them).
      return everyTri(inners, (i) =>
        patternSet.has(i) ? 'yes' : someTri(outers, (o) => this.patternContains(o, i)),
      );
    }
    if (outer.mode === 'in') {
      // Everything but X fits inside one pattern only when that pattern is universal.
      return someTri(outers, (o) => this.patternContains(o, UNIVERSAL));
    }
    if (inner.mode === 'in') {
      // A pattern is inside "everything but X'" when it meets no pattern of X'.
      return everyTri(inners, (i) => {
        const meets = outers.some((x) => this.patternsIntersect(x, i));
        if (!meets) return 'yes';
        return i.variables || outers.some((x) => x.variables) ? 'unknown' : 'no';
      });
    }
    // Everything but X is inside everything but X' when X' ⊆ X.
    return everyTri(outers, (x) => someTri(inners, (y) => this.patternContains(y, x)));
  }

  /** Whether the two sets may share a resource (over-approximation: `true` when unsure). */
  overlaps(a: ResourceSpec, b: ResourceSpec): boolean {
    if (a.mode === 'notIn' && b.mode === 'notIn') return true;
    if (a.mode === 'notIn' || b.mode === 'notIn') {
      const [within, without] = a.mode === 'in' ? [a, b] : [b, a];
      const excluded = this.list(without);
      // A pattern wholly inside an excluded pattern has nothing outside it.
      return this.list(within).some((p) => !excluded.some((x) => this.patternContains(x, p) === 'yes'));
    }
    const bs = this.list(b);
    return this.list(a).some((p) => bs.some((q) => this.patternsIntersect(p, q)));
  }
}

/** Tokens with each policy variable as `*` and each special as its literal character. */
function widenVariables(text: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  let last = 0;
  for (const ref of findPolicyVariables(text)) {
    tokens.push(...parseGlob(text.slice(last, ref.start)));
    const special = specialVariableValue(ref.name);
    if (special !== undefined) tokens.push({ kind: 'literal', char: special });
    else tokens.push({ kind: 'star' });
    last = ref.end;
  }
  tokens.push(...parseGlob(text.slice(last)));
  return tokens;
}
