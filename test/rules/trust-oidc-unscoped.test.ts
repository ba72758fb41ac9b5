import { describe, expect, it } from 'vitest';
import type { RuleSettings } from '../../src/rules/types.js';
import { trustOidcUnscoped } from '../../src/rules/trust-oidc-unscoped.js';
import { policy, runPolicyRule } from './harness.js';

const GITHUB = 'token.actions.githubusercontent.com';
const EKS = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const provider = (host: string) => `arn:aws:iam::123456789012:oidc-provider/${host}`;
const PRINCIPAL = 'Statement[0].Principal.Federated';
const SUB_LIKE = `Statement[0].Condition.StringLike["${GITHUB}:sub"]`;
const SUB_EQUALS = `Statement[0].Condition.StringEquals["${GITHUB}:sub"]`;

const web = (federated: string, condition?: object) => ({
  Effect: 'Allow',
  Principal: { Federated: federated },
  Action: 'sts:AssumeRoleWithWebIdentity',
  ...(condition && { Condition: condition }),
});
const audience = { [`${GITHUB}:aud`]: 'sts.amazonaws.com' };
/** A GitHub trust statement with the right audience and the given sub condition(s). */
const github = (subs: Record<string, unknown>, equals: Record<string, unknown> = {}) =>
  policy(web(provider(GITHUB), { ...subs, StringEquals: { ...audience, ...equals } }));

function run(document: unknown, settings: Partial<RuleSettings> = {}) {
  return runPolicyRule(trustOidcUnscoped, document, { kind: 'trust', settings });
}

