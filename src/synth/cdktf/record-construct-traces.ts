/**
 * CDKTF tags every Terraform element with a `stacktrace` metadata entry and writes its trace into
 * `cdk.tf.json` (`"//": {"metadata": {"stackTrace": [...]}}`), but since constructs 10 a metadata
 * entry only carries a trace when asked for one, and CDKTF 0.21 does not ask: the traces are always
 * empty. This preload, required into the app's node process, asks: it wraps `Node.addMetadata` of
 * every copy of `constructs` the app loads so that CDKTF's `stacktrace` entries record the frames
 * outside `node_modules` (the user's program). Nothing else in the app changes.
 *
 * It is plain CommonJS text, written next to the synthesis output, because node must load it before
 * the app and before tsx, from iam-gate's source and from its build alike.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEPENDENCY_SOURCE_MAPS_FILE_NAME } from '../dependency-source-maps.js';

export const PRELOAD_FILE_NAME = 'iam-gate-record-construct-traces.cjs';

/** Frames kept per construct: the user's code is near the top; the rest is the app's entry and loaders. */
const KEPT_FRAMES = 8;

export const RECORD_CONSTRUCT_TRACES_SOURCE = `'use strict';
// Written by iam-gate: records where the user's program creates each CDKTF element (see iam-gate's
// src/synth/cdktf/record-construct-traces.ts).
const Module = require('node:module');
const patched = new WeakSet();
const load = Module._load;
Module._load = function (request) {
  const loaded = load.apply(this, arguments);
  if (request === 'constructs') patch(loaded);
  return loaded;
};
function patch(constructs) {
  const prototype = constructs && constructs.Node && constructs.Node.prototype;
  if (!prototype || typeof prototype.addMetadata !== 'function' || patched.has(prototype)) return;
  patched.add(prototype);
  const addMetadata = prototype.addMetadata;
  prototype.addMetadata = function recordingAddMetadata(type, data, options) {
    if (type !== 'stacktrace' || (options && (options.stackTrace !== undefined || options.stackTraceOverride))) {
      return addMetadata.call(this, type, data, options);
    }
    return addMetadata.call(this, type, data, Object.assign({}, options, { stackTraceOverride: userFrames() }));
  };
  function userFrames() {
    const holder = {};
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 200;
    try {
      Error.captureStackTrace(holder, prototype.addMetadata);
    } finally {
      Error.stackTraceLimit = limit;
    }
    return String(holder.stack || '')
      .split('\\n')
      .slice(1)
      .map((line) => line.replace(/^\\s*at\\s+/, ''))
      .filter(
        (line) =>
          !line.includes('/node_modules/') &&
          !line.includes('(node:') &&
          !line.startsWith('node:') &&
          !line.includes(${JSON.stringify(PRELOAD_FILE_NAME)}) &&
          !line.includes(${JSON.stringify(DEPENDENCY_SOURCE_MAPS_FILE_NAME)}) &&
          !line.includes('app-pair-host.'),
      )
      .slice(0, ${KEPT_FRAMES});
  }
}
`;

/** Writes the preload into `dir` and returns its absolute path. */
export async function writeTracePreload(dir: string): Promise<string> {
  const file = path.join(dir, PRELOAD_FILE_NAME);
  await writeFile(file, RECORD_CONSTRUCT_TRACES_SOURCE);
  return file;
}
