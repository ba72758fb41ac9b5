/**
 * The semantic diff for people and scripts: text (a terminal), markdown (a pull-request comment) and
 * the documented JSON shape. Shared by `iam-gate diff` and `iam-gate review`.
 */
import type { AddedGroup, ConditionAtom, Grant, PolicyDiff, TrustChange, Witness } from '../diff/types.js';
import { notActionEntry } from '../diff/group-grants.js';
import { hasWildcard, matchesAction } from '../policy/glob.js';
import { codeSpan, escapeMarkdown } from './render-markdown.js';

export type DiffFormat = 'text' | 'json' | 'markdown';

export function renderDiff(result: PolicyDiff, format: DiffFormat, color: boolean): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(diffToJson(result), null, 2)}\n`;
    case 'markdown':
      return renderDiffMarkdown(result);
    case 'text':
      return renderDiffText(result, color);
  }
}

/** `e.g. s3:DeleteObject on arn:aws:s3:::app-data/example (base: implicitDeny)`. */
export function witnessText(witness: Witness): string {
  return `e.g. ${witnessRequest(witness, (text) => text)} (base: ${witness.base})`;
}

/** `s3:DeleteObject on arn:… by <caller> with key=value, …`, each part through `code`. */
function witnessRequest(witness: Witness, code: (text: string) => string): string {
  const context = Object.entries(witness.context).map(([key, value]) => code(`${key}=${value}`));
  const by = witness.principal === undefined ? '' : ` by ${code(witness.principal)}`;
  const withContext = context.length > 0 ? ` with ${context.join(', ')}` : '';
  return `${code(witness.action)} on ${code(witness.resource)}${by}${withContext}`;
}

/** The documented JSON shape: the spec's keys first, in a fixed order, then the details. */
export function diffToJson(result: PolicyDiff): object {
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
    ...(result.incomplete === undefined ? {} : { incomplete: result.incomplete }),
    ...(result.groups.some((group) => group.witness) ? { witnesses: witnessRows(result.groups) } : {}),
  };
}

/** Each witness with the row it stands for (kind, principal, resource, conditions). */
function witnessRows(groups: readonly AddedGroup[]): object[] {
  const rows: object[] = [];
  groups.forEach(({ witness, ...group }) => {
    if (witness === undefined) return;
    rows.push({
      kind: group.kind,
      attachedTo: group.attachedTo,
      principal: group.principal,
      ...(group.notPrincipal ? { notPrincipal: group.notPrincipal } : {}),
      resource: group.resource,
      conditions: group.conditions,
      request: {
        action: witness.action,
        resource: witness.resource,
        ...(witness.principal === undefined ? {} : { principal: witness.principal }),
        context: witness.context,
      },
      base: witness.base,
    });
  });
  return rows;
}

export function conditionText(conditions: readonly ConditionAtom[]): string {
  return conditions.map((c) => `${c.operator} ${c.key} = ${c.values.join(' | ')}`).join(' and ');
}

/**
 * A row's actions for a reader: a wildcard the row adds (`s3:*`, `s3:Get*`, or a NotAction's
 * `* except iam:*, sts:*`) stands for the actions it covers today and any AWS adds later, so those
 * are counted under it instead of listed: 180 names hide the one word that matters, and a NotAction
 * row would list 20,000.
 */
export function actionsText(actions: readonly string[]): string {
  const wildcards = actions.map(wildcardEntry).filter((entry) => entry !== undefined);
  if (wildcards.length === 0) return actions.join(', ');
  const rest: string[] = [];
  for (const action of actions) {
    if (hasWildcard(action)) continue;
    const wildcard = wildcards.find((candidate) => candidate.covers(action));
    if (wildcard === undefined) rest.push(action);
    else wildcard.count += 1;
  }
  const folded = wildcards.map(
    ({ text, count }) => `${text} (${count} action${count === 1 ? '' : 's'} today, and any AWS adds later)`,
  );
  return [...folded, ...rest].join(', ');
}

/**
 * A row's entry that is a wildcard, with which names it covers: a pattern, or `P except X, Y` as
 * the diff writes the future actions of a NotAction (everything P matches that no exception does).
 */
function wildcardEntry(
  action: string,
): { text: string; covers: (name: string) => boolean; count: number } | undefined {
  const notAction = notActionEntry(action);
  if (notAction === undefined) {
    if (!hasWildcard(action)) return undefined;
    return { text: action, covers: (name) => matchesAction(action, name), count: 0 };
  }
  const { pattern, except } = notAction;
  return {
    text: action,
    covers: (name) => matchesAction(pattern, name) && !except.some((x) => matchesAction(x, name)),
    count: 0,
  };
}

/** Where a row applies: its resource pattern, or for a NotResource row, everything but those. */
export function resourceText(group: Pick<AddedGroup, 'resource' | 'notResource'>): string {
  return group.notResource ? `every resource except ${group.notResource.join(', ')}` : group.resource;
}

export function rowText(group: AddedGroup): string {
  const where = resourceText(group);
  const who = group.kind === 'identity' || group.kind === 'boundary' ? '' : ` for ${group.principal}`;
  const when = group.conditions.length > 0 ? ` when ${conditionText(group.conditions)}` : '';
  return `${actionsText(group.actions)} on ${where}${who}${when}`;
}

export function removedRows(removed: readonly Grant[]): string[] {
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

export function renderDiffText(result: PolicyDiff, color: boolean): string {
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
      if (group.witness) lines.push(`      ${witnessText(group.witness)}`);
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

/** Added rows as a markdown table, one line per row after the header; empty for no rows. */
export function accessTableMarkdown(groups: readonly AddedGroup[]): string[] {
  if (groups.length === 0) return [];
  // The example column only when some row has one: most diffs of resource policies have none.
  const examples = groups.some((group) => group.witness);
  return [
    `| | Principal | Actions | Resource | Conditions |${examples ? ' For example |' : ''}`,
    `| --- | --- | --- | --- | --- |${examples ? ' --- |' : ''}`,
    ...groups.map(
      (group) =>
        `| ${group.certainty === 'added' ? '+' : '?'} | ${codeSpan(group.attachedTo)} | ${escapeMarkdown(actionsText(group.actions))} | ${codeSpan(resourceText(group))} | ${escapeMarkdown(conditionText(group.conditions)) || '—'} |${examples ? ` ${group.witness ? witnessRequest(group.witness, codeSpan) : '—'} |` : ''}`,
    ),
  ];
}

export function renderDiffMarkdown(result: PolicyDiff): string {
  const lines = [
    result.verdict === 'new-access'
      ? '## ❌ iam-gate: this change adds access'
      : '## ✅ iam-gate: no new access',
    '',
  ];
  if (result.groups.length > 0) lines.push(...accessTableMarkdown(result.groups), '');
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
