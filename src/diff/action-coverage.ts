/**
 * Which actions a statement's Action or NotAction covers: the catalog's actions it names, and the
 * actions AWS may add later. A wildcard (`s3:Get*`, `*`) or a NotAction keeps granting as AWS adds
 * actions, an explicit list never does, so `s3:Get*` is more than the 63 names it expands to today.
 * Each wildcard pattern therefore stands for one symbolic "future" action: the names it matches that
 * the catalog does not have. Future actions compare by glob containment, case-insensitively.
 */
import { compareText } from '../util/compare-text.js';
import { FNV_OFFSET, foldAscii, mapKey, mix, sampledHash } from '../util/hash.js';
import type { Catalog } from '../catalog/index.js';
import { hasWildcard, matchesAction } from '../policy/glob.js';
import type { Statement } from '../policy/types.js';
import { globContains, globsIntersect } from './glob-sets.js';

/**
 * One Action or NotAction list. `ActionSpecs.spec` hands out one object per mode and pattern list,
 * so callers may cache by identity; what is worked out about the list (its index, its catalog ids)
 * is built on first use only: a revision is compiled whole, but most of its statements have a twin
 * on the other side and are never compared.
 */
export class ActionSpec {
  /**
   * One number per spec object: equal ids are equal specs. Specs made again after the cache started
   * over get new ids, which only costs a comparison that could have been skipped.
   */
  readonly id = nextSpecId++;
  private indexValue: PatternIndex | undefined;
  /** The catalog ids the list covers, one bit each (see `ActionSpecs.bitsOf`); dropped when old. */
  bits: Int32Array | undefined;
  /** `includes` questions answered without `bits`: past a few, building them pays. */
  asked = 0;

  constructor(
    /** `in` for Action, `notIn` for NotAction. */
    readonly mode: 'in' | 'notIn',
    /** Patterns as written. */
    readonly patterns: readonly string[],
  ) {}

  /** The patterns grouped by service, for glob comparisons. */
  get index(): PatternIndex {
    return (this.indexValue ??= new PatternIndex(this.patterns));
  }

  private writtenValue: ReadonlySet<string> | undefined;

  /** The patterns as written, as a set: whether another list's patterns are all written here. */
  get written(): ReadonlySet<string> {
    return (this.writtenValue ??= new Set(this.patterns));
  }

  private asActionValue: ActionSpec | undefined;

  /** For a NotAction, its patterns as an Action list (the actions it leaves out); made once. */
  asAction(specs: ActionSpecs): ActionSpec {
    return (this.asActionValue ??= specs.spec('in', this.patterns));
  }
}

let nextSpecId = 1;

/**
 * The mode and each pattern's `sampledHash`: a bucket, each entry confirmed by comparing the lists.
 * Over the managed-policy history: 7,454 distinct lists in 7,361 buckets.
 */
function hashPatterns(mode: 'in' | 'notIn', patterns: readonly string[]): number {
  let hash = mode === 'in' ? FNV_OFFSET : 1;
  // Indexed loops in this file's per-pattern paths: they run many times before V8 optimizes them,
  // and until then `for...of` allocates a result object per step (77 MB over the history).
  for (let at = 0; at < patterns.length; at += 1) hash = mix(hash, sampledHash(patterns[at] as string));
  return mapKey(hash);
}

/** Specs kept per hash bucket: lists made to collide cost at most this many comparisons a lookup. */
const MAX_BUCKET = 8;

