import { CROSS_ACCOUNT_FENCE_KEYS, isFenced, whyNotRestricting } from './support/restricting-conditions.js';
import { grantsAssumeRole } from './support/statement-actions.js';
import type { PolicyRule, RuleHit } from './types.js';

const CONFIG_FILE = '.github/iam-gate.yml';

export const trustUntrustedAccount: PolicyRule = {
  id: 'trust-untrusted-account',
  scope: 'policy',
  defaultSeverity: 'error',
  description:
    'A role trust policy trusts an account that is neither yours nor configured as trusted, without sts:ExternalId or aws:PrincipalOrgID.',
  check({ source, policy, catalog, settings }) {
    if (source.kind !== 'trust') return [];
    const known = new Set([...settings.ownAccounts, ...settings.trustedAccounts]);
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow' || !grantsAssumeRole(statement)) continue;
      for (const principal of statement.principal ?? []) {
        // Symbolic and unclassifiable principals are unresolved-policy's to report.
        if (principal.type !== 'AWS') continue;
        if (principal.class.kind !== 'account' && principal.class.kind !== 'iam') continue;
        const account = principal.class.accountId;
        if (known.has(account)) continue;
        if (isFenced(statement, principal, policy, CROSS_ACCOUNT_FENCE_KEYS, catalog)) continue;
        const who =
          principal.class.kind === 'account'
            ? `account ${account} (its root: any principal that account's own policies allow)`
            : `${principal.value} in account ${account}`;
        const reason = whyNotRestricting(statement, CROSS_ACCOUNT_FENCE_KEYS);
        const fix =
          settings.ownAccounts.length === 0
            ? `require sts:ExternalId, or if ${account} is yours, list your own accounts under accounts.own in ${CONFIG_FILE}`
            : `require sts:ExternalId, or if ${account} is yours or a vetted third party, add it to accounts.own or accounts.trusted in ${CONFIG_FILE}`;
        hits.push({
          path: principal.path,
          message:
            `${who} may assume this role with no sts:ExternalId or aws:PrincipalOrgID condition` +
            (reason === undefined ? '' : ` (${reason})`) +
            `, and ${account} is neither one of your accounts nor a trusted one: a third party acting for ` +
            `many customers could be tricked into using this role (confused deputy); ${fix}`,
        });
      }
    }
    return hits;
  },
};
