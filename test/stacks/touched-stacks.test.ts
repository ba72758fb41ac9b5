import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Discovery, discoverStacks } from '../../src/stacks/discover-stacks.js';
import { directoryTree, type RepoTree } from '../../src/stacks/repo-tree.js';
import { touchedStacks } from '../../src/stacks/touched-stacks.js';
import { json, makeTempDir, MONOREPO, writeFiles } from './temp-repo.js';

const POLICY_GLOBS = ['policies/*.json'];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Repo {
  tree: RepoTree;
  discovery: Discovery;
}

async function repo(files: Readonly<Record<string, string | null>>): Promise<Repo> {
  const root = await makeTempDir('touched');
  dirs.push(root);
  await writeFiles(root, files);
  const tree = await directoryTree(root);
  return { tree, discovery: await discoverStacks(tree, { policyGlobs: POLICY_GLOBS }) };
}

/** `{ stack name: reasons }` for a change from `base` to `head`. */
async function touched(base: Repo, head: Repo, changed: string[]): Promise<Record<string, string[]>> {
  const result = await touchedStacks({ base: base.discovery, head: head.discovery }, changed, head.tree);
  expect(result.warnings).toEqual([]);
  return Object.fromEntries(result.stacks.map((entry) => [entry.stack.name, entry.reasons]));
}

describe('touchedStacks on a monorepo', () => {
  let monorepo: Repo;
  const change = (changed: string[]) => touched(monorepo, monorepo, changed);

  beforeAll(async () => {
    monorepo = await repo(MONOREPO);
  });

  it('reviews nothing when only documentation changed, even inside stack folders', async () => {
    expect(
      await change(['README.md', 'docs/guide.md', 'infra/app/README.md', 'packages/naming/README.md']),
    ).toEqual({});
  });

  it('reviews nothing for code no stack imports', async () => {
    expect(await change(['scripts/release.ts', 'lib/unused.ts'])).toEqual({});
  });

  it('reviews both stacks that import a changed shared file, directly or through an index', async () => {
    expect(await change(['lib/policies.ts'])).toEqual({
      app: ['imports lib/policies.ts (changed)'],
      'infra/network': ['imports lib/policies.ts (changed)'],
    });
  });

  it('follows a tsconfig paths alias', async () => {
    expect(await change(['lib/naming.ts'])).toEqual({ 'infra/cdk': ['imports lib/naming.ts (changed)'] });
  });

  it('reviews a stack that imports a workspace package by name when any of its files changes', async () => {
    expect(await change(['packages/naming/src/suffix.ts'])).toEqual({
      app: ['imports @acme/naming (packages/naming/src/suffix.ts changed)'],
    });
  });

  it('reviews every Node.js stack when the root lockfile or package.json changes', async () => {
    const expected = (file: string) => ({
      app: [`${file} changed`],
      canary: [`${file} changed`],
      'infra/cdk': [`${file} changed`],
      'infra/network': [`${file} changed`],
    });
    expect(await change(['package-lock.json'])).toEqual(expected('package-lock.json'));
    expect(await change(['package.json'])).toEqual(expected('package.json'));
  });

  it('reviews the stacks whose tsconfig extends a changed file', async () => {
    // canary has no tsconfig of its own: it compiles with the nearest one above, infra/app's.
    expect(await change(['tsconfig.base.json'])).toEqual({
      app: ['tsconfig.base.json changed'],
      canary: ['tsconfig.base.json changed'],
    });
  });

  it('gives a changed file in a nested project to the innermost project', async () => {
    expect(await change(['infra/app/canary/index.ts'])).toEqual({
      canary: ['changed: infra/app/canary/index.ts'],
    });
    expect(await change(['infra/app/index.ts', 'infra/app/Pulumi.prod.yaml'])).toEqual({
      app: ['changed: infra/app/Pulumi.prod.yaml', 'changed: infra/app/index.ts'],
    });
  });

  it('reviews a stack when a file its computed require() could load changes, within the literal prefix', async () => {
    expect(await change(['plugins/tagging.ts'])).toEqual({
      'infra/network': ['infra/network/main.ts:4 loads a computed module path (plugins/tagging.ts changed)'],
    });
  });

  it('reviews a listed policy file when it changes, and nothing for projects it cannot review', async () => {
    expect(await change(['policies/extra.json', 'infra/py/__main__.py', 'infra/broken/index.ts'])).toEqual({
      'policies/extra.json': ['changed: policies/extra.json'],
    });
  });

  it('gives one reason per changed file, in order: own files, imports, packages', async () => {
    const reasons = await change([
      'package-lock.json',
      'packages/naming/package.json',
      'lib/policies.ts',
      'infra/app/index.ts',
    ]);
    expect(reasons.app).toEqual([
      'changed: infra/app/index.ts',
      'imports lib/policies.ts (changed)',
      'imports @acme/naming (packages/naming/package.json changed)',
      'package-lock.json changed',
    ]);
  });
});

