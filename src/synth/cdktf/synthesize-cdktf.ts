/**
 * A CDKTF app to its policies, without the cdktf CLI and without Terraform: the app runs with
 * `CDKTF_OUTDIR` set (what `cdktf synth` does), writes `manifest.json` and one `cdk.tf.json` per
 * stack, and the Terraform extractor reads each. See docs/cdktf-and-cdk.md.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicySource } from '../../extract/types.js';
import { entryLocation, readContextFile, repositoryRoots, underStack } from '../cdk/app-project.js';
import { type AppLaunch, planAppCommand } from '../cdk/app-command.js';
import { runApp } from '../cdk/run-app.js';
import { firstFrame, HANDED_OVER_BYTES, withoutFrames } from '../handed-over.js';
import { DEFAULT_LIMITS, howItExited, type RunResult } from '../runner.js';
import { moduleKind, tsxNodeOptions } from '../typescript-loader.js';
import { writeDependencySourceMapsPreload } from '../dependency-source-maps.js';
import type { Stack } from '../../stacks/types.js';
import { synthesisClock, type SynthContext, type SynthResult, type Synthesizer } from '../types.js';
import type { AppPairPlan } from './app-pair-host.js';
import { readCdktfManifest, readCdktfStack } from './read-cdktf-output.js';
import { writeTracePreload } from './record-construct-traces.js';

const OUTPUT_FOLDER = 'cdktf.out';

const THIS_FILE = fileURLToPath(import.meta.url);
/** app-pair-host.js next to the built synthesizer; app-pair-host.ts from source (tsx loads it). */
const PAIR_HOST = path.join(path.dirname(THIS_FILE), `app-pair-host${path.extname(THIS_FILE)}`);

/** What the app is run with, and where its output goes. */
interface PreparedApp {
  stack: Stack;
  root: string;
  outdir: string;
  /** Variables the app reads: `CDKTF_OUTDIR`, `SYNTH_HCL_OUTPUT` and its context. */
  env: Record<string, string>;
  preloads: string[];
}

async function prepare(stack: Stack, context: SynthContext): Promise<PreparedApp> {
  const outdir = path.join(context.workDir, OUTPUT_FOLDER);
  await mkdir(context.workDir, { recursive: true });
  const root = path.resolve(context.root);
  const projectContext = await readContextFile(path.join(root, stack.projectFile));
  return {
    stack,
    root,
    outdir,
    env: {
      CDKTF_OUTDIR: outdir,
      // `hclOutput` would write cdk.tf (HCL), which nothing here reads; the variable overrides the app's choice.
      SYNTH_HCL_OUTPUT: 'false',
      ...(Object.keys(projectContext).length > 0
        ? { CDKTF_CONTEXT_JSON: JSON.stringify(projectContext) }
        : {}),
    },
    preloads: [
      '--require',
      await writeDependencySourceMapsPreload(context.workDir),
      '--require',
      await writeTracePreload(context.workDir),
    ],
  };
}

export const synthesizeCdktf: Synthesizer = async (stack, context) => {
  const clock = synthesisClock(stack);
  return runAlone(await prepare(stack, context), context, clock);
};

/** One prepared app in a process of its own. */
async function runAlone(
  app: PreparedApp,
  context: SynthContext,
  clock = synthesisClock(app.stack),
): Promise<SynthResult> {
  const run = await runApp(app.stack, context, {
    label: 'CDKTF app',
    env: app.env,
    nodeOptions: app.preloads,
  });
  if (!run.ok) return clock.failed(run.error, run.output);
  return readOutput(app, app.outdir, run.launch, run.output, clock);
}

/**
 * Base and head of one CDKTF app in one process (app-pair-host.ts): `cdktf` and the providers load
 * once. Base's output reaches iam-gate before head's code loads, so the pull request cannot change
 * it, and the app's own modules load afresh for head. Apps started through a shell command, with
 * arguments or a tsconfig of their own, ES module apps (which cannot be unloaded), and anything that
 * keeps the pair from running through, run one after the other as `synthesizeCdktf` runs them; a
 * head that fails in the pair runs again alone.
 */
