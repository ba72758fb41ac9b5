/**
 * Every rule in the registry has an id from the design's stable list, a doc with a bad and a good
 * example, and its own tests; and each rule fires on its doc's bad example and stays quiet on the
 * good one, run through the same extraction and lint engine as `iam-gate check`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractPolicies } from '../../src/extract/extract-file.js';
import { lintSources, rules } from '../../src/rules/index.js';
import { noSettings } from './harness.js';

const root = resolve(import.meta.dirname, '../..');

/** The stable ids of docs/design.md (change rules come with `review`). */
const DESIGNED_RULE_IDS = [
  'wildcard-action',
  'action-prefix-wildcard',
  'not-action-allow',
  'wildcard-resource',
  'not-resource-allow',
  'unknown-action',
  'unsupported-condition-key',
  'set-operator-single-valued',
  'pass-role-unscoped',
  'privilege-escalation',
  'sensitive-action-unscoped',
  'malformed-policy',
  'unresolved-policy',
  'trust-any-principal',
  'trust-untrusted-account',
  'trust-oidc-unscoped',
  'resource-policy-public',
  'service-principal-no-source',
];

/** The first fenced code block under a `## <heading>`: the example `iam-gate check` would read. */
function example(doc: string, heading: string): string {
  const section = doc.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  const block = section && /```(?:json|yaml)\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error(`no code block under "## ${heading}"`);
  return block[1];
}

function findingsOf(ruleId: string, text: string, fileName: string) {
  const extracted = extractPolicies(text, fileName);
  if (!extracted.ok) throw new Error(extracted.error);
  const rule = rules.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return lintSources(extracted.sources, { rules: [rule], settings: noSettings });
}

describe('rule registry', () => {
  it('holds exactly the designed rule ids, once each', () => {
    expect([...rules.map((r) => r.id)].sort()).toEqual([...DESIGNED_RULE_IDS].sort());
  });

  describe.each(rules.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    const docPath = join(root, 'docs', 'rules', `${id}.md`);

    it('has a one-line description and a SARIF severity', () => {
      expect(rule.description).toMatch(/^[A-Z].*\.$/);
      expect(rule.description).not.toContain('\n');
      expect(['error', 'warning', 'note']).toContain(rule.defaultSeverity);
    });

    it('has docs/rules/<id>.md and test/rules/<id>.test.ts', () => {
      expect(existsSync(docPath)).toBe(true);
      expect(existsSync(join(root, 'test', 'rules', `${id}.test.ts`))).toBe(true);
      expect(readFileSync(docPath, 'utf8').startsWith(`# ${id}\n`)).toBe(true);
    });

    it("fires on its doc's bad example", () => {
      const doc = readFileSync(docPath, 'utf8');
      const found = findingsOf(id, example(doc, 'Bad'), `${id}-bad.json`);
      expect(found.map((f) => f.ruleId)).toContain(id);
    });

    it("stays quiet on its doc's good example", () => {
      const doc = readFileSync(docPath, 'utf8');
      expect(findingsOf(id, example(doc, 'Good'), `${id}-good.json`)).toEqual([]);
    });
  });
});
