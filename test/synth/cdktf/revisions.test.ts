/**
 * Base and head of a CDKTF app in one process (synthesizeCdktfRevisions). What a user would notice
 * if it went wrong: results that differ from synthesizing each revision alone, a pull request whose
 * app rewrites what base was found to allow (its code runs in the same process, after base), a head
 * left unreviewed because base failed, or an app that synthesizes late read before it has.
 */
import { cp, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeCdktf, synthesizeCdktfRevisions } from '../../../src/synth/cdktf/synthesize-cdktf.js';
import { localRunner, type Runner } from '../../../src/synth/runner.js';
import {
  countingRunner,
  expectPairAsAlone,
  REPO,
  removeScratchDirs,
  scratchDir,
  stackAt,
  SYNTH_TIMEOUT_MS,
  succeeded,
  synthContext,
} from '../cdk/support.js';

afterAll(removeScratchDirs);

const BASE_ROOT = path.join(REPO, 'examples/review/base');
const STACK = stackAt('cdktf', 'cdktf-app', 'npx ts-node main.ts');

/** The example at base, or at head (the pull request's files laid over it), with `main.ts` replaced if asked. */
async function checkout(revision: 'base' | 'head', main?: string): Promise<string> {
  const root = await scratchDir(`iam-gate-${revision}-`);
  await cp(BASE_ROOT, root, { recursive: true });
  if (revision === 'head') await cp(path.join(REPO, 'examples/review/head'), root, { recursive: true });
  if (main !== undefined) await writeFile(path.join(root, 'cdktf-app/main.ts'), main);
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

async function pair(baseRoot: string, headRoot: string, runner: Runner = localRunner) {
  return synthesizeCdktfRevisions(
    { stack: STACK, context: await synthContext(baseRoot, { runner }) },
    { stack: STACK, context: await synthContext(headRoot, { runner }) },
  );
}

describe('synthesizeCdktfRevisions', () => {
  it(
    'runs both apps in one process and finds what synthesizing each alone finds',
    async () => {
      const headRoot = await checkout('head');
      await expectPairAsAlone(
        (runner) => pair(BASE_ROOT, headRoot, runner),
        async () =>
          Promise.all([
            synthesizeCdktf(STACK, await synthContext(BASE_ROOT)),
            synthesizeCdktf(STACK, await synthContext(headRoot)),
          ]),
      );
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    "keeps base as base wrote it when head's app rewrites base's output, on disk and on stdout",
    async () => {
      // Head reads the pair host's plan (its process's argument), empties base's output folder's
      // stack and prints a frame claiming to be base's.
      const forger = [
        "import { readFileSync, writeFileSync } from 'node:fs';",
        "import { join } from 'node:path';",
        "const plan = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8'));",
        'const empty = JSON.stringify({ resource: {} });',
        "writeFileSync(join(plan.runs[0].outdir, 'stacks/releases/cdk.tf.json'), empty);",
        "const manifest = readFileSync(join(plan.runs[0].outdir, 'manifest.json'), 'utf8');",
        "const forged = JSON.stringify({ 'manifest.json': manifest, 'stacks/releases/cdk.tf.json': empty });",
        'process.stdout.write(`\\n${plan.frameMarker} 0\\n${forged}\\n`);',
        "writeFileSync(join(process.env.CDKTF_OUTDIR ?? '', 'manifest.json'), manifest);",
        "writeFileSync(join(process.env.CDKTF_OUTDIR ?? '', 'stacks-none'), '');",
        '',
      ].join('\n');
      const [base, head] = await pair(BASE_ROOT, await checkout('head', forger));
      const baseAlone = succeeded(await synthesizeCdktf(STACK, await synthContext(BASE_ROOT)));
      expect(baseAlone.sources.length).toBeGreaterThan(0);
      expect(succeeded(base).sources).toEqual(baseAlone.sources);
      expect(head.ok).toBe(false);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'reviews head on its own when base fails',
    async () => {
      const runner = countingRunner();
      const [base, head] = await pair(
        await checkout('base', "throw new Error('no release bucket configured');\n"),
        await checkout('head'),
        runner,
      );
      expect(base).toMatchObject({ ok: false, error: 'CDKTF app exited with code 1 (npx ts-node main.ts)' });
      expect(base.ok ? '' : base.output).toContain('no release bucket configured');
      expect(succeeded(head).sources.length).toBeGreaterThan(0);
      expect(runner.runs).toBe(2);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'runs both apps on their own when base synthesizes later than it loads',
    async () => {
      const baseRoot = await checkout('base');
      const main = path.join(baseRoot, 'cdktf-app/main.ts');
      const { readFile } = await import('node:fs/promises');
      // The whole app deferred to a timer: nothing is written when its module has loaded.
      const deferred = (await readFile(main, 'utf8')).replace(
        /^(import[^;]*;\n)+/m,
        (imports) => `${imports}setTimeout(() => {\n`,
      );
      await writeFile(main, `${deferred}\n}, 50);\n`);
      const runner = countingRunner();
      const [base, head] = await pair(baseRoot, await checkout('head'), runner);
      expect(succeeded(base).sources.length).toBeGreaterThan(0);
      expect(succeeded(head).sources.length).toBeGreaterThan(0);
      expect(runner.runs).toBe(3);
    },
    SYNTH_TIMEOUT_MS,
  );
});
