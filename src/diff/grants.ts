/** Canonical grants: condition atoms in one order, one identity per grant, one sort order. */
import type { Condition } from '../policy/types.js';
import { compareText } from '../util/compare-text.js';
import type { ConditionAtom, Grant } from './types.js';

export function conditionAtoms(conditions: readonly Condition[]): ConditionAtom[] {
  const atoms = conditions.map((c) => ({
    operator: c.operator,
    key: c.key,
    values: [...new Set(c.values)].sort(compareText),
  }));
  return atoms.sort(
    (a, b) =>
      compareText(a.key.toLowerCase(), b.key.toLowerCase()) ||
      compareText(a.operator, b.operator) ||
      compareText(a.key, b.key) ||
      compareText(a.values.join('\u0000'), b.values.join('\u0000')),
  );
}

const conditionKeys = new WeakMap<readonly ConditionAtom[], string>();

/** Cached per array: the grants of one statement share their conditions array. */
export function conditionsKey(atoms: readonly ConditionAtom[]): string {
  let key = conditionKeys.get(atoms);
  if (key === undefined) {
    key = JSON.stringify(atoms.map((a) => [a.operator, a.key.toLowerCase(), a.values]));
    conditionKeys.set(atoms, key);
  }
  return key;
}

const SEP = '\u0000';
const list = (values: readonly string[] | undefined): string => (values ? `[${values.join('\u0001')}]` : '');

/**
 * Fields in sort order, joined by a separator that sorts before every other character, so comparing
 * the keys compares the field tuples. Everything but `why` and `source` is in it: it is also the
 * grant's identity.
 */
export function grantKey(grant: Grant): string {
  return `${keyPrefix(grant)}${SEP}${grant.action}${SEP}${keySuffix(grant)}`;
}

function keyPrefix(grant: Grant): string {
  return [
    grant.attachedTo,
    grant.kind,
    grant.principal,
    list(grant.notPrincipal),
    grant.resource,
    list(grant.notResource),
    conditionsKey(grant.conditions),
  ].join(SEP);
}

function keySuffix(grant: Grant): string {
  return `${list(grant.notAction)}${SEP}${grant.effect}`;
}

function joinWhy(a: string | undefined, b: string | undefined): string | undefined {
  const parts = new Set([...(a?.split('; ') ?? []), ...(b?.split('; ') ?? [])]);
  return parts.size === 0 ? undefined : [...parts].sort(compareText).join('; ');
}

function mergeInto(existing: Grant, grant: Grant): void {
  if (existing.why === grant.why) return;
  const why = joinWhy(existing.why, grant.why);
  if (why === undefined) delete existing.why;
  else existing.why = why;
}

/**
 * Collects grants, merging duplicates (their reasons are joined). Keyed in two levels, everything
 * but the action and then the action, so that the 22,000 grants of one `*` statement hash short keys.
 */
export class GrantSet {
  private readonly byPrefix = new Map<string, Map<string, Grant>>();

  private bucket(prefix: string): Map<string, Grant> {
    let bucket = this.byPrefix.get(prefix);
    if (!bucket) {
      bucket = new Map();
      this.byPrefix.set(prefix, bucket);
    }
    return bucket;
  }

  private put(bucket: Map<string, Grant>, key: string, grant: Grant): void {
    const existing = bucket.get(key);
    if (existing) mergeInto(existing, grant);
    else bucket.set(key, grant);
  }

  add(grant: Grant): void {
    this.put(this.bucket(keyPrefix(grant)), `${grant.action}${SEP}${keySuffix(grant)}`, grant);
  }

  /** The template's grant once per action: a statement of `*` yields 22,000 of them. */
  addActions(template: Grant, actions: readonly string[]): void {
    const bucket = this.bucket(keyPrefix(template));
    const suffix = `${SEP}${keySuffix(template)}`;
    for (const action of actions) {
      const key = action + suffix;
      const existing = bucket.get(key);
      if (existing) mergeInto(existing, template);
      else bucket.set(key, { ...template, action });
    }
  }

  /** Adds every grant of `other` (the same objects). */
  addAll(other: GrantSet): void {
    for (const [prefix, grants] of other.byPrefix) {
      const bucket = this.bucket(prefix);
      for (const [key, grant] of grants) this.put(bucket, key, { ...grant });
    }
  }

  /**
   * Sorted by `grantKey`; grants also present in `except` are left out. Bucket by bucket, which is
   * the same order unless one prefix continues another with the separator (only field text holding
   * NUL can do that), and then the whole list is sorted by key. The default sort compares code
   * units, as `compareText` does.
   */
  sorted(except?: GrantSet): Grant[] {
    const out: Grant[] = [];
    const prefixes = [...this.byPrefix.keys()].sort();
    for (const [i, prefix] of prefixes.entries()) {
      const grants = this.byPrefix.get(prefix);
      if (!grants) continue;
      const next = prefixes[i + 1];
      if (next !== undefined && next.startsWith(prefix + SEP)) return this.sortedByKey(except);
      const skip = except?.byPrefix.get(prefix);
      for (const key of [...grants.keys()].sort()) {
        const grant = grants.get(key);
        if (grant && !skip?.has(key)) out.push(grant);
      }
    }
    return out;
  }

  private sortedByKey(except?: GrantSet): Grant[] {
    const keyed: [string, Grant][] = [];
    for (const [prefix, grants] of this.byPrefix) {
      const skip = except?.byPrefix.get(prefix);
      for (const [key, grant] of grants) if (!skip?.has(key)) keyed.push([grantKey(grant), grant]);
    }
    return keyed.sort(([a], [b]) => compareText(a, b)).map(([, grant]) => grant);
  }
}
