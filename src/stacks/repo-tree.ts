/**
 * The files of one revision of a repository, as stack discovery and the import scan read them.
 * Discovery and the scan only ever see this interface, so a working copy (`directoryTree`), a git
 * revision (`gitRevisionTree` in git-tree.ts) and a test's folder all feed the same pure code.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareText } from '../util/compare-text.js';
import { childPath, ROOT } from './repo-path.js';

export interface RepoTree {
  /** Every file, relative to the root with `/` separators, in code-point order. */
  readonly files: readonly string[];
  /** A file's text (UTF-8, without a byte-order mark), or undefined when the path is not a file here. */
  readText(path: string): Promise<string | undefined>;
}

/**
 * Never listed from a working copy: installed packages and build output hold tens of thousands of
 * files and no stack of the repository's own.
 */
const UNLISTED_DIRECTORIES = new Set(['node_modules', '.git', 'cdk.out', 'cdktf.out', '.terraform']);

/** The files under `root` on disk, except installed packages, build output and symbolic links. */
export async function directoryTree(root: string): Promise<RepoTree> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries: Dirent[] = await readdir(dir === ROOT ? root : join(root, dir), { withFileTypes: true });
    for (const entry of entries) {
      const path = childPath(dir, entry.name);
      if (entry.isDirectory()) {
        if (!UNLISTED_DIRECTORIES.has(entry.name)) await walk(path);
      } else if (entry.isFile()) {
        files.push(path);
      }
    }
  };
  await walk(ROOT);
  files.sort(compareText);
  const listed = new Set(files);
  return {
    files,
    async readText(path) {
      if (!listed.has(path)) return undefined;
      return withoutBom(await readFile(join(root, path), 'utf8'));
    },
  };
}

export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
