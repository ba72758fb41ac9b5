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

/**
 * Keys by conditions array: the grants of one statement share theirs. A map that starts over past a
 * bound rather than a weak map, whose entries cost more to add; the last array asked is kept apart,
 * since grants come in runs of one statement.
 */
const conditionKeys = new Map<readonly ConditionAtom[], string>();
let lastAtoms: readonly ConditionAtom[] | undefined;
let lastKey = '';

export function conditionsKey(atoms: readonly ConditionAtom[]): string {
  if (atoms === lastAtoms) return lastKey;
  let key = conditionKeys.get(atoms);
  if (key === undefined) {
    key = JSON.stringify(atoms.map((a) => [a.operator, a.key.toLowerCase(), a.values]));
    if (conditionKeys.size >= 10_000) conditionKeys.clear();
    conditionKeys.set(atoms, key);
  }
  lastAtoms = atoms;
  lastKey = key;
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
  existing.why = why;
}

/**
 * A copy of `template` for one action, field by field rather than spread. The diff's grants have
 * every field, absent ones undefined (which JSON leaves out), so that they share one object shape:
 * the code that records, sorts and groups 90,000 of them over the history then sees one layout, not
 * one per combination of NotPrincipal, NotAction, NotResource, reasons and source.
 */
function withAction(template: Grant, action: string): Grant {
  return {
    effect: template.effect,
    kind: template.kind,
    attachedTo: template.attachedTo,
    principal: template.principal,
    action,
    resource: template.resource,
    conditions: template.conditions,
    notPrincipal: template.notPrincipal,
    notAction: template.notAction,
    notResource: template.notResource,
    why: template.why,
    source: template.source,
  };
}

/**
 * Collects grants, merging duplicates (their reasons are joined). Keyed in three levels: everything
 * before the action in `grantKey` (the prefix), everything after it (the suffix), then the action,
 * so that the 22,000 grants of one `*` statement are found by their action names alone, which the
 * catalog hands out as the same strings every time, with no key text built per grant.
 */
export class GrantSet {
  private readonly byPrefix = new Map<string, Map<string, Map<string, Grant>>>();
  /** Whether an action holds the separator: then ordering by parts may differ from ordering by key. */
  private separatorInAction = false;

  private byAction(prefix: string, suffix: string): Map<string, Grant> {
    let bySuffix = this.byPrefix.get(prefix);
    if (!bySuffix) {
      bySuffix = new Map();
      this.byPrefix.set(prefix, bySuffix);
    }
    let grants = bySuffix.get(suffix);
    if (!grants) {
      grants = new Map();
      bySuffix.set(suffix, grants);
    }
    return grants;
  }

  private put(grants: Map<string, Grant>, action: string, grant: Grant): void {
    const existing = grants.get(action);
    if (existing) mergeInto(existing, grant);
    else {
      if (action.includes(SEP)) this.separatorInAction = true;
      grants.set(action, grant);
    }
  }

  add(grant: Grant): void {
    this.put(this.byAction(keyPrefix(grant), keySuffix(grant)), grant.action, grant);
  }

  /** The template's grant once per action: a statement of `*` yields 22,000 of them. */
  addActions(template: Grant, actions: readonly string[]): void {
    const grants = this.byAction(keyPrefix(template), keySuffix(template));
    for (let at = 0; at < actions.length; at += 1) {
      const action = actions[at] as string;
      const existing = grants.get(action);
      if (existing) mergeInto(existing, template);
      else {
        if (action.includes(SEP)) this.separatorInAction = true;
        grants.set(action, withAction(template, action));
      }
    }
  }

  /** Adds a copy of every grant of `other`. */
  addAll(other: GrantSet): void {
    for (const [prefix, bySuffix] of other.byPrefix) {
      for (const [suffix, grants] of bySuffix) {
        const into = this.byAction(prefix, suffix);
        for (const [action, grant] of grants) this.put(into, action, { ...grant });
      }
    }
  }

  /**
   * Sorted by `grantKey`; grants also present in `except` are left out. Prefix by prefix, and in a
   * prefix by action, then suffix: the same order, since the separator sorts before every other
   * character, unless one prefix continues another with the separator or an action holds it (only
   * text holding NUL can do that), and then the whole list is sorted by key. The default sort
   * compares code units, as `compareText` does.
   */
  sorted(except?: GrantSet): Grant[] {
    if (this.separatorInAction) return this.sortedByKey(except);
    const out: Grant[] = [];
    const prefixes = [...this.byPrefix.keys()].sort();
    for (let i = 0; i < prefixes.length; i += 1) {
      const prefix = prefixes[i] as string;
      const next = prefixes[i + 1];
      if (next !== undefined && next.startsWith(prefix + SEP)) return this.sortedByKey(except);
      const bySuffix = this.byPrefix.get(prefix) as Map<string, Map<string, Grant>>;
      const skip = except?.byPrefix.get(prefix);
      if (bySuffix.size === 1) {
        for (const [suffix, grants] of bySuffix) {
          const skipped = skip?.get(suffix);
          for (const action of [...grants.keys()].sort())
            if (!skipped?.has(action)) out.push(grants.get(action) as Grant);
        }
        continue;
      }
      // Several suffixes (NotAction lists) under one prefix: by action, then suffix.
      const entries: [action: string, suffix: string, grant: Grant][] = [];
      for (const [suffix, grants] of bySuffix) {
        const skipped = skip?.get(suffix);
        for (const [action, grant] of grants)
          if (!skipped?.has(action)) entries.push([action, suffix, grant]);
      }
      entries.sort((a, b) => compareText(a[0], b[0]) || compareText(a[1], b[1]));
      for (const [, , grant] of entries) out.push(grant);
    }
    return out;
  }

  private sortedByKey(except?: GrantSet): Grant[] {
    const keyed: [string, Grant][] = [];
    for (const [prefix, bySuffix] of this.byPrefix) {
      for (const [suffix, grants] of bySuffix) {
        const skipped = except?.byPrefix.get(prefix)?.get(suffix);
        for (const [action, grant] of grants) if (!skipped?.has(action)) keyed.push([grantKey(grant), grant]);
      }
    }
    return keyed.sort(([a], [b]) => compareText(a, b)).map(([, grant]) => grant);
  }
}
