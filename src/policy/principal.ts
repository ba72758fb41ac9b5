/** What a `Principal` value refers to. Classified once at parse time so rules can ask plain questions. */
import { ACCOUNT_ID, parseArn } from './arn.js';
import type { PrincipalClass, PrincipalType } from './types.js';

export const PRINCIPAL_TYPES: readonly PrincipalType[] = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

/** Symbolic values from IaC (`${aws_iam_role.app.arn}`, Pulumi placeholders) cannot be judged yet. */
function isSymbolic(value: string): boolean {
  return value.includes('${');
}

export function classifyPrincipal(type: PrincipalType, value: string): PrincipalClass {
  switch (type) {
    case 'AWS':
      return classifyAwsPrincipal(value);
    case 'Service':
      return isSymbolic(value) ? { kind: 'unknown' } : { kind: 'service', service: value };
    case 'Federated': {
      // `arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com` still
      // names its provider: only a symbolic provider is unknown.
      const provider = federatedProvider(value);
      return isSymbolic(provider) ? { kind: 'unknown' } : { kind: 'federated', provider };
    }
    case 'CanonicalUser':
      return { kind: 'canonical-user', id: value };
  }
}

function classifyAwsPrincipal(value: string): PrincipalClass {
  if (value === '*') return { kind: 'any' };
  // A bare account id means that account's root: any principal the account's own policies allow.
  if (ACCOUNT_ID.test(value)) return { kind: 'account', accountId: value };
  const arn = parseArn(value);
  // A symbolic partition or role name (CDK writes `arn:${AWS::Partition}:iam::111122223333:root`)
  // still names a literal account; only an unknown account makes the principal unknown.
  if (!arn || !ACCOUNT_ID.test(arn.account)) return { kind: 'unknown' };
  if (arn.service === 'iam' && arn.resource === 'root') return { kind: 'account', accountId: arn.account };
  return { kind: 'iam', accountId: arn.account, resourceType: arn.resourceType ?? arn.resource, arn: value };
}

/**
 * The identity provider a federated principal names: the host of an OIDC provider ARN
 * (`arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com` -> `token.actions.githubusercontent.com`),
 * `saml` for SAML providers, or the value itself for web identity providers (`accounts.google.com`).
 */
export function federatedProvider(value: string): string {
  const arn = parseArn(value);
  if (!arn || arn.service !== 'iam') return value;
  if (arn.resource.startsWith('oidc-provider/')) return arn.resource.slice('oidc-provider/'.length);
  if (arn.resource.startsWith('saml-provider/')) return 'saml';
  return value;
}

/** Wildcards are not allowed inside principal values: AWS rejects `arn:aws:iam::*:role/x` outright. */
export function principalWildcardProblem(type: PrincipalType, value: string): string | undefined {
  if (value === '*' && type === 'AWS') return undefined;
  if (!/[*?]/.test(value)) return undefined;
  if (value === '*') return `"*" is only valid as "Principal": "*" or {"AWS": "*"}`;
  return `wildcards are not allowed in principals (got ${JSON.stringify(value)}); use "*" with an aws:PrincipalArn condition`;
}
