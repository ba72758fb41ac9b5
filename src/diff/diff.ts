/**
 * The semantic diff: which requests head allows that base did not, per principal, decided on the
 * policies' meaning (glob containment, condition implication, Deny over Allow) rather than their text.
 *
 * For one group of policies evaluated together, head access is A_h ∧ ¬D_h and base access A_b ∧ ¬D_b,
 * so head ∧ ¬base = (A_h ∧ ¬D_h ∧ ¬A_b) ∨ (A_h ∧ ¬D_h ∧ D_b). Each head Allow is split into grants
 * (one principal, one action or future-action pattern, one resource entry, its conditions) and for
 * each grant:
 *  1. head Denies that surely block all of it drop it (a Deny that only might block is ignored, which
 *     over-approximates head);
 *  2. it is covered when one base Allow contains it in every component (which under-approximates
 *     base: a union of base Allows is not combined);
 *  3. it is added anyway when a base Deny may have blocked part of it and no head Deny surely blocks
 *     that part (a removed or narrowed Deny).
 * Undecidable components give `unknown` and the grant lands in `possiblyAdded`. Catalog actions that
 * every statement treats alike are decided once per class (statement membership signature), which is
 * what keeps `*` against `*` cheap.
 */
import { loadCatalog, type Catalog } from '../catalog/index.js';
import type { Principal } from '../policy/types.js';
import { compareText } from '../util/compare-text.js';
import {
  ActionSpecs,
  coversSpec,
  FUTURE_ACTIONS_WHY,
  futureActions,
  patternsNotIn,
  type ActionClass,
  type FutureAction,
} from './action-coverage.js';
import { conditionAtoms, GrantSet } from './grants.js';
import { groupSortedGrants } from './group-grants.js';
import {
  compilePolicySetRoles,
  labelOf,
  type CompiledStatement,
  type PolicySet,
  type StatementGroup,
} from './policy-set.js';
import { principalSpecsOverlap, type PrincipalSpec } from './principal-coverage.js';
import { globsIntersect } from './glob-sets.js';
import type { ResourceSpec } from './resource-coverage.js';
import { Coverage, type GrantShape } from './statement-coverage.js';
import { trustChanges } from './trust-diff.js';
import {
  bothOf,
  anyOf,
  type ConditionAtom,
  type Grant,
  type PolicyDiff,
  type PolicySetEntry,
  type Tri,
} from './types.js';

export type { AddedGroup, ConditionAtom, Grant, PolicyDiff, PolicySetEntry, TrustChange } from './types.js';

type Outcome =
  | { status: 'blocked' }
  | { status: 'covered' }
  | { status: 'added' | 'possible'; why: string[]; lifted: readonly CompiledStatement[] };

/** The outcomes without detail, one object each: a grant is decided per action class and resource. */
const BLOCKED: Outcome = Object.freeze({ status: 'blocked' });
const COVERED: Outcome = Object.freeze({ status: 'covered' });
const NONE_LIFTED: readonly CompiledStatement[] = Object.freeze([]);

interface Findings {
  added: GrantSet;
  possible: GrantSet;
}

const EMPTY_GROUP = (family: StatementGroup['family'], attachedTo: string): StatementGroup => ({
  family,
  attachedTo,
  allows: [],
  denies: [],
  boundaryAllows: [],
  bounded: false,
});

export interface DiffOptions {
  /**
   * How long the comparison may take, in milliseconds. Past it, the head statements still to
   * compare are listed as possibly added without being compared (and base statements as possibly
   * removed), and `incomplete` says so: an answer that errs towards reporting, in bounded time, for
   * policies a pull request may inflate on purpose. Unbounded by default.
   */
  timeBudgetMs?: number;
}

/** The reason on grants the diff listed without comparing them. */
export const NOT_COMPARED_WHY = "not compared: the diff's time budget ran out";

/** A deadline, asked once per statement and resource entry rather than per grant. */
class TimeBudget {
  private readonly deadline: number;
  ranOut = false;

