/**
 * Who may newly assume a role, in words: a principal the role did not trust before, or a trust
 * condition (sts:ExternalId, `<oidc-provider>:sub` and `:aud`, aws:PrincipalOrgID, ...) that head
 * removed or widened. The grants themselves are also in the diff's `added`; this explains them.
 */
import { compareText } from '../util/compare-text.js';
import { conditionsImply } from './condition-implication.js';
import { compilePolicySet, labelOf, type CompiledStatement, type StatementGroup } from './policy-set.js';
import type { Coverage, GrantShape } from './statement-coverage.js';
import { principalSpecCovers, type PrincipalSpec } from './principal-coverage.js';
import type { Condition, Principal } from '../policy/types.js';
import { anyOf, type PolicySetEntry, type TrustChange } from './types.js';

const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'];

export function trustChanges(
  base: readonly PolicySetEntry[],
  head: readonly PolicySetEntry[],
  coverage: Coverage,
): TrustChange[] {
  const trustOnly = (entries: readonly PolicySetEntry[]) => entries.filter((e) => e.kind === 'trust');
  const headTrust = trustOnly(head);
  // Changes are found per head trust policy, and most diffs hold none (no diff over the
  // managed-policy history does): then there is nothing to compile.
  if (headTrust.length === 0) return [];
  const baseSet = compilePolicySet(trustOnly(base), coverage.specs, 'base', 'older');
  const headSet = compilePolicySet(headTrust, coverage.specs, 'head', 'newer');
  const changes = new Map<string, TrustChange>();
  for (const [key, headGroup] of headSet) {
    const baseGroup = baseSet.get(key);
    for (const h of headGroup.allows) {
      for (const change of statementChanges(h, headGroup, baseGroup, coverage)) {
        const id = JSON.stringify([
          change.role,
          change.principal,
          change.change,
          change.key ?? '',
          change.message,
        ]);
        const existing = changes.get(id);
        if (existing)
          existing.actions = [...new Set([...existing.actions, ...change.actions])].sort(compareText);
        else changes.set(id, change);
      }
    }
  }
  return [...changes.values()].sort(
    (a, b) =>
      compareText(a.role, b.role) ||
      compareText(a.principal, b.principal) ||
      compareText(a.change, b.change) ||
      compareText(a.key ?? '', b.key ?? '') ||
      compareText(a.message, b.message),
  );
}

function statementChanges(
  h: CompiledStatement,
  headGroup: StatementGroup,
  baseGroup: StatementGroup | undefined,
  coverage: Coverage,
): TrustChange[] {
  const changes: TrustChange[] = [];
  const principals: PrincipalSpec[] =
    h.principals.mode === 'in'
      ? h.principals.principals.map((p) => ({ mode: 'in', principals: [p] }))
      : [h.principals];
  for (const spec of principals) {
    for (const action of ASSUME_ACTIONS) {
      if (!coverage.specs.includes(h.actions, action)) continue;
      const grant: GrantShape = {
        action: { name: action },
        principals: spec,
        resources: h.resources,
        conditions: h.conditions,
      };
      if (headGroup.denies.some((d) => coverage.blocks(d, grant))) continue;
      const allows = baseGroup?.allows ?? [];
      const covered = anyOf(allows.map((s) => coverage.allowCovers(s, grant).answer));
      if (covered === 'yes') continue;
      const candidates = allows.filter(
        (s) => principalSpecCovers(s.principals, spec) && coverage.specs.includes(s.actions, action),
      );
      changes.push(...describe(h, spec, action, candidates, covered === 'unknown' ? 'possible' : 'added'));
    }
  }
  return changes;
}

/** Base atoms that head's conditions do not imply, for the candidate that loses the fewest. */
function failingAtoms(
  h: CompiledStatement,
  candidates: readonly CompiledStatement[],
): Condition[] | undefined {
  let best: Condition[] | undefined;
  for (const s of candidates) {
    const failing = s.conditions.conditions.filter(
      (c) => conditionsImply(h.conditions, { conditions: [c], version: s.conditions.version }) !== 'yes',
    );
    if (!best || failing.length < best.length) best = failing;
  }
  return best;
}

