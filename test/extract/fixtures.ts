/** Reads checked-in fixtures and extracts them under a stable, repo-relative name. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { extractPolicies } from '../../src/extract/extract-file.js';
import type { PolicySource } from '../../src/extract/types.js';

/** `iac/cloudformation/app.json` -> its text and the name the CLI would give it. */
export function fixture(relative: string): { text: string; name: string } {
  const text = readFileSync(fileURLToPath(new URL(`../fixtures/${relative}`, import.meta.url)), 'utf8');
  return { text, name: `test/fixtures/${relative}` };
}

export function extractFixture(relative: string): PolicySource[] {
  const { text, name } = fixture(relative);
  const result = extractPolicies(text, name);
  if (!result.ok) throw new Error(`fixture ${relative} did not extract: ${result.error}`);
  return result.sources;
}

/** The source whose id ends with `#<suffix>`; fails the test when there is none. */
export function sourceAt(sources: PolicySource[], suffix: string): PolicySource {
  const found = sources.find((source) => source.id.endsWith(`#${suffix}`));
  if (!found) throw new Error(`no source #${suffix}; ids are:\n${sources.map((s) => s.id).join('\n')}`);
  return found;
}