function samePatterns(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Action patterns grouped by their literal service prefix: `s3:Get*` need only be compared with
 * `s3:…` patterns and those whose service part has a wildcard. AWS managed policies such as
 * ReadOnlyAccess hold 1,500 patterns, and every revision of them is indexed, so building an index
 * reads each pattern's service part only and allocates nothing per pattern: a service is keyed by a
 * hash of its letters (a collision only adds candidates, each of which is still matched in full),
 * consecutive patterns of one service (lists are mostly sorted) share one lookup, and patterns are
 * matched as written, folding ASCII letters on the fly. A pattern written twice is listed twice,
 * which changes no answer.
 */
export class PatternIndex {
  /**
   * The first position of a pattern of each service, by `serviceHash` of its service part; `next`
   * chains the rest. One array for the whole list rather than one per service: every revision of a
   * long list is indexed and its index cached, and arrays per service were the largest share of
   * what the diff kept past a garbage collection.
   */
  private readonly firstOfService = new Map<number, number>();
  /**
   * The first position of the patterns whose service part has a wildcard, or a character beyond
   * ASCII (which may fold to other letters), or that have no `:`: they may match a name of any
   * service. -1 when there is none.
   */
  private readonly firstOfAny: number;
  /** By position, the next position of a pattern of the same service (or of any service), or -1. */
  private readonly next: Int32Array;
  private foldedList: readonly string[] | undefined;
  private asciiFlag: boolean | undefined;

  constructor(private readonly written: readonly string[]) {
    const next = new Int32Array(written.length);
    const firstOfService = this.firstOfService;
    let firstOfAny = -1;
    // Built from the end, so that each chain runs in ascending positions.
    let runService = -1;
    let runFirst = -1;
    for (let at = written.length - 1; at >= 0; at -= 1) {
      const service = servicePart(written[at] as string);
      if (service < 0) {
        next[at] = firstOfAny;
        firstOfAny = at;
        continue;
      }
      if (service !== runService) {
        if (runService >= 0) firstOfService.set(runService, runFirst);
        runService = service;
        runFirst = firstOfService.get(service) ?? -1;
      }
      next[at] = runFirst;
      runFirst = at;
    }
    if (runService >= 0) firstOfService.set(runService, runFirst);
    this.firstOfAny = firstOfAny;
    this.next = next;
  }

  /** The patterns lower-cased, built on first use (most indexes are only asked `matches`). */
  get folded(): readonly string[] {
    return (this.foldedList ??= this.written.map(folded));
  }

  private foldedSet: ReadonlySet<string> | undefined;

  /** Whether one of the patterns, lower-cased, is `pattern`: it then contains it, without a glob walk. */
  hasFolded(pattern: string): boolean {
    return (this.foldedSet ??= new Set(this.folded)).has(pattern);
  }

  /** Whether every pattern is ASCII, so that lower-casing it is exactly IAM's folding. */
  get ascii(): boolean {
    return (this.asciiFlag ??= this.written.every(isAscii));
  }

  /** Whether a pattern's service part has a wildcard (or it has none): it may match any service. */
  get hasAnyService(): boolean {
    return this.firstOfAny >= 0;
  }

  private serviceList: readonly number[] | undefined;

  /** Hashes of the literal services of the other patterns (see `serviceHash`). */
  services(): readonly number[] {
    return (this.serviceList ??= [...this.firstOfService.keys()]);
  }

  /** Whether some pattern may match a name of the service with this `serviceHash`. */
  mayMatchService(service: number): boolean {
    return this.firstOfAny >= 0 || this.firstOfService.has(service);
  }

  /**
   * Whether some pattern matches `name`, an ASCII name (a catalog name, or any ASCII name): each
   * pattern as `toLowerCase` folds it, as the catalog's expansion does.
   */
  matches(name: string): boolean {
    const service = serviceHash(name);
    if (service === undefined) {
      for (let at = 0; at < this.written.length; at += 1) if (this.matchesAt(at, name)) return true;
      return false;
    }
    return (
      this.matchAny(this.firstOfService.get(service) ?? -1, name) || this.matchAny(this.firstOfAny, name)
    );
  }

  /** Whether a pattern of the chain that starts at `first` matches `name`. */
  private matchAny(first: number, name: string): boolean {
    const next = this.next;
    for (let at = first; at >= 0; at = next[at] as number) if (this.matchesAt(at, name)) return true;
    return false;
  }

  /** A pattern holding a character beyond ASCII is matched lower-cased, the others as written. */
  private matchesAt(at: number, name: string): boolean {
    const pattern = this.written[at] as string;
    const answer = asciiGlobMatch(pattern, name);
    return answer < 0 ? foldingGlobMatches(folded(pattern), name) : answer === 1;
  }

  /**
   * Whether `test` holds for one of the folded patterns that can meet or contain `pattern` (itself
   * folded): those of its service and those that may match any service. No list is built.
   */
  someCandidate(pattern: string, test: (candidate: string) => boolean): boolean {
    const folded = this.folded;
    const service = serviceHash(pattern);
    if (service === undefined) return folded.some(test);
    const next = this.next;
    for (let at = this.firstOfService.get(service) ?? -1; at >= 0; at = next[at] as number)
      if (test(folded[at] as string)) return true;
    for (let at = this.firstOfAny; at >= 0; at = next[at] as number)
      if (test(folded[at] as string)) return true;
    return false;
  }
}

/**
 * FNV-1a over the ASCII-folded service part of an action pattern or name (`s3` of `S3:Get*`), or
 * undefined when that part has a wildcard or a character beyond ASCII, or there is no `:`. Equal
 * services, equal hashes.
 */
export function serviceHash(pattern: string): number | undefined {
  const service = servicePart(pattern);
  return service < 0 ? undefined : service;
}

/** `serviceHash` as a number, -1 for undefined (a `mapKey`). Only the service part is read. */
function servicePart(pattern: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern.charCodeAt(i);
    if (c === COLON) return mapKey(hash);
    if (c === STAR || c === QUESTION || c > 127) return -1;
    hash = mix(hash, foldAscii(c));
  }
  return -1;
}

const COLON = 58;

const foldedPatterns = new Map<string, string>();

/**
 * Each written pattern's folded form, shared by every index: consecutive revisions of a 1,500-pattern
 * policy repeat almost all of them.
 */
function folded(written: string): string {
  let pattern = foldedPatterns.get(written);
  if (pattern === undefined) {
    pattern = written.toLowerCase();
    if (foldedPatterns.size >= 100_000) foldedPatterns.clear();
    foldedPatterns.set(written, pattern);
  }
  return pattern;
}

