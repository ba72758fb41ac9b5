/**
 * `review`: the whole pipeline on a local git repository, base against head.
 *
 *   resolve revisions → config (from base) → discover stacks at both → which stacks the change
 *   touches → synthesize touched stacks at both (in parallel, cached by tree; a revision is
 *   exported only for a synthesis that misses the cache) → lint + mark introduced → semantic diff
 *   → expectations → verdict
 *
 * The stacks a change certainly touches start synthesizing before the import scan has found the
 * rest, so that the scan's second or so overlaps with synthesis.
 *
 * Everything that runs repository code goes through `options.runner`, the seam where the sandbox
 * plugs in. One failing stack never hides the others: it is reported with its output.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyConfig,
  enabledRules,
  isBlocking,
  ruleSettings,
  type ConfigNote,
} from '../config/apply-config.js';
import { loadConfig } from '../config/load-config.js';
import { defaultConfig } from '../config/defaults.js';
import type { IamGateConfig } from '../config/schema.js';
import { EXPECTATION_FAILED } from '../expect/expectation-failed.js';
import { evaluateExpectations, type ExpectationResult } from '../expect/evaluate-expectations.js';
import { principalOf, type PolicySource } from '../extract/types.js';
import { ruleIds, rules } from '../rules/index.js';
import type { Finding } from '../rules/types.js';
import { discoverStacks, projectDirs, type Discovery } from '../stacks/discover-stacks.js';
import { gitRevisionTree, type GitRevisionTree } from '../stacks/git-tree.js';
import { ancestorDirs, parentDir, toRepoPath } from '../stacks/repo-path.js';
import { touchedStacks, type TouchedStack } from '../stacks/touched-stacks.js';
import type { Stack } from '../stacks/types.js';
import { localRunner, type Runner } from '../synth/runner.js';
import { compareText } from '../util/compare-text.js';
import { packageVersion } from '../version.js';
import {
  CHANGE_RULES,
  compareRevisions,
  type CompareOptions,
  type RevisionComparison,
} from './compare-revisions.js';
import { defaultConcurrency } from './concurrency.js';
import { changedFiles, defaultBase, locateRepository, resolveCommit, workingCopyIs } from './git.js';
import { stageRevision } from './stage-revision.js';
import {
  directoryCache,
  pairable,
  type RevisionJob,
  synthCacheKey,
  synthesizeStack,
  synthesizeStackRevisions,
  type StackSynthesis,
  type SynthCache,
} from './synthesize-stack.js';
import type { Review, ReviewProgress, ReviewedStack, Revision } from './types.js';

export type * from './types.js';

export interface ReviewOptions {
  /** Any folder inside the repository. */
  repo: string;
  /** Default: where head forked from the default branch. */
  base?: string;
  /** Default: HEAD. */
  head?: string;
  /** Default: the base revision's `.github/iam-gate.yml` (a pull request cannot loosen its own gate). */
  configPath?: string;
  runner?: Runner;
  /** Where synthesis results are cached; false for none. Default `$XDG_CACHE_HOME/iam-gate` or `~/.cache/iam-gate`. */
  cacheDir?: string | false;
  /** Stack syntheses running at once, a whole number from 1. Default: the machine's cores, at most 8. */
  concurrency?: number;
  /** Per synthesis; default 5 minutes. */
  timeoutMs?: number;
  /**
   * Per stack, how long the semantic diff may take before what it has not compared is listed as
   * possibly added; default 60 seconds (ordinary stacks take milliseconds, see docs/benchmarks.md).
   */
  diffTimeBudgetMs?: number;
  /** Environment for synthesizers (the runner passes nothing else). Default: PATH and HOME. */
  env?: Readonly<Record<string, string>>;
  /** Also fail on blocking findings that base already had. */
  failOnExisting?: boolean;
  today?: Date;
  onProgress?: (event: ReviewProgress) => void;
}

const DEFAULT_DIFF_TIME_BUDGET_MS = 60_000;

/** Ids a config may name: the rules, the expectation finding and the change findings. */
export const REVIEW_FINDING_IDS: readonly string[] = [
  ...ruleIds,
  EXPECTATION_FAILED.id,
  ...Object.keys(CHANGE_RULES),
];

