import type { Statement } from '../policy/types.js';
import {
  isFenced,
  isRestrictingCondition,
  SOURCE_FENCE_KEYS,
  whyNotRestricting,
} from './support/restricting-conditions.js';
import { describeStatementActions } from './support/statement-actions.js';
import type { PolicyRule, RuleHit } from './types.js';

/**
 * KMS key policies fence CloudTrail and CloudWatch Logs by the encryption context those services
 * send (`kms:EncryptionContext:aws:cloudtrail:arn`), which names the source just as aws:SourceArn does.
 */
const ENCRYPTION_CONTEXT_SOURCE = /^kms:encryptioncontext:aws:[a-z0-9-]+:arn$/i;

function fencedByEncryptionContext(statement: Statement): boolean {
  return statement.conditions.some(
    (condition) =>
      ENCRYPTION_CONTEXT_SOURCE.test(condition.key) &&
      isRestrictingCondition(condition, new Set([condition.key.toLowerCase()])),
  );
}

export const servicePrincipalNoSource: PolicyRule = {
  id: 'service-principal-no-source',
  scope: 'policy',
  defaultSeverity: 'warning',
  description:
    'A resource policy allows an AWS service principal without aws:SourceArn, aws:SourceAccount or aws:SourceOrgID: the confused-deputy pattern.',
  check({ source, policy, catalog }) {
    // Trust policies of service roles rarely need it, and flagging every Lambda role would be noise.
    if (source.kind !== 'resource') return [];
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow') continue;
      for (const principal of statement.principal ?? []) {
        if (principal.class.kind !== 'service') continue;
        if (isFenced(statement, principal, policy, SOURCE_FENCE_KEYS, catalog)) continue;
        if (fencedByEncryptionContext(statement)) continue;
        const reason = whyNotRestricting(statement, SOURCE_FENCE_KEYS);
        hits.push({
          path: principal.path,
          message:
            `service principal ${principal.value} may ${describeStatementActions(statement)} with no aws:SourceArn, ` +
            'aws:SourceAccount or aws:SourceOrgID condition' +
            (reason === undefined ? '' : ` (${reason})`) +
            ': the service would do so on behalf of any AWS account that points it at this resource ' +
            '(confused deputy); add a condition naming the source resource or your account',
        });
      }
    }
    return hits;
  },
};
