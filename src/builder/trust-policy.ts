/**
 * Role trust policies: who may assume the role. Every principal is exact; `*` is never produced;
 * foreign accounts must present an ExternalId; GitHub Actions OIDC gets `aud` and an exact `sub`.
 */
import { ACCOUNT_ID, parseArn } from '../policy/arn.js';
import { PolicyError } from '../policy/policy-error.js';
import type { ConditionEntry } from './conditions.js';
import { type Input, isDeferred } from './inputs.js';
import {
  type PolicyDocumentBuilder,
  type RenderableStatement,
  type StatementJson,
  asList,
  createDocument,
} from './policy-document.js';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface TrustContext {
  /** Accounts you own: their principals may assume the role without an ExternalId. */
  ownAccounts: ReadonlySet<string>;
}

/** One kind of principal allowed to assume the role; becomes one statement. */
export interface TrustGrant {
  readonly defaultSid: string;
  toStatement(sid: string, context: TrustContext): RenderableStatement;
}

export interface TrustPolicyOptions {
  ownAccounts?: string[];
}

export function trustPolicy(
  grants: readonly TrustGrant[],
  options: TrustPolicyOptions = {},
): PolicyDocumentBuilder {
  if (grants.length === 0) throw new PolicyError('a trust policy needs at least one trusted principal');
  for (const account of options.ownAccounts ?? []) {
    if (!ACCOUNT_ID.test(account)) {
      throw new PolicyError(`ownAccounts: "${account}" is not a 12-digit AWS account id`, { value: account });
    }
  }
  const context: TrustContext = { ownAccounts: new Set(options.ownAccounts ?? []) };
  const used = new Map<string, number>();
  return createDocument(
    grants.map((grant) => {
      // Two grants of one kind (two services) would collide on the default Sid: number them.
      const count = (used.get(grant.defaultSid) ?? 0) + 1;
      used.set(grant.defaultSid, count);
      return grant.toStatement(count === 1 ? grant.defaultSid : `${grant.defaultSid}${count}`, context);
    }),
  );
}

const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;

export interface ServicePrincipalOptions {
  /** `aws:SourceAccount`: the service may assume the role only on behalf of this account. */
  sourceAccount?: string;
  /** `aws:SourceArn`: the service may assume the role only on behalf of this resource. */
  sourceArn?: Input<string>;
  sid?: string;
}

/** An AWS service (`lambda.amazonaws.com`) assumes the role. */
export function servicePrincipal(service: string, options: ServicePrincipalOptions = {}): TrustGrant {
  if (!SERVICE_PRINCIPAL.test(service)) {
    throw new PolicyError(
      `trust: service principal "${service}" is not an exact service name such as "lambda.amazonaws.com"`,
      { value: service },
    );
  }
  const name = service.split('.')[0] ?? service;
  return {
    defaultSid: options.sid ?? `Service${pascal(name)}`,
    toStatement: (sid) => {
      const conditions: ConditionEntry[] = [];
      if (options.sourceAccount !== undefined) {
        requireAccountId(options.sourceAccount, sid);
        conditions.push({
          operator: 'StringEquals',
          key: 'aws:SourceAccount',
          values: [options.sourceAccount],
        });
      }
      if (options.sourceArn !== undefined) {
        conditions.push({ operator: 'ArnLike', key: 'aws:SourceArn', values: [options.sourceArn] });
      }
      return {
        sid,
        effect: 'Allow',
        principal: { Service: [service] },
        actions: ['sts:AssumeRole'],
        conditions,
      };
    },
  };
}

export interface AccountPrincipalOptions {
  /** Required for accounts outside `ownAccounts`: the secret a third party presents (confused-deputy fence). */
  externalId?: Input<string>;
  sid?: string;
}

/** Any principal of an account that its own policies allow (`arn:aws:iam::<id>:root`). */
export function accountPrincipal(accountId: string, options: AccountPrincipalOptions = {}): TrustGrant {
  if (accountId === '*') {
    throw new PolicyError('trust: refusing principal "*": anyone in any AWS account could assume the role', {
      value: '*',
    });
  }
  requireAccountId(accountId, 'trust');
  return awsPrincipalGrant(
    `arn:aws:iam::${accountId}:root`,
    options.sid ?? `Account${accountId}`,
    options.externalId,
  );
}

/** One role or user (`arn:aws:iam::<id>:role/deployer`), possibly a Pulumi Output. */
export function rolePrincipal(arn: Input<string>, options: AccountPrincipalOptions = {}): TrustGrant {
  if (!isDeferred(arn)) validateIamPrincipalArn(arn, options.sid ?? 'trust');
  const name = typeof arn === 'string' ? (arn.split('/').pop() ?? 'Role') : 'Role';
  return awsPrincipalGrant(arn, options.sid ?? `Principal${pascal(name)}`, options.externalId);
}