export class ReviewError extends Error {
  override name = 'ReviewError';
}

export async function runReview(options: ReviewOptions): Promise<Review> {
  const { concurrency } = options;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1))
    throw new ReviewError(`concurrency must be a whole number of at least 1, not ${concurrency}`);
  const { root, commit: headCommit } = await locateRepository(options.repo, options.head ?? 'HEAD');
  const inferred = options.base === undefined ? await defaultBase(root, headCommit) : undefined;
  const baseCommit = options.base !== undefined ? await resolveCommit(root, options.base) : inferred?.commit;
  if (baseCommit === undefined) {
    throw new ReviewError('no base revision: pass --base (no main or master branch to compare with)');
  }
  const base: Revision = {
    ref: options.base ?? inferred?.ref ?? baseCommit.slice(0, 12),
    commit: baseCommit,
  };
  const head: Revision = { ref: options.head ?? 'HEAD', commit: headCommit };

  const [baseTree, headTree] = await Promise.all([
    gitRevisionTree(root, baseCommit),
    gitRevisionTree(root, headCommit),
  ]);
  // Asked now, while the trees' cat-file processes are open: the synthesis cache keys on them.
  const rootTrees = Promise.all([baseTree.rootTree(), headTree.rootTree()]);
  rootTrees.catch(() => undefined);
  let config: LoadedReviewConfig;
  let discovered: { base: Discovery; head: Discovery };
  let changed: string[];
  try {
    config = await reviewConfig(root, baseTree, options.configPath);
    const policyGlobs = config.config.policies.map((entry) => entry.path);
    const [baseStacks, headStacks, files] = await Promise.all([
      discoverStacks(baseTree, { policyGlobs }),
      discoverStacks(headTree, { policyGlobs }),
      changedFiles(root, baseCommit, headCommit),
    ]);
    discovered = { base: baseStacks, head: headStacks };
    changed = files;
  } catch (error) {
    baseTree.close();
    headTree.close();
    throw error;
  }

  const warnings: string[] = [];
  const lint = {
    rules: enabledRules(rules, config.config),
    settings: ruleSettings(config.config),
    diffTimeBudgetMs: options.diffTimeBudgetMs ?? DEFAULT_DIFF_TIME_BUDGET_MS,
  };
  let touched: TouchedStack[];
  let reviewed: ReviewedStack[];
  const syntheses = new Syntheses(root, base, head, rootTrees, stagedStackDirs(discovered), options);
  try {
    // The import scan (TypeScript's parser) takes a second or more; the stacks the change certainly
    // touches need no scan to know it, so they synthesize meanwhile.
    for (const entry of longestFirst(certainlyTouched(discovered, changed))) syntheses.start(entry);
    try {
      const result = await touchedStacks(discovered, changed, headTree);
      touched = result.stacks;
      warnings.push(...discovered.head.warnings, ...result.warnings);
    } finally {
      baseTree.close();
      headTree.close();
    }
    for (const entry of longestFirst(touched)) syntheses.start(entry);
    // Each stack is compared as soon as its revisions are in, while slower stacks still synthesize.
    reviewed = await syntheses.results(touched, (entry) => compareStack(entry, lint));
  } finally {
    await syntheses.close();
  }

  const headSources = reviewed.flatMap((stack) => (stack.head?.ok ? stack.head.sources : []));
  const expectations = evaluateReviewExpectations(config.config, headSources, config.file, config.lines);

  const raw = [
    ...reviewed.flatMap((stack) => stack.findings),
    ...expectations.flatMap((result) => (result.finding ? [{ ...result.finding, introduced: true }] : [])),
  ];
  const applied = applyConfig(raw, config.config, options.today ?? new Date());
  const findings = applied.findings;
  const blocking = (finding: Finding) =>
    isBlocking(finding, config.config) && (finding.introduced !== false || options.failOnExisting === true);
  for (const stack of reviewed) {
    stack.findings = findings.filter((finding) => stack.sourceIds.has(finding.source.id));
  }

  const reasons: string[] = [];
  const blockingFindings = findings.filter(blocking);
  const failedExpectations = blockingFindings.filter((finding) => finding.ruleId === EXPECTATION_FAILED.id);
  const introducedBlocking = blockingFindings.length - failedExpectations.length;
  if (introducedBlocking > 0) reasons.push(`${introducedBlocking} blocking findings introduced`);
  if (failedExpectations.length > 0) reasons.push(`${failedExpectations.length} expectations failed`);
  for (const stack of reviewed) {
    if (stack.head !== undefined && !stack.head.ok)
      reasons.push(`${stack.stack.name} failed to synthesize at head`);
  }
  const skippedProjects = discovered.head.skipped.map((project) => project.message);

  return {
    repo: root,
    base,
    head,
    configFile: config.file,
    stacks: reviewed,
    untouched: discovered.head.stacks.filter((stack) => !touched.some((t) => t.stack.name === stack.name)),
    skippedProjects,
    warnings,
    expectations,
    findings,
    notes: applied.notes.map((note: ConfigNote) => note.message),
    blocking,
    verdict: reasons.length > 0 ? 'fail' : 'pass',
    reasons,
  };
}

