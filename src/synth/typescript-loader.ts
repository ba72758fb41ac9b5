/**
 * How node will load a program's entry (CommonJS or ES module) and the node options that let it
 * be TypeScript. A CommonJS program needs only tsx's require hook; tsx's full loader also starts an
 * ES module loader thread, about 0.1 s of every synthesis, which only an ES module program needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isRecord } from '../util/is-record.js';

export type ModuleKind = 'cjs' | 'esm';

/** ES module by extension, else by the nearest package.json's `type`, as Node decides. */
export function moduleKind(file: string): ModuleKind {
  const ext = extname(file);
  if (ext === '.mjs' || ext === '.mts') return 'esm';
  if (ext === '.cjs' || ext === '.cts') return 'cjs';
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = readPackageJson(dir);
    if (manifest) return manifest.type === 'module' ? 'esm' : 'cjs';
    if (dirname(dir) === dir) return 'cjs';
  }
}

export function readPackageJson(dir: string): Record<string, unknown> | undefined {
  const path = join(dir, 'package.json');
  if (!existsSync(path)) return undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

/** `--require tsx/cjs` or `--import tsx`, from iam-gate's own tsx (no `npx`, which would need the network). */
export function tsxNodeOptions(kind: ModuleKind): string[] {
  const resolve = createRequire(import.meta.url).resolve;
  return kind === 'cjs'
    ? ['--require', resolve('tsx/cjs')]
    : ['--import', pathToFileURL(resolve('tsx')).href];
}