describe('touchedStacks when every stack changed on its own', () => {
  it('skips the import scan: each stack is reviewed for its own files, shared code adds nothing', async () => {
    const monorepo = await repo(MONOREPO);
    const stacks = monorepo.discovery.stacks;
    const own = (dir: string, kind: string, projectFile: string) =>
      kind === 'template' ? projectFile : `${dir === '.' ? '' : `${dir}/`}touched.ts`;
    const changed = [...stacks.map((s) => own(s.dir, s.kind, s.projectFile)), 'lib/policies.ts'];
    const reasons = await touched(monorepo, monorepo, changed);
    expect(reasons).toEqual(
      Object.fromEntries(stacks.map((s) => [s.name, [`changed: ${own(s.dir, s.kind, s.projectFile)}`]])),
    );
  });
});

describe('touchedStacks between revisions', () => {
  it('reviews a stack that exists only at head, and one that exists only at base', async () => {
    const base = await repo(MONOREPO);
    const head = await repo({
      ...MONOREPO,
      'infra/queue/Pulumi.yaml': 'name: queue\nruntime: nodejs\n',
      'infra/queue/index.ts': "import '../../lib/policies.js';\n",
      'infra/network/cdktf.json': null,
      'infra/network/main.ts': null,
    });
    const result = await touchedStacks(
      { base: base.discovery, head: head.discovery },
      [
        'infra/queue/Pulumi.yaml',
        'infra/queue/index.ts',
        'infra/network/cdktf.json',
        'infra/network/main.ts',
      ],
      head.tree,
    );
    expect(result.stacks.map((entry) => [entry.stack.name, entry.change, entry.reasons])).toEqual([
      ['infra/network', 'deleted', ['deleted (infra/network/cdktf.json removed)']],
      ['queue', 'added', ['new stack (infra/queue/Pulumi.yaml)']],
    ]);
  });

  it('keeps the stack as base describes it, for synthesizing base', async () => {
    const base = await repo(MONOREPO);
    const head = await repo({
      ...MONOREPO,
      'infra/cdk/cdk.json': json({ app: 'npx tsx bin/app.ts', context: {} }),
    });
    const result = await touchedStacks(
      { base: base.discovery, head: head.discovery },
      ['infra/cdk/cdk.json'],
      head.tree,
    );
    expect(result.stacks).toEqual([
      {
        stack: {
          kind: 'cdk',
          dir: 'infra/cdk',
          projectFile: 'infra/cdk/cdk.json',
          name: 'infra/cdk',
          app: 'npx tsx bin/app.ts',
        },
        base: {
          kind: 'cdk',
          dir: 'infra/cdk',
          projectFile: 'infra/cdk/cdk.json',
          name: 'infra/cdk',
          app: 'npx ts-node --prefer-ts-exts bin/app.ts',
        },
        change: 'modified',
        reasons: ['changed: infra/cdk/cdk.json'],
      },
    ]);
  });

  it('reviews a stack whose project file stops describing a reviewable stack', async () => {
    const base = await repo(MONOREPO);
    const head = await repo({
      ...MONOREPO,
      'infra/app/canary/Pulumi.yaml': 'name: canary\nruntime: python\n',
    });
    expect(await touched(base, head, ['infra/app/canary/Pulumi.yaml'])).toEqual({
      canary: ['no longer a reviewable stack at head (infra/app/canary/Pulumi.yaml)'],
    });
  });
});

