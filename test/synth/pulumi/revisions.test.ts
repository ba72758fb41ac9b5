/**
 * Base and head of a Pulumi stack in one process (synthesizePulumiRevisions). What a user would
 * notice if it went wrong: results that differ from synthesizing each revision alone, a pull request
 * whose program rewrites what base was found to allow (its code runs in the same process, after
 * base), or a head that goes unreviewed because base failed.
 */
import { cp, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../../src/stacks/types.js';
import type { Runner } from '../../../src/synth/runner.js';
import { synthesizePulumi, synthesizePulumiRevisions } from '../../../src/synth/pulumi/synthesize.js';
import type { SynthContext } from '../../../src/synth/types.js';
import {
  countingRunner,
  expectPairAsAlone,
  REPO,
  removeScratchDirs,
  scratchDir,
  SYNTH_TIMEOUT_MS,
  succeeded,
  synthContext,
} from '../cdk/support.js';

afterAll(removeScratchDirs);

const BASE_ROOT = path.join(REPO, 'examples/review/base');
const STACK: Stack = {
  kind: 'pulumi',
  dir: 'pulumi-app',
  projectFile: 'pulumi-app/Pulumi.yaml',
  name: 'uploads',
  pulumiStack: 'dev',
};

/** The example's head: base with the pull request's files laid over it, dependencies linked. */
async function headCheckout(index?: string): Promise<string> {
  const root = await scratchDir('iam-gate-head-');
  await cp(path.join(BASE_ROOT, 'pulumi-app'), path.join(root, 'pulumi-app'), { recursive: true });
  await cp(path.join(REPO, 'examples/review/head/pulumi-app'), path.join(root, 'pulumi-app'), {
    recursive: true,
  });
  if (index !== undefined) await writeFile(path.join(root, 'pulumi-app/index.ts'), index);
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

const withRunner = async (root: string, runner: Runner): Promise<SynthContext> =>
  synthContext(root, { runner });

describe('synthesizePulumiRevisions', () => {
  it(
    'runs both programs in one process and finds what synthesizing each alone finds',
    async () => {
      const headRoot = await headCheckout();
      await expectPairAsAlone(
        async (runner) =>
          synthesizePulumiRevisions(
            { stack: STACK, context: await withRunner(BASE_ROOT, runner) },
            { stack: STACK, context: await withRunner(headRoot, runner) },
          ),
        async () =>
          Promise.all([
            synthesizePulumi(STACK, await synthContext(BASE_ROOT)),
            synthesizePulumi(STACK, await synthContext(headRoot)),
          ]),
      );
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    "keeps base as base found it when head's program forges base's snapshot, in its file and on stdout",
    async () => {
      // Head reads the host's plan (its own process's argument), overwrites base's snapshot file
      // with an empty stack and prints a frame claiming to be base's.
      const forger = [
        "import { readFileSync, writeFileSync } from 'node:fs';",
        "import * as aws from '@pulumi/aws';",
        "const plan = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8'));",
        "const forged = JSON.stringify({ version: 1, project: 'uploads', stack: 'dev', resources: [], lossyJson: [], renderedDocuments: [], warnings: [] });",
        'writeFileSync(plan.runs[0].snapshotFile, forged);',
        'process.stdout.write(`\\n${plan.frameMarker} 0\\n${forged}\\n`);',
        "new aws.s3.Bucket('other');",
        '',
      ].join('\n');
      const headRoot = await headCheckout(forger);
      const [base, head] = await synthesizePulumiRevisions(
        { stack: STACK, context: await synthContext(BASE_ROOT) },
        { stack: STACK, context: await synthContext(headRoot) },
      );
      const baseAlone = succeeded(await synthesizePulumi(STACK, await synthContext(BASE_ROOT)));
      expect(succeeded(base).sources).toEqual(baseAlone.sources);
      expect(baseAlone.sources.length).toBeGreaterThan(0);
      expect(succeeded(head).sources).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    "loads the programs' own code afresh for head: state a shared module kept from base is gone",
    async () => {
      // Code both revisions load from one place outside node_modules, as a workspace package is.
      const shared = path.join(await scratchDir('iam-gate-shared-'), 'counter.js');
      await writeFile(shared, 'let count = 0;\nexports.next = () => ++count;\n');
      const program = [
        "import * as aws from '@pulumi/aws';",
        `const { next } = require(${JSON.stringify(shared)});`,
        "new aws.iam.Policy('counted', { policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: `Call${next()}`, Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) });",
        '',
      ].join('\n');
      const [base, head] = await synthesizePulumiRevisions(
        { stack: STACK, context: await synthContext(await headCheckout(program)) },
        { stack: STACK, context: await synthContext(await headCheckout(program)) },
      );
      const sid = (result: typeof base) =>
        JSON.stringify(succeeded(result).sources.map((source) => source.document)).match(/Call\d+/)?.[0];
      expect([sid(base), sid(head)]).toEqual(['Call1', 'Call1']);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'runs head again on its own when it fails after base: the failure may be something base left behind',
    async () => {
      const baseRoot = await headCheckout(
        [
          "import * as aws from '@pulumi/aws';",
          "new aws.s3.Bucket('early');",
          // Fires once head runs in the same process (in head's folder): head's own run must not pay for it.
          'const mine = process.cwd();',
          "setInterval(() => { if (process.cwd() !== mine) throw new Error('a timer base left behind'); }, 20);",
          '',
        ].join('\n'),
      );
      const headRoot = await headCheckout(
        [
          "import * as aws from '@pulumi/aws';",
          "export = async () => { await new Promise((done) => setTimeout(done, 600)); new aws.s3.Bucket('late'); };",
          '',
        ].join('\n'),
      );
      const runner = countingRunner();
      const [base, head] = await synthesizePulumiRevisions(
        { stack: STACK, context: await withRunner(baseRoot, runner) },
        { stack: STACK, context: await withRunner(headRoot, runner) },
      );
      expect(succeeded(base).ok).toBe(true);
      expect(succeeded(head).ok).toBe(true);
      expect(runner.runs).toBe(2);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'reviews head on its own when base fails',
    async () => {
      const brokenBase = await scratchDir('iam-gate-base-');
      await cp(path.join(BASE_ROOT, 'pulumi-app'), path.join(brokenBase, 'pulumi-app'), { recursive: true });
      await writeFile(path.join(brokenBase, 'pulumi-app/index.ts'), "throw new Error('base is broken');\n");
      await symlink(path.join(REPO, 'node_modules'), path.join(brokenBase, 'node_modules'), 'dir');
      const headRoot = await headCheckout();
      const runner = countingRunner();
      const [base, head] = await synthesizePulumiRevisions(
        { stack: STACK, context: await withRunner(brokenBase, runner) },
        { stack: STACK, context: await withRunner(headRoot, runner) },
      );
      expect(base).toMatchObject({ ok: false, error: expect.stringContaining('base is broken') as unknown });
      expect(succeeded(head).sources.length).toBeGreaterThan(0);
      expect(runner.runs).toBe(2);
    },
    SYNTH_TIMEOUT_MS,
  );
});
