import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/index.js';
import { ANY_CALLER, withWitnesses } from '../../src/diff/witness.js';
import { simulate } from '../../src/simulate/index.js';
import { entries, type Json } from './helpers.js';

const allow = (action: unknown, resource: unknown, extra: Json = {}): Json => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});

/** The diff's rows with the witness of each, as a reviewer reads them. */
function witnessed(base: Json[], head: Json[], kind: 'identity' | 'resource' = 'identity') {
  const b = entries(base, kind);
  const h = entries(head, kind);
  const result = withWitnesses(diff(b, h), b, h);
  return { rows: result.groups, found: result.groups.map((group) => group.witness), b, h };
}

describe('witnesses of added rows', () => {
  it('give a request inside the widened resource that base refused', () => {
    const { found, b, h } = witnessed(
      [allow('s3:GetObject', 'arn:aws:s3:::app-data/uploads/*')],
      [allow(['s3:GetObject', 's3:DeleteObject'], 'arn:aws:s3:::app-data/*')],
    );
    expect(found).toEqual([
      {
        action: 's3:DeleteObject',
        resource: 'arn:aws:s3:::app-data/example',
        context: {},
        base: 'implicitDeny',
      },
    ]);
    // What the reviewer is told holds: head allows the request and base does not.
    const request = { action: 's3:DeleteObject', resource: 'arn:aws:s3:::app-data/example' };
    expect(simulate({ identity: h.map((e) => e.policy) }, request).decision).toBe('allowed');
    expect(simulate({ identity: b.map((e) => e.policy) }, request).decision).toBe('implicitDeny');
  });

  it('leave out a key whose condition head dropped', () => {
    const { found } = witnessed(
      [allow('sqs:SendMessage', '*', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } })],
      [allow('sqs:SendMessage', '*')],
    );
    expect(found).toEqual([{ action: 'sqs:SendMessage', resource: '*', context: {}, base: 'implicitDeny' }]);
  });

  it("meet head's conditions, filling a StringLike pattern", () => {
    const { found } = witnessed(
      [],
      [
        allow('s3:GetObject', 'arn:aws:s3:::logs/*', {
          Condition: {
            StringLike: { 'aws:PrincipalTag/team': 'data-*' },
            NumericLessThan: { 's3:max-keys': '10' },
            Null: { 'aws:SourceVpc': 'false' },
          },
        }),
      ],
    );
    expect(found).toEqual([
      {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::logs/example',
        context: { 'aws:PrincipalTag/team': 'data-example', 's3:max-keys': '9', 'aws:SourceVpc': 'example' },
        base: 'implicitDeny',
      },
    ]);
  });

  it('try the pattern with its stars empty when the first request is one base allowed', () => {
    const { found } = witnessed(
      [allow('s3:GetObject', 'arn:aws:s3:::b/example*')],
      [allow('s3:GetObject', 'arn:aws:s3:::b/*')],
    );
    expect(found).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/', context: {}, base: 'implicitDeny' },
    ]);
  });

  it('report the explicit deny when base denied the request', () => {
    const { found } = witnessed(
      [allow('s3:*', '*'), { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }],
      [allow('s3:*', '*')],
    );
    expect(found).toEqual([{ action: 's3:DeleteBucket', resource: '*', context: {}, base: 'explicitDeny' }]);
  });

  it('are not given where no request can be shown', () => {
    // Actions AWS may add later only; a NotResource; a policy variable; a condition the
    // construction cannot meet (DateLessThan); a resource policy naming an account.
    expect(witnessed([], [allow('newsvc:Get*', '*')]).found).toEqual([undefined]);
    expect(
      witnessed([], [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::x/*' }]).found,
    ).toEqual([undefined]);
    expect(witnessed([], [allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')]).found).toEqual([
      undefined,
    ]);
    expect(
      witnessed(
        [],
        [
          allow('s3:GetObject', '*', {
            Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
          }),
        ],
      ).found,
    ).toEqual([undefined]);
    // An account principal delegates to the account's identity policies, which the diff has not.
    expect(
      witnessed(
        [],
        [allow('s3:GetObject', 'arn:aws:s3:::b/*', { Principal: { AWS: '111122223333' } })],
        'resource',
      ).found,
    ).toEqual([undefined]);
  });

  it('name the caller of a resource row: a stranger for `*`, the role or service named', () => {
    const bucket = (principal: unknown, extra: Json = {}) =>
      allow('s3:GetObject', 'arn:aws:s3:::site/*', { Principal: principal, ...extra });
    const example = (principal: string) => ({
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::site/example',
      principal,
      context: {},
      base: 'implicitDeny',
    });
    expect(witnessed([], [bucket('*')], 'resource').found).toEqual([example(ANY_CALLER)]);
    const role = 'arn:aws:iam::111122223333:role/reader';
    expect(witnessed([], [bucket({ AWS: role })], 'resource').found).toEqual([example(role)]);
    // A service fenced by aws:SourceAccount in base, no longer in head.
    const service = { Service: 'cloudtrail.amazonaws.com' };
    const fence = { Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } };
    expect(witnessed([bucket(service, fence)], [bucket(service)], 'resource').found).toEqual([
      example('cloudtrail.amazonaws.com'),
    ]);
  });

  it('are not given when a decision would rest on a key every real request carries', () => {
    // Without aws:PrincipalAccount in the request base refuses, but no real request lacks it: the
    // example would be one that cannot happen.
    const fenced = allow('s3:GetObject', 'arn:aws:s3:::b/*', {
      Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
    });
    const { rows, found } = witnessed([fenced], [allow('s3:GetObject', 'arn:aws:s3:::b/*')]);
    expect(rows.map((row) => row.certainty)).toEqual(['added']);
    expect(found).toEqual([undefined]);
  });

  it('are not given for possibly added rows', () => {
    const { rows, found } = witnessed(
      [allow('s3:GetObject', 'arn:aws:s3:::b/${aws:username}/*')],
      [allow('s3:GetObject', 'arn:aws:s3:::b/${aws:userid}/*'), allow('s3:PutObject', 'arn:aws:s3:::c/*')],
    );
    expect(rows.map((row) => row.certainty)).toEqual(['added', 'possible']);
    expect(found).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::c/example', context: {}, base: 'implicitDeny' },
      undefined,
    ]);
  });
});
