/**
 * Which actions a statement's Action or NotAction covers: the catalog's actions it names, and the
 * actions AWS may add later. A wildcard (`s3:Get*`, `*`) or a NotAction keeps granting as AWS adds
 * actions, an explicit list never does, so `s3:Get*` is more than the 63 names it expands to today.
 * Each wildcard pattern therefore stands for one symbolic "future" action: the names it matches that
 * the catalog does not have. Future actions compare by glob containment, case-insensitively.
 */
import { compareText } from '../util/compare-text.js';
import type { Catalog } from '../catalog/index.js';
import { hasWildcard, matchesAction } from '../policy/glob.js';
import type { Statement } from '../policy/types.js';
import { globContains, globsIntersect } from './glob-sets.js';

export interface ActionSpec {
  /** `in` for Action, `notIn` for NotAction. */
  mode: 'in' | 'notIn';
  /** Patterns as written. */
  patterns: readonly string[];
  /** Canonical names of the catalog actions covered. */
  concrete: ReadonlySet<string>;
  /** The patterns folded to lower case and grouped by service, for glob comparisons. */
  index: PatternIndex;
}

/**
 * Action patterns folded once (action names are ASCII, so lower-casing is IAM's folding) and grouped
 * by their literal service prefix: `s3:Get*` need only be compared with `s3:…` patterns and those
 * whose service part has a wildcard. AWS managed policies such as ReadOnlyAccess hold 1,500 patterns.
 */
export class PatternIndex {
  readonly folded: readonly string[];
  private readonly byService = new Map<string, string[]>();
  private readonly anyService: string[] = [];

  constructor(patterns: readonly string[]) {
    this.folded = [...new Set(patterns.map((p) => p.toLowerCase()))];
    for (const pattern of this.folded) {
      const service = literalService(pattern);
      if (service === undefined) this.anyService.push(pattern);
      else {
        const list = this.byService.get(service);
        if (list) list.push(pattern);
        else this.byService.set(service, [pattern]);
      }
    }
  }

  /** The folded patterns that can meet or contain `pattern` (itself folded). */
  candidates(pattern: string): readonly string[] {
    const service = literalService(pattern);
    if (service === undefined) return this.folded;
    const same = this.byService.get(service) ?? [];
    return this.anyService.length === 0 ? same : [...same, ...this.anyService];
  }
}

/** `s3` for `s3:Get*`; undefined when the service part has a wildcard or there is no `:`. */
function literalService(pattern: string): string | undefined {
  const colon = pattern.indexOf(':');
  if (colon < 0) return undefined;
  const service = pattern.slice(0, colon);
  return service.includes('*') || service.includes('?') ? undefined : service;
}

/** The not-yet-known actions a pattern grants: `pattern`, or for NotAction everything but `notAction`. */
export interface FutureAction {
  pattern: string;
  notAction?: readonly string[];
}

export const FUTURE_ACTIONS_WHY = 'also actions AWS adds later';

/** Entries kept per cache before it starts over: pattern lists come from pull requests. */
const MAX_CACHED = 2_000;

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
}

const shared = new WeakMap<Catalog, ActionSpecs>();

/**
 * Answers about action patterns, cached per pattern list since `*` alone is 22,000 names. One
 * instance per catalog is shared across diffs (`ActionSpecs.for`): the catalog never changes.
 */
export class ActionSpecs {
  private readonly sets = new Map<string, ReadonlySet<string>>();
  private readonly nameLists = new Map<string, readonly string[]>();
  private readonly specs = new Map<string, ActionSpec>();
  private readonly known: ReadonlySet<string>;

  constructor(readonly catalog: Catalog) {
    this.known = new Set(catalog.allActions());
  }

  static for(catalog: Catalog): ActionSpecs {
    let specs = shared.get(catalog);
    if (!specs) {
      specs = new ActionSpecs(catalog);
      shared.set(catalog, specs);
    }
    return specs;
  }

