/**
 * Where a module specifier leads inside the repository, the way TypeScript and Node would find it
 * there: relative paths (with `.js` written for a `.ts` file, as TypeScript's ESM output requires,
 * extensions left off, folder index files), tsconfig `paths` and `baseUrl`, and packages of the
 * repository's npm/yarn/pnpm workspaces imported by name. Everything else is an installed package.
 */
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { isRecord } from '../util/is-record.js';
import { loadYaml } from '../util/lazy-yaml.js';
import { compilePathGlobs, PathGlobError } from './path-glob.js';
import { ancestorDirs, childPath, joinPath, parentDir, ROOT } from './repo-path.js';
import type { RepoTree } from './repo-tree.js';

export type Resolved =
  | { kind: 'file'; path: string }
  /** A whole package folder: a workspace package by name, or a relative import of a folder with a package.json. */
  | { kind: 'folder'; dir: string; label: string }
  /** Looks like it is in the repository but no file is there; `candidates` are the paths it would have been. */
  | { kind: 'unresolved'; candidates: string[] }
  | { kind: 'external' };

export interface PathAliases {
  /** Folder non-relative specifiers are looked up in (`baseUrl`), when set. */
  baseUrl?: string;
  /** `paths` entries with their targets made relative to the repository root. */
  paths: { pattern: string; targets: string[] }[];
}

export interface ResolveContext {
  files: ReadonlySet<string>;
  /** Folders holding a package.json. */
  packageDirs: ReadonlySet<string>;
  /** Workspace packages: name -> folder. */
  workspaces: ReadonlyMap<string, string>;
  aliases?: PathAliases;
}

const TS_FOR_JS: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx', '.d.ts'],
  '.jsx': ['.tsx', '.d.ts'],
  '.mjs': ['.mts', '.d.mts'],
  '.cjs': ['.cts', '.d.cts'],
};
const EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];

