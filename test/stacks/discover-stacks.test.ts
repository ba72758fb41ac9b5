import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverStacks } from '../../src/stacks/discover-stacks.js';
import { directoryTree } from '../../src/stacks/repo-tree.js';
import { json, makeTempDir, MONOREPO, writeFiles } from './temp-repo.js';

const dirs: string[] = [];

async function repoWith(files: Record<string, string>): Promise<string> {
  const dir = await makeTempDir('discover');
  dirs.push(dir);
  await writeFiles(dir, files);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('discoverStacks on a monorepo', () => {
  let root: string;
  beforeAll(async () => {
    root = await repoWith({
      ...MONOREPO,
      // Never looked into: installed packages, build output, dot-folders.
      'node_modules/some-lib/cdk.json': json({ app: 'node x.js' }),
      'infra/cdk/cdk.out/cdk.json': json({ app: 'node x.js' }),
      '.github/stacks/Pulumi.yaml': 'name: hidden\nruntime: nodejs\n',
    });
  });

  it('finds the Pulumi, CDKTF and CDK stacks and the listed policy file, named uniquely', async () => {
    const { stacks } = await discoverStacks(await directoryTree(root), { policyGlobs: ['policies/*.json'] });
    expect(stacks).toEqual([
      {
        kind: 'pulumi',
        dir: 'infra/app',
        projectFile: 'infra/app/Pulumi.yaml',
        name: 'app',
        pulumiStack: 'dev',
      },
      {
        kind: 'pulumi',
        dir: 'infra/app/canary',
        projectFile: 'infra/app/canary/Pulumi.yaml',
        name: 'canary',
      },
      {
        kind: 'cdk',
        dir: 'infra/cdk',
        projectFile: 'infra/cdk/cdk.json',
        name: 'infra/cdk',
        app: 'npx ts-node --prefer-ts-exts bin/app.ts',
      },
      {
        kind: 'cdktf',
        dir: 'infra/network',
        projectFile: 'infra/network/cdktf.json',
        name: 'infra/network',
        app: 'npx ts-node main.ts',
      },
      {
        kind: 'template',
        dir: 'policies/extra.json',
        projectFile: 'policies/extra.json',
        name: 'policies/extra.json',
      },
    ]);
  });

  it('reports the Python project and the malformed Pulumi.yaml instead of throwing', async () => {
    const { skipped } = await discoverStacks(await directoryTree(root));
    expect(skipped).toEqual([
      {
        kind: 'pulumi',
        dir: 'infra/broken',
        projectFile: 'infra/broken/Pulumi.yaml',
        reason: 'malformed',
        message: expect.stringMatching(
          /^infra\/broken\/Pulumi\.yaml: malformed YAML: .*line 3, column 1$/,
        ) as string,
      },
      {
        kind: 'pulumi',
        dir: 'infra/py',
        projectFile: 'infra/py/Pulumi.yaml',
        reason: 'unsupported-runtime',
        message: 'python Pulumi project infra/py: not synthesized; use pulumi preview --json',
      },
    ]);
  });

  it('uses the configured Pulumi stack by project name or folder, and warns when it has no config file', async () => {
    const tree = await directoryTree(root);
    const byName = await discoverStacks(tree, { pulumiStacks: { app: 'prod' } });
    expect(byName.stacks.find((stack) => stack.name === 'app')?.pulumiStack).toBe('prod');
    expect(byName.warnings).toEqual([]);
    const byDir = await discoverStacks(tree, { pulumiStacks: { 'infra/app': 'staging' } });
    expect(byDir.stacks.find((stack) => stack.name === 'app')?.pulumiStack).toBe('staging');
    expect(byDir.warnings).toEqual([
      'infra/app/Pulumi.yaml: stack staging has no Pulumi.staging.yaml; its config is empty',
    ]);
  });
});

describe('discoverStacks, project files', () => {
  it('falls back to folder names when Pulumi project names collide, and to the project file when folders do', async () => {
    const root = await repoWith({
      'a/Pulumi.yaml': 'name: app\nruntime: nodejs\n',
      'b/Pulumi.yaml': 'name: app\nruntime: nodejs\n',
      // A CDK app whose folder is another project's name.
      'c/Pulumi.yaml': 'name: shared\nruntime: nodejs\n',
      'shared/cdk.json': json({ app: 'npx ts-node app.ts' }),
      'shared/cdktf.json': json({ app: 'npx ts-node main.ts' }),
    });
    const { stacks } = await discoverStacks(await directoryTree(root));
    expect(stacks.map((stack) => [stack.projectFile, stack.name])).toEqual([
      ['a/Pulumi.yaml', 'a'],
      ['b/Pulumi.yaml', 'b'],
      ['c/Pulumi.yaml', 'c'],
      ['shared/cdk.json', 'shared/cdk.json'],
      ['shared/cdktf.json', 'shared/cdktf.json'],
    ]);
  });

  it('reads Pulumi.yml, stackConfigDir, and stack config files in name order', async () => {
    const root = await repoWith({
      'Pulumi.yml': 'name: root\nruntime: nodejs\nstackConfigDir: config\n',
      'config/Pulumi.staging.yaml': 'config: {}\n',
      'config/Pulumi.prod.yml': 'config: {}\n',
      'Pulumi.ignored.yaml': 'config: {}\n',
    });
    const { stacks } = await discoverStacks(await directoryTree(root));
    expect(stacks).toEqual([
      { kind: 'pulumi', dir: '.', projectFile: 'Pulumi.yml', name: 'root', pulumiStack: 'prod' },
    ]);
  });

  it('reports project files that say too little or do not parse', async () => {
    const root = await repoWith({
      'no-name/Pulumi.yaml': 'runtime: nodejs\n',
      'no-runtime/Pulumi.yaml': 'name: x\n',
      'list/Pulumi.yaml': '- name: x\n',
      'bad-cdk/cdk.json': '{ "app": "npx ts-node app.ts", }\n',
      'no-app/cdktf.json': json({ language: 'typescript' }),
      'go/Pulumi.yaml': 'name: gone\nruntime: go\n',
    });
    const { stacks, skipped } = await discoverStacks(await directoryTree(root));
    expect(stacks).toEqual([]);
    expect(skipped.map((project) => [project.kind, project.reason, project.message])).toEqual([
      ['cdk', 'malformed', expect.stringMatching(/^bad-cdk\/cdk\.json: malformed JSON: /) as string],
      ['pulumi', 'unsupported-runtime', 'go Pulumi project go: not synthesized; use pulumi preview --json'],
      ['pulumi', 'malformed', 'list/Pulumi.yaml: expected a map with name and runtime'],
      ['cdktf', 'malformed', 'no-app/cdktf.json: no app command ("app")'],
      ['pulumi', 'malformed', 'no-name/Pulumi.yaml: no project name (name:)'],
      [
        'pulumi',
        'malformed',
        'no-runtime/Pulumi.yaml: no runtime (runtime: nodejs, or runtime: {name: nodejs})',
      ],
    ]);
  });

  it('lists policy files by glob, with ** and exclusions', async () => {
    const root = await repoWith({
      'policies/a.json': '{}',
      'policies/team/b.yaml': 'Version: 2012-10-17\n',
      'policies/team/draft.json': '{}',
      'policies/notes.txt': 'x',
      'templates/app.template': '{}',
    });
    const { stacks } = await discoverStacks(await directoryTree(root), {
      policyGlobs: ['policies/**/*.{json,yaml}', '!**/draft.json', './templates/*.template'],
    });
    expect(stacks.map((stack) => stack.name)).toEqual([
      'policies/a.json',
      'policies/team/b.yaml',
      'templates/app.template',
    ]);
  });

  it('reports a policies glob it cannot read and still applies the others', async () => {
    const root = await repoWith({ 'policies/a.json': '{}', 'policies/b.json': '{}' });
    const { stacks, warnings } = await discoverStacks(await directoryTree(root), {
      policyGlobs: ['policies/{a,b.json', 'policies/*.json', '!policies/b.json'],
    });
    expect(stacks.map((stack) => stack.name)).toEqual(['policies/a.json']);
    expect(warnings).toEqual(['policies: glob "policies/{a,b.json": unclosed "{"; ignored']);
  });
});
