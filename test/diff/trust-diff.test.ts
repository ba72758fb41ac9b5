import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import type { TrustChange } from '../../src/diff/types.js';
import { atom, entries, grant, type Json } from './helpers.js';

const GITHUB = 'token.actions.githubusercontent.com';
const GITHUB_PROVIDER = `arn:aws:iam::111122223333:oidc-provider/${GITHUB}`;
const PARTNER = 'arn:aws:iam::222233334444:root';

function githubTrust(operator: string, sub: string | string[], extra: Json = {}): Json {
  return {
    Effect: 'Allow',
    Principal: { Federated: GITHUB_PROVIDER },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      ...extra,
      StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' },
      [operator]: {
        ...(operator === 'StringEquals' ? { [`${GITHUB}:aud`]: 'sts.amazonaws.com' } : {}),
        [`${GITHUB}:sub`]: sub,
      },
    },
  };
}

function partnerTrust(condition?: Json, principal: unknown = { AWS: PARTNER }): Json {
  return {
    Effect: 'Allow',
    Principal: principal,
    Action: 'sts:AssumeRole',
    ...(condition ? { Condition: condition } : {}),
  };
}

const trust = (...statements: Json[]) => entries(statements, 'trust', 'AppRole');

interface Case {
  name: string;
  base: Json[];
  head: Json[];
  changes: TrustChange[];
}

