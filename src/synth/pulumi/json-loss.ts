/**
 * `JSON.stringify` leaves out `undefined` members and turns `undefined` list items into `null`,
 * without a word. In a Pulumi program that is how a policy loses a `Resource` whose value the program
 * never got (a config key not set, a result of a function nobody called): the text looks complete.
 * The host watches every stringify and records what went missing, so such a policy is reported as
 * unresolved instead of being judged as written.
 */
import { childPath } from '../../policy/json-path.js';

/** Paths inside `value` whose value JSON cannot hold (`undefined`, functions, symbols). */
export function droppedPaths(value: unknown): string[] {
  const dropped: string[] = [];
  walk(value, '', dropped, new Set());
  return dropped;
}

function walk(value: unknown, path: string, dropped: string[], seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  // A value with its own JSON form (a Date, a Pulumi asset) is written as that form says.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return;
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => {
      if (unrepresentable(item)) dropped.push(childPath(path, i));
      else walk(item, childPath(path, i), dropped, seen);
    });
  } else {
    for (const [key, item] of Object.entries(value)) {
      if (unrepresentable(item)) dropped.push(childPath(path, key));
      else walk(item, childPath(path, key), dropped, seen);
    }
  }
  seen.delete(value);
}

function unrepresentable(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
