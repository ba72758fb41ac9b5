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
import { containment, parseGlob, tokensIntersect, type GlobToken } from './glob-sets.js';
import { type Tri, everyTri, someTri } from './types.js';

export interface ResourceSpec {
  mode: 'in' | 'notIn';
  patterns: readonly string[];
  /** Decides whether `${...}` is a policy variable or literal text. */
  version: PolicyVersion | undefined;
}

/** A pattern with its analysis-time reading: tokens with variables widened to `*`. */
interface Pattern {
  text: string;
  variables: boolean;
  tokens: GlobToken[];
}

const UNIVERSAL: Pattern = { text: '*', variables: false, tokens: [{ kind: 'star' }] };

/** Memoizes glob answers across one diff, where the same pattern pairs recur for every action class. */
export class ResourceCoverage {
  private readonly patterns = new Map<string, Pattern>();
  private readonly contains = new Map<string, Tri>();
  private readonly intersects = new Map<string, boolean>();

  private pattern(text: string, version: PolicyVersion | undefined): Pattern {
    const variables = usesPolicyVariables(text, version);
    const key = `${variables ? 'v' : 'l'}${text}`;
    let pattern = this.patterns.get(key);
    if (!pattern) {
      pattern = { text, variables, tokens: variables ? widenVariables(text) : parseGlob(text) };
      this.patterns.set(key, pattern);
    }
    return pattern;
  }

  /** Whether `outer` matches everything `inner` can match. */
  private patternContains(outer: Pattern, inner: Pattern): Tri {
    if (outer.text === inner.text && outer.variables === inner.variables) return 'yes';
    const key = `${outer.variables ? 'v' : 'l'}${inner.variables ? 'v' : 'l'}${outer.text}\u0000${inner.text}`;
    let answer = this.contains.get(key);
    if (answer === undefined) {
      const widened = containment(outer.tokens, inner.tokens);
      if (widened === 'yes') answer = outer.variables ? 'unknown' : 'yes';
      else if (widened === 'unknown') answer = 'unknown';
      else answer = inner.variables ? 'unknown' : 'no';
      this.contains.set(key, answer);
    }
    return answer;
  }

  /** Over-approximates: variables are widened on both sides. */
  private patternsIntersect(a: Pattern, b: Pattern): boolean {
    const key = `${a.variables ? 'v' : 'l'}${b.variables ? 'v' : 'l'}${a.text}\u0000${b.text}`;
    let answer = this.intersects.get(key);
    if (answer === undefined) {
      answer = a.text === b.text || tokensIntersect(a.tokens, b.tokens);
      this.intersects.set(key, answer);
    }
    return answer;
  }

  private list(spec: ResourceSpec): Pattern[] {
    return spec.patterns.map((text) => this.pattern(text, spec.version));
  }

  /** Whether every resource `inner` may name is also in `outer`. */
  covers(outer: ResourceSpec, inner: ResourceSpec): Tri {
    const outers = this.list(outer);
    const inners = this.list(inner);
    if (outer.mode === 'in' && inner.mode === 'in') {
      // The same text is the common case between two revisions and needs no automaton.
      const texts = new Set(outers.map((o) => `${o.variables ? 'v' : 'l'}${o.text}`));
      return everyTri(inners, (i) =>
        texts.has(`${i.variables ? 'v' : 'l'}${i.text}`)
          ? 'yes'
          : someTri(outers, (o) => this.patternContains(o, i)),
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
