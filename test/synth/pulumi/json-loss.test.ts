import { describe, expect, it } from 'vitest';
import { droppedPaths } from '../../../src/synth/pulumi/json-loss.js';

describe('what JSON.stringify silently loses', () => {
  it('names members whose value is undefined, and list items that would become null', () => {
    const missing: string | undefined = undefined;
    expect(
      droppedPaths({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: missing, NotResource: ['a', missing] },
        ],
      }),
    ).toEqual(['Statement[0].Resource', 'Statement[0].NotResource[1]']);
  });

  it('names functions and symbols, which JSON cannot hold either', () => {
    expect(droppedPaths({ a: () => 1, b: Symbol('x'), 'aws:SourceArn': undefined })).toEqual([
      'a',
      'b',
      '["aws:SourceArn"]',
    ]);
  });

  it('finds nothing in a complete policy, and leaves values with their own JSON form alone', () => {
    expect(droppedPaths({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })).toEqual([]);
    expect(droppedPaths({ when: new Date(0), raw: 'text', n: null })).toEqual([]);
  });

  it('survives objects that refer to themselves', () => {
    const node: Record<string, unknown> = { missing: undefined };
    node.self = node;
    expect(droppedPaths(node)).toEqual(['missing']);
  });
});
