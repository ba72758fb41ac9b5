/**
 * An input file parsed once, as JSON or YAML, with a way back from a path inside the value to the
 * line it was written on, so that findings point at the template line a reviewer can click.
 */
import { type Node as JsonNode, parseTree } from 'jsonc-parser';
import type { Document, LineCounter } from 'yaml';
import { loadYaml } from '../util/lazy-yaml.js';
import { childPath } from '../policy/json-path.js';
import { parseJsonText } from '../policy/json-text.js';
import { CLOUDFORMATION_YAML_TAGS } from './intrinsics.js';

export type PathSegment = string | number;

export interface InputDocument {
  format: 'json' | 'yaml';
  value: unknown;
  /**
   * 1-based line of the element at `path` (of its key, for an object member). When the path does
   * not exist as written (an index shifted by `Fn::If`), the line of the deepest part that does.
   */
  lineOf(path: readonly PathSegment[]): number | undefined;
}

export type ParsedInput = { ok: true; input: InputDocument } | { ok: false; message: string };

/**
 * JSON when the text looks like JSON, YAML otherwise (CloudFormation's other syntax). A file that
 * starts like JSON but is not valid JSON is reported as broken JSON, since that is what its author
 * wrote, unless YAML (a superset) reads it and the file is not named `.json`.
 */
export function parseInputText(text: string, fileName: string): ParsedInput {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return { ok: false, message: 'the file is empty' };
  const looksLikeJson = /^\s*[{[]/.test(body);
  if (looksLikeJson) {
    const json = parseJsonText(body);
    if (json.ok) return { ok: true, input: jsonInput(body, json.value) };
    if (/\.json$/i.test(fileName)) return { ok: false, message: json.message };
    const yaml = parseYaml(body);
    return yaml.ok ? yaml : { ok: false, message: json.message };
  }
  return parseYaml(body);
}

function jsonInput(text: string, value: unknown): InputDocument {
  let tree: JsonNode | null | undefined;
  let lines: LineCounter | undefined;
  return {
    format: 'json',
    value,
    lineOf(path) {
      // A bare policy file is the policy: no need to parse the text a second time for its line.
      if (path.length === 0) return 1;
      // Built on first use: most inputs are asked for a handful of lines, some for none.
      // Undefined until tried; null once the parser could not (and is not run again).
      if (tree === undefined) tree = locatingParse(text);
      if (tree === null) return undefined;
      lines ??= countLines(text);
      const offset = jsonOffset(tree, path);
      return lines.linePos(offset).line;
    },
  };
}

/**
 * The text parsed again, keeping offsets; null when that parser cannot: it recurses, and a file
 * nested tens of thousands of levels deep (which `JSON.parse` reads) exhausts the stack. Lines are
 * a courtesy, so such a file simply has none.
 */
function locatingParse(text: string): JsonNode | null {
  try {
    return parseTree(text) ?? null;
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

function jsonOffset(root: JsonNode, path: readonly PathSegment[]): number {
  let node = root;
  let offset = root.offset;
  for (const segment of path) {
    let next: JsonNode | undefined;
    let at: number | undefined;
    if (typeof segment === 'number' && node.type === 'array') {
      next = node.children?.[segment];
      at = next?.offset;
    } else if (typeof segment === 'string' && node.type === 'object') {
      const property = propertiesOf(node).get(segment);
      next = property?.children?.[1];
      at = property?.offset;
    }
    if (!next || at === undefined) break;
    node = next;
    offset = at;
  }
  return offset;
}

/**
 * An object node's properties by name, built once per node: a search per lookup made locating every
 * element of a policy with thousands of keys quadratic (a review does that for each template stack).
 */
const jsonProperties = new WeakMap<JsonNode, Map<unknown, JsonNode>>();

function propertiesOf(node: JsonNode): Map<unknown, JsonNode> {
  let properties = jsonProperties.get(node);
  if (properties === undefined) {
    properties = new Map();
    // The last property of a name wins, as in JSON.parse.
    for (const property of node.children ?? []) properties.set(property.children?.[0]?.value, property);
    jsonProperties.set(node, properties);
  }
  return properties;
}

function countLines(text: string): LineCounter {
  const counter = new (loadYaml().LineCounter)();
  counter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
  return counter;
}

function parseYaml(text: string): ParsedInput {
  const { LineCounter, parseDocument } = loadYaml();
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { customTags: CLOUDFORMATION_YAML_TAGS, lineCounter, prettyErrors: false });
  } catch (error) {
    return { ok: false, message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}` };
  }
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    return { ok: false, message: `invalid YAML at line ${line}, column ${col}: ${firstLine(first.message)}` };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Alias bombs and similar: the message is the useful part, never the stack.
    return { ok: false, message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}` };
  }
  return {
    ok: true,
    input: {
      format: 'yaml',
      value,
      lineOf(path) {
        const offset = yamlOffset(doc, path);
        return offset === undefined ? undefined : lineCounter.linePos(offset).line;
      },
    },
  };
}

function yamlOffset(doc: Document.Parsed, path: readonly PathSegment[]): number | undefined {
  const { isMap, isScalar, isSeq } = loadYaml();
  let node: unknown = doc.contents;
  let offset = doc.contents?.range[0];
  for (const segment of path) {
    let next: unknown;
    let at: number | undefined;
    if (typeof segment === 'number' && isSeq(node)) {
      next = node.items[segment];
      at = rangeStart(next);
    } else if (typeof segment === 'string' && isMap(node)) {
      let pairs = yamlPairs.get(node);
      if (pairs === undefined) {
        pairs = new Map();
        // The first pair of a key, as before (YAML rejects a repeated key anyway).
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
          if (key !== undefined && !pairs.has(key)) pairs.set(key, pair);
        }
        yamlPairs.set(node, pairs);
      }
      const pair = pairs.get(segment);
      next = pair?.value;
      at = rangeStart(pair?.key);
    }
    if (next === undefined || at === undefined) break;
    node = next;
    offset = at;
  }
  return offset;
}

/** A map node's pairs by key, built once per node (see `propertiesOf`). */
const yamlPairs = new WeakMap<object, Map<string, { key: unknown; value: unknown }>>();

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** `Resources.AppRole.Properties.Policies[0].PolicyDocument` from its segments. */
export function pathText(path: readonly PathSegment[]): string {
  return path.reduce<string>((parent, segment) => childPath(parent, segment), '');
}

/** The value at `path` inside `root`, or undefined when the path does not exist. */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof segment === 'number') node = Array.isArray(node) ? (node[segment] as unknown) : undefined;
    else
      node =
        typeof node === 'object' && node !== null && !Array.isArray(node)
          ? (node as Record<string, unknown>)[segment]
          : undefined;
  }
  return node;
}

/** A path relative to `prefix` made absolute: `Policies` + `[0].PolicyDocument`, `Action` + `` -> `Action`. */
export function joinPath(prefix: string, relative: string): string {
  if (relative === '') return prefix;
  if (prefix === '' || relative.startsWith('[')) return prefix + relative;
  return `${prefix}.${relative}`;
}
