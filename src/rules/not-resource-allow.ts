import { listSome, quoted } from './support/describe.js';
import { GRANTING_POLICIES } from './support/statement-scope.js';
import type { PolicyRule, RuleHit } from './types.js';

/**
 * Allow + NotResource grants the actions on every resource except the listed ones: every other
 * bucket, table and role, including those created later and those of other services.
 */
export const notResourceAllow: PolicyRule = {
  id: 'not-resource-allow',
  scope: 'policy',
  appliesTo: GRANTING_POLICIES,
  defaultSeverity: 'error',
  description: 'An Allow with NotResource grants its actions on every resource it does not list.',
  check: ({ policy }) => {
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow' || !statement.notResource) continue;
      hits.push({
        path: statement.notResource.path,
        message:
          `Allow with NotResource grants its actions on every resource except ${listSome(quoted(statement.notResource.values))}, ` +
          `including resources created later; list the resources to allow instead`,
      });
    }
    return hits;
  },
};
