import { describe, expect, it } from 'vitest';
import { policyDocument, statement, type StatementInput } from '../../src/builder/index.js';
import { loadCatalog } from '../../src/catalog/index.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';

const bucketObjects = 'arn:aws:s3:::app-data/uploads/*';
const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function rejection(input: StatementInput): PolicyError {
  try {
    statement(input);
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected statement() to throw a PolicyError');
}

describe('statement(): accepts tightly scoped grants', () => {
  it('canonicalizes, deduplicates and sorts action names', () => {
    const s = statement({
      sid: 'ReadUploads',
      actions: ['S3:getobject', 's3:GetObjectVersion', 's3:GetObject'],
      resources: [bucketObjects],
    });
    expect(s).toMatchObject({
      sid: 'ReadUploads',
      effect: 'Allow',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
    });
  });

  it('accepts Resource "*" when every action only accepts "*"', () => {
    const s = statement({
      sid: 'Identity',
      actions: ['sts:GetCallerIdentity', 'xray:PutTraceSegments'],
      resources: ['*'],
    });
    expect(s.resources).toEqual(['*']);
  });

  it('accepts an action wildcard when the statement says why', () => {
    const s = statement({
      sid: 'Tracing',
      actions: ['xray:Put*'],
      resources: ['*'],
      allowActionWildcard: 'the X-Ray daemon sends every kind of telemetry',
    });
    expect(s.actions).toEqual(['xray:Put*']);
    expect(s.coveredActions).toContain('xray:PutTraceSegments');
    expect(s.coveredActions).toContain('xray:PutTelemetryRecords');
    expect(s.coveredActions.every((a) => loadCatalog().action(a)?.wildcardOnly)).toBe(true);
  });

  it('accepts conditions on keys the actions support, and global keys', () => {
    const s = statement({
      sid: 'ListUploads',
      actions: ['s3:ListBucket'],
      resources: ['arn:aws:s3:::app-data'],
      conditions: [{ StringLike: { 's3:prefix': ['uploads/*'] } }, { Bool: { 'aws:SecureTransport': true } }],
    });
    expect(s.conditions.map((c) => c.key)).toEqual(['s3:prefix', 'aws:SecureTransport']);
  });

  it('lets a Deny be broad: it narrows access', () => {
    const s = statement({
      sid: 'DenyAllOutsideTls',
      effect: 'Deny',
      actions: ['s3:*'],
      resources: ['*'],
      conditions: { Bool: { 'aws:SecureTransport': false } },
    });
    expect(s.coveredActions.length).toBeGreaterThan(100);
  });
});

describe('statement(): refuses over-broad grants, naming the statement and the value', () => {
  const catalog = loadCatalog();
  const s3Count = catalog.expand('s3:*').length;
  const describeCount = catalog.expand('ec2:Describe*').length;
  const policyCount = catalog.expand('iam:*Policy').length;

  it.each<[string, StatementInput, string, string]>([
    [
      'the "*" action',
      { sid: 'Admin', actions: ['*'], resources: [bucketObjects] },
      `statement "Admin": action "*" grants all ${catalog.allActions().length} actions of every AWS service; list the actions you need`,
      '*',
    ],
    [
      'a whole service',
      { sid: 'S3', actions: ['s3:*'], resources: [bucketObjects] },
      `statement "S3": action "s3:*" grants all ${s3Count} actions of s3, and any it gains later; list the actions you need`,
      's3:*',
    ],
    [
      'a whole service even with a reason',
      { sid: 'S3', actions: ['s3:*'], resources: [bucketObjects], allowActionWildcard: 'convenience' },
      `statement "S3": action "s3:*" grants all ${s3Count} actions of s3, and any it gains later; list the actions you need`,
      's3:*',
    ],
    [
      'a wildcard across services',
      { sid: 'Reads', actions: ['*:Get*'], resources: [bucketObjects], allowActionWildcard: 'x' },
      'statement "Reads": action "*:Get*" spans several services; name one service and its actions',
      '*:Get*',
    ],
    [
      'a prefix wildcard without a reason',
      { sid: 'Describe', actions: ['ec2:Describe*'], resources: ['*'] },
      `statement "Describe": action "ec2:Describe*" is a wildcard covering ${describeCount} actions today (ec2:DescribeAccountAttributes, `,
      'ec2:Describe*',
    ],
    [
      'an infix wildcard without a reason',
      { sid: 'Policies', actions: ['iam:*Policy'], resources: ['arn:aws:iam::123456789012:policy/app'] },
      `statement "Policies": action "iam:*Policy" is a wildcard covering ${policyCount} actions today`,
      'iam:*Policy',
    ],
    [
      'a typo, with a did-you-mean',
      { sid: 'Read', actions: ['s3:GetObjekt'], resources: [bucketObjects] },
      'statement "Read": action "s3:GetObjekt" is not a known s3 action; did you mean "s3:GetObject"?',
      's3:GetObjekt',
    ],
    [
      'an unknown service',
      { sid: 'Read', actions: ['s4:GetObject'], resources: [bucketObjects] },
      'statement "Read": action "s4:GetObject" names an unknown service "s4"; did you mean "s3:GetObject"?',
      's4:GetObject',
    ],
    [
      'an action without a service',
      { sid: 'Read', actions: ['GetObject'], resources: [bucketObjects] },
      'statement "Read": action "GetObject" is not of the form "service:Action", e.g. "s3:GetObject"',
      'GetObject',
    ],
    [
      'Resource "*" on an opted-in wildcard that covers actions accepting ARNs',
      {
        sid: 'Describe',
        actions: ['ec2:DescribeInstance*'],
        resources: ['*'],
        allowActionWildcard: 'dashboard',
      },
      'statement "Describe": resource "*" grants ec2:DescribeInstanceAttribute on every resource in the account; name the ARNs (and move ec2:DescribeInstanceConnectEndpoints, ',
      '*',
    ],
    [
      'Resource "*" on actions that accept ARNs',
      { sid: 'ReadAll', actions: ['s3:GetObject'], resources: ['*'] },
      'statement "ReadAll": resource "*" grants s3:GetObject on every resource in the account; name the ARNs',
      '*',
    ],
    [
      'Resource "*" on a mix, saying which actions to move',
      { sid: 'Mixed', actions: ['s3:GetObject', 'sts:GetCallerIdentity'], resources: ['*'] },
      'statement "Mixed": resource "*" grants s3:GetObject on every resource in the account; name the ARNs (and move sts:GetCallerIdentity, which only accepts "*", to a statement of their own)',
      '*',
    ],
    [
      'a scoped ARN on an action that only accepts "*", which grants nothing',
      {
        sid: 'Whoami',
        actions: ['sts:GetCallerIdentity'],
        resources: ['arn:aws:iam::123456789012:role/app'],
      },
      'statement "Whoami": sts:GetCallerIdentity only accepts resource "*"; with "arn:aws:iam::123456789012:role/app" the grant does nothing. Put it in a statement with resources: [\'*\']',
      'arn:aws:iam::123456789012:role/app',
    ],
    [
      'a condition key none of the actions support',
      {
        sid: 'Decrypt',
        actions: ['kms:Decrypt'],
        resources: [key],
        conditions: { StringLike: { 's3:prefix': 'uploads/*' } },
      },
      'statement "Decrypt": condition key "s3:prefix" is not supported by kms:Decrypt; AWS silently ignores unsupported keys, so this condition cannot fence the grant',
      's3:prefix',
    ],
    [
      'a misspelled global condition key',
      {
        sid: 'Decrypt',
        actions: ['kms:Decrypt'],
        resources: [key],
        conditions: { StringEquals: { 'aws:SourceAcount': '123456789012' } },
      },
      'statement "Decrypt": condition key "aws:SourceAcount" is not a known global condition key; AWS would ignore it, leaving the grant open',
      'aws:SourceAcount',
    ],
    [
      'an unknown condition operator',
      {
        sid: 'Decrypt',
        actions: ['kms:Decrypt'],
        resources: [key],
        conditions: { StringEqual: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
      },
      'statement "Decrypt": unknown condition operator "StringEqual"',
      'StringEqual',
    ],
  ])('refuses %s', (_name, input, message, value) => {
    const error = rejection(input);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.sid).toBe(input.sid);
    expect(error.value).toBe(value);
  });

  it('refuses a Sid IAM would reject', () => {
    expect(() =>
      statement({ sid: 'read-uploads', actions: ['s3:GetObject'], resources: [bucketObjects] }),
    ).toThrow(
      'statement sid must be letters and digits only (IAM rejects anything else), got "read-uploads"',
    );
  });

  it('refuses a typo in a Deny too: a Deny that names no action never fires', () => {
    expect(
      rejection({ sid: 'Guard', effect: 'Deny', actions: ['s3:DeleteObjekt'], resources: ['*'] }).message,
    ).toContain('did you mean "s3:DeleteObject"?');
  });
});

describe('policyDocument(): stable JSON', () => {
  const doc = policyDocument([
    statement({
      sid: 'ReadUploads',
      actions: ['s3:GetObjectVersion', 's3:GetObject'],
      resources: [bucketObjects],
      conditions: {
        StringEquals: { 'aws:ResourceAccount': '123456789012' },
        Bool: { 'aws:SecureTransport': true },
      },
    }),
    statement({ sid: 'Whoami', actions: ['sts:GetCallerIdentity'], resources: ['*'] }),
  ]);

  it('renders a 2012-10-17 document with a fixed key order', () => {
    expect(doc.toJSON()).toBe(
      '{"Version":"2012-10-17","Statement":[' +
        '{"Sid":"ReadUploads","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::app-data/uploads/*",' +
        '"Condition":{"Bool":{"aws:SecureTransport":"true"},"StringEquals":{"aws:ResourceAccount":"123456789012"}}},' +
        '{"Sid":"Whoami","Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}',
    );
  });

  it('renders the same string however the input was ordered', () => {
    const reordered = policyDocument([
      statement({
        sid: 'ReadUploads',
        actions: ['s3:getobject', 's3:GetObjectVersion'],
        resources: [bucketObjects],
        conditions: [
          { Bool: { 'aws:SecureTransport': true } },
          { StringEquals: { 'aws:ResourceAccount': '123456789012' } },
        ],
      }),
      statement({ sid: 'Whoami', actions: ['sts:GetCallerIdentity'], resources: ['*'] }),
    ]);
    expect(reordered.toJSON()).toBe(doc.toJSON());
  });

  it('produces a policy our own parser accepts as an identity policy', () => {
    expect(parsePolicy(doc.toJSON(), { kind: 'identity' }).ok).toBe(true);
  });

  it('refuses duplicate Sids and empty documents', () => {
    const s = statement({ sid: 'A', actions: ['s3:GetObject'], resources: [bucketObjects] });
    expect(() => policyDocument([s, s])).toThrow(
      'statement "A" appears twice; Sids must be unique within a policy',
    );
    expect(() => policyDocument([])).toThrow('a policy document needs at least one statement');
  });
});
