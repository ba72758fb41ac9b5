/**
 * Runs a CDKTF or AWS CDK app (the `app` command of `cdktf.json` / `cdk.json`) through the runner,
 * in the project folder, with only the environment the caller allows plus what the synthesizer sets.
 */
import path from 'node:path';
import type { Stack } from '../../stacks/types.js';
import { DEFAULT_LIMITS, howItExited, type RunRequest, type RunResult } from '../runner.js';
import type { SynthContext } from '../types.js';
import { moduleKind, tsxNodeOptions } from '../typescript-loader.js';
import { type AppLaunch, planAppCommand } from './app-command.js';

export interface AppRunOptions {
  /** How messages name the program: `CDKTF app`, `CDK app`. */
  label: string;
  /** Variables the synthesizer adds to `context.env` (output folder, context). */
  env: Readonly<Record<string, string>>;
  /** Node options for the app's process, e.g. a `--require` preload or `--stack-trace-limit`. */
  nodeOptions: readonly string[];
}

export type AppRunResult =
  { ok: true; launch: AppLaunch; output: string } | { ok: false; error: string; output: string };

/** The runner request for a stack's app: node with tsx for a TypeScript entry, `/bin/sh -c` otherwise. */
function appRunRequest(
  stack: Stack,
  context: SynthContext,
  options: AppRunOptions,
  launch: AppLaunch = planAppCommand(stack.app ?? ''),
): RunRequest {
  const cwd = path.join(context.root, stack.dir);
  const limits = { ...DEFAULT_LIMITS, timeoutMs: context.timeoutMs ?? DEFAULT_LIMITS.timeoutMs };
  const env: Record<string, string> = { ...context.env, ...options.env };
  if (launch.mode === 'typescript') {
    if (launch.tsconfig !== undefined) env.TSX_TSCONFIG_PATH = launch.tsconfig;
    const kind = moduleKind(path.resolve(cwd, launch.entry));
    return {
      command: process.execPath,
      args: [...options.nodeOptions, ...tsxNodeOptions(kind), launch.entry, ...launch.args],
      cwd,
      env,
      limits,
    };
  }
  // A shell command reaches node (if at all) through npx, npm or a script: NODE_OPTIONS follows it there.
  if (options.nodeOptions.length > 0) {
    const own = options.nodeOptions.map(quoteNodeOption).join(' ');
    env.NODE_OPTIONS = context.env.NODE_OPTIONS ? `${context.env.NODE_OPTIONS} ${own}` : own;
  }
  return { command: '/bin/sh', args: ['-c', launch.command], cwd, env, limits };
}

export async function runApp(
  stack: Stack,
  context: SynthContext,
  options: AppRunOptions,
): Promise<AppRunResult> {
  if (stack.app === undefined || stack.app.trim() === '') {
    return { ok: false, error: `${stack.projectFile} has no "app" command`, output: '' };
  }
  const launch = planAppCommand(stack.app);
  const request = appRunRequest(stack, context, options, launch);
  let result: RunResult;
  try {
    result = await context.runner.run(request);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: `${options.label} could not be started (${stack.app}): ${detail}`,
      output: '',
    };
  }
  const output = [result.stderr.trimEnd(), result.stdout.trimEnd()].filter((text) => text !== '').join('\n');
  if (result.timedOut) {
    const seconds = Math.round(request.limits.timeoutMs / 100) / 10;
    return { ok: false, error: `${options.label} timed out after ${seconds} s (${stack.app})`, output };
  }
  if (result.exitCode !== 0) {
    return { ok: false, error: `${options.label} ${howItExited(result)} (${stack.app})`, output };
  }
  return { ok: true, launch, output };
}

/** NODE_OPTIONS splits on spaces unless quoted. */
function quoteNodeOption(option: string): string {
  return /[\s"\\]/.test(option) ? `"${option.replace(/(["\\])/g, '\\$1')}"` : option;
}