function describe(
  h: CompiledStatement,
  spec: PrincipalSpec,
  action: string,
  candidates: readonly CompiledStatement[],
  certainty: TrustChange['certainty'],
): TrustChange[] {
  const role = h.attachedTo;
  const principal = spec.mode === 'in' ? (spec.principals[0]?.value ?? '*') : '*';
  const provider = spec.mode === 'in' ? federatedProvider(spec.principals[0]) : undefined;
  const who = describeCaller(spec, provider, h.conditions.conditions);
  const lead =
    certainty === 'added' ? `+ ${who} may now assume ${role}` : `? ${who} may be able to assume ${role}`;
  const common = { role, principal, actions: [action], certainty };

  const failing = failingAtoms(h, candidates);
  if (failing === undefined) {
    const subject = provider ? findClaim(h.conditions.conditions, provider, 'sub') : undefined;
    const note = provider && !subject ? ` (any identity of ${provider}: no sub condition)` : '';
    return [{ ...common, change: 'new-principal', message: `${lead}${note}` }];
  }
  if (failing.length === 0) {
    // Only an account principal covered it: base left the caller to the account's own policies.
    const delegated =
      spec.mode === 'in' && candidates.every((s) => !principalSpecCovers(s.principals, spec, false));
    const message = delegated
      ? `${lead} (base trusted only its account, whose principals also need their own permission to assume it)`
      : `${lead} (${labelOf(h)} changed)`;
    return [{ ...common, change: delegated ? 'new-principal' : 'condition-changed', message }];
  }
  return failing.map((b): TrustChange => {
    const name = claimName(b.key, provider);
    const before = [...b.values].sort(compareText);
    const same = h.conditions.conditions.filter((c) => c.key.toLowerCase() === b.key.toLowerCase());
    if (same.length === 0) {
      return {
        ...common,
        change: 'condition-removed',
        key: b.key,
        before,
        message: `${lead} without ${b.key} (was ${before.join(', ')})`,
      };
    }
    const after = [...new Set(same.flatMap((c) => c.values))].sort(compareText);
    const operators = [...new Set(same.map((c) => c.operator))];
    const sameOperator = operators.length === 1 && operators[0] === b.operator;
    const verb = certainty === 'added' ? 'widened' : 'changed';
    // A federated caller is already named by its new subject (see describeCaller): no need to repeat it.
    const namesCaller = provider !== undefined && findClaim(same, provider, 'sub') !== undefined;
    const detail =
      sameOperator && certainty === 'added'
        ? `${name} widened from ${before.join(', ')}${namesCaller ? '' : ` to ${after.join(', ')}`}`
        : sameOperator
          ? `${name} changed from ${before.join(', ')} to ${after.join(', ')}`
          : `${name} ${verb} from ${b.operator} ${before.join(', ')} to ${operators.join(' + ')} ${after.join(', ')}`;
    return {
      ...common,
      change: certainty === 'added' ? 'condition-widened' : 'condition-changed',
      key: b.key,
      before,
      after,
      message: `${lead} (${detail})`,
    };
  });
}

function federatedProvider(principal: Principal | undefined): string | undefined {
  return principal?.class.kind === 'federated' ? principal.class.provider : undefined;
}

function findClaim(conditions: readonly Condition[], provider: string, claim: string): Condition | undefined {
  const key = `${provider}:${claim}`.toLowerCase();
  return conditions.find((c) => c.key.toLowerCase() === key && !c.operator.includes('Not'));
}

/** `token.actions.githubusercontent.com:sub` reads as `sub` next to its provider. */
function claimName(key: string, provider: string | undefined): string {
  if (provider && key.toLowerCase().startsWith(`${provider.toLowerCase()}:`))
    return key.slice(provider.length + 1);
  return key;
}

/** A federated caller is named by its subject when head pins one (`repo:acme/*:ref:*`), else by the principal. */
function describeCaller(
  spec: PrincipalSpec,
  provider: string | undefined,
  conditions: readonly Condition[],
): string {
  if (spec.mode === 'notIn') return `everyone but ${spec.principals.map((p) => p.value).join(', ')}`;
  const subject = provider ? findClaim(conditions, provider, 'sub') : undefined;
  if (subject) return [...subject.values].sort(compareText).join(', ');
  return spec.principals[0]?.value ?? '*';
}
