/** The two halves of an action pattern as written, for rules that judge where its wildcards are. */
import type { Entries } from '../../policy/types.js';

export interface ActionPattern {
  /** The service prefix as written (`s3`, `S3`, `*`); `*` for the bare `*`. */
  service: string;
  /** The action name as written (`GetObject`, `Get*`); `*` for the bare `*`. */
  name: string;
}

/** Splits at the first `:`; the parser has already rejected anything but `*` and `service:name`. */
export function splitActionPattern(pattern: string): ActionPattern {
  const colon = pattern.indexOf(':');
  if (colon < 0) return { service: pattern, name: pattern };
  return { service: pattern.slice(0, colon), name: pattern.slice(colon + 1) };
}

const ONLY_STARS = /^\*+$/;

/** `*`, `*:*`, `s3:*`, `s3*:*`: every action of one or more whole services, including future ones. */
export function isWholeServiceWildcard(pattern: string): boolean {
  return ONLY_STARS.test(splitActionPattern(pattern).name);
}

/** Each value of an element with its own JSON path. */
export function eachEntry(entries: Entries | undefined): { value: string; path: string }[] {
  if (!entries) return [];
  return entries.values.map((value, i) => ({ value, path: entries.paths[i] ?? entries.path }));
}
