/**
 * The git questions a review asks of a local repository: which commits base and head are, which
 * files changed, what a revision's files are, and a revision's files on disk to synthesize. Plain
 * `git` through execFile (no shell): refs come from users and pull requests.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A git failure with the command and git's own words, for the review's error output. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    /** What to tell the user instead of git's own words, when there is something plainer to say. */
    plainly?: string,
  ) {
    super(plainly ?? `git ${args.join(' ')}: ${stderr.trim() || 'failed'}`);
    this.name = 'GitError';
  }
}

export async function git(repo: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('git', [...args], {
      cwd: repo,
      maxBuffer: 256 * 2 ** 20,
      // A review never prompts: no pager, no credential helper, no editor.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
    throw new GitError(args, stderr);
  }
}

/** The full commit id a ref names, or a GitError saying the ref is unknown. */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  if (ref.startsWith('-')) throw new GitError(['rev-parse', ref], `not a revision: ${ref}`);
  return (await git(repo, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).trim();
}

/** The work tree's top folder and the commit `ref` names, from one git process. */
export async function locateRepository(dir: string, ref: string): Promise<{ root: string; commit: string }> {
  if (ref.startsWith('-')) throw new GitError(['rev-parse', ref], `not a revision: ${ref}`);
  const args = ['rev-parse', '--show-toplevel', '--verify', '--end-of-options', `${ref}^{commit}`];
  let out: string;
  try {
    out = await git(dir, args);
  } catch (error) {
    const stderr = error instanceof GitError ? error.stderr : '';
    if (/not a git repository/i.test(stderr))
      throw new GitError(args, stderr, `${dir} is not inside a git repository`);
    if (/Needed a single revision|unknown revision|ambiguous argument/i.test(stderr))
      throw new GitError(args, stderr, `${ref} is not a commit in the repository at ${dir}`);
    throw error;
  }
  const [root, commit] = out.split('\n');
  if (root === undefined || commit === undefined || commit === '')
    throw new GitError(['rev-parse', ref], `unexpected answer: ${out}`);
  return { root, commit };
}

/**
 * Whether the working copy holds exactly `commit`: HEAD is that commit, no tracked file differs
 * from it and no untracked file sits beside it (ignored files such as node_modules do not count).
 * `--no-optional-locks`: a review only reads; it must not take the index lock from the user's git.
 */
export async function workingCopyIs(repo: string, commit: string): Promise<boolean> {
  const out = await git(repo, [
    '--no-optional-locks',
    'status',
    '--porcelain=v2',
    '--branch',
    '--untracked-files=normal',
    '-z',
  ]);
  let checkedOut: string | undefined;
  for (const entry of out.split('\0')) {
    if (entry.startsWith('# branch.oid ')) checkedOut = entry.slice('# branch.oid '.length);
    else if (entry !== '' && !entry.startsWith('# ')) return false;
  }
  return checkedOut === commit;
}

/** The root tree of a commit: equal trees synthesize equally, which is what the cache keys on. */
export async function treeOf(repo: string, commit: string): Promise<string> {
  return (await git(repo, ['rev-parse', '--verify', `${commit}^{tree}`])).trim();
}

/**
 * The base to review against when none is given: where HEAD forked from the default branch
 * (`origin/HEAD`, else `main`, else `master`), as a pull request would be compared.
 */
export async function defaultBase(
  repo: string,
  head: string,
): Promise<{ commit: string; ref: string } | undefined> {
  for (const candidate of ['origin/HEAD', 'origin/main', 'main', 'origin/master', 'master']) {
    let commit: string;
    try {
      commit = await resolveCommit(repo, candidate);
    } catch {
      continue;
    }
    const mergeBase = (await git(repo, ['merge-base', commit, head]).catch(() => '')).trim();
    // On the default branch itself the fork point is head: compare with the commit before it.
    if (mergeBase !== '' && mergeBase !== head)
      return { commit: mergeBase, ref: `merge-base with ${candidate}` };
    if (mergeBase === head) {
      const parent = await resolveCommit(repo, `${head}~1`).catch(() => undefined);
      if (parent !== undefined) return { commit: parent, ref: `${candidate}~1` };
    }
  }
  return undefined;
}

/** Paths (relative, `/`-separated) that differ between two commits, renames as delete + add. */
export async function changedFiles(repo: string, base: string, head: string): Promise<string[]> {
  const out = await git(repo, ['diff', '--name-only', '--no-renames', '-z', base, head, '--']);
  return out.split('\0').filter((path) => path !== '');
}

/**
 * Writes a commit's files into `dir` (git archive piped into tar): no worktree bookkeeping in the
 * user's repository, nothing of its index or stash touched.
 */
export async function exportCommit(repo: string, commit: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await new Promise<void>((resolvePromise, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', commit], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tar = spawn('tar', ['-x', '-f', '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    archive.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const done = (code: number | null) => {
      if (code !== 0) failed = true;
      if (--pending > 0) return;
      if (failed) reject(new GitError(['archive', commit], stderr));
      else resolvePromise();
    };
    archive.on('error', reject);
    tar.on('error', reject);
    archive.on('close', done);
    tar.on('close', done);
  });
}
