/**
 * `iam-gate diff <base> <head>`: which permissions the head revision of some policies adds over the
 * base, semantically (wildcards expanded, resources by containment, conditions compared). Inputs
 * are anything `check` reads. I/O lives here; the diff itself is pure (src/diff).
 */
import { relative } from 'node:path';
import { diff, withWitnesses } from '../diff/index.js';
import type { PolicySetEntry } from '../diff/types.js';
import type { PolicySource } from '../extract/types.js';
import { formatProblem } from '../policy/json-path.js';
import { renderDiff } from '../report/render-diff.js';
import { parsePolicy } from '../policy/parse-policy.js';
import { type ExpandedIo, EXIT_BLOCKING, EXIT_OK, EXIT_USAGE } from './io.js';
import { readSources } from './read-sources.js';

export const DIFF_FORMATS = ['text', 'json', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffOptions {
  format: DiffFormat;
  failOnNewAccess?: boolean;
}

export async function runDiff(
  basePath: string,
  headPath: string,
  options: DiffOptions,
  io: ExpandedIo,
): Promise<number> {
  const [base, head] = await Promise.all([readPolicySet(basePath), readPolicySet(headPath)]);
  const errors = [...base.errors, ...head.errors];
  if (errors.length > 0) {
    io.stderr(errors.map((e) => `iam-gate: ${e}\n`).join(''));
    return EXIT_USAGE;
  }
  // A policy whose content is unknown cannot be compared. Unchanged, it adds nothing; changed, the
  // diff cannot say it adds nothing, so the gate treats it as possibly new access.
  const changedUnknown = head.unresolved.filter(
    (h) => !base.unresolved.some((b) => b.key === h.key && b.document === h.document),
  );
  for (const warning of new Set([...base.unresolved, ...head.unresolved].map((u) => u.message))) {
    io.stderr(`iam-gate: warning: ${warning}\n`);
  }
  const result = withWitnesses(diff(base.entries, head.entries), base.entries, head.entries);
  io.stdout(renderDiff(result, options.format, io.color));
  if (changedUnknown.length > 0) {
    io.stderr(
      `iam-gate: ${changedUnknown.length} changed policies could not be compared: treated as possibly new access\n`,
    );
  }
  const newAccess = result.verdict === 'new-access' || changedUnknown.length > 0;
  return options.failOnNewAccess === true && newAccess ? EXIT_BLOCKING : EXIT_OK;
}

interface Unresolved {
  /** The principal and kind, to find the same policy in the other revision. */
  key: string;
  document: string;
  message: string;
}

interface PolicySet {
  entries: PolicySetEntry[];
  unresolved: Unresolved[];
  errors: string[];
}

async function readPolicySet(path: string): Promise<PolicySet> {
  const read = await readSources([path]);
  const entries: PolicySetEntry[] = [];
  const unresolved: Unresolved[] = [];
  const errors = [...read.errors];
  for (const source of read.sources) {
    if (source.unresolved !== undefined) {
      unresolved.push({
        key: `${principalOf(source, path)}\u0000${source.kind}\u0000${source.property ?? ''}`,
        document: JSON.stringify(source.document) ?? '',
        message: `${describe(source)} not compared: ${source.unresolved}`,
      });
      continue;
    }
    const parsed = parsePolicy(source.document, { kind: source.kind });
    if (!parsed.ok) {
      errors.push(
        `${describe(source)} is not a valid policy: ${parsed.errors.map(formatProblem).join('; ')}`,
      );
      continue;
    }
    entries.push({
      principal: principalOf(source, path),
      kind: source.kind,
      policy: parsed.policy,
      source: source.id,
    });
  }
  return { entries, unresolved, errors };
}

/**
 * What the policy belongs to, comparable across the two revisions: IaC sources name their role or
 * resource; a bare policy file has no principal, so it is keyed by its path under the argument
 * (`policies/app.json` in both trees), or as "policy" when the argument is the file itself.
 */
function principalOf(source: PolicySource, argument: string): string {
  if (source.principal !== undefined) return source.principal;
  const file = source.location?.file;
  if (file === undefined || source.address !== file) return source.address;
  return file === argument ? 'policy' : relative(argument, file);
}

function describe(source: PolicySource): string {
  const where = source.location?.file ?? source.id;
  return source.address === where ? where : `${where}: ${source.address}`;
}
