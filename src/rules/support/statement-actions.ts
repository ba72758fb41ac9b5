/**
 * Whether a statement names one particular action, read from its patterns rather than through a
 * catalog expansion: trust and escalation rules ask about a handful of known actions, and a
 * NotAction then also covers actions the catalog does not know yet.
 */
import { matchesAction } from '../../policy/glob.js';
import type { Statement } from '../../policy/types.js';
import { listSome } from './describe.js';

/** Where in a statement an action is granted: the pattern that covers it and its JSON path. */
export interface ActionMatch {
  /** The pattern as written (`iam:*`), or undefined for a NotAction that leaves the action out. */
  pattern?: string;
  /** `Statement[0].Action[1]`, `Statement[0].Action` (a single string) or `Statement[0].NotAction`. */
  path: string;
}

/** The first Action entry covering `action`, or the NotAction element when it does not exclude it. */
export function matchAction(statement: Statement, action: string): ActionMatch | undefined {
  if (statement.notAction) {
    const excluded = statement.notAction.values.some((pattern) => matchesAction(pattern, action));
    return excluded ? undefined : { path: statement.notAction.path };
  }
  const entries = statement.action;
  if (!entries) return undefined;
  const index = entries.values.findIndex((pattern) => matchesAction(pattern, action));
  if (index < 0) return undefined;
  return { pattern: entries.values[index] as string, path: entries.paths[index] ?? entries.path };
}

export function grantsAction(statement: Statement, action: string): boolean {
  return matchAction(statement, action) !== undefined;
}

/** The actions that let a principal become a role; what a trust statement is about. */
export const ASSUME_ROLE_ACTIONS = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithWebIdentity',
  'sts:AssumeRoleWithSAML',
] as const;

/**
 * A trust statement that grants none of the assume actions (only `sts:TagSession`, say) lets nobody
 * become the role on its own, so trust rules leave it alone.
 */
export function grantsAssumeRole(statement: Statement): boolean {
  return ASSUME_ROLE_ACTIONS.some((action) => grantsAction(statement, action));
}

/** What an Allow statement grants, as written and in short, for messages. */
export function describeStatementActions(statement: Statement): string {
  if (statement.notAction) return `every action except ${listSome(statement.notAction.values)}`;
  return listSome(statement.action?.values ?? []);
}
