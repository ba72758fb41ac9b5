/**
 * `review`: the whole pipeline on a local git repository, base against head.
 *
 *   resolve revisions → config (from base) → discover stacks at both → which stacks the change
 *   touches → stage both revisions → synthesize touched stacks at both (in parallel, base cached by
 *   tree) → lint + mark introduced → semantic diff → expectations → verdict
 *
 * Everything that runs repository code goes through `options.runner`, the seam where the sandbox
 * plugs in. One failing stack never hides the others: it is reported with its output.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyConfig, isBlocking, ruleSettings, type ConfigNote } from '../config/apply-config.js';
import { loadConfig } from '../config/load-config.js';
import { parseConfig } from '../config/parse-config.js';
import { defaultConfig } from '../config/defaults.js';
import type { IamGateConfig } from '../config/schema.js';
import { EXPECTATION_FAILED } from '../expect/expectation-failed.js';
import { evaluateExpectations, type ExpectationResult } from '../expect/evaluate-expectations.js';
import type { PolicySource } from '../extract/types.js';
import { ruleIds, rules } from '../rules/index.js';
import type { Finding } from '../rules/types.js';
import { discoverStacks, type Discovery } from '../stacks/discover-stacks.js';
import { gitRevisionTree } from '../stacks/git-tree.js';
import { touchedStacks, type TouchedStack } from '../stacks/touched-stacks.js';
import { localRunner, type Runner } from '../synth/runner.js';
import { packageVersion } from '../version.js';
import { CHANGE_RULES, compareRevisions, type RevisionComparison } from './compare-revisions.js';
import { changedFiles, defaultBase, readFileAt, repositoryRoot, resolveCommit, treeOf } from './git.js';
import { stageRevision } from './stage-revision.js';
import { directoryCache, synthCacheKey, synthesizeStack, type StackSynthesis } from './synthesize-stack.js';
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
  /** Stack syntheses running at once. Default 2. */
  concurrency?: number;
  /** Per synthesis; default 5 minutes. */
  timeoutMs?: number;
  /** Environment for synthesizers (the runner passes nothing else). Default: PATH and HOME. */
  env?: Readonly<Record<string, string>>;
  /** Also fail on blocking findings that base already had. */
  failOnExisting?: boolean;
  today?: Date;
  onProgress?: (event: ReviewProgress) => void;
}

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
  const root = await repositoryRoot(options.repo);
  const headCommit = await resolveCommit(root, options.head ?? 'HEAD');
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

  const config = await reviewConfig(root, baseCommit, options.configPath);
  const policyGlobs = config.config.policies.map((entry) => entry.path);

  const [baseTree, headTree] = await Promise.all([
    gitRevisionTree(root, baseCommit),
    gitRevisionTree(root, headCommit),
  ]);
  let discovered: { base: Discovery; head: Discovery };
  let touched: TouchedStack[];
  const warnings: string[] = [];
  try {
    discovered = {
      base: await discoverStacks(baseTree, { policyGlobs }),
      head: await discoverStacks(headTree, { policyGlobs }),
    };
    const changed = await changedFiles(root, baseCommit, headCommit);
    const result = await touchedStacks(discovered, changed, headTree);
    touched = result.stacks;
    warnings.push(...discovered.head.warnings, ...result.warnings);
  } finally {
    baseTree.close();
    headTree.close();
  }

  const stacks = await synthesizeTouched(root, base, head, touched, options);
  const settings = ruleSettings(config.config);
  const reviewed: ReviewedStack[] = stacks.map((entry) => compareStack(entry, settings));

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
  if (blockingFindings.length > 0) reasons.push(`${blockingFindings.length} blocking findings introduced`);
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
  baseCommit: string,
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
    const text = await readFileAt(root, baseCommit, file);
    if (text === undefined) continue;
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

async function synthesizeTouched(
  root: string,
  base: Revision,
  head: Revision,
  touched: readonly TouchedStack[],
  options: ReviewOptions,
): Promise<SynthesizedStack[]> {
  if (touched.length === 0) return [];
  const workDir = await mkdtemp(join(tmpdir(), 'iam-gate-review-'));
  try {
    const stackDirs = touched.map((t) => t.stack.dir);
    const baseRoot = join(workDir, 'base');
    const headRoot = join(workDir, 'head');
    const [baseTreeHash, headTreeHash] = await Promise.all([
      treeOf(root, base.commit),
      treeOf(root, head.commit),
      stageRevision(root, base.commit, baseRoot, stackDirs),
      stageRevision(root, head.commit, headRoot, stackDirs),
    ]);
    const cache =
      options.cacheDir === false ? undefined : directoryCache(options.cacheDir ?? defaultCacheDir());
    const runner = options.runner ?? localRunner;
    const env = options.env ?? defaultEnv();
    const jobs: (() => Promise<void>)[] = [];
    const results: SynthesizedStack[] = touched.map((t) => ({ touched: t }));
    touched.forEach((entry, index) => {
      const sides: ['base' | 'head', string, string][] = [];
      if (entry.change !== 'added') sides.push(['base', baseRoot, baseTreeHash as string]);
      if (entry.change !== 'deleted') sides.push(['head', headRoot, headTreeHash as string]);
      for (const [side, revisionRoot, tree] of sides) {
        jobs.push(async () => {
          options.onProgress?.({ type: 'synth-start', stack: entry.stack.name, revision: side });
          const scratch = join(workDir, 'out', `${index}-${side}`);
          const result = await synthesizeStack(
            entry.stack,
            {
              root: revisionRoot,
              runner,
              workDir: scratch,
              env,
              ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
            },
            cache === undefined ? {} : { cache, cacheKey: synthCacheKey(entry.stack, tree, packageVersion) },
          );
          const slot = results[index] as SynthesizedStack;
          slot[side] = result;
          options.onProgress?.({
            type: 'synth-end',
            stack: entry.stack.name,
            revision: side,
            ok: result.ok,
            cached: result.cached,
            durationMs: result.durationMs,
          });
        });
      }
    });
    await runPool(jobs, Math.max(1, options.concurrency ?? 2));
    return results;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Runs jobs with at most `limit` at once; every job runs even when another fails. */
async function runPool(jobs: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++] as () => Promise<void>;
      await job().catch((error: unknown) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (errors.length > 0) throw new AggregateError(errors, 'stack synthesis failed');
}

function compareStack(entry: SynthesizedStack, settings: ReturnType<typeof ruleSettings>): ReviewedStack {
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
      {
        rules,
        settings,
      },
    );
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
  const principals = new Set(headSources.map((source) => source.principal ?? source.address));
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