  /** Undefined for a statement with neither Action nor NotAction (it grants nothing). */
  of(statement: Statement): ActionSpec | undefined {
    if (statement.action) return this.spec('in', statement.action.values);
    if (statement.notAction) return this.spec('notIn', statement.notAction.values);
    return undefined;
  }

  /** The same object for the same mode and patterns, so callers may cache by identity. */
  spec(mode: 'in' | 'notIn', patterns: readonly string[]): ActionSpec {
    const id = `${mode}\n${patterns.join('\n')}`;
    const cached = this.specs.get(id);
    if (cached) return cached;
    const key = `${mode}\n${[...new Set(patterns.map((p) => p.toLowerCase()))].sort().join('\n')}`;
    const concrete =
      this.sets.get(key) ??
      remember(
        this.sets,
        key,
        new Set(
          mode === 'in'
            ? patterns.flatMap((p) => this.catalog.expand(p))
            : this.catalog.expandNotAction(patterns),
        ),
      );
    const frozen = Object.freeze([...patterns]);
    const spec: ActionSpec = { mode, patterns: frozen, concrete, index: new PatternIndex(frozen) };
    return remember(this.specs, id, Object.freeze(spec));
  }

  /**
   * The names a head statement grants one by one: catalog names, plus explicit names the catalog does
   * not know (a typo or an action newer than the catalog is still granted if AWS has it). Sorted.
   */
  names(spec: ActionSpec): readonly string[] {
    const key = `${spec.mode}\n${spec.patterns.join('\n')}`;
    return this.nameLists.get(key) ?? remember(this.nameLists, key, Object.freeze(this.computeNames(spec)));
  }

  private computeNames(spec: ActionSpec): string[] {
    const names = [...spec.concrete];
    if (spec.mode === 'in') {
      const seen = new Set(names.map((n) => n.toLowerCase()));
      for (const pattern of spec.patterns) {
        if (hasWildcard(pattern) || this.isKnown(pattern)) continue;
        if (!seen.has(pattern.toLowerCase())) {
          seen.add(pattern.toLowerCase());
          names.push(pattern);
        }
      }
    }
    return names.sort(compareText);
  }

  /**
   * Splits `names` into classes whose members every spec of `others` treats alike (all include them
   * or none does). Walks each spec's own set (or, for NotAction, its exclusions) instead of asking
   * every name about every spec, since `names` is often all 22,000 actions.
   */
  classify(names: readonly string[], others: readonly ActionSpec[]): string[][] {
    const index = this.indexOf(names);
    const words = Math.max(1, Math.ceil(others.length / 30));
    const bits = new Int32Array(names.length * words);
    const unknown: number[] = [];
    for (let i = 0; i < names.length; i += 1) if (!this.known.has(names[i] ?? '')) unknown.push(i);
    others.forEach((spec, j) => {
      const word = Math.floor(j / 30);
      const bit = 1 << (j % 30);
      if (spec.mode === 'in') {
        for (const name of spec.concrete) {
          const i = index.get(name);
          if (i !== undefined) bits[i * words + word] = (bits[i * words + word] ?? 0) | bit;
        }
      } else {
        for (let i = 0; i < names.length; i += 1)
          bits[i * words + word] = (bits[i * words + word] ?? 0) | bit;
        for (const pattern of spec.patterns) {
          for (const name of this.catalog.expand(pattern)) {
            const i = index.get(name);
            if (i !== undefined) bits[i * words + word] = (bits[i * words + word] ?? 0) & ~bit;
          }
        }
      }
      for (const i of unknown) {
        const name = names[i];
        if (name === undefined) continue;
        if (this.includes(spec, name)) bits[i * words + word] = (bits[i * words + word] ?? 0) | bit;
        else bits[i * words + word] = (bits[i * words + word] ?? 0) & ~bit;
      }
    });
    const classes = new Map<number | string, string[]>();
    names.forEach((name, i) => {
      const signature = words === 1 ? (bits[i] ?? 0) : bits.subarray(i * words, (i + 1) * words).join(',');
      const members = classes.get(signature);
      if (members) members.push(name);
      else classes.set(signature, [name]);
    });
    return [...classes.values()];
  }

