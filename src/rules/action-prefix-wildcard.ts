import type { AccessLevel, Catalog } from '../catalog/index.js';
import { entryPath } from '../policy/parse-policy.js';
import { type ActionSet, entryActionSets, wildcardEntries } from './support/covered-actions.js';
import { formatCount, listSome, plural } from './support/describe.js';
import { GRANTING_POLICIES, delegatesToAccounts } from './support/statement-scope.js';
import type { PolicyRule, RuleHit } from './types.js';

/** The access levels that change things; a Read/List-only pattern is reported without them. */
const WEIGHTY_LEVELS: readonly AccessLevel[] = ['Permissions management', 'Write'];

/** Patterns this short are listed in full: they are few, and the names say more than a count. */
const LIST_UP_TO = 3;

/**
 * `ec2:Describe*`, `iam:*Policy`, `s3:?etObject`: a wildcard inside the action name grants every
 * matching action, today's and any AWS adds later with a matching name. A warning, not an error:
 * `Describe*` and `List*` are often what the author meant, and the count tells the reviewer.
 */
export const actionPrefixWildcard: PolicyRule = {
  id: 'action-prefix-wildcard',
  scope: 'policy',
  appliesTo: GRANTING_POLICIES,
  defaultSeverity: 'warning',
  description: 'An Allow uses a wildcard inside an action name ("ec2:Describe*"), granting every match.',
  check: ({ policy, source, catalog }) => {
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      const action = statement.action;
      if (statement.effect !== 'Allow' || !action || delegatesToAccounts(statement, source.kind)) continue;
      const sets = entryActionSets(statement, catalog);
      for (const i of wildcardEntries(statement, catalog)) {
        const actions = sets[i] as ActionSet;
        // Whole-service wildcards are wildcard-action's; matching nothing is a typo, not breadth:
        // unknown-action reports it.
        if (actions.wholeService || actions.count === 0) continue;
        const value = action.values[i] as string;
        hits.push({
          path: entryPath(action, i),
          message: `${JSON.stringify(value)} ${coverage(actions, catalog)}`,
        });
      }
    }
    return hits;
  },
};

const coverageBySet = new WeakMap<ActionSet, string>();

/** What an expansion covers, said once per (shared) set: `ec2:Describe*` recurs everywhere. */
function coverage(actions: ActionSet, catalog: Catalog): string {
  let text = coverageBySet.get(actions);
  if (text === undefined) {
    text = describeCoverage(actions, catalog);
    coverageBySet.set(actions, text);
  }
  return text;
}

function describeCoverage(actions: ActionSet, catalog: Catalog): string {
  const ids = Array.from(actions.ids);
  let message = `covers ${plural(ids.length, 'action')} today`;
  if (ids.length <= LIST_UP_TO) {
    message += ` (${listSome(
      ids.map((id) => catalog.actionName(id)),
      LIST_UP_TO,
    )})`;
  } else {
    const weighty = WEIGHTY_LEVELS.map((level) => ({
      level,
      count: ids.filter((id) => catalog.accessLevelId(id) === level).length,
    })).filter(({ count }) => count > 0);
    if (weighty.length > 0) {
      message += `, ${listSome(weighty.map(({ level, count }) => `${formatCount(count)} ${level}`))} among them`;
    }
  }
  return `${message}, and any matching action AWS adds later`;
}
