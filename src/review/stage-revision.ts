/**
 * A revision on disk, ready to synthesize: the commit's files exported into a scratch folder, with
 * the repository's installed packages made visible to it. A review never installs anything for a
 * local run: the developer's `node_modules` is what their own `pulumi up` or `cdktf synth` would use.
 * (The GitHub App installs into its sandbox instead; see docs/review.md.)
 */
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ancestorDirs, ROOT } from '../stacks/repo-path.js';
import { exportCommit } from './git.js';

/**
 * Exports `commit` into `dir` and links every `node_modules` folder the stacks would resolve from
 * in the working copy: the stack folders' own and their ancestors' up to the repository root, and
 * the closest one above the repository (a repository nested in a bigger project).
 */
export async function stageRevision(
  repo: string,
  commit: string,
  dir: string,
  stackDirs: readonly string[],
): Promise<void> {
  await exportCommit(repo, commit, dir);
  const folders = new Set<string>([ROOT]);
  for (const stackDir of stackDirs)
    for (const folder of [stackDir, ...ancestorDirs(stackDir)]) folders.add(folder);
  for (const folder of folders) {
    const installed = join(repo, folder, 'node_modules');
    if (existsSync(installed)) await linkInto(installed, join(dir, folder, 'node_modules'));
  }
  if (!existsSync(join(repo, 'node_modules'))) {
    const above = closestAbove(repo);
    if (above !== undefined) await linkInto(above, join(dir, 'node_modules'));
  }
}

/** The `node_modules` Node.js would find walking up from the folder above `repo`. */
function closestAbove(repo: string): string | undefined {
  for (let folder = dirname(repo); ; folder = dirname(folder)) {
    const candidate = join(folder, 'node_modules');
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

async function linkInto(target: string, link: string): Promise<void> {
  // A committed node_modules (rare, but it happens) is the revision's own: keep it.
  if (existsSync(link)) return;
  await mkdir(dirname(link), { recursive: true });
  await symlink(target, link, 'dir');
}