interface LoadedReviewConfig {
  config: IamGateConfig;
  /** The config file as reports name it, relative to the repository root. */
  file: string;
  lines?: (number | undefined)[];
}

async function reviewConfig(
  root: string,
  baseTree: GitRevisionTree,
  configPath?: string,
): Promise<LoadedReviewConfig> {
  if (configPath !== undefined) {
    const loaded = await loadConfig({ cwd: root, configPath, knownRuleIds: REVIEW_FINDING_IDS });
    if (!loaded.ok)
      throw new ReviewError(`invalid configuration:\n${loaded.errors.map((e) => `  ${e}`).join('\n')}`);
    return {
      config: loaded.config,
      file: configPath,
      ...(loaded.expectLines ? { lines: loaded.expectLines } : {}),
    };
  }
  for (const file of ['.github/iam-gate.yml', '.github/iam-gate.yaml']) {
    const text = await baseTree.readText(file);
    if (text === undefined) continue;
    // yaml and zod load only for a file to parse, as in loadConfig (zod alone is ~35 ms).
    const { parseConfig } = await import('../config/parse-config.js');
    const parsed = parseConfig(text, `${file} (at base)`, REVIEW_FINDING_IDS);
    if (!parsed.ok)
      throw new ReviewError(`invalid configuration:\n${parsed.errors.map((e) => `  ${e}`).join('\n')}`);
    return { config: parsed.config, file, ...(parsed.expectLines ? { lines: parsed.expectLines } : {}) };
  }
  return { config: structuredClone(defaultConfig), file: '.github/iam-gate.yml' };
}

interface SynthesizedStack {
  touched: TouchedStack;
  base?: StackSynthesis;
  head?: StackSynthesis;
}

type Side = 'base' | 'head';

/** The revisions a stack is synthesized at: both, or the one it exists at. */
function sidesOf(change: TouchedStack['change']): Side[] {
  return change === 'added' ? ['head'] : change === 'deleted' ? ['base'] : ['base', 'head'];
}

/**
 * The stack syntheses of one review. Jobs can start before the list of touched stacks is final
 * (see certainlyTouched); `results` then picks up the ones already under way. A revision is put on
 * disk only when a synthesis needs it: a base whose results are all cached is never exported, and
 * head is synthesized where it already is when the working copy holds exactly head (a CI checkout).
 */
class Syntheses {
  private readonly workDir: Promise<string>;
  private readonly trees: Promise<Record<Side, string>>;
  /** Per revision, the folder holding its files once they are on disk. */
  private readonly staged = new Map<Side, Promise<string>>();
  private readonly jobs = new Map<string, { stack: Stack; result: Promise<StackSynthesis> }>();
  private readonly slot: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly cache: SynthCache | undefined;
  private scratchDirs = 0;

  constructor(
    private readonly root: string,
    private readonly base: Revision,
    private readonly head: Revision,
    rootTrees: Promise<[base: string, head: string]>,
    private readonly stackDirs: readonly string[],
    private readonly options: ReviewOptions,
  ) {
    this.trees = rootTrees.then(([baseTree, headTree]) => ({ base: baseTree, head: headTree }));
    this.workDir = reviewWorkDir(root);
    // Settled here and awaited where used: a git failure surfaces in `results`, not as unhandled.
    this.trees.catch(() => undefined);
    this.workDir.catch(() => undefined);
    this.slot = limiter(options.concurrency ?? defaultConcurrency());
    this.cache =
      options.cacheDir === false ? undefined : directoryCache(options.cacheDir ?? defaultCacheDir());
  }

