/**
 * Grants for humans: one row per (principal, resource, conditions) with its actions, so widening
 * `s3:GetObject` to `s3:Get*` reads as one row of 63 actions rather than 63 rows.
 */
import { compareText } from '../util/compare-text.js';
import { conditionsKey, grantKey } from './grants.js';
import type { AddedGroup, Grant } from './types.js';

/** Between a NotAction's future-action pattern and its exceptions in a row: `* except iam:*, sts:*`. */
export const NOT_ACTION_EXCEPT = ' except ';

/** A row's `P except X, Y` entry read back as its pattern and exceptions; undefined for any other. */
export function notActionEntry(action: string): { pattern: string; except: string[] } | undefined {
  const at = action.indexOf(NOT_ACTION_EXCEPT);
  if (at < 0) return undefined;
  return { pattern: action.slice(0, at), except: action.slice(at + NOT_ACTION_EXCEPT.length).split(', ') };
}

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

/** Whether two grants belong to the same row, by identity of what they share when one template made both. */
function sameRow(a: Grant, b: Grant): boolean {
  return (
    a.kind === b.kind &&
    a.attachedTo === b.attachedTo &&
    a.principal === b.principal &&
    a.notPrincipal === b.notPrincipal &&
    a.resource === b.resource &&
    a.notResource === b.notResource &&
    a.conditions === b.conditions
  );
}

/** The grants in canonical order; `diff` passes them sorted already, which one pass confirms. */
function canonicalOrder(grants: readonly Grant[]): readonly Grant[] {
  const keys = grants.map(grantKey);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i += 1)
    sorted = compareText(keys[i - 1] ?? '', keys[i] ?? '') <= 0;
  if (sorted) return grants;
  return keys
    .map((key, i) => [key, grants[i] as Grant] as const)
    .sort(([a], [b]) => compareText(a, b))
    .map(([, grant]) => grant);
}

/** Sorted and without repeats, as the actions of a row mostly already are. */
function sortedUnique(values: string[]): string[] {
  for (let i = 1; i < values.length; i += 1) {
    if ((values[i - 1] as string) >= (values[i] as string)) return [...new Set(values)].sort(compareText);
  }
  return values;
}

/** `grants` must be in canonical order (`grantKey`). */
function rows(grants: readonly Grant[], certainty: AddedGroup['certainty']): AddedGroup[] {
  const byKey = new Map<string, { row: AddedGroup; why: Set<string> }>();
  let previous: Grant | undefined;
  let previousKey = '';
  let previousEntry: { row: AddedGroup; why: Set<string> } | undefined;
  for (const grant of grants) {
    // Grants of one statement come in runs that share these fields by identity.
    const key = previous !== undefined && sameRow(previous, grant) ? previousKey : rowKey(grant);
    // ...and their reasons, already added to the row when the previous grant's were the same.
    const sameWhy = previousEntry !== undefined && key === previousKey && grant.why === previous?.why;
    previous = grant;
    previousKey = key;
    let entry = sameWhy ? previousEntry : byKey.get(key);
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
      grant.notAction ? `${grant.action}${NOT_ACTION_EXCEPT}${grant.notAction.join(', ')}` : grant.action,
    );
    if (!sameWhy) for (const reason of grant.why?.split('; ') ?? []) entry.why.add(reason);
    previousEntry = entry;
  }
  return [...byKey.values()].map(({ row, why }) => {
    row.actions = sortedUnique(row.actions);
    row.why = [...why].sort(compareText);
    return row;
  });
}

/** Certain rows first, then possible ones; each in the canonical grant order. */
export function groupGrants(added: readonly Grant[], possiblyAdded: readonly Grant[]): AddedGroup[] {
  return groupSortedGrants(canonicalOrder(added), canonicalOrder(possiblyAdded));
}

/** `groupGrants` of lists already in canonical order, as `diff` has them. */
export function groupSortedGrants(added: readonly Grant[], possiblyAdded: readonly Grant[]): AddedGroup[] {
  return [...rows(added, 'added'), ...rows(possiblyAdded, 'possible')];
}
