/**
 * tsx turns on Node's source maps so that stack traces point into the user's TypeScript, and that
 * is where iam-gate's source locations come from. But Node then also reads and indexes the source
 * map of every module it compiles (the hundreds of `@pulumi/aws`, `cdktf` and provider files
 * included) and maps their frames in every stack trace the SDKs capture: about a tenth of a Pulumi
 * program's run and a sixth of a CDKTF app's (docs/benchmarks.md). This preload hides the
 * `sourceMappingURL` comment of modules under `node_modules` from Node as they compile, so only
 * the program's own files are mapped; frames in dependencies then name their JavaScript, which no
 * source location points at anyway. Source maps stay on throughout: a stack captured while a
 * dependency loads the program (a CLI in node_modules requiring the app) is still mapped.
 *
 * Plain CommonJS text written next to the synthesis output, like the CDKTF trace preload, because
 * node must load it before the program and before tsx, from iam-gate's source and build alike.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DEPENDENCY_SOURCE_MAPS_FILE_NAME = 'iam-gate-dependency-source-maps.cjs';

export const DEPENDENCY_SOURCE_MAPS_SOURCE = `'use strict';
// Written by iam-gate: no source maps for dependencies (see iam-gate's src/synth/dependency-source-maps.ts).
const Module = require('node:module');
const compile = Module.prototype._compile;
const DEPENDENCY = /[\\\\/]node_modules[\\\\/]/;
const MAGIC = /\\/[*/][#@]\\s*sourceMappingURL=/g;
Module.prototype._compile = function compileWithoutDependencyMaps(content, filename) {
  if (typeof content !== 'string' || typeof filename !== 'string' || !DEPENDENCY.test(filename))
    return compile.apply(this, arguments);
  // The comment Node looks for closes the file: cut it when only its own line follows.
  let last = -1;
  MAGIC.lastIndex = Math.max(0, content.length - 4096);
  for (let match = MAGIC.exec(content); match !== null; match = MAGIC.exec(content)) last = match.index;
  if (last === -1 || /\\n\\s*\\S/.test(content.slice(last))) return compile.apply(this, arguments);
  const args = Array.prototype.slice.call(arguments);
  args[0] = content.slice(0, last);
  return compile.apply(this, args);
};
`;

/** Writes the preload into `dir` and returns its absolute path. */
export async function writeDependencySourceMapsPreload(dir: string): Promise<string> {
  const file = path.join(dir, DEPENDENCY_SOURCE_MAPS_FILE_NAME);
  await writeFile(file, DEPENDENCY_SOURCE_MAPS_SOURCE);
  return file;
}
