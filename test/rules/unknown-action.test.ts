import { describe, expect, it } from 'vitest';
import { unknownAction } from '../../src/rules/unknown-action.js';
import { policy, runPolicyRule } from './harness.js';

const allow = (action: unknown) => ({ Effect: 'Allow', Action: action, Resource: '*' });

describe('unknown-action', () => {
  it.each([
    ['known actions', policy(allow(['s3:GetObject', 'kms:Decrypt', 'rds-db:connect']))],
    ['case-insensitive names', policy(allow(['S3:GETOBJECT', 'Kms:decrypt']))],
    ['wildcards that match something', policy(allow(['s3:Get*', 's3:?etObject', '*', '*:GetObject']))],
    [
      'a NotAction of known actions',
      policy({ Effect: 'Deny', NotAction: ['iam:*', 'sts:AssumeRole'], Resource: '*' }),
    ],
  ])('is quiet on %s', (_name, document) => {
    expect(runPolicyRule(unknownAction, document)).toEqual([]);
  });

  it.each([
    [
      'an unknown service prefix, with a did-you-mean',
      policy(allow('s4:GetObject')),
      ['Statement[0].Action'],
      ['unknown service prefix "s4", so it grants nothing', 'did you mean "s3:GetObject"?'],
    ],
    [
      'a misspelled action name',
      policy(allow(['s3:PutObject', 's3:GetObjekt'])),
      ['Statement[0].Action[1]'],
      ['unknown action "s3:GetObjekt"', 'did you mean "s3:GetObject"?'],
    ],
    [
      'a wildcard under an unknown prefix, suggesting the prefix',
      policy(allow('lamda:Get*')),
      ['Statement[0].Action'],
      ['unknown service prefix "lamda"', 'did you mean "lambda"?'],
    ],
    [
      'an unknown prefix with nothing close',
      policy(allow('zzzzzz:GetThing')),
      ['Statement[0].Action'],
      ['unknown service prefix "zzzzzz", so it grants nothing'],
    ],
    [
      'a wildcard matching no action',
      policy(allow('s3:Foo*')),
      ['Statement[0].Action'],
      ['"s3:Foo*" matches no s3 action'],
    ],
    [
      'a name wildcard matching nothing in any service',
      policy(allow('*:Frobnicate*')),
      ['Statement[0].Action'],
      ['matches no action in any service'],
    ],
    [
      'a Deny that never fires',
      policy({ Effect: 'Deny', Action: 's3:DeleteObjekt', Resource: '*' }),
      ['Statement[0].Action'],
      ['a Deny naming it never fires', 'did you mean "s3:DeleteObject"?'],
    ],
    [
      'a NotAction entry in an Allow, which then excludes nothing',
      policy({ Effect: 'Allow', NotAction: ['iam:*', 'organisations:*'], Resource: '*' }),
      ['Statement[0].NotAction[1]'],
      ['the Allow also grants what it was meant to leave out'],
    ],
    [
      'a NotAction entry in a Deny, which then exempts nothing',
      policy(allow('s3:GetObject'), { Effect: 'Deny', NotAction: 'iam:PassRoel', Resource: '*' }),
      ['Statement[1].NotAction'],
      ['the Deny also blocks what it was meant to leave out', 'did you mean "iam:PassRole"?'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = runPolicyRule(unknownAction, document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    for (const fragment of fragments) expect(hits[0]?.message).toContain(fragment);
  });
});
