/**
 * Reads `.github/iam-gate.yml`. `parseConfig` works on text (the GitHub App fetches the file through
 * the API); `loadConfig` adds the file lookup for the CLI and is the only code here that touches
 * the file system.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { formatConfigProblem, iamGateConfigSchema, validateConfig, type IamGateConfig } from './schema.js';

export type ParseConfigResult = { ok: true; config: IamGateConfig } | { ok: false; errors: string[] };

/** Where `loadConfig` looks when no `--config` is given, relative to `cwd`, in this order. */
export const CONFIG_FILE_NAMES = ['.github/iam-gate.yml', '.github/iam-gate.yaml'] as const;

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

/**
 * The offset a problem at `path` should point at: a map entry's key (its line names the setting,
 * even when the value is empty or spans lines below), a list item, or, when the path leaves the
 * document (a required key that is missing), the closest enclosing node.
 */
function locate(doc: Document, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (pair === undefined) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

/**
 * Parses and validates a config file's text. Every problem is reported at once, in file order,
 * as `<fileName>:<line>:<column>: <path>: <message>`.
 */
export function parseConfig(
  text: string,
  fileName: string,
  knownRuleIds: readonly string[],
): ParseConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return fileName;
    const { line, col } = lineCounter.linePos(offset);
    return `${fileName}:${line}:${col}`;
  };

  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((error) => `${at(error.pos[0])}: ${error.message}`) };
  }

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // Alias bombs (`maxAliasCount`) surface here rather than as parse errors.
    return { ok: false, errors: [`${fileName}: ${error instanceof Error ? error.message : String(error)}`] };
  }

  const result = validateConfig(data, knownRuleIds);
  if (result.ok) return result;
  const located = result.problems.map((problem, index) => ({
    problem,
    index,
    offset: locate(doc, problem.path) ?? -1,
  }));
  located.sort((a, b) => a.offset - b.offset || a.index - b.index);
  return {
    ok: false,
    errors: located.map(
      ({ problem, offset }) => `${at(offset < 0 ? undefined : offset)}: ${formatConfigProblem(problem)}`,
    ),
  };
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
    return { ...parseConfig(read.text, configPath, knownRuleIds), path };
  }

  const found: { name: string; path: string; read: { text: string } | { error: string } }[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(cwd, name);
    const read = await readConfigFile(path);
    if (!('missing' in read)) found.push({ name, path, read });
  }
  const [first, second] = found;
  if (first === undefined) return { ok: true, config: iamGateConfigSchema.parse({}) };
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
  return { ...parseConfig(first.read.text, first.name, knownRuleIds), path: first.path };
}
