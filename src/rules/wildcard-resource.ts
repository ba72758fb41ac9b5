import { isResourceTagFence } from './support/condition-absence.js';
import { eachEntry } from './support/action-pattern.js';
import { describeActions, plural } from './support/describe.js';
import { coveredActions, isEffectivelyStar, scopableActions } from './support/statement-scope.js';
import { GRANTING_POLICIES } from './support/statement-scope.js';
import type { PolicyRule, RuleHit } from './types.js';

/**
 * An Allow on `*` (or `arn:aws:s3:::*`, `arn:aws:dynamodb:*:*:table/*`) for actions that could be
 * scoped to named resources. Actions that only accept `*` (`sts:GetCallerIdentity`, most
 * `ec2:Describe*`) are exempt: flagging them is the false positive that teaches reviewers to ignore
 * this check.
 */
export const wildcardResource: PolicyRule = {
  id: 'wildcard-resource',
  scope: 'policy',
  appliesTo: GRANTING_POLICIES,
  defaultSeverity: 'error',
  description: 'An Allow applies to every resource ("*") for actions that can be scoped to named resources.',
  check: ({ policy, source, catalog }) => {
    // In a resource policy "*" means the resource the policy is attached to (a KMS key policy's
    // "Resource": "*" is that key); trust policies have no Resource.
    if (source.kind === 'resource' || source.kind === 'trust') return [];
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      // NotAction with "*" is not-action-allow's finding.
      if (statement.effect !== 'Allow' || !statement.action) continue;
      const stars = eachEntry(statement.resource).filter(({ value }) => isEffectivelyStar(value));
      if (stars.length === 0 || statement.conditions.some(isResourceTagFence)) continue;
      const actions = coveredActions(statement, catalog);
      const scopable = scopableActions(actions, catalog);
      if (scopable.length === 0) continue;
      const wildcardOnly = actions.length - scopable.length;
      const advice =
        wildcardOnly > 0
          ? `; move ${scopable.length === 1 ? 'it to a statement naming its' : 'them to a statement naming their'} resources (the other ${wildcardOnly === 1 ? 'action only accepts' : `${plural(wildcardOnly, 'action')} only accept`} "*" and can stay)`
          : '; name the resources instead';
      for (const { value, path } of stars) {
        const message = `${JSON.stringify(value)} matches every resource${value === '*' ? '' : ' of its type'} for ${describeActions(scopable)}${advice}`;
        hits.push({ path, message });
      }
    }
    return hits;
  },
};
