/**
 * A bare IAM policy document. Nothing says what it is attached as, so the kind is read off its
 * statements: Principal plus only role-assumption actions (or no Resource anywhere) is a trust
 * policy, Principal otherwise a resource policy, no Principal an identity policy.
 */
import type { PolicyKind } from '../policy/types.js';
import type { InputDocument } from './input-document.js';
import { SourceList } from './source-list.js';
import type { PolicySource } from './types.js';

/** What a role's trust policy may allow: assuming it, and the session extras that come with it. */
const TRUST_ACTION = /^sts:(assumerole[a-z*?]*|tagsession|setsourceidentity|setcontext)$/i;

export function extractPolicyFile(input: InputDocument, file: string): PolicySource[] {
  const list = new SourceList(file, input);
  list.add({ kind: guessPolicyKind(input.value), address: file, document: input.value, at: [] });
  return list.sources;
}

export function guessPolicyKind(document: unknown): PolicyKind {
  const statements = statementList(document);
  const hasPrincipal = (s: Record<string, unknown>): boolean =>
    s.Principal !== undefined || s.NotPrincipal !== undefined;
  if (statements.length === 0 || !statements.some(hasPrincipal)) return 'identity';
  const onlyAssumeRole = statements.every(
    (s) =>
      hasPrincipal(s) &&
      s.NotAction === undefined &&
      stringList(s.Action).length > 0 &&
      stringList(s.Action).every((action) => TRUST_ACTION.test(action)),
  );
  // A resource policy always names its Resource; Principal without any Resource can only be a
  // trust policy, even one that allows more than AssumeRole (`sts:*`).
  const noResource = statements.every(
    (s) => hasPrincipal(s) && s.Resource === undefined && s.NotResource === undefined,
  );
  return onlyAssumeRole || noResource ? 'trust' : 'resource';
}

function statementList(document: unknown): Record<string, unknown>[] {
  if (typeof document !== 'object' || document === null) return [];
  const statement = (document as Record<string, unknown>).Statement;
  const list = Array.isArray(statement) ? statement : [statement];
  return list.filter(
    (s): s is Record<string, unknown> => typeof s === 'object' && s !== null && !Array.isArray(s),
  );
}

function stringList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string');
}
