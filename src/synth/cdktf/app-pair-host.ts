/**
 * Runs a CDKTF app at two revisions, base then head, in one node process, so that `cdktf`, the
 * provider classes and tsx load once (the second app then takes milliseconds). Started by
 * synthesize-cdktf.ts through the Runner:
 *
 *     node --require <preloads> [--require tsx/cjs | --import tsx] app-pair-host.js <plan.json>
 *
 * Each app runs in its own folder with its own `CDKTF_OUTDIR` and context, as `cdktf synth` would
 * start it. Before head's app is loaded, everything base's app wrote is handed over on stdout, whole,
 * so that head's code (the pull request's) cannot change what base was found to allow. An app that
 * has not written its manifest by the time its module has loaded (it synthesizes later, from a
 * promise) is not handed over: the host stops, and synthesize-cdktf.ts runs both apps on their own.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { forgetProgramModules, handOver } from '../handed-over.js';

/** What synthesize-cdktf.ts asks of one process: the apps, in order. */
export interface AppPairPlan {
  /** Written on its own line before each app's output handed over on stdout. */
  frameMarker: string;
  runs: AppPairRun[];
}

export interface AppPairRun {
  /** The app's entry file, absolute. */
  entry: string;
  module: 'cjs' | 'esm';
  /** The app's folder: its working directory. */
  cwd: string;
  /** Variables the app reads (`CDKTF_OUTDIR`, its context); they replace the previous app's. */
  env: Record<string, string>;
  /** Where the app writes (its `CDKTF_OUTDIR`). */
  outdir: string;
}

/** Every file under `dir`, by path relative to it. */
function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files[relative(dir, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

async function main(): Promise<void> {
  const planFile = process.argv[2];
  if (!planFile) throw new Error('usage: app-pair-host.js <plan.json>');
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as AppPairPlan;
  let previous: Record<string, string> = {};
  for (const [index, run] of plan.runs.entries()) {
    if (index > 0) forgetProgramModules();
    process.chdir(run.cwd);
    for (const key of Object.keys(previous)) Reflect.deleteProperty(process.env, key);
    Object.assign(process.env, run.env);
    previous = run.env;
    if (run.module === 'esm') await import(pathToFileURL(run.entry).href);
    else createRequire(run.entry)(run.entry);
    if (index === plan.runs.length - 1) return;
    // A synth the app started from a promise may still be under way: one more turn for it.
    await new Promise((resolve) => setImmediate(resolve));
    if (!existsSync(join(run.outdir, 'manifest.json'))) return;
    await handOver(plan.frameMarker, index, JSON.stringify(filesUnder(run.outdir)));
  }
}

// Once the last app is loaded, the process ends as a lone app's would: when nothing is left to run.
main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
