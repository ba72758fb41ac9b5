/**
 * The principals that stand for "anyone": `"*"`, `{"AWS": "*"}`, and NotPrincipal with Allow
 * (everyone except the few it names). Trust and resource-policy rules judge them alike.
 */
import { childPath } from '../../policy/json-path.js';
import type { Principal, Statement } from '../../policy/types.js';

export interface BroadPrincipal {
  /** The principal value, or undefined for a NotPrincipal element. */
  principal?: Principal;
  /** Where to report it: the principal value, or the NotPrincipal element. */
  path: string;
  /** What the author wrote, for messages: `Principal "*"`, `NotPrincipal with Allow (everyone except ...)`. */
  description: string;
}

/** Every "anyone" principal of an Allow statement; empty for Deny statements. */
export function broadPrincipals(statement: Statement): BroadPrincipal[] {
  if (statement.effect !== 'Allow') return [];
  const found: BroadPrincipal[] = [];
  for (const principal of statement.principal ?? []) {
    if (principal.class.kind !== 'any') continue;
    // `"Principal": "*"` and `{"AWS": "*"}` mean the same; the message quotes what was written.
    const written = principal.path === childPath(statement.path, 'Principal') ? '"*"' : '{"AWS": "*"}';
    found.push({ principal, path: principal.path, description: `Principal ${written}` });
  }
  if (statement.notPrincipal) {
    const excepted = statement.notPrincipal.map((principal) => principal.value).join(', ');
    found.push({
      path: childPath(statement.path, 'NotPrincipal'),
      description: `NotPrincipal with Allow (everyone except ${excepted})`,
    });
  }
  return found;
}