  private readonly indexes = new WeakMap<readonly string[], Map<string, number>>();

  private indexOf(names: readonly string[]): Map<string, number> {
    let index = this.indexes.get(names);
    if (!index) {
      index = new Map(names.map((name, i) => [name, i]));
      this.indexes.set(names, index);
    }
    return index;
  }

  /** Case-insensitive: a name the catalog knows, however it is written. */
  isKnown(name: string): boolean {
    return this.known.has(name) || this.catalog.expand(name).length > 0;
  }

  /** Whether the spec covers one action name as returned by `names`. */
  includes(spec: ActionSpec, name: string): boolean {
    if (spec.concrete.has(name)) return true;
    if (this.known.has(name)) return false;
    const matched = spec.patterns.some((pattern) => matchesAction(pattern, name));
    return spec.mode === 'in' ? matched : !matched;
  }
}

/** The future actions a spec grants: one per wildcard pattern, or one for a whole NotAction. */
export function futureActions(spec: ActionSpec): FutureAction[] {
  if (spec.mode === 'notIn') return [{ pattern: '*', notAction: spec.patterns }];
  const seen = new Set<string>();
  const futures: FutureAction[] = [];
  for (const pattern of spec.patterns) {
    if (!hasWildcard(pattern) || seen.has(pattern.toLowerCase())) continue;
    seen.add(pattern.toLowerCase());
    futures.push({ pattern });
  }
  return futures;
}

/**
 * Whether every future action `inner` stands for is covered by `outer`. Sufficient conditions only
 * (one outer pattern must contain the inner one), so a `false` may be a union the check cannot see:
 * the caller then reports, which is the safe side.
 */
export function coversFuture(outer: ActionSpec, inner: FutureAction): boolean {
  if (inner.notAction === undefined) {
    const pattern = inner.pattern.toLowerCase();
    const candidates = outer.index.candidates(pattern);
    if (outer.mode === 'in') return candidates.some((p) => globContains(p, pattern));
    return !candidates.some((p) => globsIntersect(p, pattern));
  }
  // Everything but X is inside a pattern only when the pattern is universal, and inside
  // "everything but X'" when every pattern of X' lies inside X.
  if (outer.mode === 'in') return outer.index.folded.some((p) => globContains(p, '*'));
  const excluded = new PatternIndex(inner.notAction);
  return outer.index.folded.every((x) => excluded.candidates(x).some((y) => globContains(y, x)));
}

/**
 * Whether some future action of `inner` may also be one of `spec`'s (an over-approximation). A name
 * the catalog knows is never a future action, so `isKnown` lets an explicit list stay out of it.
 */
export function overlapsFuture(
  spec: ActionSpec,
  inner: FutureAction,
  isKnown: (name: string) => boolean,
): boolean {
  if (spec.mode === 'notIn') {
    // Everything but X' meets the pattern unless one pattern of X' swallows it whole.
    if (inner.notAction !== undefined) return true;
    const pattern = inner.pattern.toLowerCase();
    return !spec.index.candidates(pattern).some((x) => globContains(x, pattern));
  }
  const open = (patterns: readonly string[]) => patterns.filter((p) => hasWildcard(p) || !isKnown(p));
  if (inner.notAction !== undefined) {
    const excluded = new PatternIndex(inner.notAction);
    return open(spec.index.folded).some((p) => !excluded.candidates(p).some((x) => globContains(x, p)));
  }
  const pattern = inner.pattern.toLowerCase();
  return open(spec.index.candidates(pattern)).some((p) => globsIntersect(p, pattern));
}

/**
 * Whether `outer` covers every action `inner` does, today's and future ones: the test for "a head
 * Deny still blocks what a base Deny blocked".
 */
export function coversSpec(specs: ActionSpecs, outer: ActionSpec, inner: ActionSpec): boolean {
  for (const name of specs.names(inner)) if (!specs.includes(outer, name)) return false;
  return futureActions(inner).every((future) => coversFuture(outer, future));
}
