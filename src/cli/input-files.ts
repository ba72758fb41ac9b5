/**
 * Turns the paths a user names into files to check: a directory stands for every policy-like file
 * under it (JSON, YAML, CloudFormation templates), so `iam-gate check policies/` works as expected.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const CHECKABLE = /\.(json|ya?ml|template)$/i;
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'cdk.out', '.terraform']);

export class InputError extends Error {}

export async function expandInputs(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => {
      throw new InputError(`cannot read ${path}: no such file or directory`);
    });
    if (info.isDirectory()) files.push(...(await walk(path)));
    else files.push(path);
  }
  return files;
}

async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) files.push(...(await walk(path)));
    } else if (CHECKABLE.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}