  constructor(readonly ms: number | undefined) {
    this.deadline = ms === undefined ? Number.POSITIVE_INFINITY : performance.now() + ms;
  }

  spent(): boolean {
    // Without a budget (the CLI, the benchmarks) the clock is never read.
    if (!this.ranOut && this.ms !== undefined && performance.now() >= this.deadline) this.ranOut = true;
    return this.ranOut;
  }
}

export function diff(
  base: readonly PolicySetEntry[],
  head: readonly PolicySetEntry[],
  catalog: Catalog = loadCatalog(),
  options: DiffOptions = {},
): PolicyDiff {
  const budget = new TimeBudget(options.timeBudgetMs);
  const specs = ActionSpecs.for(catalog);
  const coverage = new Coverage(specs);
  const headSets = compilePolicySetRoles(head, specs, 'head');
  const baseSets = compilePolicySetRoles(base, specs, 'base');
  const forward = compare(headSets.newer, baseSets.older, coverage, ADDED, budget);
  const backward = compare(baseSets.newer, headSets.older, coverage, REMOVED, budget);

  const added = forward.added.sorted();
  const possiblyAdded = forward.possible.sorted(forward.added);
  const removedSet = new GrantSet();
  removedSet.addAll(backward.added);
  removedSet.addAll(backward.possible);
  const trust = trustChanges(base, head, coverage);
  const newAccess = added.length > 0 || possiblyAdded.length > 0 || trust.length > 0;
  const result: PolicyDiff = {
    verdict: newAccess ? 'new-access' : 'no-new-access',
    added,
    removed: removedSet.sorted(),
    possiblyAdded,
    trust,
    groups: groupSortedGrants(added, possiblyAdded),
  };
  if (budget.ranOut) {
    result.incomplete = `the diff's time budget of ${options.timeBudgetMs ?? 0} ms ran out: what it had not compared is listed as possibly added (or removed)`;
  }
  return result;
}

/** The statements of a comparison other than the newer side's Allows, list by list (see `othersOf`). */
interface Others {
  newerDenies: CompiledStatement[];
  newerBoundary: CompiledStatement[];
  olderAllows: CompiledStatement[];
  olderDenies: CompiledStatement[];
  olderBoundary: CompiledStatement[];
}

/** The order of the lists of `Others` in `othersOf`. */
const OTHER_LISTS = ['newerDenies', 'newerBoundary', 'olderAllows', 'olderDenies', 'olderBoundary'] as const;

/** The reasons a grant is listed, worded for the direction of the comparison. */
interface Wording {
  lifted(label: string): string;
  liftedElsewhere(label: string): string;
  boundary: string;
}

const ADDED: Wording = {
  lifted: (label) => `no longer denied by ${label}`,
  liftedElsewhere: (label) => `no longer denied by ${label} (another policy may allow it)`,
  boundary: 'no longer capped by the permissions boundary',
};

/** Removed grants come from running the diff backwards: base's Allows against head's Denies. */
const REMOVED: Wording = {
  lifted: (label) => `now denied by ${label}`,
  liftedElsewhere: (label) => `now denied by ${label} (another policy may have allowed it)`,
  boundary: 'now capped by the permissions boundary',
};

function compare(
  newer: PolicySet,
  older: PolicySet,
  coverage: Coverage,
  wording: Wording,
  budget: TimeBudget,
): Findings {
  const findings: Findings = { added: new GrantSet(), possible: new GrantSet() };
  const keys = [...newer.keys()];
  for (const key of older.keys()) if (!newer.has(key)) keys.push(key);
  keys.sort(compareText);
  for (const key of keys) {
    const newGroup = newer.get(key);
    const oldGroup = older.get(key);
    const template = newGroup ?? oldGroup;
    if (!template) continue;
    new GroupComparison(
      newGroup ?? EMPTY_GROUP(template.family, template.attachedTo),
      oldGroup ?? EMPTY_GROUP(template.family, template.attachedTo),
      coverage,
      findings,
      wording,
      budget,
    ).run();
  }
  return findings;
}

