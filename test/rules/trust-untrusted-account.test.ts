import { describe, expect, it } from 'vitest';
import type { RuleSettings } from '../../src/rules/types.js';
import { trustUntrustedAccount } from '../../src/rules/trust-untrusted-account.js';
import { policy, runPolicyRule } from './harness.js';

const OWN = '123456789012';
const TRUSTED = '345678901234';
const FOREIGN = '210987654321';
const settings: Partial<RuleSettings> = { ownAccounts: [OWN], trustedAccounts: [TRUSTED] };
const assume = (aws: unknown, condition?: object, action: unknown = 'sts:AssumeRole') => ({
  Effect: 'Allow',
  Principal: { AWS: aws },
  Action: action,
  ...(condition && { Condition: condition }),
});

function run(document: unknown, options: Partial<RuleSettings> = settings) {
  return runPolicyRule(trustUntrustedAccount, document, { kind: 'trust', settings: options });
}

describe('trust-untrusted-account', () => {
  it.each([
    ['an own account root', policy(assume(`arn:aws:iam::${OWN}:root`))],
    ['an own account as a bare id', policy(assume(OWN))],
    ['a role of an own account', policy(assume(`arn:aws:iam::${OWN}:role/ci`))],
    ['a trusted third party', policy(assume(`arn:aws:iam::${TRUSTED}:root`))],
    [
      'a foreign account with sts:ExternalId',
      policy(assume(FOREIGN, { StringEquals: { 'sts:ExternalId': 'f3a9c2e1' } })),
    ],
    [
      'a foreign account inside the org',
      policy(
        assume(`arn:aws:iam::${FOREIGN}:role/deployer`, {
          StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
        }),
      ),
    ],
    ['a symbolic principal (unresolved-policy)', policy(assume('${aws_iam_role.ci.arn}'))],
    ['"*" (trust-any-principal)', policy(assume('*'))],
    [
      'a service principal',
      policy({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    ],
    ['a Deny naming a foreign account', policy({ ...assume(FOREIGN), Effect: 'Deny' })],
    ['a foreign account allowed only sts:TagSession', policy(assume(FOREIGN, undefined, 'sts:TagSession'))],
  ])('is quiet on %s', (_name, document) => {
    expect(run(document)).toEqual([]);
  });

  it('leaves resource policies alone', () => {
    const bucket = policy({
      Effect: 'Allow',
      Principal: { AWS: FOREIGN },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
    });
    expect(runPolicyRule(trustUntrustedAccount, bucket, { kind: 'resource', settings })).toEqual([]);
  });

  it.each([
    [
      'a bare account id, which is the account root',
      policy(assume(FOREIGN)),
      ['Statement[0].Principal.AWS'],
      [
        `account ${FOREIGN} (its root: any principal that account's own policies allow)`,
        'sts:ExternalId',
        'accounts.trusted',
      ],
    ],
    [
      'an account root ARN',
      policy(assume(`arn:aws:iam::${FOREIGN}:root`)),
      ['Statement[0].Principal.AWS'],
      [`account ${FOREIGN} (its root`],
    ],
    [
      'a role of a foreign account, among own ones',
      policy(assume([`arn:aws:iam::${OWN}:role/ci`, `arn:aws:iam::${FOREIGN}:role/vendor`])),
      ['Statement[0].Principal.AWS[1]'],
      [`arn:aws:iam::${FOREIGN}:role/vendor in account ${FOREIGN}`, 'confused deputy'],
    ],
    [
      'a negated ExternalId condition',
      policy(assume(FOREIGN, { StringNotEquals: { 'sts:ExternalId': 'x' } })),
      ['Statement[0].Principal.AWS'],
      ['StringNotEquals on sts:ExternalId is true for every caller outside its values'],
    ],
    [
      'an ExternalId that admits anything',
      policy(assume(FOREIGN, { StringLike: { 'sts:ExternalId': '*' } })),
      ['Statement[0].Principal.AWS'],
      ['admits any value with "*"'],
    ],
    [
      'a ForAllValues org condition',
      policy(assume(FOREIGN, { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } })),
      ['Statement[0].Principal.AWS'],
      ['true when the key is absent or empty'],
    ],
    [
      // IAM-NOTES lists aws:PrincipalAccount with the fences, but on a principal of one account it is
      // that account by definition: it restricts nothing (it fences a "*" principal, which is
      // trust-any-principal's case).
      'aws:PrincipalAccount equal to the foreign account it already names',
      policy(assume(FOREIGN, { StringEquals: { 'aws:PrincipalAccount': FOREIGN } })),
      ['Statement[0].Principal.AWS'],
      [`account ${FOREIGN}`, 'with no sts:ExternalId or aws:PrincipalOrgID condition'],
    ],
    [
      'a fence on a key that does not prove who the caller acts for',
      policy(assume(FOREIGN, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })),
      ['Statement[0].Principal.AWS'],
      ['with no sts:ExternalId or aws:PrincipalOrgID condition'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = run(document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    const messages = hits.map((hit) => hit.message).join('\n');
    for (const fragment of fragments) expect(messages).toContain(fragment);
  });

  it('with no own accounts configured, says where to list them', () => {
    const hits = run(policy(assume(OWN)), {});
    expect(hits.map((hit) => hit.path)).toEqual(['Statement[0].Principal.AWS']);
    expect(hits[0]?.message).toContain('list your own accounts under accounts.own in .github/iam-gate.yml');
  });
});