describe('trust-oidc-unscoped', () => {
  it.each([
    ['an exact sub', github({}, { [`${GITHUB}:sub`]: 'repo:acme/infra:ref:refs/heads/main' }), {}],
    [
      'a wildcard within one repository',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repo:acme/infra:*' } }),
      {},
    ],
    [
      'release branches of one repository',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repo:acme/infra:ref:refs/heads/release/*' } }),
      {},
    ],
    [
      'several repositories, each named',
      github({
        StringLike: {
          [`${GITHUB}:sub`]: ['repo:acme/infra:environment:*', 'repo:acme/app:ref:refs/tags/v*'],
        },
      }),
      {},
    ],
    [
      'an org-wide pattern the organisation allows',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repo:acme/*:environment:production' } }),
      { allowedOidcSubjects: ['repo:acme/*:environment:production'] },
    ],
    [
      'an org-wide pattern inside a broader allowed glob',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repo:acme/*:*' } }),
      { allowedOidcSubjects: ['repo:acme/*'] },
    ],
    [
      'a wide pattern ANDed with an exact one',
      github(
        { StringLike: { [`${GITHUB}:sub`]: 'repo:acme/*' } },
        { [`${GITHUB}:sub`]: 'repo:acme/infra:environment:prod' },
      ),
      {},
    ],
    ['the repository claim', github({}, { [`${GITHUB}:repository`]: 'acme/infra' }), {}],
    [
      'keys in another letter case',
      policy(
        web(provider(GITHUB), {
          StringEquals: { 'Token.Actions.GitHubUserContent.com:Aud': 'sts.amazonaws.com' },
          StringLike: { 'TOKEN.ACTIONS.GITHUBUSERCONTENT.COM:SUB': 'repo:acme/infra:*' },
        }),
      ),
      {},
    ],
    [
      'a GitHub Enterprise issuer with its own key prefix',
      policy(
        web(provider(`${GITHUB}/acme`), {
          StringEquals: {
            [`${GITHUB}/acme:aud`]: 'sts.amazonaws.com',
            [`${GITHUB}/acme:sub`]: 'repo:acme/infra:environment:prod',
          },
        }),
      ),
      {},
    ],
    [
      'StringLikeIfExists (tokens always carry sub and aud)',
      policy(
        web(provider(GITHUB), {
          StringEqualsIfExists: audience,
          StringLikeIfExists: { [`${GITHUB}:sub`]: 'repo:acme/infra:*' },
        }),
      ),
      {},
    ],
    [
      'an EKS service account',
      policy(
        web(provider(EKS), {
          StringEquals: {
            [`${EKS}:sub`]: 'system:serviceaccount:app:web',
            [`${EKS}:aud`]: 'sts.amazonaws.com',
          },
        }),
      ),
      {},
    ],
    [
      'every service account of one EKS namespace',
      policy(
        web(provider(EKS), {
          StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:app:*' },
        }),
      ),
      {},
    ],
    [
      'a Cognito identity pool',
      policy(
        web('cognito-identity.amazonaws.com', {
          StringEquals: {
            'cognito-identity.amazonaws.com:aud': 'eu-west-1:12345678-1234-1234-1234-123456789012',
          },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        }),
      ),
      {},
    ],
    [
      'a Google OAuth client',
      policy(
        web('accounts.google.com', {
          StringEquals: { 'accounts.google.com:aud': '66677788899.apps.googleusercontent.com' },
        }),
      ),
      {},
    ],
    [
      'a Terraform Cloud workspace (another OIDC provider)',
      policy(
        web(provider('app.terraform.io'), {
          StringEquals: { 'app.terraform.io:aud': 'aws.workload.identity' },
          StringLike: {
            'app.terraform.io:sub': 'organization:acme:project:infra:workspace:prod:run_phase:*',
          },
        }),
      ),
      {},
    ],
    [
      'a SAML provider',
      policy({
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/okta' },
        Action: 'sts:AssumeRoleWithSAML',
      }),
      {},
    ],
  ])('is quiet on %s', (_name, document, settings: Partial<RuleSettings>) => {
    expect(run(document, settings)).toEqual([]);
  });

  it.each([
    [
      'no condition at all',
      policy(web(provider(GITHUB))),
      [PRINCIPAL, PRINCIPAL],
      [
        `no condition on ${GITHUB}:sub, ${GITHUB}:repository or ${GITHUB}:repository_id`,
        'a GitHub Actions workflow of any repository on GitHub can assume this role',
        `no condition on ${GITHUB}:aud`,
        '"sts.amazonaws.com"',
      ],
    ],
    ['aud but no sub', github({}), [PRINCIPAL], ['any repository on GitHub']],
    [
      'repo:acme/*',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repo:acme/*' } }),
      [SUB_LIKE],
      ['"repo:acme/*" admits every repository of acme'],
    ],
    [
      'repo:acme/*:*',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repo:acme/*:*' } }),
      [SUB_LIKE],
      ['every repository of acme'],
    ],
    [
      'repo:acme* (the star runs on into other owners)',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repo:acme*' } }),
      [SUB_LIKE],
      ['repositories of any GitHub owner matching "acme*"'],
    ],
    [
      'repo:acme/infra* (and every repository named like it)',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repo:acme/infra*' } }),
      [SUB_LIKE],
      ['every repository of acme whose name matches "infra*"'],
    ],
    [
      '"*"',
      github({ StringLike: { [`${GITHUB}:sub`]: '*' } }),
      [SUB_LIKE],
      ['"*" admits every repository on GitHub'],
    ],
    [
      'repo:*',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repo:*' } }),
      [SUB_LIKE],
      ['every repository on GitHub'],
    ],
    [
      'ForAnyValue:StringLike on repo:acme/*',
      github({ 'ForAnyValue:StringLike': { [`${GITHUB}:sub`]: 'repo:acme/*' } }),
      [`Statement[0].Condition["ForAnyValue:StringLike"]["${GITHUB}:sub"]`],
      ['every repository of acme'],
    ],
    [
      'only the wide value of a list',
      github({ StringLike: { [`${GITHUB}:sub`]: ['repo:acme/infra:*', 'repo:acme/*'] } }),
      [SUB_LIKE],
      ['"repo:acme/*"'],
    ],
    [
      'an org-wide pattern outside the allowed one',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repo:acme/*' } }),
      [SUB_LIKE],
      ['oidc.allowedSubjects'],
    ],
    [
      'StringEquals with a star, which matches no workflow',
      github({}, { [`${GITHUB}:sub`]: 'repo:acme/infra:*' }),
      [SUB_EQUALS],
      [
        'StringEquals compares the wildcard in "repo:acme/infra:*" literally, so it matches no token',
        'StringLike',
      ],
    ],
    [
      'StringNotLike, true for every other subject',
      github({ StringNotLike: { [`${GITHUB}:sub`]: 'repo:evil/*' } }),
      [`Statement[0].Condition.StringNotLike["${GITHUB}:sub"]`],
      ['a negated operator is true for every subject outside its values', 'any repository on GitHub'],
    ],
    [
      'ForAllValues:StringLike, true without the claim',
      github({ 'ForAllValues:StringLike': { [`${GITHUB}:sub`]: 'repo:acme/infra:*' } }),
      [`Statement[0].Condition["ForAllValues:StringLike"]["${GITHUB}:sub"]`],
      ['ForAllValues is true when the claim is absent'],
    ],
    [
      'a missing aud',
      policy(
        web(provider(GITHUB), { StringEquals: { [`${GITHUB}:sub`]: 'repo:acme/infra:ref:refs/heads/main' } }),
      ),
      [PRINCIPAL],
      [
        `no condition on ${GITHUB}:aud: tokens issued for any audience`,
        `"${GITHUB}:aud": "sts.amazonaws.com"`,
      ],
    ],
    [
      'an aud that admits anything',
      policy(
        web(provider(GITHUB), {
          StringEquals: { [`${GITHUB}:sub`]: 'repo:acme/infra:ref:refs/heads/main' },
          StringLike: { [`${GITHUB}:aud`]: '*' },
        }),
      ),
      [PRINCIPAL],
      [`no condition on ${GITHUB}:aud`],
    ],
    [
      'a wide repository claim',
      github({ StringLike: { [`${GITHUB}:repository`]: 'acme/*' } }),
      [`Statement[0].Condition.StringLike["${GITHUB}:repository"]`],
      ['every repository of acme'],
    ],
    [
      'a customized subject with a wildcard',
      github({ StringLike: { [`${GITHUB}:sub`]: 'repository_owner:acme:*' } }),
      [SUB_LIKE],
      ['cannot be shown to stay within one repository'],
    ],
    [
      'every namespace of an EKS cluster',
      policy(
        web(provider(EKS), {
          StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:*' },
        }),
      ),
      [`Statement[0].Condition.StringLike["${EKS}:sub"]`],
      ['every service account of every namespace'],
    ],
    [
      'an EKS cluster without sub or aud',
      policy(web(provider(EKS))),
      [PRINCIPAL, PRINCIPAL],
      [
        `no condition on ${EKS}:sub`,
        'every service account of every namespace of the cluster',
        `"${EKS}:aud": "sts.amazonaws.com"`,
      ],
    ],
    [
      'Cognito without the identity pool',
      policy(
        web('cognito-identity.amazonaws.com', {
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        }),
      ),
      [PRINCIPAL],
      [
        'no condition on cognito-identity.amazonaws.com:aud',
        'every Amazon Cognito identity pool, in any AWS account',
      ],
    ],
    [
      'another provider with a sub of "*"',
      policy(
        web(provider('app.terraform.io'), {
          StringEquals: { 'app.terraform.io:aud': 'aws.workload.identity' },
          StringLike: { 'app.terraform.io:sub': '*' },
        }),
      ),
      ['Statement[0].Condition.StringLike["app.terraform.io:sub"]'],
      ['"*" admits every subject'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = run(document, { allowedOidcSubjects: ['repo:acme/*:environment:production'] });
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    for (const hit of hits) expect(hit.severity).toBeUndefined();
    const messages = hits.map((hit) => hit.message).join('\n');
    for (const fragment of fragments) expect(messages).toContain(fragment);
  });

  // GitHub's newer claims narrow nothing by themselves: every repository has a main branch, can have
  // an environment called production and a workflow file of any name.
  it.each(['ref', 'environment', 'workflow', 'job_workflow_ref'])(
    'reports aud and only the %s claim, which any repository can present',
    (claim) => {
      const hits = run(github({}, { [`${GITHUB}:${claim}`]: 'refs/heads/main' }));
      expect(hits.map((hit) => hit.path)).toEqual([PRINCIPAL]);
      expect(hits[0]?.message).toContain(
        `no condition on ${GITHUB}:sub, ${GITHUB}:repository or ${GITHUB}:repository_id`,
      );
    },
  );

  it('warns on pull_request subjects, which run unreviewed code', () => {
    const hits = run(
      github({
        StringLike: { [`${GITHUB}:sub`]: ['repo:acme/infra:pull_request', 'repo:acme/infra:ref:*'] },
      }),
    );
    expect(hits).toEqual([
      {
        path: SUB_LIKE,
        severity: 'warning',
        message: expect.stringContaining(
          '"repo:acme/infra:pull_request" admits workflows run for pull requests',
        ),
      },
    ]);
  });

  it('does not warn on a pull_request subject the organisation allows', () => {
    const document = github({}, { [`${GITHUB}:sub`]: 'repo:acme/infra:pull_request' });
    expect(run(document, { allowedOidcSubjects: ['repo:acme/infra:pull_request'] })).toEqual([]);
  });

  it('reports each problem of one statement separately', () => {
    const document = policy(
      web(provider(GITHUB), {
        StringLike: { [`${GITHUB}:sub`]: 'repo:acme/*' },
        StringEquals: { [`${GITHUB}:sub`]: 'repo:acme/*' },
      }),
    );
    const hits = run(document);
    // The StringEquals value matches only a literal "repo:acme/*": it scopes the role (to nothing),
    // so the only problems are the literal star and the missing aud.
    expect(hits.map((hit) => hit.path)).toEqual([SUB_EQUALS, PRINCIPAL]);
  });
});
