/**
 * Turns the example into a git repository with one pull request's worth of history: a first commit
 * with `base/` (a Pulumi TypeScript stack and a CDKTF stack), then a commit that lays `head/` over
 * it (the change a reviewer must catch: a policy widened to `s3:*`, a trust policy loosened).
 * Used by `npm run demo`, the review tests and the review benchmark.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const EXAMPLE = import.meta.dirname;

export interface DemoRepo {
  dir: string;
  base: string;
  head: string;
}

/** Creates the repository in `dir` (which must not exist or be empty) and returns its two commits. */
export function createDemoRepo(dir: string): DemoRepo {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'iam-gate demo',
        GIT_AUTHOR_EMAIL: 'demo@example.com',
        GIT_COMMITTER_NAME: 'iam-gate demo',
        GIT_COMMITTER_EMAIL: 'demo@example.com',
      },
    }).trim();
  git('init', '--quiet', '--initial-branch=main');
  cpSync(join(EXAMPLE, 'base'), dir, { recursive: true });
  git('add', '--all');
  git('commit', '--quiet', '--message', 'Reports service: Pulumi and CDKTF stacks');
  const base = git('rev-parse', 'HEAD');
  git('checkout', '--quiet', '-b', 'widen-access');
  cpSync(join(EXAMPLE, 'head'), dir, { recursive: true });
  git('add', '--all');
  git('commit', '--quiet', '--message', 'Let the app manage the whole bucket; deploy from any repo');
  const head = git('rev-parse', 'HEAD');
  return { dir, base, head };
}