/**
 * `patterns` less (some of) those written, exactly, in `other`. Leaving out fewer is always safe: a
 * pattern kept is compared against base like any other, and one base grants word for word is then
 * found covered. The lists are walked side by side when they line up; otherwise through a set of
 * `other` (a set per call is cheaper than marks on entries of a 100,000-entry cache).
 */
export function patternsNotIn(patterns: readonly string[], other: readonly string[]): readonly string[] {
  const aligned = alignedDifference(patterns, other);
  if (aligned) return aligned;
  const set = new Set(other);
  return patterns.filter((pattern) => !set.has(pattern));
}

/**
 * How far `alignedDifference` looks ahead for its place after a miss, and after a run of misses
 * (a block dropped from the other list); and how many patterns it may leave unplaced before it
 * gives up: more than `MIN_UNALIGNED` and more than one in `UNALIGNED_SHARE`.
 */
const LOOKAHEAD = 8;
const FAR_LOOKAHEAD = 512;
const RUN_BEFORE_FAR = 4;
const MIN_UNALIGNED = 32;
const UNALIGNED_SHARE = 8;

/**
 * `patterns` less what `other` holds at the same place in its order, walking both lists side by side
 * as a text diff would: consecutive revisions add or drop entries and keep the rest in order (AWS's
 * own policies grow by blocks of a hundred actions). A pattern it cannot place is kept, which is
 * safe (it is then compared like any other), unless it lies in a stretch of `other` the walk jumped
 * over (an entry moved within the list); undefined when too many cannot be placed (the lists are in
 * different orders), for the caller to fall back on a set.
 */
function alignedDifference(patterns: readonly string[], other: readonly string[]): string[] | undefined {
  const out: string[] = [];
  const allowed = Math.max(MIN_UNALIGNED, patterns.length / UNALIGNED_SHARE);
  let run = 0;
  let i = 0;
  // Where the lists meet: `patterns` may line up with a stretch inside `other` (see `patternsOfScope`).
  let j = patterns.length > 0 ? Math.max(0, other.indexOf(patterns[0] as string)) : 0;
  // The stretches of `other` jumped over: an entry that moved lands there, and is then set aside too.
  const jumped: number[] = [];
  let jumpedCount = 0;
  while (i < patterns.length) {
    const pattern = patterns[i] as string;
    if (pattern === other[j]) {
      i += 1;
      j += 1;
      run = 0;
      continue;
    }
    // After a few misses in a row, the other list may have dropped a long block: look further.
    const reach = run >= RUN_BEFORE_FAR ? FAR_LOOKAHEAD : LOOKAHEAD;
    let skip = 0;
    for (let d = 1; d <= reach && j + d < other.length; d += 1) {
      if (other[j + d] === pattern) {
        skip = d;
        break;
      }
    }
    i += 1;
    if (skip > 0) {
      jumped.push(j, j + skip);
      jumpedCount += skip;
      j += skip + 1;
      run = 0;
      continue;
    }
    // Not found ahead: new in `patterns` (an inserted block leaves `j` where the lists meet again).
    out.push(pattern);
    run += 1;
    if (out.length > allowed) return undefined;
  }
  return out.length === 0 || jumpedCount === 0 || jumpedCount > MAX_JUMPED_CHECKED
    ? out
    : notJumpedOver(out, other, jumped);
}

/**
 * Entries of `other` jumped over are checked against what is left out at most this many: an entry
 * moved within a list (AWS re-sorts its long ones) is otherwise compared as new, with every entry
 * it was moved past.
 */
const MAX_JUMPED_CHECKED = 4096;

