import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverStacks } from '../../src/stacks/discover-stacks.js';
import { gitRevisionTree, type GitRevisionTree } from '../../src/stacks/git-tree.js';
import { touchedStacks } from '../../src/stacks/touched-stacks.js';
import { git, makeTempDir, MONOREPO, writeFiles } from './temp-repo.js';

function commitAll(root: string, message: string): string {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', message);
  return git(root, 'rev-parse', 'HEAD').trim();
}

describe('touchedStacks on a real git repository, base vs head', () => {
  let root: string;
  let base: string;
  let head: string;
  const trees: GitRevisionTree[] = [];

  beforeAll(async () => {
    root = await makeTempDir('git-review');
    git(root, 'init', '-q');
    await writeFiles(root, {
      ...MONOREPO,
      'lib/legacy.ts': 'export const legacy = true;\n',
      'infra/app/canary/index.ts': "import { legacy } from '../../../lib/legacy.js';\nvoid legacy;\n",
      'infra/cdk/lib/extra.ts': 'export const extra = 1;\n',
    });
    base = commitAll(root, 'base');
    await writeFiles(root, {
      'lib/policies.ts': "export const readOnly = ['s3:*'];\n",
      'lib/legacy.ts': null,
      'infra/queue/Pulumi.yaml': 'name: queue\nruntime: nodejs\n',
      'infra/queue/index.ts': "import * as aws from '@pulumi/aws';\nnew aws.sqs.Queue('jobs');\n",
      // A move out of a stack's folder: the stack lost a file.
      'infra/cdk/lib/extra.ts': null,
      'scripts/extra.ts': 'export const extra = 1;\n',
      'docs/guide.md': '# how we deploy, revised\n',
    });
    head = commitAll(root, 'head');
  });

  afterAll(async () => {
    for (const tree of trees) tree.close();
    await rm(root, { recursive: true, force: true });
  });

  it('reviews the stacks the commit range touches, reading both revisions from git', async () => {
    // --no-renames: with rename detection a moved file is listed by its new path only, and the
    // stack it left would not be reviewed.
    const changed = git(root, 'diff', '--name-only', '-z', '--no-renames', base, head)
      .split('\0')
      .filter(Boolean);
    expect(changed.sort()).toEqual([
      'docs/guide.md',
      'infra/cdk/lib/extra.ts',
      'infra/queue/Pulumi.yaml',
      'infra/queue/index.ts',
      'lib/legacy.ts',
      'lib/policies.ts',
      'scripts/extra.ts',
    ]);
    const baseTree = await gitRevisionTree(root, base);
    const headTree = await gitRevisionTree(root, head);
    trees.push(baseTree, headTree);
    const result = await touchedStacks(
      { base: await discoverStacks(baseTree), head: await discoverStacks(headTree) },
      changed,
      headTree,
    );
    expect(result.warnings).toEqual([]);
    expect(result.stacks.map((entry) => [entry.stack.name, entry.change, entry.reasons])).toEqual([
      ['app', 'modified', ['imports lib/policies.ts (changed)']],
      [
        'canary',
        'modified',
        [
          'infra/app/canary/index.ts imports ../../../lib/legacy.js, which does not resolve (lib/legacy.ts changed)',
        ],
      ],
      ['infra/cdk', 'modified', ['changed: infra/cdk/lib/extra.ts']],
      ['infra/network', 'modified', ['imports lib/policies.ts (changed)']],
      ['queue', 'added', ['new stack (infra/queue/Pulumi.yaml)']],
    ]);
  });

  it('reads each revision as committed, whatever the working copy holds', async () => {
    await writeFiles(root, { 'lib/policies.ts': '// uncommitted edit\n' });
    const baseTree = await gitRevisionTree(root, base);
    const headTree = await gitRevisionTree(root, 'HEAD');
    trees.push(baseTree, headTree);
    expect(headTree.commit).toBe(head);
    expect(baseTree.files).toContain('lib/legacy.ts');
    expect(headTree.files).not.toContain('lib/legacy.ts');
    const [baseText, headText, missing] = await Promise.all([
      baseTree.readText('lib/policies.ts'),
      headTree.readText('lib/policies.ts'),
      headTree.readText('lib/legacy.ts'),
    ]);
    expect(baseText).toBe(MONOREPO['lib/policies.ts']);
    expect(headText).toBe("export const readOnly = ['s3:*'];\n");
    expect(missing).toBeUndefined();
  });

  it('fails clearly for a revision that does not exist', async () => {
    await expect(gitRevisionTree(root, 'no-such-branch')).rejects.toThrow(/no-such-branch/);
    // A full id is taken as resolved (no rev-parse); one naming nothing still fails clearly.
    const unknown = 'f'.repeat(40);
    await expect(gitRevisionTree(root, unknown)).rejects.toThrow(new RegExp(`${unknown} is not a commit`));
  });

  it('names the root tree of the commit, the key of the synthesis cache', async () => {
    const byId = await gitRevisionTree(root, head);
    const byRef = await gitRevisionTree(root, 'HEAD');
    trees.push(byId, byRef);
    expect(byId.commit).toBe(head);
    expect(await byId.rootTree()).toBe(git(root, 'rev-parse', `${head}^{tree}`));
    expect(await byRef.rootTree()).toBe(await byId.rootTree());
  });
});
