import { broadPrincipals } from './support/broad-principals.js';
import { isFenced, PUBLIC_FENCE_KEYS, whyNotRestricting } from './support/restricting-conditions.js';
import { grantsAssumeRole } from './support/statement-actions.js';
import type { PolicyRule, RuleHit } from './types.js';

export const trustAnyPrincipal: PolicyRule = {
  id: 'trust-any-principal',
  scope: 'policy',
  defaultSeverity: 'error',
  description: 'A role trust policy lets any AWS principal assume the role, with no condition fencing it.',
  check({ source, policy, catalog }) {
    if (source.kind !== 'trust') return [];
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      if (!grantsAssumeRole(statement)) continue;
      for (const broad of broadPrincipals(statement)) {
        if (isFenced(statement, broad.principal, policy, PUBLIC_FENCE_KEYS, catalog)) continue;
        const reason = whyNotRestricting(statement, PUBLIC_FENCE_KEYS);
        hits.push({
          path: broad.path,
          message:
            `${broad.description} lets principals of any AWS account assume this role` +
            (reason === undefined ? '' : ` (${reason})`) +
            '; name the principals that need it, or fence the statement with a condition on ' +
            'aws:PrincipalOrgID, aws:PrincipalAccount or sts:ExternalId',
        });
      }
    }
    return hits;
  },
};
