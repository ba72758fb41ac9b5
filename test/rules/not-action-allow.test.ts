import { describe, expect, it } from 'vitest';
import { notActionAllow } from '../../src/rules/not-action-allow.js';
import { policy, runPolicyRule } from './harness.js';

describe('not-action-allow', () => {
  it.each([
    ['Allow with Action', policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })],
    [
      'a Deny with NotAction (a guardrail: deny everything except)',
      policy({ Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], Resource: '*' }),
    ],
  ])('is quiet on %s', (_name, document) => {
    expect(runPolicyRule(notActionAllow, document)).toEqual([]);
  });

  it.each([
    [
      'a single NotAction string',
      policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }),
      ['Statement[0].NotAction'],
      ['grants every action except "iam:*"', 'in every service today, and any AWS adds later'],
    ],
    [
      'a NotAction list on a scoped resource, in the second statement',
      policy(
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::app/*' },
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: 'arn:aws:s3:::app/*' },
      ),
      ['Statement[1].NotAction'],
      ['except "iam:*" and "organizations:*"'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = runPolicyRule(notActionAllow, document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    for (const fragment of fragments) expect(hits[0]?.message).toContain(fragment);
  });
});
