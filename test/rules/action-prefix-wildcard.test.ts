import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { actionPrefixWildcard } from '../../src/rules/action-prefix-wildcard.js';
import { policy, runPolicyRule } from './harness.js';

const catalog = loadCatalog();
const count = (pattern: string) => catalog.expand(pattern).length.toLocaleString('en-US');
const permissionsManagement = (pattern: string) =>
  catalog.expand(pattern).filter((action) => catalog.action(action)?.accessLevel === 'Permissions management')
    .length;
const allow = (action: unknown) => ({ Effect: 'Allow', Action: action, Resource: '*' });

describe('action-prefix-wildcard', () => {
  it.each([
    ['named actions', policy(allow(['s3:GetObject', 'S3:PutObject']))],
    ['a whole-service wildcard (wildcard-action)', policy(allow(['s3:*', '*']))],
    ['a Deny guardrail', policy({ Effect: 'Deny', Action: 'iam:*Policy', Resource: '*' })],
    ['NotAction (not-action-allow)', policy({ Effect: 'Allow', NotAction: 'iam:*Policy', Resource: '*' })],
    ['a pattern matching nothing (unknown-action)', policy(allow('s3:Foo*'))],
  ])('is quiet on %s', (_name, document) => {
    expect(runPolicyRule(actionPrefixWildcard, document)).toEqual([]);
  });

  it.each([
    [
      'a prefix wildcard',
      policy(allow('ec2:Describe*')),
      ['Statement[0].Action'],
      [
        `"ec2:Describe*" covers ${count('ec2:Describe*')} actions today`,
        'any matching action AWS adds later',
      ],
    ],
    [
      'a suffix wildcard over Permissions management actions',
      policy(allow('iam:*Policy')),
      ['Statement[0].Action'],
      [
        `"iam:*Policy" covers ${count('iam:*Policy')} actions today`,
        `${permissionsManagement('iam:*Policy')} Permissions management`,
      ],
    ],
    [
      'a single-character wildcard, listing the one match',
      policy(allow('s3:?etObject')),
      ['Statement[0].Action'],
      ['covers 1 action today (s3:GetObject)'],
    ],
    [
      'an upper-case pattern (actions match case-insensitively)',
      policy(allow('S3:GET*')),
      ['Statement[0].Action'],
      [`"S3:GET*" covers ${count('s3:Get*')} actions`],
    ],
    [
      'a wildcard service prefix with a literal name',
      policy(allow('*:GetObject')),
      ['Statement[0].Action'],
      [`covers ${count('*:GetObject')} actions today`],
    ],
    [
      'each wildcard entry of a list',
      policy(allow(['s3:GetObject', 's3:Get*', 'kms:*', 'kms:Describe*'])),
      ['Statement[0].Action[1]', 'Statement[0].Action[3]'],
      ['"s3:Get*"'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = runPolicyRule(actionPrefixWildcard, document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    for (const fragment of fragments) expect(hits[0]?.message).toContain(fragment);
  });

  it('leaves out access levels that change nothing', () => {
    const [hit] = runPolicyRule(actionPrefixWildcard, policy(allow('s3:Get*')));
    expect(hit?.message).not.toMatch(/Write|Permissions management/);
  });
});