/** One principal's (or resource's, or role's) policies in head against the same in base. */
class GroupComparison {
  // The collections of a comparison are made when first needed: most of the 9,200 comparisons over
  // the managed-policy history never use them, and making them up front was a share of its garbage.

  /** Base Denies whose lifting was reported through an overlapping head Allow. */
  private reportedLifts: Set<CompiledStatement> | undefined;

  constructor(
    private readonly newer: StatementGroup,
    private readonly older: StatementGroup,
    private readonly coverage: Coverage,
    private readonly findings: Findings,
    private readonly wording: Wording,
    private readonly budget: TimeBudget,
  ) {}

  /**
   * Statements that are in both revisions with the same meaning (twins) mostly cancel out. Write the
   * group's access as A ∧ ¬D ∧ B (Allows, Denies, boundary). When both sides have the same boundary,
   * head ∧ ¬base = A_h ∧ ¬D_h ∧ B ∧ (¬A_b ∨ D_b). A base Deny with a head twin, or inside one head
   * Deny (a Deny list that grew), is inside D_h, so only the other base Denies (`lifted`) can make
   * D_b ∧ ¬D_h hold. A head Allow S that no lifted Deny may meet therefore contributes only
   * S ∧ ¬D_h ∧ B ∧ ¬A_b: nothing when it has a base twin, and otherwise no more than its parts that
   * base does not grant word for word (`notGrantedVerbatim`). Only an S that a lifted Deny may meet
   * is compared whole. Most revisions lift no Deny; a permissions boundary's "Deny all but X" that
   * lets one more action through meets only the Allows reaching past X. What is skipped is what the
   * full comparison finds covered by a twin; the one exception is a grant partly outside an
   * unchanged boundary, which the full comparison reports as "no longer capped" although nothing
   * changed. A different boundary falls back to comparing everything.
   */
  run(): void {
    if (!sameRestrictions(this.newer, this.older)) {
      for (const statement of this.newer.allows) this.compareAllow(statement);
      this.reportLiftedDenies();
      return;
    }
    const lifted = this.liftedDenies();
    const olderAllows = meanings(this.older.allows);
    const allows = this.newer.allows;
    for (let k = 0; k < allows.length; k += 1) {
      const statement = allows[k] as CompiledStatement;
      // Compared whole when a lifted Deny may meet it; otherwise a twin adds nothing, and any other
      // statement adds no more than what base does not grant word for word.
      if (lifted.length > 0 && lifted.some((d) => this.mayMeet(d, statement))) this.compareAllow(statement);
      else if (!olderAllows.has(statement.meaning)) {
        const rest = this.notGrantedVerbatim(statement);
        if (rest) this.compareAllow(rest);
      }
    }
    if (lifted.length > 0) this.reportLiftedDenies();
  }

  /** The base Denies with no head twin and inside no head Deny: those whose lifting may add access. */
  private liftedDenies(): CompiledStatement[] {
    if (this.older.denies.length === 0) return [];
    const newerDenies = meanings(this.newer.denies);
    return this.older.denies.filter(
      (d) => !newerDenies.has(d.meaning) && !this.newer.denies.some((d2) => this.coverage.denyCovers(d2, d)),
    );
  }

  /**
   * Whether the Deny `d` may block some request of the statement `s` (`true` when unsure): what
   * `Coverage.mayBlock` asks of each grant, asked once of the whole statement. Two Action lists meet
   * only where two of their patterns do; that also covers future actions and names the catalog lacks.
   */
  private mayMeet(d: CompiledStatement, s: CompiledStatement): boolean {
    if (!principalSpecsOverlap(d.principals, s.principals)) return false;
    if (!this.coverage.resources.overlaps(d.resources, s.resources)) return false;
    if (s.actions.mode === 'notIn') return true;
    // "Deny all but X" (a permissions boundary's NotAction) misses every action X covers.
    if (d.actions.mode === 'notIn')
      return !coversSpec(this.coverage.specs, d.actions.asAction(this.coverage.specs), s.actions);
    const denied = d.actions.index;
    return s.actions.index.folded.some((q) => denied.someCandidate(q, (p) => globsIntersect(p, q)));
  }

