/**
 * Pulumi programs (Node.js runtime, TypeScript or JavaScript) synthesized without the Pulumi CLI:
 * host.ts runs the program against mocks in a child process started through the Runner, and the
 * snapshot it writes becomes the stack's policies (snapshot-sources.ts).
 */
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDependencySourceMapsPreload } from '../dependency-source-maps.js';
import { firstFrame, HANDED_OVER_BYTES, withoutFrames } from '../handed-over.js';
import { DEFAULT_LIMITS, howItExited, type RunResult } from '../runner.js';
import { tsxNodeOptions } from '../typescript-loader.js';
import type { Stack } from '../../stacks/types.js';
import { synthesisClock, type SynthContext, type SynthResult, type Synthesizer } from '../types.js';
import { parsePulumiProject, programEntry, stackConfig } from './project.js';
import { type HostPlan, type HostRun, SNAPSHOT_VERSION, type PulumiSnapshot } from './snapshot.js';
import { snapshotSources } from './snapshot-sources.js';

const THIS_FILE = fileURLToPath(import.meta.url);
/** host.js next to the built synthesizer; host.ts when running from source (tsx loads it). */
const HOST = join(dirname(THIS_FILE), `host${extname(THIS_FILE)}`);

/** Stack name used when the project has no `Pulumi.<stack>.yaml`. */
const DEFAULT_STACK = 'dev';

/** A program ready to run: what the host needs, and what reading its snapshot needs. */
interface Prepared {
  stack: Stack;
  /** The revision's folder, real path: sources are made relative to it. */
  root: string;
  run: HostRun;
  configWarnings: string[];
  clock: ReturnType<typeof synthesisClock>;
}

export const synthesizePulumi: Synthesizer = async (stack, context) => {
  const prepared = await prepare(stack, context);
  return prepared.ok ? runAlone(prepared.value, context) : prepared.result;
};

/** One prepared program in a host of its own. */
async function runAlone(program: Prepared, context: SynthContext): Promise<SynthResult> {
  const run = await runHost([program], context, randomUUID());
  return readRun(program, run, await readText(program.run.snapshotFile));
}

/** A program run again on its own after a pair: its clock starts now. */
const again = (program: Prepared, context: SynthContext) =>
  runAlone({ ...program, clock: synthesisClock(program.stack) }, context);

/**
 * Base and head of one stack in one process: the SDK and its providers load once, which is most of
 * a small program's time. Base runs first and its snapshot reaches iam-gate (on stdout, whole) before
 * any of head's code loads, so head's code, which comes from the pull request, cannot alter it; the
 * host then runs head in a store of the SDK's own, with the program's own modules loaded afresh.
 * Whatever keeps head from running there (base failed, the SDK cannot keep the two apart, an ES
 * module program, which cannot be unloaded) makes each run alone, as `synthesizePulumi` would.
 */
export async function synthesizePulumiRevisions(
  base: { stack: Stack; context: SynthContext },
  head: { stack: Stack; context: SynthContext },
): Promise<[SynthResult, SynthResult]> {
  const [before, after] = await Promise.all([
    prepare(base.stack, base.context),
    prepare(head.stack, head.context),
  ]);
  // ES modules cannot be unloaded: a second program would find the first one's still in place.
  if (!before.ok || !after.ok || before.value.run.module === 'esm' || after.value.run.module === 'esm') {
    return [
      before.ok ? await runAlone(before.value, base.context) : before.result,
      after.ok ? await runAlone(after.value, head.context) : after.result,
    ];
  }
  const marker = randomUUID();
  const run = await runHost([before.value, after.value], head.context, marker);
  const handedOver = firstFrame(run.stdout, marker, 0);
  const shown = { ...run, stdout: withoutFrames(run.stdout, marker) };
  if (handedOver === undefined) {
    // Base never finished: its failure is the run's; head has not run yet.
    return [readRun(before.value, shown, undefined), await again(after.value, head.context)];
  }
  const baseResult = readRun(
    before.value,
    { ...shown, exitCode: 0, signal: null, timedOut: false },
    handedOver,
  );
  const headSnapshot = await readText(after.value.run.snapshotFile);
  if (headSnapshot === undefined && run.exitCode === 0)
    return [baseResult, await again(after.value, head.context)];
  const headResult = readRun(after.value, shown, headSnapshot);
  // Head failing where base ran first may be base's doing (a timer it left behind): head's own
  // process says whether it fails by itself. A head that ran out of time is not run again.
  if (!headResult.ok && !run.timedOut) return [baseResult, await again(after.value, head.context)];
  // The run's clock covers both programs; base's share is what the host measured for it.
  if (baseResult.ok && headResult.ok)
    headResult.durationMs = Math.max(0, run.durationMs - baseResult.durationMs);
  return [baseResult, headResult];
}

