/**
 * `npm run bench:lint-phases`: where one `check` run over every AWS managed policy spends its time,
 * phase by phase and rule by rule, in one process (cold, as the CLI runs), then the rules again on
 * warm caches. Complements bench/lint-managed-policies.ts, which times whole processes. Modules
 * are imported from dist/ one by one here; the CLI itself loads the bundle (scripts/bundle-cli.ts).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { latestVersionFiles } from './managed-policies.js';

const texts = latestVersionFiles();

// Garbage collection pauses, to tell allocation costs from computation in each phase.
const pauses: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ['gc'] });
const gcBetween = (from: number, to: number): number =>
  pauses.filter((p) => p.start >= from && p.start < to).reduce((sum, p) => sum + p.duration, 0);

const t0 = performance.now();
const { extractPolicies } = await import('../dist/extract/extract-file.js');
const { lintSources, rules } = await import('../dist/rules/index.js');
const { renderReport } = await import('../dist/report/index.js');
const t1 = performance.now();
const sources = texts.flatMap(([file, text]) => {
  const result = extractPolicies(text, file);
  return result.ok ? result.sources : [];
});
const t2 = performance.now();

const ruleTime = new Map<string, number>();
const timed = rules.map((rule) => ({
  ...rule,
  check: (context: never) => {
    const start = performance.now();
    const hits = (rule.check as (c: never) => unknown[])(context);
    ruleTime.set(rule.id, (ruleTime.get(rule.id) ?? 0) + performance.now() - start);
    return hits;
  },
})) as typeof rules;
const settings = { ownAccounts: [], trustedAccounts: [], allowedOidcSubjects: [] };
const findings = lintSources(sources, { rules: timed, settings });
const t3 = performance.now();
renderReport(
  {
    tool: { name: 'iam-gate', version: '0' },
    findings,
    rules: [...rules],
    files: texts.map(([file]) => file),
    notes: [],
    blocking: (f) => f.severity === 'error',
  },
  'json',
  { color: false },
);
const t4 = performance.now();
lintSources(sources, { rules, settings });
const t5 = performance.now();
// Let the observer deliver the last pauses.
await new Promise((resolve) => setTimeout(resolve, 10));

const ms = (value: number) => `${value.toFixed(0)} ms`;
console.log(`${sources.length} policies, ${findings.length} findings`);
console.log(
  `import ${ms(t1 - t0)}, extract ${ms(t2 - t1)}, lint ${ms(t3 - t2)} (rules ${ms([...ruleTime.values()].reduce((a, b) => a + b, 0))}), render json ${ms(t4 - t3)}`,
);
console.log(
  `garbage collection: extract ${ms(gcBetween(t1, t2))}, lint ${ms(gcBetween(t2, t3))}, render ${ms(gcBetween(t3, t4))}`,
);
console.log(`lint again on warm caches: ${ms(t5 - t4)}`);
for (const [id, time] of [...ruleTime].sort((a, b) => b[1] - a[1]))
  console.log(`  ${id.padEnd(28)} ${ms(time)}`);
