/**
 * `npm run bench:diff-large`: the diff of one principal's policy of N statements, each the same
 * actions on its own bucket, against a head whose every resource is widened. Every head statement
 * then has to be compared with every base statement, which is where a diff turns quadratic; the
 * figures show how the time grows with N. Prints milliseconds per N (median of BENCH_RUNS runs).
 */
import { diff } from '../dist/diff/index.js';
import { parsePolicy } from '../dist/policy/parse-policy.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);

function policy(count: number, resource: (i: number) => string) {
  const statements = Array.from({ length: count }, (_, i) => ({
    Effect: 'Allow',
    Action: ['s3:Get*', 'ec2:Describe*'],
    Resource: resource(i),
  }));
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { kind: 'identity' });
  if (!parsed.ok) throw new Error('generated policy does not parse');
  return [{ principal: 'AppRole', kind: 'identity' as const, policy: parsed.policy }];
}

for (const count of [100, 300, 600, 1200]) {
  const samples: number[] = [];
  let added = 0;
  for (let run = 0; run < runs; run++) {
    const base = policy(count, (i) => `arn:aws:s3:::bucket-${i}/*`);
    const head = policy(count, (i) => `arn:aws:s3:::bucket-${i}*/*?`);
    const start = performance.now();
    added = diff(base, head).added.length;
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 0;
  console.log(
    `${String(count).padStart(5)} statements: ${median.toFixed(0).padStart(6)} ms, ${added} grants added`,
  );
}
