/**
 * Synthesis: a stack at one revision in, its policies out. Every synthesizer runs the user's code
 * through a `Runner` (see runner.ts) and returns data, never throws for a stack that fails: the review
 * reports a failed stack with its output and still reviews the others.
 */
import type { PolicySource } from '../extract/types.js';
import type { Stack } from '../stacks/types.js';
import type { Runner } from './runner.js';

export interface SynthContext {
  /** Absolute path of the checked-out revision the stack's `dir` is relative to. */
  root: string;
  runner: Runner;
  /** A scratch folder the synthesizer may write into (its output directory); removed by the caller. */
  workDir: string;
  /** Extra environment for the synthesizer (PATH, HOME); the runner passes nothing else. */
  env: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

export type SynthResult =
  | {
      ok: true;
      stack: Stack;
      /** Every policy of the stack; `location.file` is relative to `root`. */
      sources: PolicySource[];
      /** Things the reader should know that are not failures (e.g. a resource type not understood). */
      warnings: string[];
      durationMs: number;
    }
  | {
      ok: false;
      stack: Stack;
      /** One line: what failed (`pulumi program exited with code 1`, `timed out after 300 s`). */
      error: string;
      /** The synthesizer's own output (stderr, then stdout), bounded, for the report. */
      output: string;
      durationMs: number;
    };

export type Synthesizer = (stack: Stack, context: SynthContext) => Promise<SynthResult>;

/** A synthesis's clock and its failure shape, shared by every synthesizer. */
export function synthesisClock(stack: Stack): {
  durationMs: () => number;
  failed: (error: string, output?: string) => SynthResult;
} {
  const started = performance.now();
  const durationMs = (): number => performance.now() - started;
  return {
    durationMs,
    failed: (error, output = '') => ({ ok: false, stack, error, output, durationMs: durationMs() }),
  };
}
