/** What the CDKTF and CDK synthesizer tests share: scratch folders, contexts, stacks, expected lines. */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { SourceLocation } from '../../../src/extract/types.js';
import type { Stack, StackKind } from '../../../src/stacks/types.js';
import { localRunner, type Runner } from '../../../src/synth/runner.js';
import type { SynthContext, SynthResult } from '../../../src/synth/types.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Synthesis of a real app takes seconds, more on a loaded machine. */
export const SYNTH_TIMEOUT_MS = 240_000;

const scratchDirs: string[] = [];

export async function scratchDir(prefix = 'iam-gate-synth-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

export async function removeScratchDirs(): Promise<void> {
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A context as the review gives it: PATH and HOME only, a fresh work folder. */
export async function synthContext(
  root: string,
  overrides: Partial<SynthContext> = {},
): Promise<SynthContext> {
  return {
    root,
    runner: localRunner,
    workDir: await scratchDir('iam-gate-work-'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    ...overrides,
  };
}

export function stackAt(kind: StackKind, dir: string, app: string | undefined): Stack {
  const projectFile = path.posix.join(dir, kind === 'cdk' ? 'cdk.json' : 'cdktf.json');
  return { kind, dir, projectFile, name: dir, ...(app !== undefined ? { app } : {}) };
}

/** Writes a small project (file name -> content) into a fresh folder and returns the folder. */
export async function writeProject(files: Record<string, string>): Promise<string> {
  const dir = await scratchDir('iam-gate-project-');
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

/** The location of the one line of `file` (relative to `root`) that contains `needle`, at the needle. */
export async function locationOf(root: string, file: string, needle: string): Promise<SourceLocation> {
  const lines = (await readFile(path.join(root, file), 'utf8')).split('\n');
  const found = lines.flatMap((line, index) => (line.includes(needle) ? [index] : []));
  if (found.length !== 1) throw new Error(`${file} has ${found.length} lines with ${needle}`);
  const index = found[0] as number;
  return { file, line: index + 1, column: (lines[index] as string).indexOf(needle) + 1 };
}

export function succeeded(result: SynthResult): Extract<SynthResult, { ok: true }> {
  if (!result.ok) throw new Error(`synthesis failed: ${result.error}\n${result.output}`);
  return result;
}

export function failed(result: SynthResult): Extract<SynthResult, { ok: false }> {
  if (result.ok) throw new Error(`synthesis succeeded with ${result.sources.length} policies`);
  return result;
}

/**
 * Base and head synthesized as a pair take one process and find what each synthesized alone finds,
 * and the two revisions differ (so the comparison says something).
 */
export async function expectPairAsAlone(
  pair: (runner: Runner) => Promise<[SynthResult, SynthResult]>,
  alone: () => Promise<[SynthResult, SynthResult]>,
): Promise<void> {
  const runner = countingRunner();
  const [base, head] = await pair(runner);
  expect(runner.runs).toBe(1);
  const [baseAlone, headAlone] = await alone();
  expect(succeeded(base).sources).toEqual(succeeded(baseAlone).sources);
  expect(succeeded(head).sources).toEqual(succeeded(headAlone).sources);
  expect(succeeded(head).sources).not.toEqual(succeeded(base).sources);
}

/** The real runner, counting the processes it starts. */
export function countingRunner(): Runner & { runs: number } {
  const runner = {
    name: 'counting',
    runs: 0,
    run(request: Parameters<Runner['run']>[0]) {
      runner.runs++;
      return localRunner.run(request);
    },
  };
  return runner;
}
