/**
 * Grants for humans: one row per (principal, resource, conditions) with its actions, so widening
 * `s3:GetObject` to `s3:Get*` reads as one row of 63 actions rather than 63 rows.
 */
import { compareText } from '../util/compare-text.js';
import { conditionsKey, grantKey } from './grants.js';
import type { AddedGroup, Grant } from './types.js';

function rowKey(grant: Grant): string {
  return JSON.stringify([
    grant.kind,
    grant.attachedTo,
    grant.principal,
    grant.notPrincipal ?? null,
    grant.resource,
    grant.notResource ?? null,
    conditionsKey(grant.conditions),
  ]);
}

function rows(grants: readonly Grant[], certainty: AddedGroup['certainty']): AddedGroup[] {
  const byKey = new Map<string, { row: AddedGroup; why: Set<string> }>();
  const ordered = grants
    .map((grant) => [grantKey(grant), grant] as const)
    .sort(([a], [b]) => compareText(a, b));
  for (const [, grant] of ordered) {
    const key = rowKey(grant);
    let entry = byKey.get(key);
    if (!entry) {
      const row: AddedGroup = {
        certainty,
        kind: grant.kind,
        attachedTo: grant.attachedTo,
        principal: grant.principal,
        resource: grant.resource,
        conditions: grant.conditions,
        actions: [],
        why: [],
      };
      if (grant.notPrincipal) row.notPrincipal = grant.notPrincipal;
      if (grant.notResource) row.notResource = grant.notResource;
      entry = { row, why: new Set() };
      byKey.set(key, entry);
    }
    entry.row.actions.push(
      grant.notAction ? `${grant.action} except ${grant.notAction.join(', ')}` : grant.action,
    );
    for (const reason of grant.why?.split('; ') ?? []) entry.why.add(reason);
  }
  return [...byKey.values()].map(({ row, why }) => {
    row.actions = [...new Set(row.actions)].sort(compareText);
    row.why = [...why].sort(compareText);
    return row;
  });
}

/** Certain rows first, then possible ones; each in the canonical grant order. */
export function groupGrants(added: readonly Grant[], possiblyAdded: readonly Grant[]): AddedGroup[] {
  return [...rows(added, 'added'), ...rows(possiblyAdded, 'possible')];
}
