/**
 * `npm run demo`: iam-gate reviewing a pull request, for real. The bundled example (examples/review)
 * becomes a git repository with two commits: a Pulumi TypeScript stack and a CDKTF stack, then a
 * change that widens a policy (`s3:GetObject` on one prefix -> `s3:*` on the bucket), adds a
 * delete permission and loosens two trust policies. `iam-gate review` then synthesizes both stacks
 * at both commits (offline: Pulumi against mocks, CDKTF to Terraform JSON), lints, diffs, and
 * prints what a reviewer would see. It ends with a failing verdict, as the gate should.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDemoRepo } from './review/create-demo-repo.js';

const root = resolve(import.meta.dirname, '..');
// Inside the project, so the example's programs resolve @pulumi/pulumi and cdktf from its node_modules.
const dir = join(root, '.tmp-demo', 'reports-service');
rmSync(join(root, '.tmp-demo'), { recursive: true, force: true });
const repo = createDemoRepo(dir);

const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);
console.log(bold(`$ git log --oneline   # in ${dir}`));
console.log(spawnSync('git', ['log', '--oneline'], { cwd: dir, encoding: 'utf8' }).stdout);
console.log(bold('$ iam-gate review --base main --no-cache'));
const review = spawnSync(
  process.execPath,
  [join(root, 'dist/cli/main.js'), 'review', '--base', 'main', '--no-cache'],
  { cwd: repo.dir, stdio: 'inherit' },
);
console.log(
  review.status === 1
    ? '\niam-gate review exited 1: the change widens access and loosens trust, so the check fails, as it should.'
    : `\niam-gate review exited ${String(review.status)} (expected 1).`,
);
process.exitCode = review.status === 1 ? 0 : 1;