export async function synthesizeCdktfRevisions(
  base: { stack: Stack; context: SynthContext },
  head: { stack: Stack; context: SynthContext },
): Promise<[SynthResult, SynthResult]> {
  const baseLaunch = planAppCommand(base.stack.app ?? '');
  const headLaunch = planAppCommand(head.stack.app ?? '');
  if (!pairable(baseLaunch) || !pairable(headLaunch))
    return [await synthesizeCdktf(base.stack, base.context), await synthesizeCdktf(head.stack, head.context)];
  const [before, after] = await Promise.all([
    prepare(base.stack, base.context),
    prepare(head.stack, head.context),
  ]);
  const apart = async (): Promise<[SynthResult, SynthResult]> => [
    await runAlone(before, base.context),
    await runAlone(after, head.context),
  ];
  const entry = (app: PreparedApp, launch: TypeScriptLaunch) =>
    path.resolve(app.root, app.stack.dir, launch.entry);
  const runs = [
    { app: before, launch: baseLaunch },
    { app: after, launch: headLaunch },
  ].map(({ app, launch }) => ({
    entry: entry(app, launch),
    module: moduleKind(entry(app, launch)),
    cwd: path.join(app.root, app.stack.dir),
    env: app.env,
    outdir: app.outdir,
  }));
  // ES modules cannot be unloaded: the second app would find the first one's still in place.
  if (runs.some((run) => run.module === 'esm')) return apart();

  const baseClock = synthesisClock(base.stack);
  const headClock = synthesisClock(head.stack);
  const marker = randomUUID();
  const plan: AppPairPlan = { frameMarker: marker, runs };
  const planFile = path.join(head.context.workDir, 'app-pair-plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  // From source, the pair host itself needs tsx's full loader.
  const esm = PAIR_HOST.endsWith('.ts');
  const timeoutMs = head.context.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
  const run = await head.context.runner.run({
    command: process.execPath,
    args: [...after.preloads, ...tsxNodeOptions(esm ? 'esm' : 'cjs'), PAIR_HOST, planFile],
    cwd: plan.runs[1]?.cwd ?? after.root,
    env: head.context.env,
    limits: { timeoutMs: 2 * timeoutMs, maxOutputBytes: DEFAULT_LIMITS.maxOutputBytes + HANDED_OVER_BYTES },
  });

  const handedOver = firstFrame(run.stdout, marker, 0);
  const output = [run.stderr.trimEnd(), withoutFrames(run.stdout, marker).trimEnd()]
    .filter((text) => text !== '')
    .join('\n');
  if (handedOver === undefined) {
    // Base failed as it loaded (its error is the run's), or synthesizes later than the host can
    // tell: then both run on their own.
    if (run.exitCode === 0 && !run.timedOut) return apart();
    return [
      baseClock.failed(`CDKTF app ${runFailure(run, 2 * timeoutMs)} (${base.stack.app})`, output),
      await runAlone(after, head.context),
    ];
  }
  // What base wrote, put back on disk from what was handed over, where head's code never was.
  const baseOutdir = path.join(base.context.workDir, `${OUTPUT_FOLDER}.handed-over`);
  let files: Record<string, unknown>;
  try {
    files = JSON.parse(handedOver) as Record<string, unknown>;
  } catch {
    return apart();
  }
  for (const [name, text] of Object.entries(files)) {
    const target = path.resolve(baseOutdir, name);
    if (typeof text !== 'string' || !target.startsWith(baseOutdir + path.sep)) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
  }
  const baseResult = await readOutput(before, baseOutdir, baseLaunch, output, baseClock);
  if (run.timedOut)
    return [
      baseResult,
      headClock.failed(`CDKTF app ${runFailure(run, 2 * timeoutMs)} (${head.stack.app})`, output),
    ];
  const headResult =
    run.exitCode === 0 ? await readOutput(after, after.outdir, headLaunch, output, headClock) : undefined;
  // Head failing where base ran first may be base's doing (a timer it left behind): head's own
  // process says whether it fails by itself.
  return [baseResult, headResult?.ok ? headResult : await runAlone(after, head.context)];
}

type TypeScriptLaunch = Extract<AppLaunch, { mode: 'typescript' }>;

/** An app node runs directly with tsx and nothing else of its own (arguments, tsconfig). */
function pairable(launch: AppLaunch): launch is TypeScriptLaunch {
  return launch.mode === 'typescript' && launch.args.length === 0 && launch.tsconfig === undefined;
}

function runFailure(run: RunResult, timeoutMs: number): string {
  if (run.timedOut) return `timed out after ${Math.round(timeoutMs / 100) / 10} s`;
  return howItExited(run);
}

/** The app's output in `outdir` (its manifest, then each stack's Terraform JSON) to its policies. */
async function readOutput(
  app: PreparedApp,
  outdir: string,
  launch: AppLaunch,
  output: string,
  { durationMs, failed }: ReturnType<typeof synthesisClock>,
): Promise<SynthResult> {
  const { stack, root } = app;
  let manifestText: string;
  try {
    manifestText = await readFile(path.join(outdir, 'manifest.json'), 'utf8');
  } catch {
    return failed(
      `CDKTF app wrote nothing into CDKTF_OUTDIR (${stack.app}): does it call app.synth(), without an outdir of its own?`,
      output,
    );
  }
  const manifest = readCdktfManifest(manifestText);
  if ('error' in manifest) return failed(`CDKTF app output: ${manifest.error}`, output);
  if (manifest.length === 0) return failed('CDKTF app defined no TerraformStack', output);

  const roots = await repositoryRoots(root);
  const fallback = entryLocation(stack, launch);
  const sources: PolicySource[] = [];
  let untraced = 0;
  for (const entry of manifest) {
    const file = underStack(stack, `${OUTPUT_FOLDER}/${entry.synthesizedStackPath}`);
    let text: string;
    try {
      text = await readFile(path.join(outdir, entry.synthesizedStackPath), 'utf8');
    } catch {
      return failed(
        `CDKTF app listed stack ${entry.name} but wrote no ${entry.synthesizedStackPath}`,
        output,
      );
    }
    const read = readCdktfStack(text, file, roots, fallback);
    if ('error' in read) return failed(`stack ${entry.name}: ${read.error}`, output);
    sources.push(...read.sources);
    untraced += read.untraced;
  }
  const warnings =
    untraced === 0
      ? []
      : [
          `${untraced} ${untraced === 1 ? 'policy has' : 'policies have'} no construct trace into the repository; ` +
            `${untraced === 1 ? 'its' : 'their'} location is ${fallback.file}`,
        ];
  return { ok: true, stack, sources, warnings, durationMs: durationMs() };
}
