/**
 * Which token claims say who may assume a role through an OIDC (web identity) provider, and what a
 * wildcard in them spans. Trust-policy condition keys are `<provider>:<claim>`, the provider being
 * what follows `oidc-provider/` in the principal ARN (`token.actions.githubusercontent.com`,
 * `oidc.eks.eu-west-1.amazonaws.com/id/ABC`) or the web identity host (`accounts.google.com`).
 */
import { hasWildcard } from '../../policy/glob.js';

export interface OidcProviderProfile {
  /** For messages: `GitHub Actions`, `EKS`. */
  label: string;
  /** Claims of which one bound condition pins down the callers; `sub` for most providers. */
  subjectClaims: readonly string[];
  /** The audience claim, checked on its own; undefined when the provider has none worth requiring. */
  audienceClaim?: string;
  /** The audience AWS's own tooling requests (`sts.amazonaws.com`), for the fix in messages. */
  expectedAudience?: string;
  /** Who can assume the role when no subject claim is bound. */
  everyone: string;
  /**
   * What a wildcard value of a subject claim admits beyond one unit of ownership (a repository, a
   * namespace, a pool), or undefined when it stays within one: `repo:acme/infra:*` is one repository.
   */
  wildcardSpan(claim: string, value: string): string | undefined;
  /** A subject that stays within one repository but is still risky (a warning), and why. */
  riskySubject?(claim: string, value: string): string | undefined;
}

const ALL_WILDCARD = /^[*?]+$/;
const LEADING_WILDCARD = /^[*?]/;

/** `owner/name` as GitHub and GitLab write it: the owner must be literal for the span to be one owner's. */
function describeRepositories(path: string, site: string): string | undefined {
  const slash = path.indexOf('/');
  const owner = slash < 0 ? path : path.slice(0, slash);
  if (ALL_WILDCARD.test(path)) return `every repository on ${site}`;
  if (slash < 0 || owner === '' || hasWildcard(owner))
    return `repositories of any ${site} owner matching "${path}"`;
  const name = path.slice(slash + 1);
  if (!hasWildcard(name)) return undefined;
  return ALL_WILDCARD.test(name)
    ? `every repository of ${owner}`
    : `every repository of ${owner} whose name matches "${name}"`;
}

/**
 * A subject of the form `<prefix><path>:<rest>`: it stays within one path (repository, namespace)
 * only when the path and the `:` that ends it are literal, as `*` also spans `/` and `:`.
 */
function prefixedSubjectSpan(
  value: string,
  prefix: string,
  describe: (path: string) => string | undefined,
  customized: string,
): string | undefined {
  if (LEADING_WILDCARD.test(value)) return describe('*');
  if (!value.startsWith(prefix)) return customized;
  const rest = value.slice(prefix.length);
  const colon = rest.indexOf(':');
  // `repo:acme/infra*` is not `repo:acme/infra:*`: the star runs on into other repository names.
  const path = colon < 0 ? rest : rest.slice(0, colon);
  return hasWildcard(path) ? describe(path) : undefined;
}

const github: OidcProviderProfile = {
  label: 'GitHub Actions',
  subjectClaims: ['sub', 'repository', 'repository_id'],
  audienceClaim: 'aud',
  expectedAudience: 'sts.amazonaws.com',
  everyone: 'a GitHub Actions workflow of any repository on GitHub',
  wildcardSpan(claim, value) {
    if (claim === 'repository') return describeRepositories(value, 'GitHub');
    if (claim === 'repository_id') return 'more than one repository';
    return prefixedSubjectSpan(
      value,
      'repo:',
      (path) => describeRepositories(path, 'GitHub'),
      'a customized subject whose wildcard cannot be shown to stay within one repository',
    );
  },
  riskySubject(claim, value) {
    if (claim !== 'sub' || !value.endsWith(':pull_request')) return undefined;
    return (
      'admits workflows run for pull requests, whose code comes from the pull request before any ' +
      'review; prefer a protected branch or a deployment environment'
    );
  },
};

const gitlab: OidcProviderProfile = {
  label: 'GitLab CI',
  subjectClaims: ['sub'],
  audienceClaim: 'aud',
  everyone: 'a GitLab CI job of any project on gitlab.com',
  wildcardSpan(_claim, value) {
    return prefixedSubjectSpan(
      value,
      'project_path:',
      (path) => describeRepositories(path, 'gitlab.com'),
      'a subject whose wildcard cannot be shown to stay within one project',
    );
  },
};

const eks: OidcProviderProfile = {
  label: 'EKS',
  subjectClaims: ['sub'],
  audienceClaim: 'aud',
  expectedAudience: 'sts.amazonaws.com',
  everyone: 'every service account of every namespace of the cluster',
  wildcardSpan(_claim, value) {
    return prefixedSubjectSpan(
      value,
      'system:serviceaccount:',
      (namespace) =>
        ALL_WILDCARD.test(namespace)
          ? 'every service account of every namespace'
          : `service accounts of every namespace matching "${namespace}"`,
      'a subject that is not a service account',
    );
  },
};

/** Cognito's `aud` is the identity pool: without it, identities of any pool in any account get in. */
const cognito: OidcProviderProfile = {
  label: 'Amazon Cognito',
  subjectClaims: ['aud'],
  everyone: 'identities of every Amazon Cognito identity pool, in any AWS account',
  wildcardSpan: () => 'more than one identity pool',
};

/** Google's `aud` is the OAuth client; `sub` a Google account. Either pins the callers down. */
const google: OidcProviderProfile = {
  label: 'Google',
  subjectClaims: ['aud', 'sub'],
  audienceClaim: 'aud',
  everyone: 'anyone with a Google account, through any OAuth client',
  wildcardSpan: () => 'more than one client or account',
};

const facebook: OidcProviderProfile = {
  label: 'Facebook',
  subjectClaims: ['app_id', 'id'],
  audienceClaim: 'app_id',
  everyone: 'anyone with a Facebook account, through any app',
  wildcardSpan: () => 'more than one app or account',
};

const amazon: OidcProviderProfile = {
  label: 'Login with Amazon',
  subjectClaims: ['app_id', 'user_id'],
  audienceClaim: 'app_id',
  everyone: 'anyone with an Amazon account, through any app',
  wildcardSpan: () => 'more than one app or account',
};

function generic(provider: string): OidcProviderProfile {
  return {
    label: provider,
    subjectClaims: ['sub'],
    audienceClaim: 'aud',
    everyone: `every identity that ${provider} issues tokens for`,
    // Subject formats of other providers are unknown: only a pattern with no literal start is judged open.
    wildcardSpan: (_claim, value) => (LEADING_WILDCARD.test(value) ? 'every subject' : undefined),
  };
}

const GITHUB_HOST = 'token.actions.githubusercontent.com';
const EKS_HOST = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\//;

/** The profile for a federated provider as `federatedProvider()` names it (never `saml`). */
export function oidcProviderProfile(provider: string): OidcProviderProfile {
  const host = provider.toLowerCase();
  // GitHub Enterprise Cloud issuers carry the enterprise as a path: `token.actions.githubusercontent.com/acme`.
  if (host === GITHUB_HOST || host.startsWith(`${GITHUB_HOST}/`)) return github;
  if (EKS_HOST.test(host)) return eks;
  switch (host) {
    case 'gitlab.com':
      return gitlab;
    case 'cognito-identity.amazonaws.com':
      return cognito;
    case 'accounts.google.com':
      return google;
    case 'graph.facebook.com':
      return facebook;
    case 'www.amazon.com':
      return amazon;
    default:
      return generic(provider);
  }
}