  /** Queues the stack's syntheses unless they are already queued. */
  start(entry: Pick<TouchedStack, 'stack' | 'change' | 'base'>): void {
    if (runsAsPair(entry)) {
      this.startPair(entry.base ?? entry.stack, entry.stack);
      return;
    }
    for (const side of sidesOf(entry.change)) {
      // Base is synthesized the way base describes the stack (its app command, its Pulumi stack).
      const stack = side === 'base' ? (entry.base ?? entry.stack) : entry.stack;
      const key = `${side}\0${stack.projectFile}`;
      if (sameStack(this.jobs.get(key)?.stack, stack)) continue;
      const result = this.slot(() => this.synthesize(stack, side));
      result.catch(() => undefined);
      this.jobs.set(key, { stack, result });
    }
  }

  /**
   * Every touched stack's results passed through `then` as soon as that stack's syntheses are done,
   * in the order of `touched`, once all have finished; one failing never stops the others.
   */
  async results<T>(touched: readonly TouchedStack[], then: (stack: SynthesizedStack) => T): Promise<T[]> {
    const pending = touched.map(async (entry): Promise<T> => {
      const slot: SynthesizedStack = { touched: entry };
      for (const side of sidesOf(entry.change)) {
        const job = this.jobs.get(`${side}\0${entry.stack.projectFile}`);
        if (job !== undefined) slot[side] = await job.result;
      }
      return then(slot);
    });
    const settled = await Promise.allSettled(pending);
    const errors = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    if (errors.length > 0) {
      // A revision that cannot be put on disk is the review's failure (a GitError), not a stack's.
      await Promise.all([this.workDir, this.trees, ...this.staged.values()]);
      throw new AggregateError(errors, 'stack synthesis failed');
    }
    return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
  }

  /** Waits for every job, wanted or not, then removes the scratch folders. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.jobs.values()].map((job) => job.result));
    await Promise.allSettled([...this.staged.values()]);
    const workDir = await this.workDir.catch(() => undefined);
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  }

  /**
   * A Pulumi or CDKTF stack at both revisions: one job, in one slot, so that a pair missing the
   * cache runs in one process (synthesizeStackRevisions).
   */
  private startPair(baseStack: Stack, headStack: Stack): void {
    const baseKey = `base\0${baseStack.projectFile}`;
    const headKey = `head\0${headStack.projectFile}`;
    if (
      sameStack(this.jobs.get(baseKey)?.stack, baseStack) &&
      sameStack(this.jobs.get(headKey)?.stack, headStack)
    )
      return;
    const pair = this.slot(async () => {
      this.options.onProgress?.({ type: 'synth-start', stack: baseStack.name, revision: 'base' });
      this.options.onProgress?.({ type: 'synth-start', stack: headStack.name, revision: 'head' });
      const [base, head] = await Promise.all([this.job(baseStack, 'base'), this.job(headStack, 'head')]);
      const results = await synthesizeStackRevisions(base, head);
      this.ended(baseStack, 'base', results[0]);
      this.ended(headStack, 'head', results[1]);
      return results;
    });
    const base = pair.then(([result]) => result);
    const head = pair.then(([, result]) => result);
    for (const promise of [pair, base, head]) promise.catch(() => undefined);
    this.jobs.set(baseKey, { stack: baseStack, result: base });
    this.jobs.set(headKey, { stack: headStack, result: head });
  }

  private async synthesize(stack: Stack, side: Side): Promise<StackSynthesis> {
    this.options.onProgress?.({ type: 'synth-start', stack: stack.name, revision: side });
    const job = await this.job(stack, side);
    const result = await synthesizeStack(stack, job.context, job);
    this.ended(stack, side, result);
    return result;
  }

