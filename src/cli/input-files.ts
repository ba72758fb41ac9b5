/**
 * Turns the paths a user names into files to check: a directory stands for every policy-like file
 * under it (JSON, YAML, CloudFormation templates), so `iam-gate check policies/` works as expected.
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const CHECKABLE = /\.(json|ya?ml|template)$/i;
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'cdk.out', '.terraform']);

export interface InputFile {
  path: string;
  /** Found by walking a directory rather than named by the user. */
  fromDirectory: boolean;
}

export interface ExpandedInputs {
  files: InputFile[];
  /** One message per path that cannot be read, so a typo in one path does not hide another. */
  errors: string[];
}

export async function expandInputs(paths: readonly string[]): Promise<ExpandedInputs> {
  const files: InputFile[] = [];
  const errors: string[] = [];
  for (const path of paths) {
    let info: Stats;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      errors.push(
        `cannot read ${path}: ${code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or directory' : (code ?? String(error))}`,
      );
      continue;
    }
    if (info.isDirectory()) {
      files.push(...(await walk(path, errors)).map((file) => ({ path: file, fromDirectory: true })));
    } else {
      files.push({ path, fromDirectory: false });
    }
  }
  return { files, errors };
}

async function walk(directory: string, errors: string[]): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    errors.push(`cannot read ${directory}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return [];
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) files.push(...(await walk(path, errors)));
    } else if (CHECKABLE.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}