/** `out` less the patterns in the stretches `jumped` (start, end pairs) of `other`. */
function notJumpedOver(out: string[], other: readonly string[], jumped: readonly number[]): string[] {
  const passed = new Set<string>();
  for (let r = 0; r < jumped.length; r += 2)
    for (let k = jumped[r] as number; k < (jumped[r + 1] as number); k += 1) passed.add(other[k] as string);
  return out.filter((pattern) => !passed.has(pattern));
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** The positions of the bits set in a row of 30-bit words, ascending. */
function setBits(row: Int32Array): number[] {
  const out: number[] = [];
  for (let w = 0; w < row.length; w += 1) {
    const word = row[w] as number;
    if (word === 0) continue;
    for (let b = 0; b < 30; b += 1) if ((word & (1 << b)) !== 0) out.push(w * 30 + b);
  }
  return out;
}

/** One class per distinct word of `bits` (one word per name): who includes the names, as bits. */
function classesOfWords(names: readonly string[], bits: Int32Array): ActionClass[] {
  // One name (a statement of one action, the most common kind): one class, without a map.
  if (names.length === 1) return [actionClass(names[0] as string, bits.subarray(0, 1))];
  const classes = new Map<number, ActionClass>();
  for (let i = 0; i < names.length; i += 1) {
    const signature = bits[i] as number;
    const found = classes.get(signature);
    if (found) found.names.push(names[i] as string);
    else classes.set(signature, actionClass(names[i] as string, bits.subarray(i, i + 1)));
  }
  return [...classes.values()];
}

/**
 * One class per distinct row of `words` words: rows are found by a hash and confirmed word by word,
 * so that a policy of a hundred statements builds no text per name to tell its rows apart.
 */
function classesOfRows(names: readonly string[], bits: Int32Array, words: number): ActionClass[] {
  const byHash = new Map<number, { actionClass: ActionClass; row: Int32Array }[]>();
  const classes: ActionClass[] = [];
  for (let i = 0; i < names.length; i += 1) {
    const start = i * words;
    let hash = FNV_OFFSET;
    for (let w = 0; w < words; w += 1) hash = mix(hash, bits[start + w] as number);
    hash = mapKey(hash);
    const bucket = byHash.get(hash);
    let found: ActionClass | undefined;
    for (let k = 0; bucket !== undefined && k < bucket.length && found === undefined; k += 1) {
      const entry = bucket[k] as { actionClass: ActionClass; row: Int32Array };
      let same = true;
      for (let w = 0; w < words && same; w += 1) same = entry.row[w] === bits[start + w];
      if (same) found = entry.actionClass;
    }
    if (found) {
      found.names.push(names[i] as string);
      continue;
    }
    const row = bits.subarray(start, start + words);
    const made = actionClass(names[i] as string, row);
    classes.push(made);
    if (bucket) bucket.push({ actionClass: made, row });
    else byHash.set(hash, [{ actionClass: made, row }]);
  }
  return classes;
}

function actionClass(name: string, row: Int32Array): ActionClass {
  let included: number[] | undefined;
  return { names: [name], included: () => (included ??= setBits(row)) };
}

/**
 * The names of catalog ids. A loop of its own: V8 compiles a long loop while it runs (on-stack
 * replacement) together with the rest of its function, and the rest of `computeNames`, never run
 * yet the first time, made that code bail out on each of the next ~100 calls.
 */
function namesOfIds(nameById: readonly string[], ids: Int32Array): string[] {
  const names = new Array<string>(ids.length);
  for (let k = 0; k < ids.length; k += 1) names[k] = nameById[ids[k] as number] as string;
  return names;
}

/** Where the catalog names of a list are (see `ActionSpecs.positionsOf`). */
interface NamePositions {
  /** By catalog id, the name's position in the list, or -1. */
  positions: Int32Array;
  /** Positions of the names the catalog does not know. */
  unknown: number[];
  /** The least and greatest catalog id in the list (Infinity and -1 when it has none). */
  least: number;
  greatest: number;
}

/**
 * Which specs may include a name of each service, as chains (see `PatternIndex`); `always`: those
 * that may include any name.
 */
interface ServiceBuckets {
  /** By `serviceHash`, the first link of the service's chain. */
  firstOfService: Map<number, number>;
  /** By link, the position `j` of a spec of the service, and the next link or -1. */
  spec: number[];
  next: number[];
  always: number[];
}

function bucketsOf(others: readonly ActionSpec[]): ServiceBuckets {
  const buckets: ServiceBuckets = { firstOfService: new Map(), spec: [], next: [], always: [] };
  const { firstOfService, spec: specOf, next, always } = buckets;
  // From the last spec, so that each chain runs in ascending positions.
  for (let j = others.length - 1; j >= 0; j -= 1) {
    const spec = others[j] as ActionSpec;
    if (spec.mode === 'notIn' || spec.index.hasAnyService) {
      always.push(j);
      continue;
    }
    const services = spec.index.services();
    for (let k = 0; k < services.length; k += 1) {
      const service = services[k] as number;
      next.push(firstOfService.get(service) ?? -1);
      firstOfService.set(service, specOf.push(j) - 1);
    }
  }
  always.reverse();
  return buckets;
}

/** Action names that every statement compared treats alike, and which of those statements include them. */
export interface ActionClass {
  names: string[];
  /** The positions `j` of the specs given to `classify` that include the names, ascending. */
  included(): readonly number[];
}

/**
 * The not-yet-known actions a pattern grants: `pattern`, or for a NotAction everything but the
 * patterns of `except` (the NotAction's own spec, whose index the comparisons use).
 */
export interface FutureAction {
  pattern: string;
  except?: ActionSpec;
}

export const FUTURE_ACTIONS_WHY = 'also actions AWS adds later';

/** Entries kept per cache before it starts over: pattern lists come from pull requests. */
const MAX_CACHED = 20_000;

/** Expanded sets and name lists are large (`*` is 22,000 names): only the latest few are kept. */
const MAX_EXPANDED = 256;

function remember<K, V>(cache: Map<K, V>, key: K, value: V, max = MAX_CACHED): V {
  if (cache.size >= max) cache.clear();
  cache.set(key, value);
  return value;
}

const shared = new WeakMap<Catalog, ActionSpecs>();

/**
 * Answers about action patterns, cached per pattern list since `*` alone is 22,000 names. One
 * instance per catalog is shared across diffs (`ActionSpecs.for`): the catalog never changes.
 */
export class ActionSpecs {
  /** Specs by `hashPatterns`. */
  private readonly specs = new Map<number, ActionSpec[]>();
  /** Catalog names, canonical, with their catalog ids. */
  private readonly known: ReadonlyMap<string, number>;
  /** Catalog names by id: `allActions()`, sorted, numbered in that order (see `computeNames`). */
  private readonly nameById: readonly string[];

  constructor(readonly catalog: Catalog) {
    const all = catalog.allActions();
    const known = new Map<string, number>();
    for (let id = 0; id < all.length; id += 1) known.set(all[id] as string, id);
    this.known = known;
    this.nameById = all;
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
    // Looked up by a hash rather than a joined key: ReadOnlyAccess's list alone is 40 KB of text.
    const hash = hashPatterns(mode, patterns);
    const bucket = this.specs.get(hash);
    for (let k = 0; bucket !== undefined && k < bucket.length; k += 1) {
      const cached = bucket[k] as ActionSpec;
      if (cached.mode === mode && samePatterns(cached.patterns, patterns)) return cached;
    }
    const spec = new ActionSpec(mode, Object.freeze(patterns.slice()));
    if (!bucket) remember(this.specs, hash, [spec]);
    else if (bucket.push(spec) > MAX_BUCKET) bucket.shift();
    return spec;
  }

  /**
   * The names a head statement grants one by one: catalog names, plus explicit names the catalog does
   * not know (a typo or an action newer than the catalog is still granted if AWS has it). Sorted.
   */
  names(spec: ActionSpec): readonly string[] {
    let names = this.namesOfSpec.get(spec);
    if (names === undefined) {
      if (this.namesOfSpec.size >= MAX_EXPANDED) {
        // What is kept per name list goes with the lists.
        this.namesOfSpec.clear();
        this.idsOfNames.clear();
        this.namePositions.clear();
      }
      names = Object.freeze(this.computeNames(spec));
      this.namesOfSpec.set(spec, names);
    }
    return names;
  }

  private readonly namesOfSpec = new Map<ActionSpec, readonly string[]>();

  /**
   * The catalog ids of a list from `names` that holds catalog names only, position by position.
   * Maps rather than weak maps, emptied with `namesOfSpec`: a weak map's entry cost more to add.
   */
  private readonly idsOfNames = new Map<readonly string[], Int32Array>();

  /**
   * What `names` answers, worked out through catalog ids: the catalog numbers its names in sorted
   * order, so the ids of every pattern (cached per pattern as written), sorted and without repeats,
   * are the names in order, without comparing name strings; a NotAction's are the ids none of its
   * patterns has. The ids are kept for `positionsOf`.
   */
  private computeNames(spec: ActionSpec): string[] {
    const nameById = this.nameById;
    const patterns = spec.patterns;
    const matched = new Array<Int32Array>(patterns.length);
    let total = 0;
    for (let at = 0; at < patterns.length; at += 1) {
      const ids = this.expandIds(patterns[at] as string);
      matched[at] = ids;
      total += ids.length;
    }
    let ids: Int32Array;
    if (spec.mode === 'notIn') {
      const excluded = new Uint8Array(nameById.length);
      let kept = nameById.length;
      for (let at = 0; at < patterns.length; at += 1) {
        const some = matched[at] as Int32Array;
        for (let k = 0; k < some.length; k += 1) {
          const id = some[k] as number;
          if (excluded[id] === 0) kept -= 1;
          excluded[id] = 1;
        }
      }
      ids = new Int32Array(kept);
      for (let id = 0, w = 0; id < excluded.length; id += 1) if (excluded[id] === 0) ids[w++] = id;
    } else {
      const all = new Int32Array(total);
      let w = 0;
      let ascending = true;
      for (let at = 0; at < patterns.length; at += 1) {
        const some = matched[at] as Int32Array;
        if (some.length > 0 && w > 0 && (some[0] as number) <= (all[w - 1] as number)) ascending = false;
        all.set(some, w);
        w += some.length;
      }
      // AWS writes its lists sorted, so the expansions mostly come in order already.
      if (!ascending) all.sort();
      let unique = 0;
      for (let k = 0; k < all.length; k += 1)
        if (k === 0 || all[k] !== all[k - 1]) all[unique++] = all[k] as number;
      ids = unique === all.length ? all : all.subarray(0, unique);
    }
    const names = namesOfIds(nameById, ids);
    if (spec.mode === 'in') {
      // An explicit name the catalog does not know is granted as written (see `names`).
      const unknown = new Set<string>();
      for (let at = 0; at < patterns.length; at += 1) {
        const pattern = patterns[at] as string;
        if ((matched[at] as Int32Array).length > 0 || hasWildcard(pattern)) continue;
        const lower = pattern.toLowerCase();
        if (unknown.has(lower)) continue;
        unknown.add(lower);
        names.push(pattern);
      }
      if (unknown.size > 0) return names.sort(compareText);
    }
    this.idsOfNames.set(names, ids);
    return names;
  }

  /**
   * Splits `names` into classes whose members every spec of `others` treats alike (all include them
   * or none does), each with which of `others` include its members. For many names (`*` is 22,000)
   * it walks each spec's expansions (or, for NotAction, its exclusions) instead of asking every name
   * about every spec; a few names are asked only of the specs that have a pattern for their service.
   */
  classify(names: readonly string[], others: readonly ActionSpec[]): ActionClass[] {
    return this.classifier(others)(names);
  }

  /**
   * `classify` against fixed `others`, for asking about several name lists: the lists are indexed by
   * service once.
   */
  classifier(others: readonly ActionSpec[]): (names: readonly string[]) => ActionClass[] {
    let buckets: ServiceBuckets | undefined;
    let asked = 0;
    const classify = (names: readonly string[]): ActionClass[] => {
      const words = Math.max(1, Math.ceil(others.length / 30));
      const bits = new Int32Array(names.length * words);
      const set = (i: number, j: number) => {
        const at = i * words + Math.floor(j / 30);
        bits[at] = (bits[at] ?? 0) | (1 << (j % 30));
      };
      const clear = (i: number, j: number) => {
        const at = i * words + Math.floor(j / 30);
        bits[at] = (bits[at] ?? 0) & ~(1 << (j % 30));
      };
      if (names.length <= FEW_NAMES) {
        // Indexing every list by service pays once a comparison asks about more than a few names.
        asked += names.length;
        if (buckets === undefined && asked <= UNINDEXED_NAMES)
          this.classifyFew(names, others, undefined, set);
        else this.classifyFew(names, others, (buckets ??= bucketsOf(others)), set);
      } else this.classifyMany(names, others, set, clear);
      return words === 1 ? classesOfWords(names, bits) : classesOfRows(names, bits, words);
    };
    // Statements with one action list share one names array (see `names`): a policy of many
    // statements over the same actions and different resources is classified once, not once per
    // statement (which made such a diff quadratic in its statements).
    const classified = new Map<readonly string[], ActionClass[]>();
    return (names) => {
      let classes = classified.get(names);
      if (classes === undefined) {
        classes = classify(names);
        classified.set(names, classes);
      }
      return classes;
    };
  }

  /**
   * An Action list can only include a name through a pattern of the name's service or one whose
   * service part has a wildcard, so each name is asked only of those lists (and of every NotAction).
   */
  private classifyFew(
    names: readonly string[],
    others: readonly ActionSpec[],
    buckets: ServiceBuckets | undefined,
    set: (i: number, j: number) => void,
  ): void {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[i] as string;
      // A name that is not ASCII is asked of every list: its service may fold in ways a hash of
      // ASCII letters does not follow.
      const service = isAscii(name) ? serviceHash(name) : undefined;
      if (service === undefined) {
        for (let j = 0; j < others.length; j += 1)
          if (this.includes(others[j] as ActionSpec, name)) set(i, j);
        continue;
      }
      if (buckets === undefined) {
        for (let j = 0; j < others.length; j += 1) {
          const spec = others[j] as ActionSpec;
          if (spec.mode === 'in' && !spec.index.mayMatchService(service)) continue;
          if (this.includes(spec, name)) set(i, j);
        }
        continue;
      }
      const { spec: specOf, next, always } = buckets;
      for (let link = buckets.firstOfService.get(service) ?? -1; link >= 0; link = next[link] as number) {
        const j = specOf[link] as number;
        if (this.includes(others[j] as ActionSpec, name)) set(i, j);
      }
      for (let k = 0; k < always.length; k += 1) {
        const j = always[k] as number;
        if (this.includes(others[j] as ActionSpec, name)) set(i, j);
      }
    }
  }

  /**
   * Walks each spec's catalog ids (for a NotAction, the ids it leaves out) instead of asking every
   * name about every spec: `*` is 22,000 names, an Action list a few dozen ids. Names are found by
   * id through an array, once per name list.
   */
  private classifyMany(
    names: readonly string[],
    others: readonly ActionSpec[],
    set: (i: number, j: number) => void,
    clear: (i: number, j: number) => void,
  ): void {
    const { positions, unknown, least, greatest } = this.positionsOf(names);
    for (let j = 0; j < others.length; j += 1) {
      const spec = others[j] as ActionSpec;
      if (spec.mode === 'notIn') for (let i = 0; i < names.length; i += 1) set(i, j);
      for (let at = 0; at < spec.patterns.length; at += 1) {
        const ids = this.expandIds(spec.patterns[at] as string);
        // Ids ascend, and a service's actions have neighbouring ids: an expansion wholly outside
        // the names' ids (another service's) is skipped without a lookup per id.
        if (ids.length === 0 || (ids[ids.length - 1] as number) < least || (ids[0] as number) > greatest)
          continue;
        for (let k = 0; k < ids.length; k += 1) {
          const i = positions[ids[k] as number] as number;
          if (i < 0) continue;
          if (spec.mode === 'in') set(i, j);
          else clear(i, j);
        }
      }
      for (let u = 0; u < unknown.length; u += 1) {
        const i = unknown[u] as number;
        if (this.includes(spec, names[i] as string)) set(i, j);
        else clear(i, j);
      }
    }
  }

  private readonly namePositions = new Map<readonly string[], NamePositions>();

  /**
   * Where each catalog id is in `names` (-1: not there), and the positions of the names the catalog
   * does not know; once per name list.
   */
  private positionsOf(names: readonly string[]): NamePositions {
    let found = this.namePositions.get(names);
    if (!found) {
      const positions = new Int32Array(this.catalog.actionCount()).fill(-1);
      const unknown: number[] = [];
      let least = Number.POSITIVE_INFINITY;
      let greatest = -1;
      const place = (id: number, i: number) => {
        positions[id] = i;
        if (id < least) least = id;
        if (id > greatest) greatest = id;
      };
      const ids = this.idsOfNames.get(names);
      if (ids !== undefined) for (let i = 0; i < ids.length; i += 1) place(ids[i] as number, i);
      for (let i = ids === undefined ? 0 : names.length; i < names.length; i += 1) {
        const id = this.known.get(names[i] as string);
        if (id === undefined) unknown.push(i);
        else place(id, i);
      }
      found = { positions, unknown, least, greatest };
      // Lists passed in by other callers are bounded the same way.
      if (this.namePositions.size >= MAX_EXPANDED) this.namePositions.clear();
      this.namePositions.set(names, found);
    }
    return found;
  }

  /** Specs holding `bits`, oldest first: the bits of the oldest are dropped past `MAX_EXPANDED`. */
  private readonly withBits: ActionSpec[] = [];

  /**
   * The catalog ids a spec covers, one bit each (NotAction: every id its patterns miss), once the
   * spec has been asked enough questions (`BITS_AFTER`): a list asked about a few times costs less
   * through its patterns.
   */
  private bitsOf(spec: ActionSpec): Int32Array | undefined {
    if (spec.bits !== undefined) return spec.bits;
    if ((spec.asked += 1) < Math.max(BITS_AFTER, spec.patterns.length >> 3)) return undefined;
    const count = this.catalog.actionCount();
    const bits = new Int32Array((count + 31) >>> 5);
    for (let at = 0; at < spec.patterns.length; at += 1) {
      const ids = this.expandIds(spec.patterns[at] as string);
      for (let k = 0; k < ids.length; k += 1) {
        const id = ids[k] as number;
        bits[id >>> 5] = (bits[id >>> 5] as number) | (1 << (id & 31));
      }
    }
    if (spec.mode === 'notIn') for (let w = 0; w < bits.length; w += 1) bits[w] = ~(bits[w] as number);
    spec.bits = bits;
    this.withBits.push(spec);
    if (this.withBits.length > MAX_EXPANDED) {
      const oldest = this.withBits.shift();
      if (oldest) oldest.bits = undefined;
    }
    return bits;
  }

  private readonly idsOfPattern = new Map<string, Int32Array>();

  /** `catalog.expandIds`, kept per pattern as written: revisions of a policy repeat their patterns. */
  private expandIds(pattern: string): Int32Array {
    return (
      this.idsOfPattern.get(pattern) ?? remember(this.idsOfPattern, pattern, this.catalog.expandIds(pattern))
    );
  }

  /** Case-insensitive: a name the catalog knows, however it is written. */
  isKnown(name: string): boolean {
    return this.known.has(name) || this.catalog.expand(name).length > 0;
  }

  /** Whether the spec covers one action name as returned by `names`. */
  includes(spec: ActionSpec, name: string): boolean {
    const id = this.known.get(name);
    if (id === undefined) {
      // Not a catalog name: an explicit name as written, matched as IAM does (ASCII folding only),
      // which the index reproduces when both sides are ASCII.
      const matched =
        spec.index.ascii && isAscii(name)
          ? spec.index.matches(name)
          : spec.patterns.some((pattern) => matchesAction(pattern, name));
      return spec.mode === 'in' ? matched : !matched;
    }
    const bits = this.bitsOf(spec);
    if (bits !== undefined) return ((bits[id >>> 5] as number) & (1 << (id & 31))) !== 0;
    const matched = spec.index.matches(name);
    return spec.mode === 'in' ? matched : !matched;
  }
}

