/** What a review produces: data for every renderer (text, markdown, JSON, SARIF) and the exit code. */
import type { PolicyDiff } from '../diff/types.js';
import type { ExpectationResult } from '../expect/evaluate-expectations.js';
import type { PolicySource } from '../extract/types.js';
import type { Finding } from '../rules/types.js';
import type { Stack } from '../stacks/types.js';
import type { StackSynthesis } from './synthesize-stack.js';

export interface Revision {
  /** As the user named it (`main`, `HEAD`), or the short commit when it was inferred. */
  ref: string;
  commit: string;
}

export interface ReviewedStack {
  stack: Stack;
  change: 'added' | 'deleted' | 'modified';
  /** Why the change touches it: `changed: infra/app/index.ts`, `imports lib/policies.ts (changed)`. */
  reasons: string[];
  /** Absent for a stack that is new at head. */
  base?: StackSynthesis;
  /** Absent for a stack deleted at head. */
  head?: StackSynthesis;
  /** Head's findings, `introduced` set on each, after the config (severity, exceptions). */
  findings: Finding[];
  /** Base findings head no longer has. */
  fixed: Finding[];
  /** The semantic diff, when both revisions synthesized. */
  diff?: PolicyDiff;
  /** Changed policies whose content is unknown before deployment: possibly new access. */
  changedUnresolved: PolicySource[];
  /** Ids of the head sources, to attribute findings to the stack. */
  sourceIds: Set<string>;
}

export interface Review {
  /** The repository's top folder. */
  repo: string;
  base: Revision;
  head: Revision;
  /** The config file the review used, relative to the repository (it may not exist: defaults). */
  configFile: string;
  stacks: ReviewedStack[];
  /** Stacks found at head that the change does not touch. */
  untouched: Stack[];
  /** Projects found but not reviewable (another Pulumi runtime, a malformed project file). */
  skippedProjects: string[];
  warnings: string[];
  expectations: (ExpectationResult & { skipped?: boolean })[];
  /** Every finding of every stack, and failed expectations, after the config. */
  findings: Finding[];
  /** Config notes (expired or unused exceptions). */
  notes: string[];
  blocking: (finding: Finding) => boolean;
  verdict: 'pass' | 'fail';
  /** Why it fails; empty when it passes. */
  reasons: string[];
}

export type ReviewProgress =
  | { type: 'synth-start'; stack: string; revision: 'base' | 'head' }
  | {
      type: 'synth-end';
      stack: string;
      revision: 'base' | 'head';
      ok: boolean;
      cached: boolean;
      durationMs: number;
    };
