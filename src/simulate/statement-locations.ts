/**
 * Maps the AWS simulator's statement positions (line and column in the policy text we sent) back
 * to the statement's index, path, Sid and Effect.
 */
import { type Node, findNodeAtLocation, getNodeValue, parseTree } from 'jsonc-parser';
import type { Effect } from '../policy/types.js';

export interface StatementLocation {
  index: number;
  /** `Statement[1]`, or `Statement` for a single statement object, as `parsePolicy` names them. */
  path: string;
  sid?: string;
  effect?: Effect;
  offset: number;
  length: number;
}

export function statementLocations(text: string): StatementLocation[] {
  const root = parseTree(text);
  const element = root && findNodeAtLocation(root, ['Statement']);
  if (!element) return [];
  if (element.type === 'object') return [describe(element, 0, 'Statement')];
  if (element.type !== 'array') return [];
  return (element.children ?? [])
    .map((node, index) => ({ node, index }))
    .filter(({ node }) => node.type === 'object')
    .map(({ node, index }) => describe(node, index, `Statement[${index}]`));
}

function describe(node: Node, index: number, path: string): StatementLocation {
  const location: StatementLocation = { index, path, offset: node.offset, length: node.length };
  const sid = stringAt(node, 'Sid');
  const effect = stringAt(node, 'Effect');
  if (sid !== undefined) location.sid = sid;
  if (effect === 'Allow' || effect === 'Deny') location.effect = effect;
  return location;
}

function stringAt(node: Node, key: string): string | undefined {
  const child = findNodeAtLocation(node, [key]);
  const value: unknown = child && getNodeValue(child);
  return typeof value === 'string' ? value : undefined;
}

/**
 * The statement at a 1-based line and column. AWS's columns run one or two characters past the
 * statement's opening brace, so the statement containing the point wins, else the one starting
 * nearest to it.
 */
export function locateStatement(text: string, line: number, column: number): StatementLocation | undefined {
  const statements = statementLocations(text);
  const point = offsetOf(text, line, column);
  const containing = statements.find((s) => point >= s.offset && point < s.offset + s.length);
  if (containing) return containing;
  let nearest: StatementLocation | undefined;
  for (const statement of statements) {
    if (!nearest || Math.abs(statement.offset - point) < Math.abs(nearest.offset - point))
      nearest = statement;
  }
  return nearest;
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current += 1) {
    const newline = text.indexOf('\n', offset);
    if (newline === -1) break;
    offset = newline + 1;
  }
  return offset + Math.max(column - 1, 0);
}
