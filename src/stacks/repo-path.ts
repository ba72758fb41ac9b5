/**
 * Paths inside a repository: relative to its root, `/`-separated, `.` for the root itself. Pure
 * string work, so that a stack found at base and at head compares equal whatever the platform.
 */
import { posix } from 'node:path';

export const ROOT = '.';

/** The folder holding a path: `infra/app/index.ts` -> `infra/app`, `package.json` -> `.`. */
export function parentDir(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? ROOT : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * `relative` taken from `dir`, normalized; undefined when it leaves the repository (`../../x` from
 * `a`) or is absolute, since nothing outside the tree can be read at a revision.
 */
export function joinPath(dir: string, relative: string): string | undefined {
  if (relative.startsWith('/')) return undefined;
  const joined = posix.normalize(dir === ROOT ? relative : `${dir}/${relative}`);
  const trimmed = joined.endsWith('/') ? joined.slice(0, -1) : joined;
  if (trimmed === '..' || trimmed.startsWith('../')) return undefined;
  return trimmed === '' ? ROOT : trimmed;
}

/** Whether `path` is `dir` or lies under it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === ROOT || path === dir || path.startsWith(`${dir}/`);
}

/** The folders above `dir`, nearest first, ending with the root; empty for the root itself. */
export function ancestorDirs(dir: string): string[] {
  const dirs: string[] = [];
  let current = dir;
  while (current !== ROOT) {
    current = parentDir(current);
    dirs.push(current);
  }
  return dirs;
}

/** `dir/name`, or `name` at the root. */
export function childPath(dir: string, name: string): string {
  return dir === ROOT ? name : `${dir}/${name}`;
}

/** A path as git and the OS may spell it (`./a\\b`) in repository form (`a/b`). */
export function toRepoPath(path: string): string {
  const slashed = path.replaceAll('\\', '/').replace(/^(\.\/)+/, '');
  return slashed === '' ? ROOT : slashed.replace(/\/+$/, '');
}
