import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type PulumiProject,
  parsePulumiProject,
  programEntry,
  stackConfig,
} from '../../../src/synth/pulumi/project.js';
import { removeScratchDirs, writeProject } from '../cdk/support.js';

afterAll(removeScratchDirs);

function project(text: string): PulumiProject {
  const parsed = parsePulumiProject(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('Pulumi.yaml', () => {
  it('reads the name, the runtime in either form, and main', () => {
    expect(project('name: shop\nruntime: nodejs\n')).toEqual({ name: 'shop', runtime: 'nodejs', config: {} });
    expect(
      project('name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: src/\n'),
    ).toEqual({ name: 'shop', runtime: 'nodejs', main: 'src/', config: {} });
  });

  it('says what is wrong with a project file it cannot use', () => {
    expect(parsePulumiProject('runtime: nodejs\n')).toEqual({
      ok: false,
      message: 'the project has no name',
    });
    expect(parsePulumiProject('name: x\n')).toEqual({ ok: false, message: 'the project names no runtime' });
    expect(parsePulumiProject('- a\n')).toEqual({ ok: false, message: 'the file is not a YAML mapping' });
    expect(parsePulumiProject('name: [\n')).toMatchObject({ ok: false, message: /^invalid YAML: / });
  });
});

describe('stack config as PULUMI_CONFIG', () => {
  const shop = project(
    [
      'name: shop',
      'runtime: nodejs',
      'config:',
      '  aws:region: eu-west-1',
      '  replicas:',
      '    type: integer',
      '    default: 2',
      '  owner:',
      '    type: string',
      '    description: who to page',
      '',
    ].join('\n'),
  );

  it("namespaces the project's own keys, keeps structured values as JSON, and applies project defaults", () => {
    const config = stackConfig(
      shop,
      'config:\n  bucketPrefix: uploads\n  shop:limits:\n    rps: 10\n  aws:region: us-east-1\n  shop:debug: true\n',
    );
    expect(config).toEqual({
      ok: true,
      value: {
        values: {
          'aws:region': 'us-east-1',
          'shop:replicas': '2',
          'shop:bucketPrefix': 'uploads',
          'shop:limits': '{"rps":10}',
          'shop:debug': 'true',
        },
        secretKeys: [],
        warnings: [],
      },
    });
  });

  it('stands an encrypted value in by a symbol, marked secret, and says so', () => {
    expect(stackConfig(shop, 'config:\n  shop:token:\n    secure: v1:abc==\n')).toMatchObject({
      ok: true,
      value: {
        values: { 'shop:token': '${config:shop:token}' },
        secretKeys: ['shop:token'],
        warnings: ['config shop:token is encrypted; the program sees it as ${config:shop:token}'],
      },
    });
  });

  it('works without a stack file, and reports one that is not YAML', () => {
    expect(stackConfig(shop, undefined)).toMatchObject({
      ok: true,
      value: { values: { 'aws:region': 'eu-west-1', 'shop:replicas': '2' } },
    });
    expect(stackConfig(shop, 'config: [\n')).toMatchObject({ ok: false, message: /^invalid YAML/ });
  });
});

describe('the program entry', () => {
  it('takes main from the project file, a file or a folder', async () => {
    const root = await writeProject({ 'src/main.ts': '', 'lib/index.ts': '', 'package.json': '{}' });
    expect(programEntry(root, 'src/main.ts')).toEqual({
      ok: true,
      value: { file: path.join(root, 'src/main.ts'), module: 'cjs' },
    });
    expect(programEntry(root, 'lib')).toMatchObject({
      ok: true,
      value: { file: path.join(root, 'lib/index.ts') },
    });
    expect(programEntry(root, 'bin/index.js')).toEqual({
      ok: false,
      message: "the program's main bin/index.js does not exist",
    });
  });

  it("else follows the package's exports or main, completing the extension as require does", async () => {
    const exported = await writeProject({
      'package.json': JSON.stringify({ exports: { '.': { import: './src/app.mts' } } }),
      'src/app.mts': '',
    });
    expect(programEntry(exported, undefined)).toEqual({
      ok: true,
      value: { file: path.join(exported, 'src/app.mts'), module: 'esm' },
    });
    const main = await writeProject({ 'package.json': '{"main": "src/app"}', 'src/app.ts': '' });
    expect(programEntry(main, undefined)).toMatchObject({
      ok: true,
      value: { file: path.join(main, 'src/app.ts') },
    });
  });

  it('else the index file, JavaScript first as Node tries it, as an ES module when the package says so', async () => {
    const both = await writeProject({ 'package.json': '{"type": "module"}', 'index.ts': '', 'index.js': '' });
    expect(programEntry(both, undefined)).toEqual({
      ok: true,
      value: { file: path.join(both, 'index.js'), module: 'esm' },
    });
    const none = await writeProject({ 'package.json': '{}', 'README.md': '' });
    expect(programEntry(none, undefined)).toEqual({
      ok: false,
      message: 'no program entry in the project folder (index.ts or index.js)',
    });
  });
});