export function isRelativeSpecifier(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

export function resolveModule(from: string, specifier: string, context: ResolveContext): Resolved {
  if (isRelativeSpecifier(specifier)) {
    const base = joinPath(parentDir(from), specifier);
    return base === undefined ? { kind: 'external' } : resolvePath(base, context, specifier);
  }
  if (specifier.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) return { kind: 'external' };
  const aliases = context.aliases;
  if (aliases !== undefined) {
    const match = matchPathPattern(aliases.paths, specifier);
    if (match !== undefined) {
      const candidates: string[] = [];
      for (const target of match.entry.targets) {
        const base = joinPath(ROOT, target.replace('*', match.star));
        if (base === undefined) continue;
        const resolved = resolvePath(base, context, specifier);
        if (resolved.kind !== 'unresolved') return resolved;
        candidates.push(...resolved.candidates);
      }
      // `"*": [...]` catches every installed package too; only a narrower alias is surely local.
      if (match.entry.pattern !== '*') return { kind: 'unresolved', candidates };
    }
    if (aliases.baseUrl !== undefined) {
      const base = joinPath(aliases.baseUrl, specifier);
      if (base !== undefined) {
        const resolved = resolvePath(base, context, specifier);
        if (resolved.kind !== 'unresolved') return resolved;
      }
    }
  }
  const name = packageName(specifier);
  const dir = name === undefined ? undefined : context.workspaces.get(name);
  if (name !== undefined && dir !== undefined) return { kind: 'folder', dir, label: name };
  return { kind: 'external' };
}

/** The paths `base` could name, in the order TypeScript tries them. */
export function candidatePaths(base: string): string[] {
  const candidates: string[] = [];
  const extension = /\.[cm]?jsx?$/.exec(base)?.[0];
  if (extension !== undefined) {
    const stem = base.slice(0, -extension.length);
    for (const ts of TS_FOR_JS[extension] ?? []) candidates.push(stem + ts);
  }
  candidates.push(base);
  for (const ext of EXTENSIONS) candidates.push(base + ext);
  for (const ext of EXTENSIONS) candidates.push(childPath(base, `index${ext}`));
  return candidates;
}

function resolvePath(base: string, context: ResolveContext, label: string): Resolved {
  const candidates = candidatePaths(base);
  const found = candidates.find((path) => context.files.has(path));
  if (found !== undefined) return { kind: 'file', path: found };
  // A folder with its own package.json resolves through its `main`/`exports`: take all of it.
  if (context.packageDirs.has(base)) return { kind: 'folder', dir: base, label };
  return { kind: 'unresolved', candidates };
}

/** The tsconfig `paths` pattern TypeScript would use: an exact key, else the longest prefix before `*`. */
function matchPathPattern(
  paths: PathAliases['paths'],
  specifier: string,
): { entry: PathAliases['paths'][number]; star: string } | undefined {
  let best: { entry: PathAliases['paths'][number]; star: string; prefixLength: number } | undefined;
  for (const entry of paths) {
    const star = entry.pattern.indexOf('*');
    if (star === -1) {
      if (entry.pattern === specifier) return { entry, star: '' };
      continue;
    }
    const prefix = entry.pattern.slice(0, star);
    const suffix = entry.pattern.slice(star + 1);
    if (
      specifier.length >= prefix.length + suffix.length &&
      specifier.startsWith(prefix) &&
      specifier.endsWith(suffix) &&
      (best === undefined || prefix.length > best.prefixLength)
    ) {
      best = {
        entry,
        star: specifier.slice(prefix.length, specifier.length - suffix.length),
        prefixLength: prefix.length,
      };
    }
  }
  return best;
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(specifier: string): string | undefined {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return name === undefined || name === '' || name === '@' ? undefined : name;
}

export interface Workspaces {
  /** Package name -> folder. */
  packages: Map<string, string>;
  warnings: string[];
}

/**
 * The packages of the repository's workspaces: root package.json `workspaces` (npm, yarn) and
 * `pnpm-workspace.yaml` `packages`.
 */
export async function readWorkspaces(tree: RepoTree, packageDirs: ReadonlySet<string>): Promise<Workspaces> {
  const warnings: string[] = [];
  const globs: string[] = [];
  const manifest = parseJsonFile('package.json', await tree.readText('package.json'), warnings);
  if (isRecord(manifest)) {
    const declared = isRecord(manifest.workspaces) ? manifest.workspaces.packages : manifest.workspaces;
    if (Array.isArray(declared))
      globs.push(...declared.filter((glob): glob is string => typeof glob === 'string'));
  }
  const pnpmText = await tree.readText('pnpm-workspace.yaml');
  if (pnpmText !== undefined) {
    try {
      const pnpm: unknown = loadYaml().parse(pnpmText);
      if (isRecord(pnpm) && Array.isArray(pnpm.packages)) {
        globs.push(...pnpm.packages.filter((glob): glob is string => typeof glob === 'string'));
      }
    } catch (error) {
      warnings.push(`pnpm-workspace.yaml: malformed YAML: ${firstLine(error)}`);
    }
  }
  const packages = new Map<string, string>();
  if (globs.length === 0) return { packages, warnings };
  let matches: (path: string) => boolean;
  try {
    matches = compilePathGlobs(globs.map((glob) => glob.replace(/\/+$/, '')));
  } catch (error) {
    if (!(error instanceof PathGlobError)) throw error;
    warnings.push(`workspaces: ${error.message}`);
    return { packages, warnings };
  }
  for (const dir of packageDirs) {
    if (dir === ROOT || !matches(dir)) continue;
    const file = childPath(dir, 'package.json');
    const pkg = parseJsonFile(file, await tree.readText(file), warnings);
    if (isRecord(pkg) && typeof pkg.name === 'string' && pkg.name !== '') packages.set(pkg.name, dir);
  }
  return { packages, warnings };
}

export interface TsConfig {
  /** The files a compilation from the stack's folder reads: the nearest tsconfig.json, then what it extends. */
  files: string[];
  aliases?: PathAliases;
}

const MAX_EXTENDS_DEPTH = 16;

/** The tsconfig that applies in `dir`: the nearest `tsconfig.json` there or above, and its `extends` chain. */
export async function readTsConfig(
  tree: RepoTree,
  dir: string,
  context: Pick<ResolveContext, 'files' | 'workspaces'>,
  warnings: string[],
): Promise<TsConfig> {
  const nearest = [dir, ...ancestorDirs(dir)]
    .map((folder) => childPath(folder, 'tsconfig.json'))
    .find((path) => context.files.has(path));
  if (nearest === undefined) return { files: [] };
  const files: string[] = [];
  let baseUrl: string | undefined;
  let paths: { value: Record<string, unknown>; dir: string } | undefined;
  // Depth first, nearest settings first: a config overrides what it extends, and a later entry of
  // an `extends` list overrides an earlier one.
  const visit = async (file: string, depth: number): Promise<void> => {
    if (files.includes(file) || depth > MAX_EXTENDS_DEPTH) return;
    files.push(file);
    const config = parseJsonFile(file, await tree.readText(file), warnings);
    if (!isRecord(config)) return;
    const options = isRecord(config.compilerOptions) ? config.compilerOptions : {};
    const configDir = parentDir(file);
    if (baseUrl === undefined && typeof options.baseUrl === 'string') {
      baseUrl = joinPath(configDir, options.baseUrl) ?? ROOT;
    }
    if (paths === undefined && isRecord(options.paths)) paths = { value: options.paths, dir: configDir };
    const extended = typeof config.extends === 'string' ? [config.extends] : config.extends;
    if (!Array.isArray(extended)) return;
    for (const entry of [...extended].reverse()) {
      if (typeof entry !== 'string') continue;
      const target = extendedConfigPath(configDir, entry, context);
      if (target !== undefined) await visit(target, depth + 1);
    }
  };
  await visit(nearest, 0);
  if (paths === undefined)
    return baseUrl === undefined ? { files } : { files, aliases: { baseUrl, paths: [] } };
  // `paths` targets are relative to baseUrl when there is one, else to the config that holds them.
  const targetsBase = baseUrl ?? paths.dir;
  const entries: PathAliases['paths'] = [];
  for (const [pattern, targets] of Object.entries(paths.value)) {
    if (!Array.isArray(targets) || (pattern.match(/\*/g)?.length ?? 0) > 1) continue;
    const resolvedTargets = targets
      .filter(
        (target): target is string => typeof target === 'string' && (target.match(/\*/g)?.length ?? 0) <= 1,
      )
      .map((target) => joinPath(targetsBase, target))
      .filter((target): target is string => target !== undefined);
    entries.push({ pattern, targets: resolvedTargets });
  }
  const aliases: PathAliases = baseUrl === undefined ? { paths: entries } : { baseUrl, paths: entries };
  return { files, aliases };
}

function extendedConfigPath(
  configDir: string,
  entry: string,
  context: Pick<ResolveContext, 'files' | 'workspaces'>,
): string | undefined {
  const withJson = (path: string) =>
    context.files.has(path) || path.endsWith('.json') ? path : `${path}.json`;
  if (isRelativeSpecifier(entry)) {
    const path = joinPath(configDir, entry);
    return path === undefined ? undefined : withJson(path);
  }
  // `@acme/tsconfig/base.json` from a workspace package; anything else is installed, not in the repository.
  const name = packageName(entry);
  const dir = name === undefined ? undefined : context.workspaces.get(name);
  if (name === undefined || dir === undefined) return undefined;
  const rest = entry.slice(name.length + 1);
  return rest === '' ? childPath(dir, 'tsconfig.json') : withJson(childPath(dir, rest));
}

function parseJsonFile(file: string, text: string | undefined, warnings: string[]): unknown {
  if (text === undefined) return undefined;
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    warnings.push(`${file}: malformed JSON; imports and settings from it are not followed`);
    return undefined;
  }
  return value;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0]?.trim() ?? text;
}
