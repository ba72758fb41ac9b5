import { describe, expect, it } from 'vitest';
import {
  accountPrincipal,
  githubOidc,
  rolePrincipal,
  servicePrincipal,
  trustPolicy,
} from '../../src/builder/index.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';

const OWN = '111111111111';
const PARTNER = '999999999999';

describe('trustPolicy(): exact principals', () => {
  it('renders a service principal fenced to the source account', () => {
    const doc = trustPolicy([servicePrincipal('lambda.amazonaws.com', { sourceAccount: OWN })]);
    expect(doc.toObject()).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ServiceLambda',
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': OWN } },
        },
      ],
    });
    expect(parsePolicy(doc.toJSON(), { kind: 'trust' }).ok).toBe(true);
  });

  it('numbers two grants of one kind so Sids stay unique', () => {
    const doc = trustPolicy([
      servicePrincipal('ecs-tasks.amazonaws.com'),
      servicePrincipal('ecs-tasks.amazonaws.com', { sourceAccount: OWN }),
    ]);
    expect(doc.toObject().Statement.map((s) => s.Sid)).toEqual(['ServiceEcsTasks', 'ServiceEcsTasks2']);
  });

  it('lets an own account assume without an ExternalId', () => {
    const doc = trustPolicy([accountPrincipal(OWN)], { ownAccounts: [OWN] });
    expect(doc.toObject().Statement[0]).toEqual({
      Sid: `Account${OWN}`,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OWN}:root` },
      Action: 'sts:AssumeRole',
    });
  });

  it('requires an ExternalId from an account outside the own accounts', () => {
    expect(() => trustPolicy([accountPrincipal(PARTNER)], { ownAccounts: [OWN] })).toThrow(
      `trust statement "Account${PARTNER}": account ${PARTNER} is not one of your own accounts (${OWN}); a third party must present sts:ExternalId, so pass { externalId }`,
    );
    expect(() => trustPolicy([accountPrincipal(PARTNER)])).toThrow('(none configured: pass ownAccounts)');
    const doc = trustPolicy([accountPrincipal(PARTNER, { externalId: 'partner-7f3a' })], {
      ownAccounts: [OWN],
    });
    expect(doc.toObject().Statement[0]?.Condition).toEqual({
      StringEquals: { 'sts:ExternalId': 'partner-7f3a' },
    });
  });

  it('applies the same rule to a role of a foreign account', () => {
    const arn = `arn:aws:iam::${PARTNER}:role/auditor`;
    expect(() => trustPolicy([rolePrincipal(arn)], { ownAccounts: [OWN] })).toThrow(
      `trust statement "PrincipalAuditor": account ${PARTNER}`,
    );
    expect(
      trustPolicy([rolePrincipal(`arn:aws:iam::${OWN}:role/ci/deployer`)], { ownAccounts: [OWN] }).toObject()
        .Statement[0]?.Principal,
    ).toEqual({
      AWS: `arn:aws:iam::${OWN}:role/ci/deployer`,
    });
  });

  it.each([
    [
      'a "*" account',
      () => accountPrincipal('*'),
      'trust: refusing principal "*": anyone in any AWS account could assume the role',
    ],
    [
      'a wildcard role ARN',
      () => rolePrincipal(`arn:aws:iam::${OWN}:role/*`),
      `trust statement "trust": refusing wildcard principal "arn:aws:iam::${OWN}:role/*"`,
    ],
    ['a "*" role', () => rolePrincipal('*'), 'trust statement "trust": refusing wildcard principal "*"'],
    [
      'a malformed account id',
      () => accountPrincipal('12345'),
      'trust statement "trust": "12345" is not a 12-digit AWS account id',
    ],
    [
      'a non-IAM ARN',
      () => rolePrincipal('arn:aws:s3:::bucket'),
      'trust statement "trust": "arn:aws:s3:::bucket" is not an IAM role, user or account ARN',
    ],
    [
      'a wildcard service',
      () => servicePrincipal('*.amazonaws.com'),
      'trust: service principal "*.amazonaws.com" is not an exact service name such as "lambda.amazonaws.com"',
    ],
    ['an empty trust policy', () => trustPolicy([]), 'a trust policy needs at least one trusted principal'],
    [
      'a malformed own account',
      () => trustPolicy([accountPrincipal(OWN)], { ownAccounts: ['own'] }),
      'ownAccounts: "own" is not a 12-digit AWS account id',
    ],
  ])('refuses %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('githubOidc(): GitHub Actions through OIDC', () => {
  const provider = `arn:aws:iam::${OWN}:oidc-provider/token.actions.githubusercontent.com`;

  it('produces aud = sts.amazonaws.com and an exact sub per ref and environment', () => {
    const doc = trustPolicy([
      githubOidc({ repo: 'acme/infra', ref: 'refs/heads/main', environment: 'production', accountId: OWN }),
    ]);
    expect(doc.toObject().Statement[0]).toEqual({
      Sid: 'GithubActions',
      Effect: 'Allow',
      Principal: { Federated: provider },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': [
            'repo:acme/infra:ref:refs/heads/main',
            'repo:acme/infra:environment:production',
          ],
        },
      },
    });
    expect(parsePolicy(doc.toJSON(), { kind: 'trust' }).ok).toBe(true);
  });

  it('uses StringLike only when a subject holds a wildcard, since StringEquals compares "*" literally', () => {
    const doc = trustPolicy([githubOidc({ repo: 'acme/infra', ref: 'refs/tags/v*', providerArn: provider })]);
    expect(doc.toObject().Statement[0]?.Condition).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/infra:ref:refs/tags/v*' },
    });
  });

  it('accepts an org-wide subject only with a reason', () => {
    expect(() => githubOidc({ repo: 'acme/*', ref: 'refs/heads/main', accountId: OWN })).toThrow(
      `trust statement "GithubActions": repo "acme/*" lets every repository of acme assume the role; name the repo, or opt in with allowWildcard: '<reason>'`,
    );
    const doc = trustPolicy([
      githubOidc({
        repo: 'acme/*',
        ref: 'refs/heads/main',
        accountId: OWN,
        allowWildcard: 'read-only artifact role shared by all repos',
      }),
    ]);
    expect(doc.toObject().Statement[0]?.Condition?.StringLike).toEqual({
      'token.actions.githubusercontent.com:sub': 'repo:acme/*:ref:refs/heads/main',
    });
  });

  it.each([
    [
      'no ref, environment or pull_request',
      { repo: 'acme/infra', accountId: OWN },
      'trust statement "GithubActions": no ref, environment or pullRequest given: sub "repo:acme/infra:*" would let every branch, tag and pull request workflow assume the role',
    ],
    [
      'a short ref',
      { repo: 'acme/infra', ref: 'main', accountId: OWN },
      'ref must be a full ref such as "refs/heads/main", got "main"',
    ],
    [
      'a repo without an owner',
      { repo: 'infra', ref: 'refs/heads/main', accountId: OWN },
      'repo must be "owner/name", got "infra"',
    ],
    [
      'an owner wildcard',
      { repo: '*/infra', ref: 'refs/heads/main', accountId: OWN },
      'repo must be "owner/name", got "*/infra"',
    ],
    [
      'no provider',
      { repo: 'acme/infra', ref: 'refs/heads/main' },
      'needs providerArn or accountId for the OIDC provider',
    ],
  ])('refuses %s', (_name, options, message) => {
    expect(() => githubOidc(options)).toThrow(message);
  });

  it('admits pull_request workflows only when asked', () => {
    const doc = trustPolicy([githubOidc({ repo: 'acme/infra', pullRequest: true, accountId: OWN })]);
    expect(
      doc.toObject().Statement[0]?.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub'],
    ).toBe('repo:acme/infra:pull_request');
  });
});