/**
 * Whether an action pattern matches an action name, both ASCII or lower-cased already, folding ASCII
 * letters on the fly: what `catalog.expand` decides for the whole catalog, asked of one name (a
 * catalog name has one colon, so matching the whole text is the same as matching service and action
 * apart). The greedy walk that returns only to the last star is exact for `*` and `?` and needs no
 * RegExp or lower-cased copy. For ASCII text, one `?` is one code unit.
 */
export function foldingGlobMatches(pattern: string, name: string): boolean {
  return globWalk(pattern, name, false) === 1;
}

/**
 * `foldingGlobMatches` for a pattern as written: 1 or 0, or -1 as soon as it reads a character of
 * the pattern beyond ASCII, which may fold to other letters (`toLowerCase` turns the Kelvin sign into
 * `k`): the caller then matches the pattern lower-cased. Up to that character the two patterns are
 * the same, and the walk only moves past a character it has read, so a 1 or 0 is the answer for the
 * lower-cased pattern too.
 */
function asciiGlobMatch(pattern: string, name: string): number {
  return globWalk(pattern, name, true);
}

/** The greedy walk of both: 1 or 0, or -1 on a character beyond ASCII when `wideStops`. */
function globWalk(pattern: string, name: string, wideStops: boolean): number {
  if (pattern === name) return 1;
  let p = 0;
  let n = 0;
  let star = -1;
  let starN = 0;
  while (n < name.length) {
    const c = pattern.charCodeAt(p);
    if (wideStops && c > 127) return -1;
    if (c === STAR) {
      star = p;
      starN = n;
      p += 1;
      continue;
    }
    if (p < pattern.length && (c === QUESTION || foldAscii(c) === foldAscii(name.charCodeAt(n)))) {
      p += 1;
      n += 1;
      continue;
    }
    if (star < 0) return 0;
    p = star + 1;
    starN += 1;
    n = starN;
  }
  while (pattern.charCodeAt(p) === STAR) p += 1;
  if (p === pattern.length) return 1;
  return wideStops && pattern.charCodeAt(p) > 127 ? -1 : 0;
}