async function prepare(
  stack: Stack,
  context: SynthContext,
): Promise<{ ok: true; value: Prepared } | { ok: false; result: SynthResult }> {
  const clock = synthesisClock(stack);
  const failed = (error: string) => ({ ok: false as const, result: clock.failed(error) });
  const root = await realpath(context.root);
  const projectDir = resolve(root, stack.dir);
  const projectText = await readText(resolve(root, stack.projectFile));
  if (projectText === undefined) return failed(`cannot read ${stack.projectFile}`);
  const project = parsePulumiProject(projectText);
  if (!project.ok) return failed(`${stack.projectFile}: ${project.message}`);
  if (project.value.runtime !== 'nodejs') {
    return failed(
      `${stack.projectFile}: the ${project.value.runtime} runtime cannot run offline; ` +
        'give iam-gate `pulumi preview --json` output instead',
    );
  }

  const stackName = stack.pulumiStack ?? DEFAULT_STACK;
  let stackFileText: string | undefined;
  if (stack.pulumiStack !== undefined) {
    const stackFile = join(projectDir, `Pulumi.${stack.pulumiStack}.yaml`);
    stackFileText = await readText(stackFile);
    if (stackFileText === undefined)
      return failed(`cannot read ${join(stack.dir, `Pulumi.${stackName}.yaml`)}`);
  }
  const config = stackConfig(project.value, stackFileText);
  if (!config.ok) return failed(`Pulumi.${stackName}.yaml: ${config.message}`);

  const entry = programEntry(projectDir, project.value.main);
  if (!entry.ok) return failed(`${stack.projectFile}: ${entry.message}`);

  await mkdir(context.workDir, { recursive: true });
  const scratch = await mkdtemp(join(context.workDir, 'pulumi-'));
  return {
    ok: true,
    value: {
      stack,
      root,
      clock,
      configWarnings: config.value.warnings,
      run: {
        snapshotFile: join(scratch, 'snapshot.json'),
        project: project.value.name,
        stack: stackName,
        entry: entry.value.file,
        module: entry.value.module,
        cwd: projectDir,
        config: JSON.stringify(config.value.values),
        secretKeys: JSON.stringify(config.value.secretKeys),
      },
    },
  };
}

/** One host process for the programs, in the first one's folder. */
async function runHost(programs: Prepared[], context: SynthContext, frameMarker: string): Promise<RunResult> {
  const first = programs[0] as Prepared;
  const scratch = dirname(first.run.snapshotFile);
  const plan: HostPlan = { runs: programs.map((program) => program.run), frameMarker };
  const planFile = join(scratch, 'plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  // From source, host.ts itself needs tsx's full loader; so does any ES module program.
  const esm = HOST.endsWith('.ts') || programs.some((program) => program.run.module === 'esm');
  const timeoutMs = context.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
  return context.runner.run({
    command: process.execPath,
    args: [
      '--require',
      await writeDependencySourceMapsPreload(scratch),
      ...tsxNodeOptions(esm ? 'esm' : 'cjs'),
      HOST,
      planFile,
    ],
    cwd: first.run.cwd,
    env: context.env,
    limits: {
      // Each program gets the time one would; a snapshot handed over on stdout must fit whole.
      timeoutMs: timeoutMs * programs.length,
      maxOutputBytes: DEFAULT_LIMITS.maxOutputBytes + (programs.length - 1) * HANDED_OVER_BYTES,
    },
  });
}

/** A program's result: its snapshot read into policies, or what the run says went wrong. */
function readRun(program: Prepared, run: RunResult, snapshotText: string | undefined): SynthResult {
  const { stack, root, clock } = program;
  const output = [run.stderr.trimEnd(), run.stdout.trimEnd()].filter((text) => text !== '').join('\n');
  if (run.timedOut)
    return clock.failed(`the pulumi program timed out after ${seconds(run.durationMs)} s`, output);
  if (run.exitCode !== 0) {
    const why = howItExited(run);
    const message = errorLine(run.stderr)?.split(`${root}/`).join('');
    return clock.failed(`the pulumi program ${why}${message ? `: ${message}` : ''}`, output);
  }
  const snapshot = parseSnapshot(snapshotText);
  if (!snapshot) return clock.failed('the pulumi program finished without writing its resources', output);
  const { sources, warnings } = snapshotSources(snapshot, { root, projectFile: stack.projectFile });
  return {
    ok: true,
    stack,
    sources,
    warnings: [...program.configWarnings, ...warnings],
    durationMs: snapshot.elapsedMs ?? clock.durationMs(),
  };
}

async function readText(path: string): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseSnapshot(text: string | undefined): PulumiSnapshot | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as PulumiSnapshot;
    return value.version === SNAPSHOT_VERSION && Array.isArray(value.resources) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The line that says what went wrong: an error's message, not the stack frames under it. A message
 * that announces details (`Transform failed with 1 error:`) takes its next line along.
 */
function errorLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((line) => line.trim());
  let at = lines.findIndex((line) => /^[A-Za-z]*(Error|Exception)\b|^error:/.test(line));
  if (at < 0) at = lines.findIndex((line) => line !== '');
  const line = lines[at];
  if (line === undefined) return undefined;
  const next = lines[at + 1];
  return line.endsWith(':') && next && !next.startsWith('at ') ? `${line} ${next}` : line;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
}