  /**
   * What is left of a head Allow (principals P, conditions C, actions A, resources R) once the parts
   * that base Allows of the same P and C grant word for word are set aside: the action patterns A1 of
   * base Allows over the same R, and the resource patterns R2 of base Allows over the same A. Every
   * request in A1 × R or A × R2 is allowed by base, so the head requests base does not allow lie in
   * (A \ A1) × (R \ R2), which is still compared against every base Allow. A grant (one action name
   * or future-action pattern, one resource pattern) that is left out was covered before, by the base
   * Allow it matched; a name matched both by a kept and by a dropped pattern is kept and is covered
   * as before. Setting aside less (`patternsNotIn` may) only leaves more to compare. Only valid when
   * no lifted base Deny may meet `h` and the boundary is the same (see `run`). A version that adds
   * two actions to a list of 1,500 then compares two actions, not 1,500.
   */
  private notGrantedVerbatim(h: CompiledStatement): CompiledStatement | undefined {
    const sameScope: CompiledStatement[] = [];
    let droppedResources: Set<string> | undefined;
    for (const b of this.olderAllowsByContext().get(h.context) ?? []) {
      if (h.actions.mode === 'in' && b.actions.mode === 'in' && b.resourcesId === h.resourcesId)
        sameScope.push(b);
      if (h.resources.mode === 'in' && b.resources.mode === 'in' && b.actions === h.actions)
        for (const pattern of b.resources.patterns) (droppedResources ??= new Set()).add(pattern);
    }
    if (sameScope.length === 0 && droppedResources === undefined) return h;
    let actions = h.actions.patterns;
    const [only] = sameScope;
    if (sameScope.length === 1 && only) actions = patternsNotIn(actions, only.actions.patterns);
    else if (sameScope.length > 1) actions = patternsNotIn(actions, this.patternsOfScope(h, sameScope));
    const dropped = droppedResources;
    const resources = dropped ? h.resources.patterns.filter((p) => !dropped.has(p)) : h.resources.patterns;
    if (actions.length === 0 || resources.length === 0) return undefined;
    return {
      ...h,
      actions:
        actions.length === h.actions.patterns.length
          ? h.actions
          : this.coverage.specs.spec(h.actions.mode, actions),
      resources:
        resources.length === h.resources.patterns.length
          ? h.resources
          : { ...h.resources, patterns: resources },
    };
  }

  private scopes: Map<string, string[]> | undefined;

  /**
   * The action patterns of the base Allows over one context and resource list, in their order, one
   * list per comparison: a policy of a hundred `Resource: "*"` statements asks it for each changed
   * one, and AWS's largest policies split one sorted list of 4,000 actions over a few statements
   * whose boundaries move from version to version, so a head statement lines up with a stretch of
   * the base statements written one after the other.
   */
  private patternsOfScope(h: CompiledStatement, sameScope: readonly CompiledStatement[]): string[] {
    const key = `${h.context}/${h.resourcesId}`;
    let granted = this.scopes?.get(key);
    if (!granted) {
      granted = [];
      for (const b of sameScope) {
        const patterns = b.actions.patterns;
        for (let at = 0; at < patterns.length; at += 1) granted.push(patterns[at] as string);
      }
      (this.scopes ??= new Map()).set(key, granted);
    }
    return granted;
  }

  private byContext: Map<number, CompiledStatement[]> | undefined;

  private olderAllowsByContext(): Map<number, CompiledStatement[]> {
    if (!this.byContext) {
      this.byContext = new Map();
      for (const b of this.older.allows) {
        const list = this.byContext.get(b.context);
        if (list) list.push(b);
        else this.byContext.set(b.context, [b]);
      }
    }
    return this.byContext;
  }

