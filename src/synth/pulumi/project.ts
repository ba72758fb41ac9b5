/**
 * A Pulumi project as the CLI would run it: the project file (`Pulumi.yaml`), the stack's config
 * (`Pulumi.<stack>.yaml`) in the form Pulumi's language host hands to a program (`PULUMI_CONFIG`),
 * and the program's entry file.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadYaml } from '../../util/lazy-yaml.js';
import { isRecord } from '../../util/is-record.js';
import { moduleKind, readPackageJson, type ModuleKind } from '../typescript-loader.js';
import { symbolicConfig } from './snapshot.js';

export interface PulumiProject {
  name: string;
  /** `nodejs`, `python`, `go`, ...: only `nodejs` programs run offline. */
  runtime: string;
  /** `main` from the project file: the program's file or folder, relative to the project. */
  main?: string;
  /** Project-level config: values and declared defaults, by key as written. */
  config: Record<string, unknown>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function parsePulumiProject(text: string): Parsed<PulumiProject> {
  const parsed = parseYamlObject(text);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  if (typeof doc.name !== 'string' || doc.name === '')
    return { ok: false, message: 'the project has no name' };
  const runtime = isRecord(doc.runtime) ? doc.runtime.name : doc.runtime;
  if (typeof runtime !== 'string') return { ok: false, message: 'the project names no runtime' };
  return {
    ok: true,
    value: {
      name: doc.name,
      runtime,
      ...(typeof doc.main === 'string' && doc.main !== '' ? { main: doc.main } : {}),
      config: isRecord(doc.config) ? doc.config : {},
    },
  };
}

export interface StackConfig {
  /** `PULUMI_CONFIG`: namespaced key -> value as text (structured values as JSON). */
  values: Record<string, string>;
  /** `PULUMI_CONFIG_SECRET_KEYS`: the encrypted ones, which stand as symbols. */
  secretKeys: string[];
  warnings: string[];
}

/** Keys Pulumi reads as the declaration of a project config key rather than as its value. */
const DECLARATION_KEYS = new Set(['type', 'default', 'value', 'description', 'secret', 'items']);

/**
 * The config a program sees: the project's defaults, overridden by the stack file's values. Keys
 * without a namespace belong to the project (`bucketName` is `app:bucketName`). Encrypted values
 * cannot be read without the stack's secrets provider, and iam-gate must not try: each becomes the
 * symbol `${config:app:key}`.
 */
export function stackConfig(project: PulumiProject, stackFileText: string | undefined): Parsed<StackConfig> {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const warnings: string[] = [];
  const key = (name: string): string => (name.includes(':') ? name : `${project.name}:${name}`);
  const set = (name: string, value: unknown): void => {
    const full = key(name);
    if (isRecord(value) && typeof value.secure === 'string') {
      values[full] = symbolicConfig(full);
      secretKeys.add(full);
      warnings.push(`config ${full} is encrypted; the program sees it as ${symbolicConfig(full)}`);
      return;
    }
    secretKeys.delete(full);
    values[full] = typeof value === 'string' ? value : JSON.stringify(value);
  };

  for (const [name, declared] of Object.entries(project.config)) {
    const isDeclaration = isRecord(declared) && Object.keys(declared).some((k) => DECLARATION_KEYS.has(k));
    if (!isDeclaration) set(name, declared);
    else if (declared.value !== undefined) set(name, declared.value);
    else if (declared.default !== undefined) set(name, declared.default);
  }
  if (stackFileText !== undefined) {
    const parsed = parseYamlObject(stackFileText);
    if (!parsed.ok) return { ok: false, message: parsed.message };
    const config = parsed.value.config;
    if (isRecord(config))
      for (const [name, value] of Object.entries(config)) if (value !== null) set(name, value);
  }
  return { ok: true, value: { values, secretKeys: [...secretKeys], warnings } };
}

export interface ProgramEntry {
  /** Absolute path of the file Pulumi would load. */
  file: string;
  /** How Node loads it: `require` (CommonJS) or `import` (ES module). */
  module: ModuleKind;
}

/**
 * The file Pulumi's Node.js language host loads: `main` from the project file (a file or a folder),
 * else the package's `exports` or `main`, else the folder's index file.
 */
export function programEntry(projectDir: string, main: string | undefined): Parsed<ProgramEntry> {
  const start = resolve(projectDir, main ?? '.');
  if (!existsSync(start)) return { ok: false, message: `the program's main ${main ?? '.'} does not exist` };
  const file = statSync(start).isDirectory() ? folderEntry(start) : start;
  if (file === undefined || !existsSync(file))
    return {
      ok: false,
      message: `no program entry in ${main ?? 'the project folder'} (index.ts or index.js)`,
    };
  return { ok: true, value: { file, module: moduleKind(file) } };
}

function folderEntry(folder: string): string | undefined {
  const manifest = readPackageJson(folder);
  const exported = manifest?.exports;
  const fromExports =
    typeof exported === 'string'
      ? exported
      : isRecord(exported) && typeof exported['.'] === 'string'
        ? exported['.']
        : isRecord(exported) && isRecord(exported['.'])
          ? [exported['.'].default, exported['.'].require, exported['.'].import].find(
              (v) => typeof v === 'string',
            )
          : undefined;
  const named = typeof fromExports === 'string' ? fromExports : manifest?.main;
  if (typeof named === 'string' && named !== '') return withExtension(join(folder, named));
  // Node tries index.js before the TypeScript loader's index.ts, and so does Pulumi.
  return ['index.js', 'index.ts', 'index.mjs', 'index.mts']
    .map((name) => join(folder, name))
    .find(existsSync);
}

/** `main: "src/index"` names `src/index.js` or `src/index.ts`, as `require` would find them. */
function withExtension(path: string): string {
  if (existsSync(path) && !statSync(path).isDirectory()) return path;
  if (existsSync(path)) return folderEntry(path) ?? path;
  return ['.js', '.ts', '.mjs', '.mts', '.cjs', '.cts'].map((ext) => path + ext).find(existsSync) ?? path;
}

function parseYamlObject(text: string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = loadYaml().parse(text, { maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, message: `invalid YAML: ${(error as Error).message.split('\n')[0]}` };
  }
  return isRecord(value) ? { ok: true, value } : { ok: false, message: 'the file is not a YAML mapping' };
}
