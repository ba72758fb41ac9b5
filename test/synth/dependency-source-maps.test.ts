/**
 * The preload that keeps Node from reading dependencies' source maps. What a user would notice if
 * it went wrong: source locations in their TypeScript program pointing at the wrong line (their
 * files must stay mapped, also when a dependency loads them), or nothing gained (a dependency's
 * map still read).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDependencySourceMapsPreload } from '../../src/synth/dependency-source-maps.js';
import { DEFAULT_LIMITS, localRunner } from '../../src/synth/runner.js';
import { removeScratchDirs, scratchDir } from './cdk/support.js';

afterAll(removeScratchDirs);

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * A program whose stack trace crosses a dependency: `main.ts` imports `lib/index.js` from
 * node_modules (which carries a source map claiming to come from `lib/src/original.ts`), which loads
 * and calls `plugin.ts` from the program's folder as it is itself being loaded. The types and blank lines move the TypeScript lines away
 * from those of the JavaScript tsx runs, so only a mapped frame names the right line.
 */
async function project(): Promise<string> {
  const root = await scratchDir('iam-gate-maps-');
  const lib = path.join(root, 'node_modules', 'lib');
  await mkdir(lib, { recursive: true });
  const map = {
    version: 3,
    file: 'index.js',
    sources: ['src/original.ts'],
    names: [],
    mappings: 'AAAA;AACA;AACA;AACA',
  };
  await writeFile(
    path.join(lib, 'index.js'),
    [
      // Loaded while this file itself is being loaded, as a plugin loader would at start-up.
      "exports.fromPlugin = require(require('node:path').join(__dirname, '../../plugin.ts')).run();",
      "exports.stack = () => new Error('from lib').stack;",
      '//# sourceMappingURL=index.js.map',
      '',
    ].join('\n'),
  );
  await writeFile(path.join(lib, 'index.js.map'), JSON.stringify(map));
  await writeFile(
    path.join(root, 'plugin.ts'),
    [
      'interface Shape {',
      '  a: string;',
      '}',
      '',
      'export function run(): string | undefined {',
      "  const stack = new Error('from plugin').stack;",
      '  return stack;',
      '}',
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(root, 'main.ts'),
    [
      "import { fromPlugin, stack } from 'lib';",
      '',
      'type Unused = { b: number };',
      '',
      'const unused: Unused | undefined = undefined;',
      "console.log(JSON.stringify({ fromPlugin, fromLib: stack(), fromMain: new Error('main').stack }));",
      '',
    ].join('\n'),
  );
  return root;
}

async function run(root: string, preload: boolean): Promise<Record<string, string>> {
  const args = preload ? ['--require', await writeDependencySourceMapsPreload(root)] : [];
  const result = await localRunner.run({
    command: process.execPath,
    args: [...args, '--import', TSX, 'main.ts'],
    cwd: root,
    env: {},
    limits: DEFAULT_LIMITS,
  });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, string>;
}

describe('dependency source maps off', () => {
  it('maps the program, also a file a dependency loads, and not the dependency', async () => {
    const root = await project();
    const withPreload = await run(root, true);
    expect(withPreload.fromMain).toContain(`${path.join(root, 'main.ts')}:6:`);
    expect(withPreload.fromPlugin).toContain(`${path.join(root, 'plugin.ts')}:6:`);
    expect(withPreload.fromLib).toContain(path.join(root, 'node_modules/lib/index.js:2:'));
    expect(withPreload.fromLib).not.toContain('original.ts');

    // Without it, tsx's source maps map the dependency too: what the preload saves.
    const without = await run(root, false);
    expect(without.fromLib).toContain('original.ts');
    const firstFrame = (stack: string | undefined) => stack?.split('\n')[1];
    expect(firstFrame(without.fromMain)).toBe(firstFrame(withPreload.fromMain));
  });
});
