import { describe, expect, it } from 'vitest';
import { lintSources } from '../../src/rules/lint.js';
import { malformedPolicy } from '../../src/rules/malformed-policy.js';
import { noSettings, source } from './harness.js';

const run = (document: unknown) =>
  lintSources([source(document)], { rules: [malformedPolicy], settings: noSettings });

describe('malformed-policy', () => {
  it.each([
    [
      'a valid policy',
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } },
    ],
  ])('is quiet on %s', (_name, document) => {
    expect(run(document)).toEqual([]);
  });

  it.each([
    [
      'a lower-case effect and an empty action list',
      { Version: '2012-10-17', Statement: [{ Effect: 'allow', Action: [], Resource: 'arn:aws:s3:::b/*' }] },
      [
        ['Statement[0].Action', 'expected at least one action, got an empty array'],
        ['Statement[0].Effect', 'expected "Allow" or "Deny", got "allow"'],
      ],
    ],
    [
      'invalid JSON text',
      '{"Version": "2012-10-17",',
      [['', 'invalid JSON at line 1, column 26: property name expected']],
    ],
    [
      'a Principal in an identity policy',
      { Statement: { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' } },
      [
        [
          'Statement',
          'an identity policy cannot name a Principal; it applies to the principal it is attached to',
        ],
      ],
    ],
  ])('reports %s with the JSON path', (_name, document, expected) => {
    expect(run(document).map((f) => [f.path, f.message])).toEqual(expected);
    expect(run(document).every((f) => f.ruleId === 'malformed-policy' && f.severity === 'error')).toBe(true);
  });
});
