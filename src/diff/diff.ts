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
import { ActionSpecs, FUTURE_ACTIONS_WHY, futureActions } from './action-coverage.js';
import { conditionAtoms, GrantSet } from './grants.js';
import { groupGrants } from './group-grants.js';
import {
  compilePolicySet,
  type CompiledStatement,
  type PolicySet,
  type StatementGroup,
} from './policy-set.js';
import type { PrincipalSpec } from './principal-coverage.js';
import type { ResourceSpec } from './resource-coverage.js';
import { Coverage, type GrantShape } from './statement-coverage.js';
import { trustChanges } from './trust-diff.js';
import {
  allOf,
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
  | { status: 'added' | 'possible'; why: string[]; lifted: CompiledStatement[] };

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

export function diff(
  base: readonly PolicySetEntry[],
  head: readonly PolicySetEntry[],
  catalog: Catalog = loadCatalog(),
): PolicyDiff {
  const specs = ActionSpecs.for(catalog);
  const coverage = new Coverage(specs);
  const forward = compare(
    compilePolicySet(head, specs, 'head', 'newer'),
    compilePolicySet(base, specs, 'base', 'older'),
    coverage,
    ADDED,
  );
  const backward = compare(
    compilePolicySet(base, specs, 'base', 'newer'),
    compilePolicySet(head, specs, 'head', 'older'),
    coverage,
    REMOVED,
  );

  const added = forward.added.sorted();
  const possiblyAdded = forward.possible.sorted(forward.added);
  const removedSet = new GrantSet();
  removedSet.addAll(backward.added);
  removedSet.addAll(backward.possible);
  const trust = trustChanges(base, head, coverage);
  const newAccess = added.length > 0 || possiblyAdded.length > 0 || trust.length > 0;
  return {
    verdict: newAccess ? 'new-access' : 'no-new-access',
    added,
    removed: removedSet.sorted(),
    possiblyAdded,
    trust,
    groups: groupGrants(added, possiblyAdded),
  };
}

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

function compare(newer: PolicySet, older: PolicySet, coverage: Coverage, wording: Wording): Findings {
  const findings: Findings = { added: new GrantSet(), possible: new GrantSet() };
  const keys = [...new Set([...newer.keys(), ...older.keys()])].sort(compareText);
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
    ).run();
  }
  return findings;
}

/** One principal's (or resource's, or role's) policies in head against the same in base. */
class GroupComparison {
  /** Base Denies whose lifting was reported through an overlapping head Allow. */
  private readonly reportedLifts = new Set<CompiledStatement>();

  constructor(
    private readonly newer: StatementGroup,
    private readonly older: StatementGroup,
    private readonly coverage: Coverage,
    private readonly findings: Findings,
    private readonly wording: Wording,
  ) {}

  run(): void {
    for (const statement of this.newer.allows) this.compareAllow(statement);
    this.reportLiftedDenies();
  }

  private compareAllow(h: CompiledStatement): void {
    const classes = this.actionClasses(h);
    const futures = futureActions(h.actions);
    for (const principals of splitPrincipals(h.principals)) {
      for (const resources of splitResources(h.resources)) {
        for (const names of classes) {
          const representative = names[0];
          if (representative === undefined) continue;
          const outcome = this.decide({
            action: { name: representative },
            principals,
            resources,
            conditions: h.conditions,
          });
          this.record(h, names, undefined, principals, resources, outcome);
        }
        for (const future of futures) {
          const outcome = this.decide({
            action: { future },
            principals,
            resources,
            conditions: h.conditions,
          });
          this.record(
            h,
            [future.pattern],
            future.notAction,
            principals,
            resources,
            outcome,
            FUTURE_ACTIONS_WHY,
          );
        }
      }
    }
  }

  /**
   * Groups the statement's action names by which statements of either side include them: names with
   * the same membership get the same answer to every question below.
   */
  private actionClasses(h: CompiledStatement): string[][] {
    const others = [
      ...this.newer.denies,
      ...this.newer.boundaryAllows,
      ...this.older.allows,
      ...this.older.denies,
      ...this.older.boundaryAllows,
    ].map((s) => s.actions);
    return this.coverage.specs.classify(this.coverage.specs.names(h.actions), others);
  }

  private decide(grant: GrantShape): Outcome {
    const coverage = this.coverage;
    if (this.newer.denies.some((d) => coverage.blocks(d, grant))) return { status: 'blocked' };
    if (
      this.newer.bounded &&
      !this.newer.boundaryAllows.some(
        (b) =>
          coverage.overlaps(b.actions, grant.action) &&
          coverage.resources.overlaps(b.resources, grant.resources),
      )
    ) {
      return { status: 'blocked' };
    }

    const reasons: string[] = [];
    const covered = this.coveredBy(this.older.allows, grant, true, reasons);
    const bounded = this.older.bounded
      ? this.coveredBy(this.older.boundaryAllows, grant, false, reasons)
      : 'yes';
    const why: string[] = [];
    if (covered !== 'no' && bounded === 'no') why.push(this.wording.boundary);
    const lifted = this.older.denies.filter(
      (d) =>
        coverage.mayBlock(d, grant) && !this.newer.denies.some((d2) => coverage.blocksOverlap(d2, d, grant)),
    );
    for (const d of lifted) why.push(this.wording.lifted(d.label));
    const answer = allOf(covered, bounded);
    if (lifted.length === 0 && answer === 'yes') return { status: 'covered' };
    if (lifted.length > 0 || answer === 'no') return { status: 'added', why, lifted };
    return { status: 'possible', why: reasons, lifted };
  }

  private coveredBy(
    statements: readonly CompiledStatement[],
    grant: GrantShape,
    checkPrincipal: boolean,
    reasons: string[],
  ): Tri {
    const answers: Tri[] = [];
    for (const s of statements) {
      const { answer, reason } = this.coverage.allowCovers(s, grant, checkPrincipal);
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
    for (const d of outcome.lifted) this.reportedLifts.add(d);
    const why = [...(extraWhy ? [extraWhy] : []), ...outcome.why];
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
    const grant: Grant = {
      effect: 'Allow',
      kind: s.kind,
      attachedTo: s.attachedTo,
      principal: '*',
      action,
      resource: '*',
      conditions: this.atoms(s),
    };
    if (this.newer.family === 'identity') grant.principal = s.attachedTo;
    else if (principals.mode === 'in') grant.principal = principals.principals.map(principalText).join(', ');
    else grant.notPrincipal = principals.principals.map(principalText).sort(compareText);
    if (notAction) grant.notAction = [...notAction].sort(compareText);
    if (resources.mode === 'in') grant.resource = resources.patterns.join(', ');
    else grant.notResource = [...resources.patterns].sort(compareText);
    const reasons = [...new Set(why)].sort(compareText);
    if (reasons.length > 0) grant.why = reasons.join('; ');
    if (s.source !== undefined) grant.source = s.source;
    return grant;
  }

  /** One array per statement: grants share it, which also lets `conditionsKey` cache by identity. */
  private atoms(s: CompiledStatement): ConditionAtom[] {
    let atoms = statementAtoms.get(s);
    if (!atoms) {
      atoms = conditionAtoms(s.conditions.conditions);
      statementAtoms.set(s, atoms);
    }
    return atoms;
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
      if (this.older.family === 'identity' && this.reportedLifts.has(d)) continue;
      const why = [this.wording.liftedElsewhere(d.label)];
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

const statementAtoms = new WeakMap<CompiledStatement, ConditionAtom[]>();

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
