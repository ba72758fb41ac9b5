import { coveredActions } from './support/covered-actions.js';
import { formatCount, listSome, quoted } from './support/describe.js';
import { GRANTING_POLICIES } from './support/statement-scope.js';
import type { PolicyRule, RuleHit } from './types.js';

/**
 * Allow + NotAction reads like a short exception list but is the widest grant IAM has: every action
 * of every service except the listed ones, including services and actions AWS launches later.
 */
export const notActionAllow: PolicyRule = {
  id: 'not-action-allow',
  scope: 'policy',
  appliesTo: GRANTING_POLICIES,
  defaultSeverity: 'error',
  description:
    'An Allow with NotAction grants every action it does not list, in every service, including future ones.',
  check: ({ policy, catalog }) => {
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow' || !statement.notAction) continue;
      const granted = coveredActions(statement, catalog).count;
      hits.push({
        path: statement.notAction.path,
        message:
          `Allow with NotAction grants every action except ${listSome(quoted(statement.notAction.values))}: ` +
          `${formatCount(granted)} actions in every service today, and any AWS adds later; list the actions to allow instead`,
      });
    }
    return hits;
  },
};
