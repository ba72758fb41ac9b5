/**
 * `iam-gate diff <base> <head>`: which permissions the head revision of some policies adds over the
 * base, semantically (wildcards expanded, resources by containment, conditions compared). Inputs
 * are anything `check` reads. I/O lives here; the diff itself is pure (src/diff).
 */
import { relative } from 'node:path';
import { diff } from '../diff/index.js';
import type {
  AddedGroup,
  ConditionAtom,
  Grant,
  PolicyDiff,
  PolicySetEntry,
  TrustChange,
} from '../diff/types.js';
import type { PolicySource } from '../extract/types.js';
import { formatProblem } from '../policy/json-path.js';
import { codeSpan, escapeMarkdown } from '../report/render-markdown.js';
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
  const result = diff(base.entries, head.entries);
  io.stdout(render(result, options.format, io.color));
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

function render(result: PolicyDiff, format: DiffFormat, color: boolean): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(toJson(result), null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(result);
    case 'text':
      return renderText(result, color);
  }
}

/** The documented JSON shape: the spec's keys first, in a fixed order, then the details. */
function toJson(result: PolicyDiff): object {
  const grant = (g: Grant) => ({
    effect: g.effect,
    principal: g.principal,
    action: g.action,
    resource: g.resource,
    conditions: g.conditions,
    kind: g.kind,
    attachedTo: g.attachedTo,
    ...(g.notPrincipal ? { notPrincipal: g.notPrincipal } : {}),
    ...(g.notAction ? { notAction: g.notAction } : {}),
    ...(g.notResource ? { notResource: g.notResource } : {}),
    ...(g.why ? { why: g.why } : {}),
    ...(g.source ? { source: g.source } : {}),
  });
  return {
    verdict: result.verdict,
    added: result.added.map(grant),
    removed: result.removed.map(grant),
    possiblyAdded: result.possiblyAdded.map(grant),
    trust: result.trust,
  };
}

function conditionText(conditions: readonly ConditionAtom[]): string {
  return conditions.map((c) => `${c.operator} ${c.key} = ${c.values.join(' | ')}`).join(' and ');
}

function rowText(group: AddedGroup): string {
  const where = group.notResource ? `every resource except ${group.notResource.join(', ')}` : group.resource;
  const who = group.kind === 'identity' || group.kind === 'boundary' ? '' : ` for ${group.principal}`;
  const when = group.conditions.length > 0 ? ` when ${conditionText(group.conditions)}` : '';
  return `${group.actions.join(', ')} on ${where}${who}${when}`;
}

function removedRows(removed: readonly Grant[]): string[] {
  const rows = new Map<string, string[]>();
  for (const grant of removed) {
    const key = `${grant.attachedTo}\u0000${grant.resource}\u0000${conditionText(grant.conditions)}`;
    rows.set(key, [...(rows.get(key) ?? []), grant.action]);
  }
  return [...rows].map(([key, actions]) => {
    const [attachedTo, resource, when] = key.split('\u0000');
    return `${attachedTo}: ${[...new Set(actions)].join(', ')} on ${resource}${when ? ` when ${when}` : ''}`;
  });
}

function renderText(result: PolicyDiff, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  const byPrincipal = new Map<string, AddedGroup[]>();
  for (const group of result.groups)
    byPrincipal.set(group.attachedTo, [...(byPrincipal.get(group.attachedTo) ?? []), group]);
  for (const [principal, groups] of byPrincipal) {
    lines.push(paint('1', principal));
    for (const group of groups) {
      lines.push(
        group.certainty === 'added'
          ? paint('32', `  + ${rowText(group)}`)
          : paint('33', `  ? ${rowText(group)} (possibly: ${group.why.join('; ')})`),
      );
    }
  }
  for (const change of result.trust)
    lines.push(paint(change.certainty === 'added' ? '32' : '33', `trust: ${change.message}`));
  for (const row of removedRows(result.removed)) lines.push(paint('31', `  - ${row}`));
  const verdict =
    result.verdict === 'new-access'
      ? paint(
          '31',
          `new access: ${result.added.length} added, ${result.possiblyAdded.length} possibly added, ${result.trust.length} trust changes`,
        )
      : paint('32', 'no new access');
  lines.push('', `${verdict}; ${result.removed.length} removed`);
  return `${lines.join('\n')}\n`;
}

function renderMarkdown(result: PolicyDiff): string {
  const lines = [
    result.verdict === 'new-access'
      ? '## ❌ iam-gate: this change adds access'
      : '## ✅ iam-gate: no new access',
    '',
  ];
  if (result.groups.length > 0) {
    lines.push('| | Principal | Actions | Resource | Conditions |', '| --- | --- | --- | --- | --- |');
    for (const group of result.groups) {
      const where = group.notResource
        ? `every resource except ${group.notResource.join(', ')}`
        : group.resource;
      lines.push(
        `| ${group.certainty === 'added' ? '+' : '?'} | ${codeSpan(group.attachedTo)} | ${escapeMarkdown(group.actions.join(', '))} | ${codeSpan(where)} | ${escapeMarkdown(conditionText(group.conditions)) || '—'} |`,
      );
    }
    lines.push('');
  }
  if (result.trust.length > 0)
    lines.push(
      '**Trust**',
      '',
      ...result.trust.map((t: TrustChange) => `- ${escapeMarkdown(t.message)}`),
      '',
    );
  if (result.removed.length > 0) {
    lines.push(
      '<details><summary>Removed access</summary>',
      '',
      ...removedRows(result.removed).map((row) => `- ${escapeMarkdown(row)}`),
      '',
      '</details>',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
