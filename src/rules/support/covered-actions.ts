/**
 * Which concrete actions a statement covers, in the terms rules ask about: how many, how many accept
 * named resources, the first few names, whether one given action is among them.
 *
 * The answers come from facts about each distinct pattern (`s3:Get*`, `kms:Decrypt`), worked out
 * once per catalog over the catalog's integer action ids and shared by every statement that writes
 * the pattern. A statement's own answers combine its patterns' facts; its union of expanded
 * actions is never built as a list of names, let alone sorted: over the AWS managed policies that
 * union runs to half a million entries, most of them in a few broad statements.
 */
import type { Catalog } from '../../catalog/index.js';
import { hasWildcard } from '../../policy/glob.js';
import type { Entries, Statement } from '../../policy/types.js';
import { isWholeServiceWildcard } from './action-pattern.js';

/** How many names messages list before summarising the rest as a count (see `listSome`). */
export const LISTED = 3;

let slots = 0;

/**
 * A rule's own answer about a pattern (the escalation actions `iam:*` names, say), kept with the
 * pattern's set: one array slot per kind of answer, cheaper than a map from sets to answers.
 */
export class PatternMemo<T> {
  readonly slot = slots++;

  constructor(readonly compute: (set: ActionSet) => T) {}
}

/** The actions one pattern expands to (or a NotAction leaves), with facts computed on first use. */
export class ActionSet {
  // Built on first use: most of the thousands of sets are only ever asked for their count.
  private scopable = -1;
  private firstScopableIds: ArrayLike<number> = NO_IDS;
  /** What few sets are asked beyond their counts, in one object so that the rest stay small. */
  private extras: SetExtras | undefined = undefined;

  /** The pattern has a `*` or `?`. */
  readonly wildcard: boolean;
  /** The pattern covers whole services (`*`, `s3:*`): see `isWholeServiceWildcard`. */
  readonly wholeService: boolean;

  constructor(
    /** Catalog action ids, ascending. */
    readonly ids: Int32Array,
    /** The lower-cased pattern the set is the expansion of; undefined for a NotAction's complement. */
    readonly pattern: string | undefined,
    private readonly catalog: Catalog,
  ) {
    this.wildcard = pattern !== undefined && hasWildcard(pattern);
    this.wholeService = this.wildcard && isWholeServiceWildcard(pattern as string);
  }

  get count(): number {
    return this.ids.length;
  }

  memo<T>(memo: PatternMemo<T>): T {
    const memos = (this.extras ??= {}).memos ?? [];
    let answer = memos[memo.slot] as T | undefined;
    if (answer === undefined) {
      answer = memo.compute(this);
      memos[memo.slot] = answer;
      this.extras.memos = memos;
    }
    return answer;
  }

  /** How many of the actions accept named resources, i.e. are not wildcard-only. */
  get scopableCount(): number {
    if (this.scopable < 0) this.countScopable();
    return this.scopable;
  }

  /** The first `LISTED` scopable ids, ascending. */
  get firstScopable(): ArrayLike<number> {
    if (this.scopable < 0) this.countScopable();
    return this.firstScopableIds;
  }

  has(id: number): boolean {
    const ids = this.ids;
    let low = 0;
    let high = ids.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = ids[middle] as number;
      if (value === id) return true;
      if (value < id) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  /** The ids of the selection that are in the set, ascending. */
  among(selection: Selection): readonly number[] {
    // A single action (most sets) needs no memo: one flag says it.
    if (this.ids.length === 1)
      return selection.has(this.ids[0] as number) ? (Array.from(this.ids) as readonly number[]) : NONE;
    const selections = ((this.extras ??= {}).selections ??= new Map());
    let found = selections.get(selection);
    if (found === undefined) {
      found =
        this.ids.length < selection.ids.length * 8
          ? Array.from(this.ids).filter((id) => selection.has(id))
          : Array.from(selection.ids).filter((id) => this.has(id));
      selections.set(selection, found);
    }
    return found;
  }

  /** Whether any action of the set can carry the condition key (global keys aside). */
  supportsConditionKey(key: string): boolean {
    const lower = key.toLowerCase();
    const keySupport = ((this.extras ??= {}).keySupport ??= new Map());
    let answer = keySupport.get(lower);
    if (answer === undefined) {
      answer = false;
      for (let i = 0; i < this.ids.length && !answer; i++) {
        answer = this.catalog.supportsConditionKey(this.catalog.actionName(this.ids[i] as number), key);
      }
      keySupport.set(lower, answer);
    }
    return answer;
  }

  private countScopable(): void {
    const wildcardOnly = this.catalog.wildcardOnlyFlags();
    const ids = this.ids;
    // Most sets are one action: their ids are their own first scopable ids, or none.
    if (ids.length === 1) {
      const scopable = wildcardOnly[ids[0] as number] === 1 ? 0 : 1;
      this.scopable = scopable;
      this.firstScopableIds = scopable === 1 ? ids : NO_IDS;
      return;
    }
    let count = 0;
    const first: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (wildcardOnly[id] === 1) continue;
      count++;
      if (first.length < LISTED) first.push(id);
    }
    this.scopable = count;
    this.firstScopableIds = first;
  }
}

