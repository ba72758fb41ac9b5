/**
 * `npm run bench:review`: `iam-gate review` on the bundled example (examples/review: a Pulumi
 * TypeScript stack and a CDKTF stack, both changed) next to running the head revision's programs
 * alone, the part no tool can avoid. Every figure is a whole process, start-up included, as a CI job
 * pays for it; medians of BENCH_RUNS rounds (default 5) after one warm-up round, the variants
 * interleaved within each round so that the load of a shared machine falls on all of them alike.
 *
 *   head programs alone   the head checkout's two programs run at once, bare: the CDKTF app with
 *                         `node --import tsx main.ts` and CDKTF_OUTDIR (what `cdktf synth` runs),
 *                         the Pulumi program under trivial mocks (bench/review-pulumi-program.ts)
 *   head synthesizers     iam-gate's own synthesizers on the head checkout, both stacks at once:
 *                         the programs plus what iam-gate adds to read them (mock host, construct
 *                         traces, extraction), minus what it saves them (dependencies' source maps,
 *                         the Pulumi SDK's TypeScript compiler, tsx's ES module loader thread)
 *   review, cold          `iam-gate review --base main --format json`, empty cache
 *   review, base cached   the same, with the cache holding the base revision's results only
 *   review, all cached    the same, nothing to synthesize: what a review costs besides synthesis
 *
 * Then where a review's time goes: the same reviews in a process that timestamps the synthesis
 * progress events (before the first synthesis, synthesizing, after the last).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDemoRepo } from '../examples/review/create-demo-repo.js';

const root = resolve(import.meta.dirname, '..');
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
// Inside the project, so the example's programs resolve @pulumi/pulumi and cdktf from its node_modules.
const work = join(root, '.tmp-bench-review');
const dist = (path: string) => pathToFileURL(join(root, 'dist', path)).href;
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const { runReview } = await import('../dist/review/review.js');
const { synthCacheKey } = await import('../dist/review/synthesize-stack.js');
const { treeOf } = await import('../dist/review/git.js');
const { packageVersion } = await import('../dist/version.js');
const { parsePulumiProject, stackConfig } = await import('../dist/synth/pulumi/project.js');
type Stack = import('../dist/stacks/types.js').Stack;

/** What review gives the synthesizers (its default): nothing of this shell's credentials. */
const childEnv: Record<string, string> = {};
for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
  const value = process.env[key];
  if (value !== undefined) childEnv[key] = value;
}

interface Proc {
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Exit statuses that mean it worked. */
  ok: number[];
}

/**
 * CPU time of this process's finished children and their own finished children (Linux; USER_HZ is
 * 100), in ms. On a loaded machine a variant's wall time swings with the load; its CPU time does not.
 */
