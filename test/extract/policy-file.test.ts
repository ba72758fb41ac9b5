import { describe, expect, it } from 'vitest';
import { guessPolicyKind } from '../../src/extract/policy-file.js';
import { extractFixture, fixture } from './fixtures.js';
import { extractPolicies } from '../../src/extract/extract-file.js';

describe('policy files', () => {
  it.each([
    ['policies/identity.json', 'identity'],
    ['policies/trust.json', 'trust'],
    ['policies/bucket-policy.json', 'resource'],
  ])('%s becomes one %s source addressed by its file name', (relative, kind) => {
    const name = `test/fixtures/${relative}`;
    const { text } = fixture(relative);
    expect(extractFixture(relative)).toEqual([
      {
        id: `${name}#${name}`,
        kind,
        address: name,
        document: JSON.parse(text),
        filePath: '',
        location: { file: name, line: 1 },
      },
    ]);
  });

  it('accepts a policy written in YAML as well', () => {
    const result = extractPolicies(
      'Statement:\n  - Effect: Allow\n    Action: s3:*\n    Resource: "*"\n',
      'p.yaml',
    );
    expect(result).toMatchObject({
      ok: true,
      kind: 'policy',
      sources: [{ kind: 'identity', document: { Statement: [{ Action: 's3:*', Resource: '*' }] } }],
    });
  });
});

describe('guessPolicyKind', () => {
  const allow = (extra: object) => ({ Effect: 'Allow', ...extra });
  it.each([
    ['no Principal', [allow({ Action: 's3:*', Resource: '*' })], 'identity'],
    [
      'AssumeRole from a service',
      [allow({ Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' })],
      'trust',
    ],
    [
      'web identity plus TagSession and SetSourceIdentity',
      [
        allow({
          Principal: { Federated: 'accounts.google.com' },
          Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
        }),
      ],
      'trust',
    ],
    ['a wildcard over AssumeRole*', [allow({ Principal: '*', Action: 'sts:AssumeRole*' })], 'trust'],
    [
      'sts:* with a Principal and no Resource anywhere',
      [allow({ Principal: '*', Action: 'sts:*' })],
      'trust',
    ],
    [
      'a bucket policy',
      [allow({ Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })],
      'resource',
    ],
    [
      'a key policy that also allows AssumeRole-looking actions',
      [
        allow({ Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole', Resource: '*' }),
        allow({ Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' }),
      ],
      'resource',
    ],
    [
      'a mixed policy where only some statements name a Principal',
      [allow({ Action: 's3:*', Resource: '*' }), allow({ Principal: '*', Action: 'sts:AssumeRole' })],
      'resource',
    ],
  ])('%s -> %s', (_name, statements, kind) => {
    expect(guessPolicyKind({ Version: '2012-10-17', Statement: statements })).toBe(kind);
  });

  it('reads a single statement object', () => {
    expect(
      guessPolicyKind({ Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' } }),
    ).toBe('trust');
  });
});