interface SetExtras {
  selections?: Map<Selection, readonly number[]>;
  keySupport?: Map<string, boolean>;
  memos?: unknown[];
}

const NONE: readonly number[] = [];
const NO_IDS = new Int32Array(0);

/** A fixed set of actions rules look for among the covered ones (the sensitive actions, say). */
export class Selection {
  /** Catalog ids, ascending. */
  readonly ids: Int32Array;
  private readonly flags: Uint8Array;

  constructor(names: Iterable<string>, catalog: Catalog) {
    const ids = new Set<number>();
    for (const name of names) {
      const id = catalog.actionId(name);
      if (id >= 0) ids.add(id);
    }
    this.ids = Int32Array.from(ids).sort();
    this.flags = new Uint8Array(catalog.actionCount());
    for (const id of this.ids) this.flags[id] = 1;
  }

  has(id: number): boolean {
    return this.flags[id] === 1;
  }
}

/** What one statement's Action (every pattern's union) or NotAction (the complement) covers. */
export class CoveredActions {
  private counts?: { count: number; scopableCount: number };

  constructor(
    /** The sets whose union is covered: one per Action entry, or the NotAction complement alone. */
    private readonly sets: readonly ActionSet[],
    private readonly index: PatternIndex,
  ) {}

  get count(): number {
    return this.unionCounts().count;
  }

  get scopableCount(): number {
    return this.unionCounts().scopableCount;
  }

  /** The first `LISTED` covered names in catalog (sorted) order. */
  firstNames(): string[] {
    return this.names(this.firstOf((set) => set.ids.subarray(0, LISTED)));
  }

  /** The first `LISTED` covered names that accept named resources. */
  firstScopableNames(): string[] {
    return this.names(this.firstOf((set) => set.firstScopable));
  }

  has(id: number): boolean {
    return id >= 0 && this.sets.some((set) => set.has(id));
  }

  /** The covered ids of the selection, ascending. */
  among(selection: Selection): number[] {
    let found: number[] | undefined;
    for (const set of this.sets) {
      const ids = set.among(selection);
      if (ids.length > 0) (found ??= []).push(...ids);
    }
    return found === undefined ? [] : sortedUnique(found);
  }

  supportsConditionKey(key: string): boolean {
    return this.sets.some((set) => set.supportsConditionKey(key));
  }

  private names(ids: readonly number[]): string[] {
    return ids.map((id) => this.index.catalog.actionName(id));
  }

  /** The smallest `LISTED` ids of the union, from each set's own smallest ones (ascending). */
  private firstOf(pick: (set: ActionSet) => ArrayLike<number>): number[] {
    const first: number[] = [];
    for (const set of this.sets) {
      const ids = pick(set);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        // Each set's ids ascend: once one is too large for the list, so are the rest.
        if (first.length === LISTED && id > (first[LISTED - 1] as number)) break;
        let at = first.length;
        while (at > 0 && (first[at - 1] as number) > id) at--;
        if (at > 0 && first[at - 1] === id) continue;
        first.splice(at, 0, id);
        if (first.length > LISTED) first.pop();
      }
    }
    return first;
  }

  private unionCounts(): { count: number; scopableCount: number } {
    if (this.counts === undefined) {
      const only = this.sets.length === 1 ? this.sets[0] : undefined;
      this.counts = only
        ? { count: only.count, scopableCount: only.scopableCount }
        : this.index.unionCounts(this.sets);
    }
    return this.counts;
  }
}

/** Per catalog: every pattern's set, and scratch space for counting unions without building them. */
class PatternIndex {
  private readonly byWritten = new Map<string, ActionSet>();
  private readonly byLower = new Map<string, ActionSet>();
  private readonly complements = new Map<string, ActionSet>();
  /** `marks[id] === generation` while counting one union: no clearing between statements. */
  private marks: Int32Array | undefined;
  private generation = 0;

  constructor(readonly catalog: Catalog) {}

  pattern(pattern: string): ActionSet {
    let set = this.byWritten.get(pattern);
    if (set === undefined) {
      // Bounded: a long-running process sees an unbounded stream of pull requests' patterns.
      if (this.byWritten.size >= MAX_PATTERNS) {
        this.byWritten.clear();
        this.byLower.clear();
      }
      const lower = pattern.toLowerCase();
      set = this.byLower.get(lower);
      if (set === undefined) {
        set = new ActionSet(this.catalog.expandIds(lower), lower, this.catalog);
        this.byLower.set(lower, set);
      }
      this.byWritten.set(pattern, set);
    }
    return set;
  }

  /** Every catalog action that none of the patterns matches. */
  complement(patterns: readonly string[]): ActionSet {
    const key = [...new Set(patterns.map((p) => p.toLowerCase()))].sort().join('\n');
    let set = this.complements.get(key);
    if (set === undefined) {
      const marks = this.nextGeneration();
      const generation = this.generation;
      for (const pattern of patterns) {
        const ids = this.pattern(pattern).ids;
        for (let i = 0; i < ids.length; i++) marks[ids[i] as number] = generation;
      }
      let count = 0;
      for (let id = 0; id < marks.length; id++) if (marks[id] !== generation) count++;
      const left = new Int32Array(count);
      let at = 0;
      for (let id = 0; id < marks.length; id++) if (marks[id] !== generation) left[at++] = id;
      set = new ActionSet(left, undefined, this.catalog);
      this.complements.set(key, set);
    }
    return set;
  }