  private compareAllow(h: CompiledStatement): void {
    if (this.budget.spent()) {
      for (const principals of splitPrincipals(h.principals))
        for (const resources of splitResources(h.resources)) this.recordUncompared(h, principals, resources);
      return;
    }
    this.classifier ??= this.coverage.specs.classifier(this.othersOf().map((s) => s.actions));
    const classes = this.classifier(this.coverage.specs.names(h.actions));
    const futures = futureActions(h.actions);
    for (const principals of splitPrincipals(h.principals)) {
      for (const resources of splitResources(h.resources)) {
        if (this.budget.spent()) {
          this.recordUncompared(h, principals, resources);
          continue;
        }
        for (const actionClass of classes) {
          const representative = actionClass.names[0];
          if (representative === undefined) continue;
          // A statement that does not include the action answers every question below with "no"
          // (it neither covers, blocks nor may block the grant), so only those that do are asked.
          const outcome = this.decide(
            { action: { name: representative }, principals, resources, conditions: h.conditions },
            this.membersOf(actionClass),
            true,
          );
          this.record(h, actionClass.names, undefined, principals, resources, outcome);
        }
        for (const future of futures) {
          const outcome = this.decide(
            { action: { future }, principals, resources, conditions: h.conditions },
            this.everyOther(),
            false,
          );
          this.recordFuture(h, future, principals, resources, outcome);
        }
      }
    }
  }

  /** Everything `h` grants to `principals` on `resources`, listed as possible without a comparison. */
  private recordUncompared(h: CompiledStatement, principals: PrincipalSpec, resources: ResourceSpec): void {
    const outcome: Outcome = { status: 'possible', why: [NOT_COMPARED_WHY], lifted: [] };
    this.record(h, this.coverage.specs.names(h.actions), undefined, principals, resources, outcome);
    for (const future of futureActions(h.actions))
      this.recordFuture(h, future, principals, resources, outcome);
  }

  /** The grant of one future action (a wildcard's, or a NotAction's everything-but), worded so. */
  private recordFuture(
    h: CompiledStatement,
    future: FutureAction,
    principals: PrincipalSpec,
    resources: ResourceSpec,
    outcome: Outcome,
  ): void {
    this.record(
      h,
      [future.pattern],
      future.except?.patterns,
      principals,
      resources,
      outcome,
      FUTURE_ACTIONS_WHY,
    );
  }

  private classifier: ((names: readonly string[]) => ActionClass[]) | undefined;
  private whole: Others | undefined;
  private others: CompiledStatement[] | undefined;
  private ends: number[] | undefined;

  /** Each list of `othersOf`, whole: what a future action is compared with. */
  private everyOther(): Others {
    this.whole ??= {
      newerDenies: this.newer.denies,
      newerBoundary: this.newer.boundaryAllows,
      olderAllows: this.older.allows,
      olderDenies: this.older.denies,
      olderBoundary: this.older.boundaryAllows,
    };
    return this.whole;
  }

  /**
   * The statements a head Allow's actions are classified by: every one but the newer side's Allows,
   * the lists of `everyOther` one after the other (`ends`: where each one ends).
   */
  private othersOf(): CompiledStatement[] {
    if (!this.others) {
      const whole = this.everyOther();
      const others: CompiledStatement[] = [];
      const ends: number[] = [];
      // Loops rather than flatMap, which stays slow in V8 for the thousands of comparisons made.
      for (let l = 0; l < OTHER_LISTS.length; l += 1) {
        const list = whole[OTHER_LISTS[l] as keyof Others];
        for (let k = 0; k < list.length; k += 1) others.push(list[k] as CompiledStatement);
        ends.push(others.length);
      }
      this.others = others;
      this.ends = ends;
    }
    return this.others;
  }

  private members: Map<ActionClass, Others> | undefined;