const STAR = 42;
const QUESTION = 63;

/**
 * `includes` questions a spec answers through its patterns before its catalog ids are worked out:
 * this many, or one for every 8 patterns of a longer list (ReadOnlyAccess's 1,500 patterns cost
 * as much to turn into ids as some 200 questions asked through its index).
 */
const BITS_AFTER = 16;

/**
 * Up to this many names asked of one classifier, each is asked of every spec (those without a
 * pattern of its service answer from a map) rather than of specs indexed by service.
 */
const UNINDEXED_NAMES = 8;

/** Up to this many names, `classify` asks each spec about each name instead of walking expansions. */
const FEW_NAMES = 256;

/** The future actions a spec grants: one per wildcard pattern, or one for a whole NotAction. */
export function futureActions(spec: ActionSpec): FutureAction[] {
  if (spec.mode === 'notIn') return [{ pattern: '*', except: spec }];
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
  if (inner.except === undefined) {
    const pattern = inner.pattern.toLowerCase();
    if (outer.mode === 'in') return outer.index.someCandidate(pattern, (p) => globContains(p, pattern));
    return !outer.index.someCandidate(pattern, (p) => globsIntersect(p, pattern));
  }
  // Everything but X is inside a pattern only when the pattern is universal, and inside
  // "everything but X'" when every pattern of X' lies inside X.
  if (outer.mode === 'in') return outer.index.folded.some((p) => globContains(p, '*'));
  const excluded = inner.except.index;
  return outer.index.folded.every(
    (x) => excluded.hasFolded(x) || excluded.someCandidate(x, (y) => globContains(y, x)),
  );
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
    if (inner.except !== undefined) return true;
    const pattern = inner.pattern.toLowerCase();
    return !spec.index.someCandidate(pattern, (x) => globContains(x, pattern));
  }
  const open = (p: string) => hasWildcard(p) || !isKnown(p);
  if (inner.except !== undefined) {
    const excluded = inner.except.index;
    return spec.index.folded.some((p) => open(p) && !excluded.someCandidate(p, (x) => globContains(x, p)));
  }
  const pattern = inner.pattern.toLowerCase();
  return spec.index.someCandidate(pattern, (p) => open(p) && globsIntersect(p, pattern));
}

