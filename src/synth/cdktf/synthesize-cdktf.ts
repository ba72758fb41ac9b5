/**
 * A CDKTF app to its policies, without the cdktf CLI and without Terraform: the app runs with
 * `CDKTF_OUTDIR` set (what `cdktf synth` does), writes `manifest.json` and one `cdk.tf.json` per
 * stack, and the Terraform extractor reads each. See docs/cdktf-and-cdk.md.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PolicySource } from '../../extract/types.js';
import { entryLocation, readContextFile, repositoryRoots, underStack } from '../cdk/app-project.js';
import { runApp } from '../cdk/run-app.js';
import { writeDependencySourceMapsPreload } from '../dependency-source-maps.js';
import { synthesisClock, type Synthesizer } from '../types.js';
import { readCdktfManifest, readCdktfStack } from './read-cdktf-output.js';
import { writeTracePreload } from './record-construct-traces.js';

const OUTPUT_FOLDER = 'cdktf.out';

export const synthesizeCdktf: Synthesizer = async (stack, context) => {
  const { durationMs, failed } = synthesisClock(stack);

  const outdir = path.join(context.workDir, OUTPUT_FOLDER);
  await mkdir(context.workDir, { recursive: true });
  const preload = await writeTracePreload(context.workDir);
  const root = path.resolve(context.root);
  const projectContext = await readContextFile(path.join(root, stack.projectFile));
  const run = await runApp(stack, context, {
    label: 'CDKTF app',
    env: {
      CDKTF_OUTDIR: outdir,
      // `hclOutput` would write cdk.tf (HCL), which nothing here reads; the variable overrides the app's choice.
      SYNTH_HCL_OUTPUT: 'false',
      ...(Object.keys(projectContext).length > 0
        ? { CDKTF_CONTEXT_JSON: JSON.stringify(projectContext) }
        : {}),
    },
    nodeOptions: ['--require', await writeDependencySourceMapsPreload(context.workDir), '--require', preload],
  });
  if (!run.ok) return failed(run.error, run.output);

  let manifestText: string;
  try {
    manifestText = await readFile(path.join(outdir, 'manifest.json'), 'utf8');
  } catch {
    return failed(
      `CDKTF app wrote nothing into CDKTF_OUTDIR (${stack.app}): does it call app.synth(), without an outdir of its own?`,
      run.output,
    );
  }
  const manifest = readCdktfManifest(manifestText);
  if ('error' in manifest) return failed(`CDKTF app output: ${manifest.error}`, run.output);
  if (manifest.length === 0) return failed('CDKTF app defined no TerraformStack', run.output);

  const roots = await repositoryRoots(root);
  const fallback = entryLocation(stack, run.launch);
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
        run.output,
      );
    }
    const read = readCdktfStack(text, file, roots, fallback);
    if ('error' in read) return failed(`stack ${entry.name}: ${read.error}`, run.output);
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
};