function childrenCpuMs(): number {
  try {
    // Fields after the parenthesized command name: state is field 3, cutime and cstime are 16 and 17.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Runs processes at once: wall time until the last one ended, their CPU time, their stdout. */
async function timed(processes: Proc[]): Promise<{ ms: number; cpuMs: number; stdout: string[] }> {
  const started = performance.now();
  const cpuBefore = childrenCpuMs();
  const stdout = await Promise.all(
    processes.map(
      (proc) =>
        new Promise<string>((resolvePromise, reject) => {
          const child = spawn(process.execPath, proc.args, {
            cwd: proc.cwd,
            env: proc.env,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.on('error', reject);
          child.on('close', (code) => {
            if (proc.ok.includes(code ?? -1)) resolvePromise(stdout);
            else reject(new Error(`node ${proc.args.join(' ')} exited ${code}:\n${stderr.slice(-3000)}`));
          });
        }),
    ),
  );
  return { ms: performance.now() - started, cpuMs: childrenCpuMs() - cpuBefore, stdout };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

rmSync(work, { recursive: true, force: true });
try {
  const repo = createDemoRepo(join(work, 'repo'));
  const headTree = await treeOf(repo.dir, repo.head);

  // One review fills a cache; removing the head revision's entries leaves what a previous review
  // of the same base would have left behind.
  const prefilled = join(work, 'prefilled');
  const prefilledSynth = join(prefilled, 'iam-gate', 'synth');
  const first = await runReview({ repo: repo.dir, base: 'main', cacheDir: prefilledSynth, env: childEnv });
  const everything = join(work, 'everything');
  cpSync(prefilled, everything, { recursive: true });
  const failed = first.stacks.filter((stack) => stack.head?.ok !== true || stack.base?.ok !== true);
  if (first.stacks.length !== 2 || failed.length > 0)
    throw new Error(`the example should review two stacks that synthesize: ${JSON.stringify(first.stacks)}`);
  const headStacks: Stack[] = first.stacks.map((stack) => stack.stack);
  for (const stack of headStacks) {
    const file = join(prefilledSynth, `${synthCacheKey(stack, headTree, packageVersion)}.json`);
    if (!existsSync(file)) throw new Error(`no cache entry for ${stack.name} at head: ${file}`);
    rmSync(file);
  }
  if (readdirSync(prefilledSynth).length !== headStacks.length)
    throw new Error('the cache should hold exactly the base results');

  const review = (cacheHome: string): Proc => ({
    args: [join(root, 'dist/cli/main.js'), 'review', '--base', 'main', '--format', 'json'],
    cwd: repo.dir,
    env: { ...process.env, XDG_CACHE_HOME: cacheHome },
    // 1: the example widens access, so the verdict fails, as it should.
    ok: [1],
  });
  let cacheHomes = 0;
  const emptyCache = () => {
    const dir = join(work, 'cache', String(cacheHomes++));
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const filledCache = (from: string) => {
    const dir = emptyCache();
    cpSync(from, dir, { recursive: true });
    return dir;
  };
  const baseCache = () => filledCache(prefilled);
  /** Base from the cache and head synthesized, as the variant promises; a silent miss would flatter it. */
  const expectCached = (stdout: string, baseCached: boolean, headCached = false) => {
    const report = JSON.parse(stdout) as {
      stacks: { base: { cached: boolean }; head: { cached: boolean } }[];
    };
    for (const stack of report.stacks) {
      if (stack.base.cached !== baseCached || stack.head.cached !== headCached)
        throw new Error(`unexpected cache use: ${JSON.stringify(report.stacks)}`);
    }
  };

  let outputs = 0;
  // cdktf creates its output folder, not the folders above it.
  mkdirSync(join(work, 'out'), { recursive: true });
  const bareHead = (): Proc[] =>
    headStacks.map((stack) => {
      const cwd = join(repo.dir, stack.dir);
      if (stack.kind === 'cdktf') {
        return {
          args: ['--import', tsxLoader, 'main.ts'],
          cwd,
          env: {
            ...childEnv,
            CDKTF_OUTDIR: join(work, 'out', String(outputs++)),
            SYNTH_HCL_OUTPUT: 'false',
          },
          ok: [0],
        };
      }
      if (stack.kind !== 'pulumi') throw new Error(`the example has no ${stack.kind} stack`);
      const project = parsePulumiProject(readFileSync(join(repo.dir, stack.projectFile), 'utf8'));
      if (!project.ok) throw new Error(project.message);
      const stackFile = join(cwd, `Pulumi.${stack.pulumiStack ?? 'dev'}.yaml`);
      const config = stackConfig(project.value, readFileSync(stackFile, 'utf8'));
      if (!config.ok) throw new Error(config.message);
      return {
        args: [
          '--import',
          tsxLoader,
          join(root, 'bench/review-pulumi-program.ts'),
          join(cwd, 'index.ts'),
          project.value.name,
          stack.pulumiStack ?? 'dev',
        ],
        cwd,
        env: { ...childEnv, PULUMI_CONFIG: JSON.stringify(config.value.values) },
        ok: [0],
      };
    });

  const synthesizersScript = `
const [{ synthesizeStack }, { localRunner }] = await Promise.all([
  import(${JSON.stringify(dist('review/synthesize-stack.js'))}),
  import(${JSON.stringify(dist('synth/runner.js'))}),
]);
const [root, workDir, stacks, env] = process.argv.slice(1).map((arg, i) => (i < 2 ? arg : JSON.parse(arg)));
const results = await Promise.all(
  stacks.map((stack, i) => synthesizeStack(stack, { root, runner: localRunner, workDir: workDir + '/' + i, env })),
);
for (const result of results) if (!result.ok) throw new Error(result.error + '\\n' + result.output);
`;
  const headSynthesizers = (): Proc[] => [
    {
      args: [
        '--input-type=module',
        '-e',
        synthesizersScript,
        repo.dir,
        join(work, 'out', String(outputs++)),
        JSON.stringify(headStacks),
        JSON.stringify(childEnv),
      ],
      cwd: repo.dir,
      env: childEnv,
      ok: [0],
    },
  ];

  // Phases, from inside one review process: performance.now() counts from the process's start.
  const phasesScript = `
const { runReview } = await import(${JSON.stringify(dist('review/review.js'))});
const { renderReview } = await import(${JSON.stringify(dist('report/render-review.js'))});
let firstStart, lastEnd;
const review = await runReview({
  repo: process.cwd(),
  base: 'main',
  onProgress: (event) => {
    if (event.type === 'synth-start') firstStart ??= performance.now();
    else lastEnd = performance.now();
  },
});
renderReview(review, 'json', { color: false });
console.log(JSON.stringify({ before: firstStart, synthesis: lastEnd - firstStart, after: performance.now() - lastEnd }));
`;
  const phases = (cacheHome: string): Proc => ({
    args: ['--input-type=module', '-e', phasesScript],
    cwd: repo.dir,
    env: { ...process.env, XDG_CACHE_HOME: cacheHome },
    ok: [0],
  });

  type Variant = 'bare' | 'synthesizers' | 'cold' | 'cached' | 'everything';
  const labels: Record<Variant, string> = {
    bare: 'head programs alone',
    synthesizers: 'head synthesizers alone',
    cold: 'review, cold',
    cached: 'review, base cached',
    everything: 'review, all cached',
  };
  const wall: Record<Variant, number[]> = {
    bare: [],
    synthesizers: [],
    cold: [],
    cached: [],
    everything: [],
  };
  const cpu: Record<Variant, number[]> = { bare: [], synthesizers: [], cold: [], cached: [], everything: [] };
  type Phases = { before: number; synthesis: number; after: number };
  const phaseSamples = { cold: [] as Phases[], cached: [] as Phases[] };
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  for (let round = 0; round <= runs; round++) {
    const measured: Record<Variant, { ms: number; cpuMs: number }> = {
      bare: await timed(bareHead()),
      synthesizers: await timed(headSynthesizers()),
      cold: await timed([review(emptyCache())]).then((result) => {
        expectCached(result.stdout[0] ?? '', false);
        return result;
      }),
      cached: await timed([review(baseCache())]).then((result) => {
        expectCached(result.stdout[0] ?? '', true);
        return result;
      }),
      everything: await timed([review(filledCache(everything))]).then((result) => {
        expectCached(result.stdout[0] ?? '', true, true);
        return result;
      }),
    };
    const coldPhases = await timed([phases(emptyCache())]);
    const cachedPhases = await timed([phases(baseCache())]);
    console.error(
      `${round === 0 ? 'warm-up' : `round ${round}/${runs}`}: ` +
        (Object.keys(labels) as Variant[]).map((v) => `${labels[v]} ${s(measured[v].ms)}`).join(', ') +
        ` (load ${loadavg()[0]?.toFixed(1)})`,
    );
    if (round === 0) continue;
    for (const variant of Object.keys(labels) as Variant[]) {
      wall[variant].push(measured[variant].ms);
      cpu[variant].push(measured[variant].cpuMs);
    }
    phaseSamples.cold.push(JSON.parse(coldPhases.stdout[0] ?? '') as Phases);
    phaseSamples.cached.push(JSON.parse(cachedPhases.stdout[0] ?? '') as Phases);
  }

  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `Node ${process.version}; load average now ${loadavg()
        .map((load) => load.toFixed(1))
        .join(' ')}`,
  );
  console.log(
    `example: ${headStacks.map((stack) => `${stack.name} (${stack.kind})`).join(', ')}; ` +
      `medians of ${runs} rounds after a warm-up`,
  );
  console.log(`${''.padEnd(26)}${'wall'.padStart(8)}${'range'.padStart(18)}${'CPU'.padStart(9)}`);
  for (const variant of Object.keys(labels) as Variant[]) {
    const range = `${s(Math.min(...wall[variant]))}-${s(Math.max(...wall[variant]))}`;
    console.log(
      `${labels[variant].padEnd(26)}${s(median(wall[variant])).padStart(8)}${range.padStart(18)}` +
        `${s(median(cpu[variant])).padStart(9)}`,
    );
  }
  /**
   * The median of the ratios within each round (both measured under the same load) decides; the
   * ratio of the medians and of the CPU times are shown beside it.
   */
  const ratio = (of: Variant, to: Variant) => ({
    perRound: median(wall[of].map((value, i) => value / (wall[to][i] as number))),
    ofMedians: median(wall[of]) / median(wall[to]),
    cpu: median(cpu[of]) / median(cpu[to]),
  });
  const x = (value: number) => `${value.toFixed(2)}x`;
  // The targets hold against both baselines: the bare programs, and iam-gate's own synthesis of head
  // alone, which runs the programs more cheaply than bare node does (docs/benchmarks.md).
  for (const [of, to, target] of [
    ['cold', 'bare', 1.5],
    ['cached', 'bare', 1.2],
    ['cold', 'synthesizers', 1.5],
    ['cached', 'synthesizers', 1.2],
  ] as const) {
    const r = ratio(of, to);
    const verdict =
      target === undefined ? '' : `; target <= ${x(target)}: ${r.perRound <= target ? 'met' : 'not met'}`;
    console.log(
      `${labels[of]} / ${labels[to]}: ${x(r.perRound)} (ratio of medians ${x(r.ofMedians)}, CPU ${x(r.cpu)}${verdict})`,
    );
  }
  for (const [name, list] of Object.entries(phaseSamples)) {
    const phase = (key: keyof Phases) => s(median(list.map((entry) => entry[key])));
    console.log(
      `phases, ${name === 'cold' ? labels.cold : labels.cached}: before the first synthesis ${phase('before')}, ` +
        `synthesizing ${phase('synthesis')}, after the last ${phase('after')}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
