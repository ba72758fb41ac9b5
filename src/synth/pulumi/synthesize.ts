/**
 * Pulumi programs (Node.js runtime, TypeScript or JavaScript) synthesized without the Pulumi CLI:
 * host.ts runs the program against mocks in a child process started through the Runner, and the
 * snapshot it writes becomes the stack's policies (snapshot-sources.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDependencySourceMapsPreload } from '../dependency-source-maps.js';
import { DEFAULT_LIMITS } from '../runner.js';
import { tsxNodeOptions } from '../typescript-loader.js';
import { synthesisClock, type Synthesizer } from '../types.js';
import { parsePulumiProject, programEntry, stackConfig } from './project.js';
import { SNAPSHOT_VERSION, type PulumiSnapshot } from './snapshot.js';
import { snapshotSources } from './snapshot-sources.js';

const THIS_FILE = fileURLToPath(import.meta.url);
/** host.js next to the built synthesizer; host.ts when running from source (tsx loads it). */
const HOST = join(dirname(THIS_FILE), `host${extname(THIS_FILE)}`);

/** Stack name used when the project has no `Pulumi.<stack>.yaml`. */
const DEFAULT_STACK = 'dev';

export const synthesizePulumi: Synthesizer = async (stack, context) => {
  const { durationMs, failed } = synthesisClock(stack);

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
  const snapshotFile = join(scratch, 'snapshot.json');
  const run = await context.runner.run({
    command: process.execPath,
    args: [
      '--require',
      await writeDependencySourceMapsPreload(scratch),
      // From source, host.ts itself needs tsx's full loader.
      ...tsxNodeOptions(HOST.endsWith('.ts') ? 'esm' : entry.value.module),
      HOST,
      snapshotFile,
      project.value.name,
      stackName,
      entry.value.file,
      entry.value.module,
    ],
    cwd: projectDir,
    env: {
      ...context.env,
      PULUMI_CONFIG: JSON.stringify(config.value.values),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(config.value.secretKeys),
    },
    limits: {
      ...DEFAULT_LIMITS,
      ...(context.timeoutMs !== undefined ? { timeoutMs: context.timeoutMs } : {}),
    },
  });
  const output = [run.stderr.trimEnd(), run.stdout.trimEnd()].filter((text) => text !== '').join('\n');
  if (run.timedOut) return failed(`the pulumi program timed out after ${seconds(run.durationMs)} s`, output);
  if (run.exitCode !== 0) {
    const why =
      run.exitCode === null
        ? `was killed by ${run.signal ?? 'a signal'}`
        : `exited with code ${run.exitCode}`;
    const message = errorLine(run.stderr)?.split(`${root}/`).join('');
    return failed(`the pulumi program ${why}${message ? `: ${message}` : ''}`, output);
  }

  const snapshot = parseSnapshot(await readText(snapshotFile));
  if (!snapshot) return failed('the pulumi program finished without writing its resources', output);
  const { sources, warnings } = snapshotSources(snapshot, { root, projectFile: stack.projectFile });
  return {
    ok: true,
    stack,
    sources,
    warnings: [...config.value.warnings, ...warnings],
    durationMs: durationMs(),
  };
};

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
