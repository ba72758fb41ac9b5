import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { diff } from '../../src/diff/index.js';
import { ANY_CALLER, withWitnesses, type WitnessOptions } from '../../src/diff/witness.js';
import { simulate } from '../../src/simulate/index.js';
import { entries, type Json } from './helpers.js';

const allow = (action: unknown, resource: unknown, extra: Json = {}): Json => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});

/** The diff's rows with the witness of each, as a reviewer reads them. */
function witnessed(
  base: Json[],
  head: Json[],
  kind: 'identity' | 'resource' = 'identity',
  options: WitnessOptions = {},
) {
  const b = entries(base, kind);
  const h = entries(head, kind);
  const result = withWitnesses(diff(b, h), b, h, options);
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
    // `*` is no resource a SendMessage request names: a queue's ARN is.
    expect(found).toEqual([
      {
        action: 'sqs:SendMessage',
        resource: 'arn:aws:sqs:us-east-1:123456789012:example',
        context: {},
        base: 'implicitDeny',
      },
    ]);
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

  it('try other text in the wildcards when base granted the first request', () => {
    const { found } = witnessed(
      [allow('s3:GetObject', 'arn:aws:s3:::b/example*')],
      [allow('s3:GetObject', 'arn:aws:s3:::b/*')],
    );
    expect(found).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/other', context: {}, base: 'implicitDeny' },
    ]);
  });

  it('pick an action whose resource type the resource is, and fill ARN fields as real ARNs have them', () => {
    // iam:ListRoles takes no resource and s3:CreateBucket wants a bucket: an object ARN fits GetObject.
    expect(
      witnessed([], [allow(['iam:ListRoles', 's3:CreateBucket', 's3:GetObject'], 'arn:*:s3:::b/*')]).found,
    ).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/example', context: {}, base: 'implicitDeny' },
    ]);
    // On `*`, an action that takes no resource is asked on `*`; a more significant one comes first.
    expect(witnessed([], [allow(['s3:ListAllMyBuckets', 's3:ListBuckets'], '*')]).found).toEqual([
      { action: 's3:ListAllMyBuckets', resource: '*', context: {}, base: 'implicitDeny' },
    ]);
    expect(witnessed([], [allow(['s3:GetObject', 's3:ListAllMyBuckets'], '*')]).found).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::example/example', context: {}, base: 'implicitDeny' },
    ]);
    // All actions on an S3 ARN: an S3 action, found before the first forty of the catalog.
    expect(witnessed([], [allow('*', 'arn:aws:s3:::b/*')]).found.map((w) => w?.action.split(':')[0])).toEqual(
      ['s3'],
    );
    // A region the conditions pin is the resource's region.
    expect(
      witnessed(
        [],
        [
          allow('ec2:TerminateInstances', 'arn:aws:ec2:*:*:instance/*', {
            Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
          }),
        ],
      ).found[0]?.resource,
    ).toBe('arn:aws:ec2:eu-west-1:123456789012:instance/example');
    // On `*`, the plainest resource of the action first; then the next kind, when base grants that one.
    expect(witnessed([], [allow('s3:GetObject', '*')]).found).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::example/example', context: {}, base: 'implicitDeny' },
    ]);
    expect(witnessed([allow('s3:GetObject', 'arn:aws:s3:::*')], [allow('s3:GetObject', '*')]).found).toEqual([
      {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:us-east-1:123456789012:accesspoint/example/object/example',
        context: {},
        base: 'implicitDeny',
      },
    ]);
    // No action of the row has a resource of that shape: no witness rather than a request AWS never sees.
    expect(witnessed([], [allow('s3:ListAllMyBuckets', 'arn:aws:s3:::b/*')]).found).toEqual([undefined]);
  });

  it('report the explicit deny when base denied the request', () => {
    const { found } = witnessed(
      [allow('s3:*', '*'), { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }],
      [allow('s3:*', '*')],
    );
    expect(found).toEqual([
      { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::example', context: {}, base: 'explicitDeny' },
    ]);
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
            Condition: { DateLessThan: { 'aws:TokenIssueTime': '2030-01-01T00:00:00Z' } },
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

  it('keep IaC references to resources not yet created, choosing the action by the type they name', () => {
    // Terraform: an object under a bucket the program creates.
    expect(
      witnessed(
        [allow('s3:GetObject', '${aws_s3_bucket.releases.arn}/uploads/*')],
        [allow(['s3:GetObject', 's3:DeleteObject'], '${aws_s3_bucket.releases.arn}/*')],
      ).found,
    ).toEqual([
      {
        action: 's3:DeleteObject',
        resource: '${aws_s3_bucket.releases.arn}/example',
        context: {},
        base: 'implicitDeny',
      },
    ]);
    // Pulumi: the bucket itself, so an action on buckets, not on objects.
    const [onBucket] = witnessed([], [allow('s3:*', '${aws:s3/bucket:Bucket::uploads.arn}')]).found;
    expect(onBucket?.resource).toBe('${aws:s3/bucket:Bucket::uploads.arn}');
    const types = loadCatalog()
      .action(onBucket?.action ?? '')
      ?.resourceTypes.map((type) => type.name);
    expect(types).toContain('bucket');
    expect(types).not.toContain('object');
    // A reference that names no type (a CDK token) gives no witness.
    expect(witnessed([], [allow('s3:GetObject', '${Token[TOKEN.12]}/*')]).found).toEqual([undefined]);
  });

  it('read a resource as its type has it: a bucket name has no `/`', () => {
    // s3:ListBucket on objects grants nothing, so no request shows it.
    expect(witnessed([], [allow('s3:ListBucket', 'arn:aws:s3:::b/*')]).found).toEqual([undefined]);
    // A role path may hold `/`.
    expect(witnessed([], [allow('iam:PassRole', 'arn:aws:iam::123456789012:role/app/*')]).found).toEqual([
      {
        action: 'iam:PassRole',
        resource: 'arn:aws:iam::123456789012:role/app/example',
        context: {},
        base: 'implicitDeny',
      },
    ]);
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

  it('let the conditions say who calls: no stranger where aws:PrincipalArn or an account is pinned', () => {
    const reader = 'arn:aws:iam::111122223333:role/reader';
    const object = (principal: unknown, extra: Json = {}) =>
      allow('s3:GetObject', 'arn:aws:s3:::site/*', { Principal: principal, ...extra });
    // Head lets `*` in only as the reader base already named: nothing new for anyone.
    const pinned = { Condition: { ArnEquals: { 'aws:PrincipalArn': reader } } };
    expect(witnessed([object({ AWS: reader })], [object('*', pinned)], 'resource').found).toEqual([
      undefined,
    ]);
    // An account pinned: a role of that account calls.
    const account = { Condition: { StringEquals: { 'aws:PrincipalAccount': '444455556666' } } };
    expect(witnessed([], [object('*', account)], 'resource').found).toEqual([
      {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::site/example',
        principal: 'arn:aws:iam::444455556666:role/example',
        context: {},
        base: 'implicitDeny',
      },
    ]);
  });

  it('build a caller from what the conditions say of it, or give none', () => {
    const queue = 'arn:aws:sqs:us-east-1:123456789012:q';
    const send = (condition: Json) =>
      allow('sqs:SendMessage', queue, { Principal: '*', Condition: condition });
    const caller = (condition: Json) => witnessed([], [send(condition)], 'resource').found[0]?.principal;
    // SNS delivering to a queue: the service calls, as aws:SourceArn and the service name say.
    expect(caller({ ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:t' } })).toBe(
      'sns.amazonaws.com',
    );
    expect(caller({ StringEquals: { 'aws:PrincipalServiceName': 'sns.amazonaws.com' } })).toBe(
      'sns.amazonaws.com',
    );
    expect(caller({ StringEquals: { 'aws:username': 'bob' } })).toBe('arn:aws:iam::999999999999:user/bob');
    // What cannot be built consistently gives none: a user id, an account of some service, an ARN
    // that names no principal.
    expect(caller({ StringLike: { 'aws:userid': 'AIDA*' } })).toBeUndefined();
    expect(caller({ StringEquals: { 'aws:SourceAccount': '123456789012' } })).toBeUndefined();
    expect(caller({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:*' } })).toBeUndefined();
  });

  it('are not given on an IaC reference a concrete pattern could decide once it is an ARN', () => {
    // The simulator compares the reference as text, which `arn:aws:s3:::*` never matches; every
    // real bucket does.
    const deny = { Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::*' };
    const add = allow('s3:DeleteObject', '${aws_s3_bucket.b.arn}/*');
    expect(witnessed([], [add, deny]).found).toEqual([undefined]);
    expect(witnessed([allow('s3:DeleteObject', 'arn:aws:s3:::*/*')], [add]).found).toEqual([undefined]);
    // Unrelated concrete patterns leave it alone.
    expect(witnessed([allow('sqs:SendMessage', 'arn:aws:sqs:*:*:q')], [add]).found[0]?.action).toBe(
      's3:DeleteObject',
    );
  });

  it('ask at the time of the run: an expired grant has none, a current one says when', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const until = (date: string) =>
      allow('s3:GetObject', 'arn:aws:s3:::b/*', { Condition: { DateLessThan: { 'aws:CurrentTime': date } } });
    expect(witnessed([], [until('2020-01-01T00:00:00Z')], 'identity', { now }).found).toEqual([undefined]);
    expect(witnessed([], [until('2030-01-01T00:00:00Z')], 'identity', { now }).found).toEqual([
      {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::b/example',
        context: { 'aws:CurrentTime': '2026-11-28T12:00:00Z' },
        base: 'implicitDeny',
      },
    ]);
  });

  it('are sent over TLS, so a bucket policy denying insecure transport keeps its witnesses', () => {
    const insecure = {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: 'arn:aws:s3:::site/*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const read = allow('s3:GetObject', 'arn:aws:s3:::site/*', { Principal: '*' });
    expect(witnessed([insecure], [insecure, read], 'resource').found).toEqual([
      {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::site/example',
        principal: ANY_CALLER,
        context: { 'aws:SecureTransport': 'true' },
        base: 'implicitDeny',
      },
    ]);
  });

  it('are not given when a condition value has a policy variable the request leaves open', () => {
    // A data perimeter: base denies resources outside the caller's account.
    const perimeter = {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
    };
    const { rows, found } = witnessed([allow('s3:*', '*'), perimeter], [allow('s3:*', '*')]);
    expect(rows.length).toBeGreaterThan(0);
    expect(found.every((w) => w === undefined)).toBe(true);
  });

  it('stop past their time budget, and an incomplete diff gets none', () => {
    const head = [allow('s3:GetObject', 'arn:aws:s3:::b/*')];
    expect(witnessed([], head, 'identity', { timeBudgetMs: 0 }).found).toEqual([undefined]);
    const h = entries(head);
    const incomplete = withWitnesses(diff([], h, undefined, { timeBudgetMs: 0 }), [], h);
    expect(incomplete.incomplete).toBeDefined();
    expect(incomplete.groups.map((group) => group.witness)).toEqual(incomplete.groups.map(() => undefined));
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

  it("are requests of their own row, not of another head statement's", () => {
    const key = 'aws:PrincipalTag/team';
    const { rows, found } = witnessed(
      [],
      [
        // Two atoms on one key that no single value meets: no request is this row's.
        allow('sqs:SendMessage', 'arn:aws:sqs:*:*:jobs', {
          Condition: { StringEquals: { [key]: 'a' }, StringLike: { [key]: 'b*' } },
        }),
        allow('sqs:SendMessage', 'arn:aws:sqs:*:*:jobs', { Condition: { StringLike: { [key]: 'b*' } } }),
        // A value with a policy variable depends on the request: no simple value meets it.
        allow('sqs:SendMessage', 'arn:aws:sqs:*:*:other', {
          Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
        }),
      ],
    );
    expect(rows.map((row) => [row.resource, row.conditions.length, row.witness?.context])).toEqual([
      ['arn:aws:sqs:*:*:jobs', 2, undefined],
      ['arn:aws:sqs:*:*:jobs', 1, { [key]: 'bexample' }],
      ['arn:aws:sqs:*:*:other', 1, undefined],
    ]);
    expect(found.filter((w) => w !== undefined)).toHaveLength(1);
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
