import { isResourceTagFence } from './support/condition-absence.js';
import { coveredActions } from './support/covered-actions.js';
import { describeFirstActions, plural } from './support/describe.js';
import { entryPath } from '../policy/parse-policy.js';
import { GRANTING_POLICIES, starResources } from './support/statement-scope.js';
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
      const resource = statement.resource;
      if (statement.effect !== 'Allow' || !statement.action || !resource) continue;
      const stars = starResources(statement);
      if (stars.length === 0 || statement.conditions.some(isResourceTagFence)) continue;
      const actions = coveredActions(statement, catalog);
      const scopable = actions.scopableCount;
      if (scopable === 0) continue;
      const wildcardOnly = actions.count - scopable;
      const advice =
        wildcardOnly > 0
          ? `; move ${scopable === 1 ? 'it to a statement naming its' : 'them to a statement naming their'} resources (the other ${wildcardOnly === 1 ? 'action only accepts' : `${plural(wildcardOnly, 'action')} only accept`} "*" and can stay)`
          : '; name the resources instead';
      const described = describeFirstActions(scopable, actions.firstScopableNames());
      for (const i of stars) {
        const value = resource.values[i] as string;
        const message = `${JSON.stringify(value)} matches every resource${value === '*' ? '' : ' of its type'} for ${described}${advice}`;
        hits.push({ path: entryPath(resource, i), message });
      }
    }
    return hits;
  },
};