function awsPrincipalGrant(
  arn: Input<string>,
  defaultSid: string,
  externalId: Input<string> | undefined,
): TrustGrant {
  return {
    defaultSid,
    toStatement: (sid, context) => {
      const conditions: ConditionEntry[] =
        externalId === undefined
          ? []
          : [{ operator: 'StringEquals', key: 'sts:ExternalId', values: [externalId] }];
      const check = (value: string): void => {
        validateIamPrincipalArn(value, sid);
        const account = parseArn(value)?.account ?? '';
        if (externalId === undefined && !context.ownAccounts.has(account)) {
          const own = [...context.ownAccounts];
          throw new PolicyError(
            `trust statement "${sid}": account ${account} is not one of your own accounts` +
              (own.length > 0 ? ` (${own.join(', ')})` : ' (none configured: pass ownAccounts)') +
              `; a third party must present sts:ExternalId, so pass { externalId }`,
            { sid, value },
          );
        }
      };
      if (typeof arn === 'string') check(arn);
      return {
        sid,
        effect: 'Allow',
        principal: { AWS: [arn] },
        actions: ['sts:AssumeRole'],
        conditions,
        checkResolved: (resolved: StatementJson) => asList(resolved.Principal?.AWS ?? []).forEach(check),
      };
    },
  };
}

export interface GithubOidcOptions {
  /** `owner/repo`, exactly. `owner/*` spans the whole org and needs `allowWildcard`. */
  repo: string;
  /** Full refs: `refs/heads/main`, `refs/tags/v*`. */
  ref?: string | string[];
  /** GitHub deployment environments: `production`. */
  environment?: string | string[];
  /** Workflows triggered by `pull_request` (`repo:owner/repo:pull_request`). */
  pullRequest?: boolean;
  /** The IAM OIDC provider; or give `accountId` for the usual `token.actions.githubusercontent.com` provider. */
  providerArn?: Input<string>;
  accountId?: string;
  /** Opt in, with the reason, to a `sub` wildcard spanning all refs of a repo or a whole org. */
  allowWildcard?: string;
  sid?: string;
}

/** GitHub Actions workflows assume the role through OIDC, with `aud` = `sts.amazonaws.com` and an exact `sub`. */
export function githubOidc(options: GithubOidcOptions): TrustGrant {
  const sid = options.sid ?? 'GithubActions';
  const refuse = (message: string, value: string): never => {
    throw new PolicyError(`trust statement "${sid}": ${message}`, { sid, value });
  };
  const optedIn = typeof options.allowWildcard === 'string' && options.allowWildcard.trim() !== '';
  const [owner, name, ...extra] = options.repo.split('/');
  if (!owner || !name || extra.length > 0 || /[*?]/.test(owner)) {
    refuse(`repo must be "owner/name", got "${options.repo}"`, options.repo);
  }
  if (/[*?]/.test(name ?? '') && !optedIn) {
    refuse(
      `repo "${options.repo}" lets every repository of ${owner} assume the role; name the repo, or opt in with allowWildcard: '<reason>'`,
      options.repo,
    );
  }
  const subjects: string[] = [];
  for (const ref of asArray(options.ref)) {
    if (!ref.startsWith('refs/'))
      refuse(`ref must be a full ref such as "refs/heads/${ref}", got "${ref}"`, ref);
    subjects.push(`repo:${options.repo}:ref:${ref}`);
  }
  for (const environment of asArray(options.environment))
    subjects.push(`repo:${options.repo}:environment:${environment}`);
  if (options.pullRequest) subjects.push(`repo:${options.repo}:pull_request`);
  if (subjects.length === 0) {
    if (!optedIn) {
      refuse(
        `no ref, environment or pullRequest given: sub "repo:${options.repo}:*" would let every branch, tag and pull request workflow assume the role; ` +
          `name them, or opt in with allowWildcard: '<reason>'`,
        `repo:${options.repo}:*`,
      );
    }
    subjects.push(`repo:${options.repo}:*`);
  }
  let providerArn = options.providerArn;
  if (providerArn === undefined) {
    if (options.accountId === undefined)
      refuse('needs providerArn or accountId for the OIDC provider', options.repo);
    requireAccountId(options.accountId ?? '', sid);
    providerArn = `arn:aws:iam::${options.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
  }
  const federated = providerArn;
  // StringEquals compares "*" literally, so a wildcard subject needs StringLike (and nothing else does).
  const subOperator = subjects.some((s) => /[*?]/.test(s)) ? 'StringLike' : 'StringEquals';
  return {
    defaultSid: sid,
    toStatement: (statementSid) => ({
      sid: statementSid,
      effect: 'Allow',
      principal: { Federated: [federated] },
      actions: ['sts:AssumeRoleWithWebIdentity'],
      conditions: [
        { operator: 'StringEquals', key: `${GITHUB_OIDC_HOST}:aud`, values: ['sts.amazonaws.com'] },
        { operator: subOperator, key: `${GITHUB_OIDC_HOST}:sub`, values: subjects },
      ],
    }),
  };
}

function validateIamPrincipalArn(arn: string, sid: string): void {
  const parsed = parseArn(arn);
  if (arn === '*' || /[*?]/.test(arn)) {
    throw new PolicyError(`trust statement "${sid}": refusing wildcard principal "${arn}"`, {
      sid,
      value: arn,
    });
  }
  if (!parsed || parsed.service !== 'iam' || !ACCOUNT_ID.test(parsed.account)) {
    throw new PolicyError(`trust statement "${sid}": "${arn}" is not an IAM role, user or account ARN`, {
      sid,
      value: arn,
    });
  }
}

function requireAccountId(accountId: string, sid: string): void {
  if (!ACCOUNT_ID.test(accountId)) {
    throw new PolicyError(`trust statement "${sid}": "${accountId}" is not a 12-digit AWS account id`, {
      sid,
      value: accountId,
    });
  }
}

function asArray(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
