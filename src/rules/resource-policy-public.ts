import { broadPrincipals } from './support/broad-principals.js';
import { isFenced, PUBLIC_FENCE_KEYS, whyNotRestricting } from './support/restricting-conditions.js';
import { describeStatementActions } from './support/statement-actions.js';
import type { PolicyRule, RuleHit } from './types.js';

export const resourcePolicyPublic: PolicyRule = {
  id: 'resource-policy-public',
  scope: 'policy',
  defaultSeverity: 'error',
  description:
    'A resource policy (bucket, queue, topic, key, function) allows any principal with no condition fencing it: the resource is public.',
  check({ source, policy, catalog }) {
    if (source.kind !== 'resource') return [];
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      for (const broad of broadPrincipals(statement)) {
        if (isFenced(statement, broad.principal, policy, PUBLIC_FENCE_KEYS, catalog)) continue;
        const reason = whyNotRestricting(statement, PUBLIC_FENCE_KEYS);
        hits.push({
          path: broad.path,
          message:
            `${broad.description} makes this resource public: anyone, including anonymous callers, ` +
            `may ${describeStatementActions(statement)}` +
            (reason === undefined ? '' : ` (${reason})`) +
            '; name the principals that need access, or fence the statement with a condition on ' +
            'aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceVpce or aws:SourceArn',
        });
      }
    }
    return hits;
  },
};