  /** What synthesizing one revision of a stack needs: context, cache entry, and its files on disk. */
  private async job(stack: Stack, side: Side): Promise<RevisionJob> {
    const { options } = this;
    const [workDir, trees] = await Promise.all([this.workDir, this.trees]);
    return {
      stack,
      context: {
        root: join(workDir, side),
        runner: options.runner ?? localRunner,
        workDir: join(workDir, 'out', `${this.scratchDirs++}-${side}`),
        env: options.env ?? defaultEnv(),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      },
      ...(this.cache === undefined
        ? {}
        : { cache: this.cache, cacheKey: synthCacheKey(stack, trees[side], packageVersion) }),
      prepare: () => this.stage(side, workDir),
    };
  }

  private ended(stack: Stack, side: Side, result: StackSynthesis): void {
    this.options.onProgress?.({
      type: 'synth-end',
      stack: stack.name,
      revision: side,
      ok: result.ok,
      cached: result.cached,
      durationMs: result.durationMs,
    });
  }

  private stage(side: Side, workDir: string): Promise<string> {
    let staged = this.staged.get(side);
    if (staged === undefined) {
      const commit = side === 'base' ? this.base.commit : this.head.commit;
      const exported = join(workDir, side);
      // The checkout a CI job made, or a developer's clean working copy: exporting it again would
      // cost a copy of the repository, and tsx's transform cache (keyed by path) would miss.
      const inPlace = side === 'head' ? workingCopyIs(this.root, commit) : Promise.resolve(false);
      staged = inPlace.then(async (here) => {
        if (here) return this.root;
        await stageRevision(this.root, commit, exported, this.stackDirs);
        return exported;
      });
      this.staged.set(side, staged);
    }
    return staged;
  }
}

/**
 * The review's scratch folder: the same path for every review of one repository (one of a few, so
 * that reviews of it can run at once), because tsx caches what it compiles by file path and content:
 * a base exported where the last review exported it compiles only the files that changed. A folder
 * is taken by creating it and given back by removing it; past the few, any fresh folder will do.
 */
