/**
 * The questions the diff asks of one statement about one grant, each the product of the answers for
 * principals, actions, resources and conditions. A grant and a statement are both products of those
 * four sets, so a statement contains a grant exactly when it contains each component.
 */
import {
  coversFuture,
  coversSpec,
  futureActions,
  overlapsFuture,
  type ActionSpec,
  type ActionSpecs,
  type FutureAction,
} from './action-coverage.js';
import { conditionsImply, type ConditionSet } from './condition-implication.js';
import { labelOf, type CompiledStatement } from './policy-set.js';
import { principalSpecCovers, principalSpecsOverlap, type PrincipalSpec } from './principal-coverage.js';
import { ResourceCoverage, type ResourceSpec } from './resource-coverage.js';
import type { Tri } from './types.js';

/** One catalog action by name, or the future actions of a wildcard pattern or a NotAction. */
export type ActionRef = { name: string; future?: undefined } | { name?: undefined; future: FutureAction };

/** What a head statement grants, narrowed to one action (or future), principal and resource entry. */
export interface GrantShape {
  action: ActionRef;
  principals: PrincipalSpec;
  resources: ResourceSpec;
  conditions: ConditionSet;
}

export interface CoverAnswer {
  answer: Tri;
  /** Why the answer is `unknown`. */
  reason?: string;
}

export class Coverage {
  readonly resources = ResourceCoverage.shared;

  constructor(readonly specs: ActionSpecs) {}

  /** Whether `spec` covers every action `ref` stands for. */
  includes(spec: ActionSpec, ref: ActionRef): boolean {
    return ref.future ? coversFuture(spec, ref.future) : this.specs.includes(spec, ref.name);
  }

  /** Whether `spec` may share an action with `ref`. */
  overlaps(spec: ActionSpec, ref: ActionRef): boolean {
    return ref.future
      ? overlapsFuture(spec, ref.future, (name) => this.specs.isKnown(name))
      : this.specs.includes(spec, ref.name);
  }

  /**
   * Whether the allow statement `s` grants every request of `grant`. Principals are skipped for a
   * permissions boundary, which caps whoever it is attached to. `actionKnown`: the caller has
   * already established that `s` includes the grant's action (the diff's action classes record
   * exactly which statements include each class), so it is not asked again.
   */
  allowCovers(
    s: CompiledStatement,
    grant: GrantShape,
    checkPrincipal = true,
    actionKnown = false,
  ): CoverAnswer {
    if (checkPrincipal && !principalSpecCovers(s.principals, grant.principals)) return { answer: 'no' };
    const delegated = checkPrincipal && !principalSpecCovers(s.principals, grant.principals, false);
    if (!actionKnown && !this.includes(s.actions, grant.action)) return { answer: 'no' };
    const resource = this.resources.covers(s.resources, grant.resources);
    if (resource === 'no') return { answer: 'no' };
    const conditions = conditionsImply(grant.conditions, s.conditions);
    if (conditions === 'no') return { answer: 'no' };
    if (resource === 'unknown') {
      return {
        answer: 'unknown',
        reason: `resource cannot be compared with ${labelOf(s)} (policy variables)`,
      };
    }
    if (conditions === 'unknown') {
      return { answer: 'unknown', reason: `conditions cannot be compared with ${labelOf(s)}` };
    }
    if (delegated) {
      return {
        answer: 'unknown',
        reason: `${labelOf(s)} names only the account, which leaves the grant to its identity policies (a principal named directly needs none within its own account)`,
      };
    }
    return { answer: 'yes' };
  }

  /** Whether the deny statement `d` surely blocks every request of `grant` (`actionKnown`: see allowCovers). */
  blocks(d: CompiledStatement, grant: GrantShape, actionKnown = false): boolean {
    return (
      principalSpecCovers(d.principals, grant.principals) &&
      (actionKnown || this.includes(d.actions, grant.action)) &&
      this.resources.covers(d.resources, grant.resources) === 'yes' &&
      conditionsImply(grant.conditions, d.conditions) === 'yes'
    );
  }

  /** Whether the deny statement `d` may block some request of `grant` (`true` when unsure). */
  mayBlock(d: CompiledStatement, grant: GrantShape): boolean {
    return (
      principalSpecsOverlap(d.principals, grant.principals) &&
      this.overlaps(d.actions, grant.action) &&
      this.resources.overlaps(d.resources, grant.resources)
    );
  }

  /**
   * Whether `d2` blocks every request that both `d` and `grant` cover. Both are products, so their
   * intersection is one too, and `d2` must contain it in each component: it is enough that `d2`
   * contains that component of either.
   */
  blocksOverlap(d2: CompiledStatement, d: CompiledStatement, grant: GrantShape): boolean {
    const principals =
      principalSpecCovers(d2.principals, grant.principals) ||
      principalSpecCovers(d2.principals, d.principals);
    if (!principals) return false;
    const actions =
      this.includes(d2.actions, grant.action) ||
      (grant.action.future
        ? futureActions(d.actions).every((f) => coversFuture(d2.actions, f)) &&
          this.specs.names(d.actions).every((n) => this.specs.includes(d2.actions, n))
        : false);
    if (!actions) return false;
    const resources =
      this.resources.covers(d2.resources, grant.resources) === 'yes' ||
      this.resources.covers(d2.resources, d.resources) === 'yes';
    return resources && conditionsImply([grant.conditions, d.conditions], d2.conditions) === 'yes';
  }

  /** Whether `d2` blocks everything `d` blocks (a head Deny that keeps a base Deny in force). */
  denyCovers(d2: CompiledStatement, d: CompiledStatement): boolean {
    return (
      principalSpecCovers(d2.principals, d.principals) &&
      this.resources.covers(d2.resources, d.resources) === 'yes' &&
      conditionsImply(d.conditions, d2.conditions) === 'yes' &&
      // Last: over two long Action lists it is the costly question.
      coversSpec(this.specs, d2.actions, d.actions)
    );
  }
}
