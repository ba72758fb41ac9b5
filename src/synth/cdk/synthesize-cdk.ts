/**
 * An AWS CDK app to its policies, without the cdk CLI and without AWS: the app runs with
 * `CDK_OUTDIR` and `CDK_CONTEXT_JSON` set as `cdk synth` would set them, writes a cloud assembly,
 * and the CloudFormation extractor reads every template in it. See docs/cdktf-and-cdk.md.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PolicySource } from '../../extract/types.js';
import { synthesisClock, type Synthesizer } from '../types.js';
import { entryLocation, readContextFile, repositoryRoots, underStack } from './app-project.js';
import {
  type AssemblyStack,
  readAssemblyManifest,
  readMetadataFile,
  readTemplate,
} from './read-cloud-assembly.js';
import { runApp } from './run-app.js';

const OUTPUT_FOLDER = 'cdk.out';

/**
 * Context the cdk CLI would add, and what a review needs instead: construct paths on every resource
 * (the CLI's default), no version-reporting resource, no asset bundling (Docker, esbuild) and no
 * copying of assets, since nothing is deployed; creation stacks stay on, they give the locations.
 */
const REVIEW_CONTEXT: Record<string, unknown> = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:version-reporting': false,
  'aws:cdk:bundling-stacks': [],
  'aws:cdk:disable-asset-staging': true,
  'aws:cdk:disable-creation-stack-traces': false,
};

/** Above this the context goes into a file (`CONTEXT_OVERFLOW_LOCATION_ENV`), as the CLI does: environments are bounded. */
const CONTEXT_ENV_LIMIT = 32 * 1024;

/** Deep enough for a construct created inside a library helper (`bucket.grantRead(role)`) to still reach the user's line. */
const STACK_TRACE_LIMIT = 100;

export const synthesizeCdk: Synthesizer = async (stack, context) => {
  const { durationMs, failed } = synthesisClock(stack);

  const outdir = path.join(context.workDir, OUTPUT_FOLDER);
  await mkdir(context.workDir, { recursive: true });
  const root = path.resolve(context.root);
  const stackDir = path.join(root, stack.dir);
  // The CLI's precedence: cdk.json's context over cdk.context.json's cached lookups.
  const appContext = JSON.stringify({
    ...(await readContextFile(path.join(stackDir, 'cdk.context.json'), true)),
    ...(await readContextFile(path.join(root, stack.projectFile))),
    ...REVIEW_CONTEXT,
  });
  const env: Record<string, string> = { CDK_OUTDIR: outdir };
  if (appContext.length <= CONTEXT_ENV_LIMIT) env.CDK_CONTEXT_JSON = appContext;
  else {
    const contextFile = path.join(context.workDir, 'cdk-context.json');
    await writeFile(contextFile, appContext);
    env.CONTEXT_OVERFLOW_LOCATION_ENV = contextFile;
  }
  const run = await runApp(stack, context, {
    label: 'CDK app',
    env,
    nodeOptions: [`--stack-trace-limit=${STACK_TRACE_LIMIT}`],
  });
  if (!run.ok) return failed(run.error, run.output);

  const roots = await repositoryRoots(root);
  const fallback = entryLocation(stack, run.launch);
  const sources: PolicySource[] = [];
  const warnings: string[] = [];
  let untraced = 0;
  let stackCount = 0;
  // Stages nest assemblies; the depth bound only guards against a manifest that names itself.
  const pending: { folder: string; depth: number }[] = [{ folder: '', depth: 0 }];
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    const folder = path.join(outdir, next.folder);
    const manifestText = await readFile(path.join(folder, 'manifest.json'), 'utf8').catch(() => undefined);
    if (manifestText === undefined) {
      if (next.folder !== '')
        return failed(`CDK app output: ${next.folder}/manifest.json is missing`, run.output);
      return failed(
        `CDK app wrote nothing into CDK_OUTDIR (${stack.app}): does it call app.synth(), without an outdir of its own?`,
        run.output,
      );
    }
    const manifest = readAssemblyManifest(manifestText);
    if ('error' in manifest) return failed(`CDK app output: ${manifest.error}`, run.output);
    if (next.depth < 8) {
      for (const assembly of manifest.assemblies)
        pending.push({ folder: path.posix.join(next.folder, assembly), depth: next.depth + 1 });
    }
    if (manifest.missing.length > 0) {
      warnings.push(
        `context lookups not in cdk.context.json were synthesized with placeholder values: ${manifest.missing.join(', ')}`,
      );
    }
    const metadata = await assemblyMetadata(folder, manifest.stacks);
    for (const templateFile of await templateFiles(folder, manifest.stacks)) {
      const text = await readFile(path.join(folder, templateFile), 'utf8').catch(() => undefined);
      if (text === undefined)
        return failed(`CDK app listed ${templateFile} but did not write it`, run.output);
      const file = underStack(stack, path.posix.join(OUTPUT_FOLDER, next.folder, templateFile));
      const read = readTemplate(text, file, metadata, roots, fallback);
      if ('error' in read) return failed(read.error, run.output);
      sources.push(...read.sources);
      untraced += read.untraced;
    }
    stackCount += manifest.stacks.length;
  }
  if (stackCount === 0) return failed('CDK app defined no Stack', run.output);
  if (untraced > 0) {
    warnings.push(
      `${untraced} ${untraced === 1 ? 'policy has' : 'policies have'} no creation stack into the repository; ` +
        `${untraced === 1 ? 'its' : 'their'} location is ${fallback.file}`,
    );
  }
  return { ok: true, stack, sources, warnings, durationMs: durationMs() };
};

/** Every stack's metadata in one map by construct path: a nested stack's constructs are in its parent's. */
async function assemblyMetadata(
  folder: string,
  stacks: readonly AssemblyStack[],
): Promise<Record<string, unknown>> {
  const merged: Record<string, unknown> = {};
  for (const stack of stacks) {
    Object.assign(merged, stack.metadata);
    if (stack.metadataFile === undefined) continue;
    const text = await readFile(path.join(folder, stack.metadataFile), 'utf8').catch(() => undefined);
    if (text !== undefined) Object.assign(merged, readMetadataFile(text));
  }
  return merged;
}

/** The stacks' templates, then nested stacks' templates (assets of their parents, not artifacts). */
async function templateFiles(folder: string, stacks: readonly AssemblyStack[]): Promise<string[]> {
  const files = stacks.map((stack) => stack.templateFile);
  const entries = await readdir(folder).catch(() => [] as string[]);
  const nested = entries
    .filter((name) => name.endsWith('.nested.template.json') && !files.includes(name))
    .sort();
  return [...files, ...nested];
}
