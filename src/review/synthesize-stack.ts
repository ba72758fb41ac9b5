/**
 * One stack at one revision to its policies: the synthesizer for its kind, behind a cache. A base
 * revision is synthesized again and again (every push to a pull request compares against the same
 * base), so its result is cached under the revision's tree hash: same tree, same program, same
 * policies. Only successful results are cached; a failure is retried on the next review.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { elementLines } from '../extract/element-lines.js';
import { extractPolicies } from '../extract/extract-file.js';
import { resolveManagedPolicies } from '../extract/managed-policies.js';
import type { Stack, StackKind } from '../stacks/types.js';
import { synthesizeCdk } from '../synth/cdk/synthesize-cdk.js';
import { synthesizeCdktf, synthesizeCdktfRevisions } from '../synth/cdktf/synthesize-cdktf.js';
import { synthesizePulumi, synthesizePulumiRevisions } from '../synth/pulumi/synthesize.js';
import { synthesisClock, type SynthContext, type SynthResult, type Synthesizer } from '../synth/types.js';

/** A template or policy file the config lists: nothing to run, the file is the output. */
const readTemplate: Synthesizer = async (stack, context) => {
  const { durationMs, failed } = synthesisClock(stack);
  let text: string;
  try {
    text = await readFile(join(context.root, stack.projectFile), 'utf8');
  } catch (error) {
    return failed(
      `cannot read ${stack.projectFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const extracted = extractPolicies(text, stack.projectFile);
  if (!extracted.ok) return failed(extracted.error);
  // The file is read here only: each element's line goes with the source, for findings to point at.
  for (const source of extracted.sources) {
    const lines = elementLines(extracted.input, source);
    if (lines !== undefined) source.lines = lines;
  }
  return { ok: true, stack, sources: extracted.sources, warnings: [], durationMs: durationMs() };
};

const SYNTHESIZERS: Record<StackKind, Synthesizer> = {
  pulumi: synthesizePulumi,
  cdktf: synthesizeCdktf,
  cdk: synthesizeCdk,
  template: readTemplate,
};

export interface SynthCache {
  get(key: string): Promise<SynthResult | undefined>;
  set(key: string, result: SynthResult): Promise<void>;
}

/** Results as JSON files in a folder (`~/.cache/iam-gate/synth` by default). */
export function directoryCache(dir: string): SynthCache {
  return {
    async get(key) {
      try {
        return JSON.parse(await readFile(join(dir, `${key}.json`), 'utf8')) as SynthResult;
      } catch {
        return undefined;
      }
    },
    async set(key, result) {
      await mkdir(dir, { recursive: true });
      // Write then rename: two reviews running at once never read half a file.
      const temporary = join(dir, `${key}.${process.pid}.tmp`);
      await writeFile(temporary, JSON.stringify(result));
      await rename(temporary, join(dir, `${key}.json`));
    },
  };
}

/**
 * What decides a synthesis result: the revision's whole tree (the stack may import anything in the
 * repository), the stack, and the iam-gate version (extraction changes between versions).
 */
export function synthCacheKey(stack: Stack, tree: string, version: string): string {
  const identity = JSON.stringify([
    version,
    tree,
    stack.kind,
    stack.dir,
    stack.projectFile,
    stack.pulumiStack ?? '',
    stack.app ?? '',
  ]);
  return createHash('sha256').update(identity).digest('hex');
}

export interface SynthesizeOptions {
  cache?: SynthCache;
  /** The result's key (see synthCacheKey); unset to always synthesize. A review caches both revisions. */
  cacheKey?: string;
  /**
   * Runs before synthesizing, not on a cache hit: puts what the synthesis needs on disk (the
   * revision's files) and answers the folder that holds them, the context's `root` from then on.
   * Its failure is the caller's, so it is thrown, not reported as the stack's.
   */
  prepare?: () => Promise<string>;
}

export type StackSynthesis = SynthResult & { cached: boolean };

export async function synthesizeStack(
  stack: Stack,
  context: SynthContext,
  options: SynthesizeOptions = {},
): Promise<StackSynthesis> {
  return (await cached(stack, options)) ?? fresh(stack, context, options);
}

/** A synthesis that missed the cache: the revision put on disk, the synthesizer run, the result stored. */
async function fresh(
  stack: Stack,
  context: SynthContext,
  options: SynthesizeOptions,
): Promise<StackSynthesis> {
  if (options.prepare !== undefined) context = { ...context, root: await options.prepare() };
  return stored(await guarded(stack, () => SYNTHESIZERS[stack.kind](stack, context)), options);
}

/** One revision of a stack for `synthesizeStackRevisions`. */
export interface RevisionJob extends SynthesizeOptions {
  stack: Stack;
  context: SynthContext;
}

/** Kinds whose base and head can run in one process, with what runs them. */
const PAIRED: Partial<
  Record<
    StackKind,
    (
      base: { stack: Stack; context: SynthContext },
      head: { stack: Stack; context: SynthContext },
    ) => Promise<[SynthResult, SynthResult]>
  >
> = { pulumi: synthesizePulumiRevisions, cdktf: synthesizeCdktfRevisions };

/** Whether a stack's base and head can be synthesized as one job (see synthesizeStackRevisions). */
export function pairable(base: Stack, head: Stack): boolean {
  return base.kind === head.kind && PAIRED[head.kind] !== undefined;
}

/**
 * Base and head of one stack. A Pulumi program or CDKTF app missing the cache at both revisions runs
 * both in one process (the SDK, `cdktf` and the providers load once; base's output is handed over
 * before head's code loads); otherwise each runs as `synthesizeStack` would, one after the other.
 */
export async function synthesizeStackRevisions(
  base: RevisionJob,
  head: RevisionJob,
): Promise<[StackSynthesis, StackSynthesis]> {
  const [baseHit, headHit] = await Promise.all([cached(base.stack, base), cached(head.stack, head)]);
  const paired = pairable(base.stack, head.stack) ? PAIRED[head.stack.kind] : undefined;
  if (baseHit !== undefined || headHit !== undefined || paired === undefined) {
    const before = baseHit ?? (await fresh(base.stack, base.context, base));
    const after = headHit ?? (await fresh(head.stack, head.context, head));
    return [before, after];
  }
  const [baseRoot, headRoot] = await Promise.all([
    base.prepare ? base.prepare() : base.context.root,
    head.prepare ? head.prepare() : head.context.root,
  ]);
  const results = await guardedPair(base.stack, head.stack, () =>
    paired(
      { stack: base.stack, context: { ...base.context, root: baseRoot } },
      { stack: head.stack, context: { ...head.context, root: headRoot } },
    ),
  );
  return Promise.all([stored(results[0], base), stored(results[1], head)]);
}

async function cached(stack: Stack, options: SynthesizeOptions): Promise<StackSynthesis | undefined> {
  const { cache, cacheKey } = options;
  if (cache === undefined || cacheKey === undefined) return undefined;
  const hit = await cache.get(cacheKey);
  return hit?.ok === true
    ? { ...hit, stack, sources: resolveManagedPolicies(hit.sources), cached: true }
    : undefined;
}

/** Managed policies filled in; a success cached. */
async function stored(result: SynthResult, options: SynthesizeOptions): Promise<StackSynthesis> {
  const { cache, cacheKey } = options;
  // Whatever the synthesizer, attached AWS managed policies get their documents.
  if (result.ok) result = { ...result, sources: resolveManagedPolicies(result.sources) };
  if (result.ok && cache !== undefined && cacheKey !== undefined)
    await cache.set(cacheKey, result).catch(() => undefined);
  return { ...result, cached: false };
}

/** Synthesizers report failures as data; an exception is a bug, still reported per stack. */
async function guarded(stack: Stack, synthesize: () => Promise<SynthResult>): Promise<SynthResult> {
  try {
    return await synthesize();
  } catch (error) {
    return bugResult(stack, error);
  }
}

async function guardedPair(
  base: Stack,
  head: Stack,
  synthesize: () => Promise<[SynthResult, SynthResult]>,
): Promise<[SynthResult, SynthResult]> {
  try {
    return await synthesize();
  } catch (error) {
    return [bugResult(base, error), bugResult(head, error)];
  }
}

function bugResult(stack: Stack, error: unknown): SynthResult {
  return {
    ok: false,
    stack,
    error: `iam-gate failed to synthesize ${stack.name}: ${error instanceof Error ? error.message : String(error)}`,
    output: error instanceof Error ? (error.stack ?? '') : '',
    durationMs: 0,
  };
}