  /**
   * The statements of `othersOf` that include an action class, list by list: a class is decided
   * once per principal and resource of its statement, and a statement that does not include the
   * action answers every question with "no" (it neither covers, blocks nor may block the grant).
   */
  private membersOf(actionClass: ActionClass): Others {
    let found = this.members?.get(actionClass);
    if (!found) {
      const others = this.othersOf();
      const ends = this.ends as number[];
      found = { newerDenies: [], newerBoundary: [], olderAllows: [], olderDenies: [], olderBoundary: [] };
      let list = 0;
      for (const j of actionClass.included()) {
        while (j >= (ends[list] as number)) list += 1;
        found[OTHER_LISTS[list] as keyof Others].push(others[j] as CompiledStatement);
      }
      (this.members ??= new Map()).set(actionClass, found);
    }
    return found;
  }

  /**
   * `members` holds the statements that may include the grant's action; when `exact`, exactly those
   * that do (an action class's membership), so their Action lists are not asked again.
   */
  private decide(grant: GrantShape, members: Others, exact: boolean): Outcome {
    const coverage = this.coverage;
    if (members.newerDenies.some((d) => coverage.blocks(d, grant, exact))) return BLOCKED;
    if (
      this.newer.bounded &&
      !members.newerBoundary.some(
        (b) =>
          coverage.overlaps(b.actions, grant.action) &&
          coverage.resources.overlaps(b.resources, grant.resources),
      )
    ) {
      return BLOCKED;
    }

    const reasons: string[] = [];
    const covered = this.coveredBy(members.olderAllows, grant, true, exact, reasons);
    const bounded = this.older.bounded
      ? this.coveredBy(members.olderBoundary, grant, false, exact, reasons)
      : 'yes';
    const why: string[] = [];
    if (covered !== 'no' && bounded === 'no') why.push(this.wording.boundary);
    const lifted =
      members.olderDenies.length === 0
        ? NONE_LIFTED
        : members.olderDenies.filter(
            (d) =>
              coverage.mayBlock(d, grant) &&
              !this.newer.denies.some((d2) => coverage.blocksOverlap(d2, d, grant)),
          );
    for (const d of lifted) why.push(this.wording.lifted(labelOf(d)));
    const answer = bothOf(covered, bounded);
    if (lifted.length === 0 && answer === 'yes') return COVERED;
    if (lifted.length > 0 || answer === 'no') return { status: 'added', why, lifted };
    return { status: 'possible', why: reasons, lifted };
  }

  private coveredBy(
    statements: readonly CompiledStatement[],
    grant: GrantShape,
    checkPrincipal: boolean,
    actionKnown: boolean,
    reasons: string[],
  ): Tri {
    const answers: Tri[] = [];
    for (const s of statements) {
      const { answer, reason } = this.coverage.allowCovers(s, grant, checkPrincipal, actionKnown);
      if (answer === 'yes') return 'yes';
      if (answer === 'unknown' && reason !== undefined) reasons.push(reason);
      answers.push(answer);
    }
    return anyOf(answers);
  }

  private record(
    h: CompiledStatement,
    actions: readonly string[],
    notAction: readonly string[] | undefined,
    principals: PrincipalSpec,
    resources: ResourceSpec,
    outcome: Outcome,
    extraWhy?: string,
  ): void {
    if (outcome.status === 'blocked' || outcome.status === 'covered') return;
    for (const d of outcome.lifted) (this.reportedLifts ??= new Set()).add(d);
    const why = extraWhy ? [extraWhy, ...outcome.why] : outcome.why;
    const template = this.grant(h, '', notAction, principals, resources, why);
    (outcome.status === 'added' ? this.findings.added : this.findings.possible).addActions(template, actions);
  }