/**
 * Whether `outer` covers every action `inner` does, today's and future ones: the test for "a head
 * Deny still blocks what a base Deny blocked".
 */
export function coversSpec(specs: ActionSpecs, outer: ActionSpec, inner: ActionSpec): boolean {
  if (outer === inner) return true;
  // Every pattern of the inner list written in the outer one (a Deny list that grew), or for two
  // NotActions every exception of the outer one written in the inner one: covered, names and future.
  if (inner.mode === outer.mode) {
    const [within, written] = inner.mode === 'in' ? [inner, outer] : [outer, inner];
    if (within.patterns.every((pattern) => written.written.has(pattern))) return true;
  }
  // Each future action is covered by one outer pattern that contains (or, for a NotAction outer,
  // avoids) the whole pattern, so today's names of a covered wildcard are covered too and only the
  // names written out need asking: the same answer as asking all 22,000 names of a NotAction.
  if (!futureActions(inner).every((future) => coversFuture(outer, future))) return false;
  if (inner.mode === 'notIn') return true;
  return inner.patterns.every((pattern) => {
    if (hasWildcard(pattern)) return true;
    const known = specs.catalog.expand(pattern);
    return known.length > 0
      ? known.every((name) => specs.includes(outer, name))
      : specs.includes(outer, pattern);
  });
}
