import type { AccessLevel, Catalog } from '../catalog/index.js';
import { hasWildcard } from '../policy/glob.js';
import { eachEntry, isWholeServiceWildcard } from './support/action-pattern.js';
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
      if (statement.effect !== 'Allow' || delegatesToAccounts(statement, source.kind)) continue;
      for (const { value, path } of eachEntry(statement.action)) {
        // Whole-service wildcards are wildcard-action's.
        if (!hasWildcard(value) || isWholeServiceWildcard(value)) continue;
        const actions = catalog.expand(value);
        // Matching nothing is a typo, not breadth: unknown-action reports it.
        if (actions.length === 0) continue;
        hits.push({ path, message: `${JSON.stringify(value)} ${coverage(actions, catalog)}` });
      }
    }
    return hits;
  },
};

const coverageByActions = new WeakMap<readonly string[], string>();

/** What an expansion covers, said once per (shared) expansion array: `ec2:Describe*` recurs everywhere. */
function coverage(actions: readonly string[], catalog: Catalog): string {
  let text = coverageByActions.get(actions);
  if (text === undefined) {
    text = describeCoverage(actions, (action) => catalog.accessLevel(action));
    coverageByActions.set(actions, text);
  }
  return text;
}

function describeCoverage(
  actions: readonly string[],
  levelOf: (action: string) => AccessLevel | undefined,
): string {
  let message = `covers ${plural(actions.length, 'action')} today`;
  if (actions.length <= LIST_UP_TO) {
    message += ` (${listSome(actions, LIST_UP_TO)})`;
  } else {
    const weighty = WEIGHTY_LEVELS.map((level) => ({
      level,
      count: actions.filter((action) => levelOf(action) === level).length,
    })).filter(({ count }) => count > 0);
    if (weighty.length > 0) {
      message += `, ${listSome(weighty.map(({ level, count }) => `${formatCount(count)} ${level}`))} among them`;
    }
  }
  return `${message}, and any matching action AWS adds later`;
}