describe('touchedStacks, module resolution', () => {
  const pulumi = (name: string) => `name: ${name}\nruntime: nodejs\n`;

  it('resolves require(), dynamic import(), import = require(), re-exports, index files and .js for .ts', async () => {
    const shared = {
      'shared/a.ts': 'export const a = 1;\n',
      'shared/b/index.ts': 'export const b = 1;\n',
      'shared/c.js': 'module.exports = {};\n',
      'shared/d.mts': 'export const d = 1;\n',
      'shared/e.ts': 'export const e = 1;\n',
      'shared/data.json': '{}\n',
    };
    const head = await repo({
      ...shared,
      'stack/Pulumi.yaml': pulumi('stack'),
      'stack/index.ts': [
        "const a = require('../shared/a');",
        "const b = import('../shared/b');",
        "import c = require('../shared/c.js');",
        "export { d } from '../shared/d.mjs';",
        "import type { e } from '../shared/e.js';",
        "import data from '../shared/data.json';",
        '',
      ].join('\n'),
    });
    const result = await touched(head, head, Object.keys(shared));
    expect(result).toEqual({
      stack: [
        'imports shared/a.ts (changed)',
        'imports shared/b/index.ts (changed)',
        'imports shared/c.js (changed)',
        'imports shared/d.mts (changed)',
        'imports shared/data.json (changed)',
        'imports shared/e.ts (changed)',
      ],
    });
  });

  it('reviews a stack whose import no longer resolves because the file it named was deleted', async () => {
    const head = await repo({
      'stack/Pulumi.yaml': pulumi('stack'),
      'stack/index.ts': "import { legacy } from '../lib/legacy.js';\n",
    });
    expect(await touched(head, head, ['lib/legacy.ts'])).toEqual({
      stack: ['stack/index.ts imports ../lib/legacy.js, which does not resolve (lib/legacy.ts changed)'],
    });
  });

  it('does not follow imports in comments or strings, nor requires that load nothing', async () => {
    const head = await repo({
      'lib/a.ts': '',
      'lib/b.ts': '',
      'lib/c.ts': '',
      'stack/Pulumi.yaml': pulumi('stack'),
      'stack/index.ts': [
        "// import '../lib/a';",
        'const text = "require(\'../lib/b\')";',
        "const path = require.resolve('../lib/c');",
        '',
      ].join('\n'),
    });
    expect(await touched(head, head, ['lib/a.ts', 'lib/b.ts', 'lib/c.ts'])).toEqual({});
  });

  it('reviews a stack with a computed require() without a literal start when any loadable file outside other stacks changes', async () => {
    const head = await repo({
      'tools/plugin.js': '',
      'tools/notes.txt': '',
      'other/Pulumi.yaml': pulumi('other'),
      'other/index.ts': '',
      'stack/Pulumi.yaml': pulumi('stack'),
      'stack/index.ts': 'const plugin = require(process.env.PLUGIN as string);\n',
    });
    expect(await touched(head, head, ['tools/plugin.js', 'tools/notes.txt', 'other/index.ts'])).toEqual({
      other: ['changed: other/index.ts'],
      stack: ['stack/index.ts:1 loads a computed module path (tools/plugin.js changed)'],
    });
  });

  it('follows pnpm workspaces and a workspace package that imports another', async () => {
    const head = await repo({
      'pnpm-workspace.yaml': "packages:\n  - 'packages/**'\n  - '!packages/**/test'\n",
      'pnpm-lock.yaml': 'lockfileVersion: 9.0\n',
      'packages/policies/package.json': json({ name: '@acme/policies' }),
      'packages/policies/index.ts': "export * from '@acme/tags';\n",
      'packages/tags/package.json': json({ name: '@acme/tags' }),
      'packages/tags/index.ts': 'export const tags = {};\n',
      'packages/tags/test/package.json': json({ name: '@acme/tags-test' }),
      'stack/Pulumi.yaml': pulumi('stack'),
      'stack/index.ts': "import { tags } from '@acme/policies';\n",
    });
    expect(await touched(head, head, ['packages/tags/index.ts', 'pnpm-lock.yaml'])).toEqual({
      stack: ['imports @acme/tags (packages/tags/index.ts changed)', 'pnpm-lock.yaml changed'],
    });
  });

  it('reviews a Python CDK app only for changes in its own folder', async () => {
    const head = await repo({
      'package-lock.json': '{}\n',
      'cdk-py/cdk.json': json({ app: 'python3 app.py' }),
      'cdk-py/app.py': 'import aws_cdk\n',
    });
    expect(await touched(head, head, ['package-lock.json'])).toEqual({});
    expect(await touched(head, head, ['cdk-py/app.py'])).toEqual({ 'cdk-py': ['changed: cdk-py/app.py'] });
  });
});
