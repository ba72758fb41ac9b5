/** Builders for diff tests: policies as JSON, parsed the way the extractor's output is. */
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { PolicyDocument, PolicyKind } from '../../src/policy/types.js';
import type { ConditionAtom, Grant, PolicySetEntry } from '../../src/diff/types.js';

export type Json = Record<string, unknown>;

export function parse(
  statements: readonly Json[],
  kind: PolicyKind,
  version: string | null = '2012-10-17',
): PolicyDocument {
  const document: Json = { Statement: statements };
  if (version !== null) document.Version = version;
  const parsed = parsePolicy(document, { kind });
  if (!parsed.ok) throw new Error(`test policy does not parse: ${JSON.stringify(parsed.errors)}`);
  return parsed.policy;
}

/** One policy of `kind` attached to `principal`; no statements means no policy at all. */
export function entries(
  statements: readonly Json[],
  kind: PolicyKind = 'identity',
  principal = 'AppRole',
  version: string | null = '2012-10-17',
): PolicySetEntry[] {
  return statements.length === 0 ? [] : [{ principal, kind, policy: parse(statements, kind, version) }];
}

/** An expected identity-policy Allow grant of `AppRole`, unconditional unless told. */
export function grant(action: string, resource: string, extra: Partial<Grant> = {}): Grant {
  return {
    effect: 'Allow',
    kind: 'identity',
    attachedTo: 'AppRole',
    principal: 'AppRole',
    action,
    resource,
    conditions: [],
    ...extra,
  };
}

export function atom(operator: string, key: string, ...values: string[]): ConditionAtom {
  return { operator, key, values: [...values].sort() };
}
