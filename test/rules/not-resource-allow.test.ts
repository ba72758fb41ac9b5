import { describe, expect, it } from 'vitest';
import { notResourceAllow } from '../../src/rules/not-resource-allow.js';
import { policy, runPolicyRule } from './harness.js';

describe('not-resource-allow', () => {
  it.each([
    [
      'Allow with Resource',
      policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::app/*' }),
    ],
    [
      'a Deny with NotResource (deny everywhere except)',
      policy({ Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::app', 'arn:aws:s3:::app/*'] }),
    ],
  ])('is quiet on %s', (_name, document) => {
    expect(runPolicyRule(notResourceAllow, document)).toEqual([]);
  });

  it.each([
    [
      'a single NotResource string',
      policy({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secrets/*' }),
      ['Statement[0].NotResource'],
      ['every resource except "arn:aws:s3:::secrets/*"', 'including resources created later'],
    ],
    [
      'a NotResource list in the second statement',
      policy(
        { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
        {
          Effect: 'Allow',
          Action: 's3:*',
          NotResource: ['arn:aws:s3:::a', 'arn:aws:s3:::b', 'arn:aws:s3:::c', 'arn:aws:s3:::d'],
        },
      ),
      ['Statement[1].NotResource'],
      ['except "arn:aws:s3:::a", "arn:aws:s3:::b", "arn:aws:s3:::c" and 1 more'],
    ],
  ])('reports %s', (_name, document, paths, fragments) => {
    const hits = runPolicyRule(notResourceAllow, document);
    expect(hits.map((hit) => hit.path)).toEqual(paths);
    for (const fragment of fragments) expect(hits[0]?.message).toContain(fragment);
  });
});