async function reviewWorkDir(root: string): Promise<string> {
  const repository = createHash('sha256').update(root).digest('hex').slice(0, 12);
  for (let slot = 0; slot < REVIEW_WORK_DIRS; slot++) {
    const dir = join(tmpdir(), `iam-gate-review-${repository}-${slot}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return mkdtemp(join(tmpdir(), 'iam-gate-review-'));
}

/** Reviews of one repository that can run at once and still find tsx's cache warm. */
const REVIEW_WORK_DIRS = 4;

/**
 * Folders whose installed packages a staged revision links: those of every stack found at either
 * revision, not only the touched ones, since stacks start synthesizing before the touched list is
 * final (and a stack importing code from another project's folder resolves that code's packages
 * there, as in the working copy).
 */
function stagedStackDirs(discovered: { base: Discovery; head: Discovery }): string[] {
  return [...new Set([...discovered.base.stacks, ...discovered.head.stacks].map((stack) => stack.dir))];
}

/** Code, as opposed to what touchedStacks reads as documentation (a `LICENSE.js` is neither here). */
const PROGRAM_FILE = /\.[cm]?[jt]sx?$/;
const DOCUMENTATION_NAME = /(?:^|\/)(?:LICEN[CS]E|COPYING|NOTICE|AUTHORS|CODEOWNERS)(?:\.[^/]*)?$/i;

/**
 * The stacks touchedStacks is sure to return, known without its import scan: stacks found at only
 * one revision, and stacks with a changed program file in their own folder. A subset by
 * construction; a stack it missed is started once the scan has found it.
 */
function certainlyTouched(
  discovered: { base: Discovery; head: Discovery },
  changed: readonly string[],
): Pick<TouchedStack, 'stack' | 'change' | 'base'>[] {
  const headFiles = new Set(discovered.head.stacks.map((stack) => stack.projectFile));
  const projects = new Set(projectDirs(discovered.head));
  const owner = (path: string) =>
    [path, parentDir(path), ...ancestorDirs(parentDir(path))].find((dir) => projects.has(dir));
  const changedOwners = new Set(
    changed
      .map(toRepoPath)
      .filter((path) => PROGRAM_FILE.test(path) && !DOCUMENTATION_NAME.test(path))
      .map(owner),
  );
  const certain: Pick<TouchedStack, 'stack' | 'change' | 'base'>[] = [];
  const baseByFile = new Map(discovered.base.stacks.map((stack) => [stack.projectFile, stack]));
  for (const stack of discovered.head.stacks) {
    const before = baseByFile.get(stack.projectFile);
    if (before === undefined) certain.push({ stack, change: 'added' });
    else if (stack.kind !== 'template' && changedOwners.has(stack.dir))
      certain.push({ stack, change: 'modified', base: before });
  }
  for (const stack of discovered.base.stacks)
    if (!headFiles.has(stack.projectFile)) certain.push({ stack, change: 'deleted' });
  return certain.sort(
    (a, b) =>
      compareText(a.stack.name, b.stack.name) || compareText(a.stack.projectFile, b.stack.projectFile),
  );
}

/**
 * The order jobs are queued in: a stack at both revisions that runs as one job of two programs
 * first (see Syntheses.startPair), Pulumi's before the rest (its SDK is the slowest to load); shorter
 * jobs then fill the other slots around them instead of leaving one to run alone at the end.
 */
function longestFirst<T extends Pick<TouchedStack, 'stack' | 'change' | 'base'>>(entries: readonly T[]): T[] {
  const weight = (entry: T) => (!runsAsPair(entry) ? 2 : entry.stack.kind === 'pulumi' ? 0 : 1);
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => weight(a.entry) - weight(b.entry) || a.index - b.index)
    .map(({ entry }) => entry);
}

/** A stack synthesized at both revisions as one job (see Syntheses.startPair). */
function runsAsPair(entry: Pick<TouchedStack, 'stack' | 'change' | 'base'>): boolean {
  return entry.change === 'modified' && pairable(entry.base ?? entry.stack, entry.stack);
}

/** The same stack description (not merely the same project file): a job for it can be reused. */
function sameStack(a: Stack | undefined, b: Stack): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** Runs tasks with at most `limit` at once, in the order they were queued. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running < limit) running++;
    else await new Promise<void>((resolvePromise) => waiting.push(resolvePromise));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next task in line; `running` counts it still.
      const next = waiting.shift();
      if (next !== undefined) next();
      else running--;
    }
  };
}

function compareStack(entry: SynthesizedStack, lint: CompareOptions): ReviewedStack {
  const { touched, base, head } = entry;
  const baseSources = base?.ok ? base.sources : undefined;
  const headSources = head?.ok ? head.sources : [];
  let comparison: RevisionComparison = { findings: [], fixed: [], changedUnresolved: [] };
  if (head === undefined || head.ok) {
    // A base that failed to synthesize is compared as absent: every head finding counts as new,
    // which can only block more, never hide a regression.
    comparison = compareRevisions(
      touched.change === 'added' || base?.ok !== true ? undefined : baseSources,
      headSources,
      lint,
    );
  }
  for (const finding of comparison.findings) {
    const lines = finding.source.lines;
    // Own properties only: a path such as `toString` must not find Object.prototype's.
    if (lines !== undefined && Object.hasOwn(lines, finding.path)) finding.line = lines[finding.path];
  }
  const sourceIds = new Set<string>(headSources.map((source: PolicySource) => source.id));
  return {
    stack: touched.stack,
    change: touched.change,
    reasons: touched.reasons,
    ...(base ? { base } : {}),
    ...(head ? { head } : {}),
    findings: comparison.findings,
    fixed: comparison.fixed,
    ...(comparison.diff ? { diff: comparison.diff } : {}),
    changedUnresolved: comparison.changedUnresolved,
    sourceIds,
  };
}

/**
 * Expectations are checked against the stacks the change touches. One whose principal lives in a
 * stack this change does not touch cannot have changed: it is listed as not evaluated, not failed.
 */
function evaluateReviewExpectations(
  config: IamGateConfig,
  headSources: readonly PolicySource[],
  file: string,
  lines: readonly (number | undefined)[] | undefined,
): ExpectationResult[] {
  if (config.expect.length === 0) return [];
  const principals = new Set(headSources.map(principalOf));
  const results = evaluateExpectations(config.expect, headSources, {
    configFile: file,
    ...(lines ? { lines } : {}),
  });
  return results.map((result) =>
    principals.has(result.expectation.principal)
      ? result
      : { ...result, passed: true, skipped: true, finding: undefined },
  );
}

function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'iam-gate', 'synth');
}

function defaultEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}
