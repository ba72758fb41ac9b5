/**
 * Finds and reads `.github/iam-gate.yml` for the CLI: the only config code that touches the file
 * system. Parsing (yaml and zod, ~150 ms of imports) is loaded only when there is a file to parse.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultConfig } from './defaults.js';
import type { ParseConfigResult } from './parse-config.js';

export type { ParseConfigResult } from './parse-config.js';

/** Where `loadConfig` looks when no `--config` is given, relative to `cwd`, in this order. */
export const CONFIG_FILE_NAMES = ['.github/iam-gate.yml', '.github/iam-gate.yaml'] as const;

async function parseConfig(
  text: string,
  fileName: string,
  knownRuleIds: readonly string[],
): Promise<ParseConfigResult> {
  const parser = await import('./parse-config.js');
  return parser.parseConfig(text, fileName, knownRuleIds);
}

export interface LoadConfigOptions {
  /** The repository root: `.github/iam-gate.yml` is looked up here, and `configPath` resolved from here. */
  cwd: string;
  /** An explicit `--config` file; unlike the default location, it must exist. */
  configPath?: string;
  knownRuleIds: readonly string[];
}

/** `path` is the absolute path of the file read; absent when no file was found and the defaults apply. */
export type LoadConfigResult = ParseConfigResult & { path?: string };

type ReadResult = { text: string } | { missing: true } | { error: string };

async function readConfigFile(path: string): Promise<ReadResult> {
  try {
    return { text: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: `.github` is a file, so there is no config inside it either.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
    if (code === 'EISDIR') return { error: 'is a directory, not a config file' };
    return { error: `cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export async function loadConfig(options: LoadConfigOptions): Promise<LoadConfigResult> {
  const { cwd, configPath, knownRuleIds } = options;

  if (configPath !== undefined) {
    const path = resolve(cwd, configPath);
    const read = await readConfigFile(path);
    if ('missing' in read) return { ok: false, errors: [`${configPath}: config file not found`], path };
    if ('error' in read) return { ok: false, errors: [`${configPath}: ${read.error}`], path };
    return { ...(await parseConfig(read.text, configPath, knownRuleIds)), path };
  }

  const found: { name: string; path: string; read: { text: string } | { error: string } }[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(cwd, name);
    const read = await readConfigFile(path);
    if (!('missing' in read)) found.push({ name, path, read });
  }
  const [first, second] = found;
  if (first === undefined) return { ok: true, config: structuredClone(defaultConfig) };
  // Reading one and ignoring the other would leave edits to the ignored file silently without effect.
  if (second !== undefined) {
    return {
      ok: false,
      errors: [`${first.name} and ${second.name} both exist; keep one of them`],
      path: first.path,
    };
  }
  if ('error' in first.read)
    return { ok: false, errors: [`${first.name}: ${first.read.error}`], path: first.path };
  return { ...(await parseConfig(first.read.text, first.name, knownRuleIds)), path: first.path };
}
