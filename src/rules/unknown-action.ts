import type { Catalog } from '../catalog/index.js';
import { editDistance } from '../catalog/edit-distance.js';
import { globToRegExp, hasWildcard } from '../policy/glob.js';
import type { Effect } from '../policy/types.js';
import { splitActionPattern } from './support/action-pattern.js';
import { entryPath } from '../policy/parse-policy.js';
import { unknownEntries } from './support/covered-actions.js';
import type { PolicyRule, RuleHit } from './types.js';

/**
 * An action name the catalog does not know is almost always a typo, and IAM accepts it silently:
 * the Allow grants nothing, the Deny protects nothing. Checked on Deny too, where the silence hurts
 * most.
 */
export const unknownAction: PolicyRule = {
  id: 'unknown-action',
  scope: 'policy',
  defaultSeverity: 'error',
  description:
    'An Action or NotAction entry matches no AWS action: a typo that silently grants or denies nothing.',
  check: ({ policy, catalog }) => {
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      const element = statement.action ? 'Action' : 'NotAction';
      const entries = statement.action ?? statement.notAction;
      if (!entries) continue;
      for (const i of unknownEntries(statement, catalog)) {
        const { what, suggestion } = problem(entries.values[i] as string, catalog);
        hits.push({
          path: entryPath(entries, i),
          message: `${what}, so ${consequence(statement.effect, element)}${didYouMean(suggestion)}`,
        });
      }
    }
    return hits;
  },
};

function problem(pattern: string, catalog: Catalog): { what: string; suggestion?: string | undefined } {
  const { service, name } = splitActionPattern(pattern);
  const quoted = JSON.stringify(pattern);
  if (hasWildcard(service)) {
    const glob = globToRegExp(service.toLowerCase());
    if (!catalog.services().some((prefix) => glob.test(prefix))) {
      return { what: `${quoted} matches no service prefix` };
    }
    const where = /^\*+$/.test(service) ? 'any service' : `services matching ${JSON.stringify(service)}`;
    return { what: `${quoted} matches no action in ${where}` };
  }
  if (!catalog.hasService(service)) {
    return {
      what: `unknown service prefix ${JSON.stringify(service)}`,
      suggestion: hasWildcard(name) ? closestService(service, catalog) : catalog.suggest(pattern),
    };
  }
  if (hasWildcard(name)) return { what: `${quoted} matches no ${service.toLowerCase()} action` };
  return { what: `unknown action ${quoted}`, suggestion: catalog.suggest(pattern) };
}

function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : `; did you mean ${JSON.stringify(suggestion)}?`;
}

/** Same budget as the catalog's own did-you-mean: one edit for short prefixes, two for longer ones. */
function closestService(service: string, catalog: Catalog): string | undefined {
  const lower = service.toLowerCase();
  const budget = Math.min(2, Math.max(1, Math.floor(lower.length / 3)));
  let best: { prefix: string; distance: number } | undefined;
  for (const prefix of catalog.services()) {
    const distance = editDistance(lower, prefix, budget);
    if (distance <= budget && (!best || distance < best.distance)) best = { prefix, distance };
  }
  return best?.prefix;
}

function consequence(effect: Effect, element: 'Action' | 'NotAction'): string {
  if (element === 'Action') {
    return effect === 'Allow' ? 'it grants nothing' : 'a Deny naming it never fires';
  }
  return effect === 'Allow'
    ? 'as a NotAction entry it excludes nothing and the Allow also grants what it was meant to leave out'
    : 'as a NotAction entry it exempts nothing and the Deny also blocks what it was meant to leave out';
}
