import { describe, expect, it } from 'vitest';
import { GrantSet, grantKey } from '../../src/diff/grants.js';
import type { Grant } from '../../src/diff/types.js';

function grant(fields: Partial<Grant>): Grant {
  return {
    effect: 'Allow',
    kind: 'identity',
    attachedTo: 'app-role',
    principal: 'app-role',
    action: '',
    resource: '*',
    conditions: [],
    ...fields,
  };
}

/** What `sorted` promises: the grants in `grantKey` order, each once. */
function byKey(grants: Grant[]): string[] {
  return grants.map(grantKey).sort();
}

describe('grant sets', () => {
  it('lists grants in key order, with NotAction lists and resources mixed under one principal', () => {
    const set = new GrantSet();
    set.addActions(grant({ resource: 'arn:aws:s3:::b/*' }), ['s3:PutObject', 's3:GetObject']);
    set.addActions(grant({ action: '*', notAction: ['iam:*'] }), ['*']);
    set.addActions(grant({ action: '*', notAction: ['iam:*', 's3:*'] }), ['*', 's3:Get*']);
    set.addActions(grant({}), ['s3:Get', 's3:GetObject', 's3:Get*']);
    set.add(grant({ action: 's3:GetObject', notAction: ['iam:*'] }));
    const sorted = set.sorted();
    expect(sorted.map(grantKey)).toEqual(byKey(sorted));
    expect(sorted).toHaveLength(9);
  });

  it('keeps key order when an action holds the separator, and leaves out what another set holds', () => {
    const set = new GrantSet();
    set.addActions(grant({}), ['s3:Get\u0000x', 's3:Get', 's3:GetA']);
    set.addActions(grant({ notAction: ['a'] }), ['s3:Get']);
    const sorted = set.sorted();
    expect(sorted.map(grantKey)).toEqual(byKey(sorted));
    const except = new GrantSet();
    except.addActions(grant({}), ['s3:Get']);
    expect(set.sorted(except).map((g) => [g.action, g.notAction])).toEqual(
      sorted.filter((g) => !(g.action === 's3:Get' && !g.notAction)).map((g) => [g.action, g.notAction]),
    );
  });

  it('merges the reasons of a grant added twice', () => {
    const set = new GrantSet();
    set.addActions(grant({ why: 'b' }), ['s3:GetObject']);
    set.addActions(grant({ why: 'a' }), ['s3:GetObject', 's3:PutObject']);
    const copy = new GrantSet();
    copy.addAll(set);
    expect(copy.sorted().map((g) => [g.action, g.why])).toEqual([
      ['s3:GetObject', 'a; b'],
      ['s3:PutObject', 'a'],
    ]);
  });
});
