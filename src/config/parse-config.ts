/**
 * Parses and validates the text of `.github/iam-gate.yml` (the GitHub App fetches it through the
 * API; the CLI reads it through `load-config.ts`).
 */
import type { Document } from 'yaml';
import { loadYaml } from '../util/lazy-yaml.js';
import { formatConfigProblem, validateConfig, type IamGateConfig } from './schema.js';

export type ParseConfigResult =
  | {
      ok: true;
      config: IamGateConfig;
      /** 1-based line of each `expect` entry, so a failed expectation can point at the config. */
      expectLines?: (number | undefined)[];
    }
  | { ok: false; errors: string[] };

function rangeStart(node: unknown): number | undefined {
  return loadYaml().isNode(node) ? node.range?.[0] : undefined;
}

/**
 * The offset a problem at `path` should point at: a map entry's key (its line names the setting,
 * even when the value is empty or spans lines below), a list item, or, when the path leaves the
 * document (a required key that is missing), the closest enclosing node.
 */
function locate(doc: Document, path: readonly (string | number)[]): number | undefined {
  const { isMap, isScalar, isSeq } = loadYaml();
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
  const { LineCounter, parseDocument } = loadYaml();
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
  if (result.ok) {
    if (result.config.expect.length === 0) return result;
    const expectLines = result.config.expect.map((_, index) => {
      const offset = locate(doc, ['expect', index]);
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    });
    return { ...result, expectLines };
  }
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
