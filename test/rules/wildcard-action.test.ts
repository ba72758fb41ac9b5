import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { wildcardAction } from '../../src/rules/wildcard-action.js';
import { policy, runPolicyRule } from './harness.js';

const catalog = loadCatalog();
const count = (pattern: string) => catalog.expand(pattern).length.toLocaleString('en-US');
const allow = (action: unknown, extra: object = {}) => ({
  Effect: 'Allow',
  Action: action,
  Resource: '*',
  ...extra,
});

describe('wildcard-action', () => {
  it.each([
    ['a named action', policy(allow('s3:GetObject'))],
    ['a wildcard inside the name (action-prefix-wildcard)', policy(allow(['s3:Get*', 'ec2:Describe*']))],
    ['a Deny guardrail on a whole service', policy({ Effect: 'Deny', Action: ['s3:*', '*'], Resource: '*' })],
    [
      'Allow with NotAction (not-action-allow)',
      policy({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }),
    ],
    ['an unknown service (unknown-action)', policy(allow('s4:*'))],
  ])('is quiet on %s', (_name, document) => {
    expect(runPolicyRule(wildcardAction, document)).toEqual([]);
  });

  it.each([
    [
      'a service wildcard as a single string',
      policy(allow('s3:*')),
      ['Statement[0].Action'],
      [`"s3:*" grants all ${count('s3:*')} s3 actions, and any AWS adds later`],
    ],
    [
      'a bare "*"',
      policy(allow('*')),
      ['Statement[0].Action'],
      [`"*" grants all ${count('*')} actions in every service, and any AWS adds later`],
    ],
    ['"*:*"', policy(allow('*:*')), ['Statement[0].Action'], ['actions in every service']],
    [
      'an upper-case prefix (actions match case-insensitively)',
      policy(allow('S3:*')),
      ['Statement[0].Action'],
      [`"S3:*" grants all ${count('s3:*')} s3 actions`],
    ],
    [
      'one entry of a list',
      policy(allow(['s3:GetObject', 'sqs:*', 'kms:Decrypt'])),
      ['Statement[0].Action[1]'],
      ['"sqs:*" grants all', 'sqs actions'],
    ],
    [
      'a wildcard service prefix',
      policy(allow('s3*:*')),
      ['Statement[0].Action'],
      [`grants all ${count('s3*:*')} actions of`, 's3, s3-object-lambda'],
    ],
    [
      'only the Allow of a mixed policy, with a scoped resource too',
      policy(
        { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
        allow('dynamodb:*', { Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/app' }),
      ),
      ['Statement[1].Action'],
      ['"dynamodb:*"'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = runPolicyRule(wildcardAction, document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    for (const fragment of fragments) expect(hits[0]?.message).toContain(fragment);
  });
});

describe('wildcard-action in resource policies', () => {
  const keyPolicy = (principal: object) =>
    policy({ Sid: 'EnableIam', Effect: 'Allow', Principal: principal, Action: 'kms:*', Resource: '*' });

  it("is quiet on AWS's default key policy: kms:* delegated to the account root", () => {
    expect(
      runPolicyRule(wildcardAction, keyPolicy({ AWS: 'arn:aws:iam::111122223333:root' }), {
        kind: 'resource',
      }),
    ).toEqual([]);
  });

  it('still flags kms:* granted to a role through the key policy', () => {
    const hits = runPolicyRule(wildcardAction, keyPolicy({ AWS: 'arn:aws:iam::111122223333:role/app' }), {
      kind: 'resource',
    });
    expect(hits.map((hit) => hit.path)).toEqual(['Statement[0].Action']);
  });
});