  private grant(
    s: CompiledStatement,
    action: string,
    notAction: readonly string[] | undefined,
    principals: PrincipalSpec,
    resources: ResourceSpec,
    why: readonly string[],
  ): Grant {
    // Every field present (see `withAction`), in the order JSON output has always had them.
    const grant: Grant = {
      effect: 'Allow',
      kind: s.kind,
      attachedTo: s.attachedTo,
      principal: '*',
      action,
      resource: '*',
      conditions: this.atoms(s),
      notPrincipal: undefined,
      notAction: undefined,
      notResource: undefined,
      why: undefined,
      source: undefined,
    };
    if (this.newer.family === 'identity') grant.principal = s.attachedTo;
    else if (principals.mode === 'in') grant.principal = principals.principals.map(principalText).join(', ');
    else grant.notPrincipal = principals.principals.map(principalText).sort(compareText);
    if (notAction) grant.notAction = [...notAction].sort(compareText);
    if (resources.mode === 'in') grant.resource = resources.patterns.join(', ');
    else grant.notResource = [...resources.patterns].sort(compareText);
    if (why.length === 1) grant.why = why[0];
    else if (why.length > 1) grant.why = [...new Set(why)].sort(compareText).join('; ');
    if (s.source !== undefined) grant.source = s.source;
    return grant;
  }

  /** One array per statement: grants share it, which also lets `conditionsKey` cache by identity. */
  private atoms(s: CompiledStatement): ConditionAtom[] {
    return (s.conditions.grantAtoms ??= conditionAtoms(s.conditions.conditions));
  }

  /**
   * A base Deny that is gone from head and overlapped no head Allow of this group may still have
   * blocked an Allow elsewhere: an identity policy for a bucket policy's Deny, a bucket policy for a
   * role's. Its whole scope is listed as possibly added. Resource and trust policies always list it,
   * since their Denies mostly guard Allows that live in other principals' policies.
   */
  private reportLiftedDenies(): void {
    for (const d of this.older.denies) {
      if (this.newer.denies.some((d2) => this.coverage.denyCovers(d2, d))) continue;
      if (this.older.family === 'identity' && this.reportedLifts?.has(d) === true) continue;
      const why = [this.wording.liftedElsewhere(labelOf(d))];
      const actions =
        d.actions.mode === 'in'
          ? d.actions.patterns.map((p) => ({ action: p, notAction: undefined }))
          : [{ action: '*', notAction: d.actions.patterns }];
      for (const principals of splitPrincipals(d.principals)) {
        for (const resources of splitResources(d.resources)) {
          for (const { action, notAction } of actions) {
            this.findings.possible.add(this.grant(d, action, notAction, principals, resources, why));
          }
        }
      }
    }
  }
}

/** The meanings of a list of statements, as a set. */
function meanings(statements: readonly CompiledStatement[]): Set<number> {
  const set = new Set<number>();
  for (let k = 0; k < statements.length; k += 1) set.add((statements[k] as CompiledStatement).meaning);
  return set;
}

/** Whether two lists hold statements of the same meanings (as sets: a repeated one adds nothing). */
function sameMeanings(a: readonly CompiledStatement[], b: readonly CompiledStatement[]): boolean {
  if (a.length === 0 || b.length === 0) return a.length === b.length;
  const left = meanings(a);
  const right = meanings(b);
  return left.size === right.size && [...left].every((meaning) => right.has(meaning));
}

/** Whether the same permissions boundary, if any, caps both groups. */
function sameRestrictions(a: StatementGroup, b: StatementGroup): boolean {
  return a.bounded === b.bounded && sameMeanings(a.boundaryAllows, b.boundaryAllows);
}

function principalText(principal: Principal): string {
  return principal.value;
}

/** One grant per listed principal; everyone-but-a-list stays whole. */
function splitPrincipals(spec: PrincipalSpec): PrincipalSpec[] {
  if (spec.mode === 'notIn') return [spec];
  return spec.principals.map((p) => ({ mode: 'in', principals: [p] }));
}

/** One grant per listed resource pattern; everything-but-a-list stays whole. */
function splitResources(spec: ResourceSpec): ResourceSpec[] {
  if (spec.mode === 'notIn') return [spec];
  return spec.patterns.map((pattern) => ({ mode: 'in', patterns: [pattern], version: spec.version }));
}
