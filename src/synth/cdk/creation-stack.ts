/**
 * From a construct's creation stack trace to the line of the user's program that created it.
 * CDK records these traces itself (`aws:cdk:creationStack` metadata); for CDKTF iam-gate asks
 * constructs to record them (see ../cdktf/record-construct-traces.ts). Pure.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../../extract/types.js';

/** `new AppStack (/repo/infra/main.ts:14:5)`, `/repo/main.ts:3:1`, `Foo (file:///repo/app.mts:2:9)`. */
const FRAME = /(?:^|[\s(])((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?\s*$/;

/**
 * The first frame of `frames` in a file of the repository outside `node_modules`: the user's code
 * that created the construct (library frames come first, the app's entry point last). `roots` are
 * the repository root as given and as the file system resolves it, since node reports real paths.
 * `file` is relative to the root, with `/` separators.
 */
export function userLocation(
  frames: readonly unknown[],
  roots: readonly string[],
): SourceLocation | undefined {
  for (const frame of frames) {
    if (typeof frame !== 'string') continue;
    const match = FRAME.exec(frame);
    if (!match) continue;
    const [, rawFile = '', line, column] = match;
    const file = rawFile.startsWith('file://') ? safeFileUrlPath(rawFile) : rawFile;
    if (file === undefined || file.split('/').includes('node_modules')) continue;
    for (const root of roots) {
      const relative = path.relative(root, file);
      if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) continue;
      return { file: relative.split(path.sep).join('/'), line: Number(line), column: Number(column) };
    }
  }
  return undefined;
}

function safeFileUrlPath(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}
