/**
 * The line of the very element a finding is about (`"Resource": "*"` on line 7), rather than the
 * line of the policy or of the resource that holds it: what a code-scanning alert and a terminal
 * link should point at.
 *
 * A finding's path is a path inside the policy as extracted, and extraction may have rewritten the
 * policy (a branch of `Fn::If` chosen, an `AWS::NoValue` entry dropped, a Terraform
 * `aws_iam_policy_document` turned into a document, a policy kept as JSON text). So the path is
 * followed through the file only as far as the written value has the same shape as the extracted
 * one: the same keys, arrays of the same length. Past the first difference the line would be a
 * guess (an index shifted by a dropped entry names another statement), so the deepest line that
 * still matches is given instead, at worst the policy's own.
 */
import { childPath } from '../policy/json-path.js';
import { type InputDocument, type PathSegment, valueAt } from './input-document.js';
import type { PolicySource } from './types.js';

/**
 * 1-based line of the element at `path` (a JSON path inside the policy, `Statement[0].Action[1]`)
 * of a source extracted from `input`; undefined when the source does not say where in the file its
 * policy sits.
 */
export function elementLine(input: InputDocument, source: PolicySource, path: string): number | undefined {
  if (source.filePath === undefined) return undefined;
  const at = parsePathText(source.filePath);
  const inside = parsePathText(path);
  if (at === undefined || inside === undefined) return undefined;
  return lineAt(input, source, at, inside);
}

/** `elementLine` with both paths already in segments: `at` the policy's in the file, `inside` the element's. */
function lineAt(
  input: InputDocument,
  source: PolicySource,
  at: readonly PathSegment[],
  inside: readonly PathSegment[],
): number | undefined {
  let written = valueAt(input.value, at);
  let extracted = source.document;
  let depth = 0;
  for (const segment of inside) {
    if (!sameContainer(written, extracted, segment)) break;
    written = child(written, segment);
    extracted = child(extracted, segment);
    depth++;
  }
  return input.lineOf([...at, ...inside.slice(0, depth)]);
}

/**
 * `elementLine` of every element of the source's policy that sits on a line of its own (not the
 * policy's), by its JSON path inside the policy: for results that are stored and read back (a
 * review's synthesis cache) and so cannot keep the parsed file to ask later. Undefined when no
 * element has a line of its own.
 */
export function elementLines(input: InputDocument, source: PolicySource): Record<string, number> | undefined {
  if (source.filePath === undefined || typeof source.document !== 'object' || source.document === null) {
    return undefined;
  }
  const at = parsePathText(source.filePath);
  if (at === undefined) return undefined;
  // No prototype: a policy key such as `__proto__` is a path like any other.
  const lines: Record<string, number> = Object.create(null) as Record<string, number>;
  let found = false;
  // A work list rather than recursion, and a depth bound: a policy from a pull request may nest
  // arbitrarily deep, while findings point no deeper than a condition value.
  // Each entry carries its path both as text (the key findings use) and as segments.
  const pending: [value: unknown, path: string, segments: PathSegment[]][] = [[source.document, '', []]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path, segments] = next;
    const line = lineAt(input, source, at, segments);
    if (line !== undefined && line !== source.location?.line) {
      lines[path] = line;
      found = true;
    }
    if (segments.length === MAX_ELEMENT_DEPTH) continue;
    if (Array.isArray(value))
      value.forEach((item, index) => pending.push([item, childPath(path, index), [...segments, index]]));
    else if (isObject(value))
      for (const [key, item] of Object.entries(value))
        pending.push([item, childPath(path, key), [...segments, key]]);
  }
  return found ? lines : undefined;
}

/** `Statement[0].Condition.StringLike["aws:SourceArn"][1]` is six levels down; findings go no deeper. */
const MAX_ELEMENT_DEPTH = 6;

/** Whether both values hold `segment` the same way: an object with that key, or arrays of one length. */
function sameContainer(written: unknown, extracted: unknown, segment: PathSegment): boolean {
  if (typeof segment === 'number') {
    return (
      Array.isArray(written) &&
      Array.isArray(extracted) &&
      written.length === extracted.length &&
      segment < written.length &&
      // An `Fn::If` that kept both branches and an `AWS::NoValue` that dropped its entry can leave
      // a list its length while shifting what stands at each index.
      !written.some(isListIntrinsic)
    );
  }
  return (
    isObject(written) &&
    isObject(extracted) &&
    Object.hasOwn(written, segment) &&
    Object.hasOwn(extracted, segment)
  );
}

/** A list entry that extraction may replace by several entries or by none. */
function isListIntrinsic(entry: unknown): boolean {
  return isObject(entry) && (Object.hasOwn(entry, 'Fn::If') || entry.Ref === 'AWS::NoValue');
}

function child(value: unknown, segment: PathSegment): unknown {
  return (value as Record<string | number, unknown>)[segment];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The segments of a path written by `childPath` (`Resources.App.Policies[0]["odd key"]`); undefined
 * for text that is not such a path.
 */
export function parsePathText(text: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  let at = 0;
  while (at < text.length) {
    if (text[at] === '[') {
      const close = text.indexOf(']', at);
      if (close < 0) return undefined;
      if (text[at + 1] === '"') {
        // A quoted key: JSON string syntax, so scan to the closing quote that is not escaped.
        let end = at + 2;
        while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
        if (text[end + 1] !== ']') return undefined;
        try {
          segments.push(JSON.parse(text.slice(at + 1, end + 1)) as string);
        } catch {
          return undefined;
        }
        at = end + 2;
      } else {
        const digits = text.slice(at + 1, close);
        if (!/^\d+$/.test(digits)) return undefined;
        segments.push(Number(digits));
        at = close + 1;
      }
    } else {
      if (text[at] === '.') {
        if (segments.length === 0) return undefined;
        at++;
      }
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at));
      if (!match) return undefined;
      segments.push(match[0]);
      at += match[0].length;
    }
  }
  return segments;
}