  unionCounts(sets: readonly ActionSet[]): { count: number; scopableCount: number } {
    const marks = this.nextGeneration();
    const generation = this.generation;
    const wildcardOnly = this.catalog.wildcardOnlyFlags();
    let count = 0;
    let wildcardOnlyCount = 0;
    for (const set of sets) {
      const ids = set.ids;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as number;
        if (marks[id] === generation) continue;
        marks[id] = generation;
        count++;
        wildcardOnlyCount += wildcardOnly[id] as number;
      }
    }
    return { count, scopableCount: count - wildcardOnlyCount };
  }

  private nextGeneration(): Int32Array {
    this.marks ??= new Int32Array(this.catalog.actionCount());
    this.generation++;
    return this.marks;
  }
}

const MAX_PATTERNS = 200_000;

/** Sorts numbers ascending in place and drops repeats. */
function sortedUnique(ids: number[]): number[] {
  if (ids.length < 2) return ids;
  ids.sort((a, b) => a - b);
  let kept = 1;
  for (let i = 1; i < ids.length; i++) if (ids[i] !== ids[kept - 1]) ids[kept++] = ids[i] as number;
  ids.length = kept;
  return ids;
}

const indexes = new WeakMap<Catalog, PatternIndex>();

function patternIndex(catalog: Catalog): PatternIndex {
  let index = indexes.get(catalog);
  if (index === undefined) {
    index = new PatternIndex(catalog);
    indexes.set(catalog, index);
  }
  return index;
}

interface StatementActions {
  catalog: Catalog;
  entries: readonly ActionSet[];
  /** Positions of the entries with a wildcard, and of those that match no action. */
  wildcardEntries: readonly number[];
  unknownEntries: readonly number[];
  covered?: CoveredActions;
}

/**
 * Answers about the statements being judged now. A bounded Map rather than a WeakMap: rules ask
 * about one policy's (or one principal's) statements at a time, and a WeakMap holding thousands of
 * short-lived statements makes every minor garbage collection walk them as ephemerons.
 */
export class RecentStatements<T> {
  private readonly answers = new Map<Statement, T>();

  get(statement: Statement): T | undefined {
    return this.answers.get(statement);
  }

  set(statement: Statement, answer: T): void {
    // Dropping everything now and then is enough: an evicted answer is recomputed, never wrong.
    if (this.answers.size >= RECENT_STATEMENTS) this.answers.clear();
    this.answers.set(statement, answer);
  }
}

const RECENT_STATEMENTS = 256;

const byStatement = new RecentStatements<StatementActions>();

function statementActions(statement: Statement, catalog: Catalog): StatementActions {
  let found = byStatement.get(statement);
  if (found === undefined || found.catalog !== catalog) {
    const index = patternIndex(catalog);
    const values = (statement.action ?? statement.notAction)?.values ?? [];
    const entries: ActionSet[] = [];
    const wildcardEntries: number[] = [];
    const unknownEntries: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const set = index.pattern(values[i] as string);
      entries.push(set);
      if (set.wildcard) wildcardEntries.push(i);
      if (set.count === 0) unknownEntries.push(i);
    }
    found = { catalog, entries, wildcardEntries, unknownEntries };
    byStatement.set(statement, found);
  }
  return found;
}

/** The set of each entry of the statement's Action (or NotAction), in the order written. */
export function entryActionSets(statement: Statement, catalog: Catalog): readonly ActionSet[] {
  return statementActions(statement, catalog).entries;
}

/** Positions of the statement's Action (or NotAction) entries that have a wildcard, ascending. */
export function wildcardEntries(statement: Statement, catalog: Catalog): readonly number[] {
  return statementActions(statement, catalog).wildcardEntries;
}

/** Positions of the statement's Action (or NotAction) entries that match no action, ascending. */
export function unknownEntries(statement: Statement, catalog: Catalog): readonly number[] {
  return statementActions(statement, catalog).unknownEntries;
}

/** The set of one pattern, as `entryActionSets` gives it. */
export function patternActionSet(pattern: string, catalog: Catalog): ActionSet {
  return patternIndex(catalog).pattern(pattern);
}

/**
 * The concrete actions the statement's Action or NotAction covers today. NotAction covers every
 * action it does not name (and, in AWS, every action added later: rules that care say so
 * themselves). Unknown names contribute nothing; `unknown-action` reports them.
 */
export function coveredActions(statement: Statement, catalog: Catalog): CoveredActions {
  const found = statementActions(statement, catalog);
  if (found.covered === undefined) {
    const index = patternIndex(catalog);
    const notAction: Entries | undefined = statement.notAction;
    found.covered = new CoveredActions(
      notAction ? [index.complement(notAction.values)] : found.entries,
      index,
    );
  }
  return found.covered;
}