const cases: Case[] = [
  {
    name: 'an OIDC subject widened to a wildcard',
    base: [githubTrust('StringLike', 'repo:acme/infra:ref:refs/heads/main')],
    head: [githubTrust('StringLike', 'repo:acme/*:ref:*')],
    changes: [
      {
        role: 'AppRole',
        change: 'condition-widened',
        principal: GITHUB_PROVIDER,
        actions: ['sts:AssumeRoleWithWebIdentity'],
        key: `${GITHUB}:sub`,
        before: ['repo:acme/infra:ref:refs/heads/main'],
        after: ['repo:acme/*:ref:*'],
        certainty: 'added',
        message:
          '+ repo:acme/*:ref:* may now assume AppRole (sub widened from repo:acme/infra:ref:refs/heads/main)',
      },
    ],
  },
  {
    name: 'an OIDC subject moved from StringEquals to a StringLike pattern',
    base: [githubTrust('StringEquals', 'repo:acme/infra:ref:refs/heads/main')],
    head: [githubTrust('StringLike', 'repo:acme/infra:*')],
    changes: [
      {
        role: 'AppRole',
        change: 'condition-widened',
        principal: GITHUB_PROVIDER,
        actions: ['sts:AssumeRoleWithWebIdentity'],
        key: `${GITHUB}:sub`,
        before: ['repo:acme/infra:ref:refs/heads/main'],
        after: ['repo:acme/infra:*'],
        certainty: 'added',
        message:
          '+ repo:acme/infra:* may now assume AppRole (sub widened from StringEquals repo:acme/infra:ref:refs/heads/main to StringLike repo:acme/infra:*)',
      },
    ],
  },
  {
    name: 'an OIDC subject narrowed',
    base: [githubTrust('StringLike', 'repo:acme/infra:*')],
    head: [githubTrust('StringEquals', 'repo:acme/infra:ref:refs/heads/main')],
    changes: [],
  },
  {
    name: 'an OIDC subject removed',
    base: [githubTrust('StringEquals', 'repo:acme/infra:ref:refs/heads/main')],
    head: [
      {
        Effect: 'Allow',
        Principal: { Federated: GITHUB_PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' } },
      },
    ],
    changes: [
      {
        role: 'AppRole',
        change: 'condition-removed',
        principal: GITHUB_PROVIDER,
        actions: ['sts:AssumeRoleWithWebIdentity'],
        key: `${GITHUB}:sub`,
        before: ['repo:acme/infra:ref:refs/heads/main'],
        certainty: 'added',
        message: `+ ${GITHUB_PROVIDER} may now assume AppRole without ${GITHUB}:sub (was repo:acme/infra:ref:refs/heads/main)`,
      },
    ],
  },
  {
    name: 'a removed ExternalId',
    base: [partnerTrust({ StringEquals: { 'sts:ExternalId': 'a1b2c3' } })],
    head: [partnerTrust()],
    changes: [
      {
        role: 'AppRole',
        change: 'condition-removed',
        principal: PARTNER,
        actions: ['sts:AssumeRole'],
        key: 'sts:ExternalId',
        before: ['a1b2c3'],
        certainty: 'added',
        message: `+ ${PARTNER} may now assume AppRole without sts:ExternalId (was a1b2c3)`,
      },
    ],
  },
  {
    name: 'a removed organization fence',
    base: [partnerTrust({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }, { AWS: '*' })],
    head: [partnerTrust(undefined, { AWS: '*' })],
    changes: [
      {
        role: 'AppRole',
        change: 'condition-removed',
        principal: '*',
        actions: ['sts:AssumeRole'],
        key: 'aws:PrincipalOrgID',
        before: ['o-abc123'],
        certainty: 'added',
        message: '+ * may now assume AppRole without aws:PrincipalOrgID (was o-abc123)',
      },
    ],
  },
  {
    name: 'a new account trusted',
    base: [partnerTrust()],
    head: [partnerTrust(undefined, { AWS: [PARTNER, '333344445555'] })],
    changes: [
      {
        role: 'AppRole',
        change: 'new-principal',
        principal: '333344445555',
        actions: ['sts:AssumeRole'],
        certainty: 'added',
        message: '+ 333344445555 may now assume AppRole',
      },
    ],
  },
  {
    // Naming the role directly spares it the sts:AssumeRole permission its account would otherwise
    // have to grant it, if the role lives in the trusting account; the diff cannot tell.
    name: 'a role of an account already trusted',
    base: [partnerTrust()],
    head: [partnerTrust(undefined, { AWS: 'arn:aws:iam::222233334444:role/deployer' })],
    changes: [
      {
        role: 'AppRole',
        change: 'new-principal',
        principal: 'arn:aws:iam::222233334444:role/deployer',
        actions: ['sts:AssumeRole'],
        certainty: 'possible',
        message:
          '? arn:aws:iam::222233334444:role/deployer may be able to assume AppRole (base trusted only its account, whose principals also need their own permission to assume it)',
      },
    ],
  },
  {
    name: 'an account where base trusted one of its roles',
    base: [partnerTrust(undefined, { AWS: 'arn:aws:iam::222233334444:role/deployer' })],
    head: [partnerTrust()],
    changes: [
      {
        role: 'AppRole',
        change: 'new-principal',
        principal: PARTNER,
        actions: ['sts:AssumeRole'],
        certainty: 'added',
        message: `+ ${PARTNER} may now assume AppRole`,
      },
    ],
  },
  {
    name: 'a new OIDC provider without a subject',
    base: [partnerTrust()],
    head: [
      partnerTrust(),
      { Effect: 'Allow', Principal: { Federated: GITHUB_PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity' },
    ],
    changes: [
      {
        role: 'AppRole',
        change: 'new-principal',
        principal: GITHUB_PROVIDER,
        actions: ['sts:AssumeRoleWithWebIdentity'],
        certainty: 'added',
        message: `+ ${GITHUB_PROVIDER} may now assume AppRole (any identity of ${GITHUB}: no sub condition)`,
      },
    ],
  },
  {
    name: 'identical trust in another order',
    base: [
      partnerTrust({ StringEquals: { 'sts:ExternalId': 'x' } }),
      githubTrust('StringLike', 'repo:acme/infra:*'),
    ],
    head: [
      githubTrust('StringLike', ['repo:acme/infra:*']),
      partnerTrust({ StringEquals: { 'sts:ExternalId': ['x'] } }),
    ],
    changes: [],
  },
];

describe('trust diff', () => {
  it.each(cases)('$name', ({ base, head, changes }) => {
    const result = diff(trust(...base), trust(...head));
    expect(result.trust).toEqual(changes);
    if (changes.length > 0) expect(result.verdict).toBe('new-access');
  });

  it('lists the widened trust as an added grant too', () => {
    const result = diff(
      trust(githubTrust('StringLike', 'repo:acme/infra:ref:refs/heads/main')),
      trust(githubTrust('StringLike', 'repo:acme/*:ref:*')),
    );
    expect(result.added).toEqual([
      grant('sts:AssumeRoleWithWebIdentity', 'AppRole', {
        kind: 'trust',
        principal: GITHUB_PROVIDER,
        conditions: [
          atom('StringEquals', `${GITHUB}:aud`, 'sts.amazonaws.com'),
          atom('StringLike', `${GITHUB}:sub`, 'repo:acme/*:ref:*'),
        ],
      }),
    ]);
  });

  it('an expiry moved later is a widened trust condition, with both dates', () => {
    const expiry = (date: string): Json => partnerTrust({ DateLessThan: { 'aws:CurrentTime': date } });
    const result = diff(trust(expiry('2026-01-01T00:00:00Z')), trust(expiry('2027-01-01T00:00:00Z')));
    expect(result.trust).toEqual([
      {
        role: 'AppRole',
        change: 'condition-widened',
        principal: PARTNER,
        actions: ['sts:AssumeRole'],
        key: 'aws:CurrentTime',
        before: ['2026-01-01T00:00:00Z'],
        after: ['2027-01-01T00:00:00Z'],
        certainty: 'added',
        message: `+ ${PARTNER} may now assume AppRole (aws:CurrentTime widened from 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z)`,
      },
    ]);
    expect(result.verdict).toBe('new-access');
    // Moved earlier, it narrows: nothing added.
    expect(diff(trust(expiry('2027-01-01T00:00:00Z')), trust(expiry('2026-01-01T00:00:00Z'))).trust).toEqual(
      [],
    );
  });

  it('a trust change the diff cannot decide is reported as possible', () => {
    // A case-insensitive ExternalId admits spellings a case-sensitive one did not, or none more:
    // which, depends on values the diff does not enumerate.
    const externalId = (operator: string): Json =>
      partnerTrust({ [operator]: { 'sts:ExternalId': 'a1b2c3' } });
    const result = diff(trust(externalId('StringEquals')), trust(externalId('StringEqualsIgnoreCase')));
    expect(result.trust).toEqual([
      {
        role: 'AppRole',
        change: 'condition-changed',
        principal: PARTNER,
        actions: ['sts:AssumeRole'],
        key: 'sts:ExternalId',
        before: ['a1b2c3'],
        after: ['a1b2c3'],
        certainty: 'possible',
        message: `? ${PARTNER} may be able to assume AppRole (sts:ExternalId changed from StringEquals a1b2c3 to StringEqualsIgnoreCase a1b2c3)`,
      },
    ]);
    expect(result.possiblyAdded).toHaveLength(1);
    expect(result.verdict).toBe('new-access');
  });
});
