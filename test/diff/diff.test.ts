import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { diff, NOT_COMPARED_WHY } from '../../src/diff/diff.js';
import type { Grant } from '../../src/diff/types.js';
import { atom, entries, grant, type Json } from './helpers.js';

const catalog = loadCatalog();
const FUTURE = 'also actions AWS adds later';
const BUCKET = 'arn:aws:s3:::app-data';
const OBJECTS = 'arn:aws:s3:::app-data/*';

function allow(action: string | string[], resource: string | string[], condition?: Json): Json {
  return {
    Effect: 'Allow',
    Action: action,
    Resource: resource,
    ...(condition ? { Condition: condition } : {}),
  };
}

function deny(action: string | string[], resource: string | string[], condition?: Json): Json {
  return {
    Effect: 'Deny',
    Action: action,
    Resource: resource,
    ...(condition ? { Condition: condition } : {}),
  };
}

/** Concrete grants for every catalog action of `pattern` but `except`, on one resource. */
function expanded(
  pattern: string,
  resource: string,
  except: string[] = [],
  extra: Partial<Grant> = {},
): Grant[] {
  return catalog
    .expand(pattern)
    .filter((name) => !except.includes(name))
    .map((name) => grant(name, resource, extra));
}

interface Case {
  name: string;
  base: Json[];
  head: Json[];
  added: Grant[];
  possiblyAdded?: Grant[];
  removed?: Grant[];
}

const cases: Case[] = [
  {
    name: 'identical policies',
    base: [allow(['s3:GetObject', 's3:PutObject'], OBJECTS)],
    head: [allow(['s3:GetObject', 's3:PutObject'], OBJECTS)],
    added: [],
    removed: [],
  },
  {
    name: 'reordered statements and actions',
    base: [allow(['s3:GetObject', 's3:PutObject'], OBJECTS), allow('s3:ListBucket', BUCKET)],
    head: [allow('s3:ListBucket', BUCKET), allow(['s3:PutObject', 's3:GetObject'], OBJECTS)],
    added: [],
    removed: [],
  },
  {
    name: 'one statement split in two',
    base: [allow(['s3:GetObject', 's3:PutObject'], [OBJECTS, BUCKET])],
    head: [allow('s3:PutObject', [BUCKET, OBJECTS]), allow('s3:GetObject', [OBJECTS, BUCKET])],
    added: [],
    removed: [],
  },
  {
    name: 'a resource widened from a prefix to the bucket',
    base: [allow('s3:GetObject', 'arn:aws:s3:::app-data/uploads/*')],
    head: [allow('s3:GetObject', OBJECTS)],
    added: [grant('s3:GetObject', OBJECTS)],
    removed: [],
  },
  {
    name: 'a resource narrowed to a prefix',
    base: [allow('s3:GetObject', OBJECTS)],
    head: [allow('s3:GetObject', 'arn:aws:s3:::app-data/uploads/*')],
    added: [],
    removed: [grant('s3:GetObject', OBJECTS)],
  },
  {
    name: 'a narrower pattern still inside base is not added, whatever its text',
    base: [allow('s3:GetObject', 'arn:aws:s3:::app-*')],
    head: [allow('s3:GetObject', ['arn:aws:s3:::app-data/uploads/*', 'arn:aws:s3:::app-?'])],
    added: [],
    removed: [grant('s3:GetObject', 'arn:aws:s3:::app-*')],
  },
  {
    name: '`?` widened to `*`',
    base: [allow('s3:GetObject', 'arn:aws:s3:::logs-?/*')],
    head: [allow('s3:GetObject', 'arn:aws:s3:::logs-*/*')],
    added: [grant('s3:GetObject', 'arn:aws:s3:::logs-*/*')],
  },
  {
    name: '`*` narrowed to `?`',
    base: [allow('s3:GetObject', 'arn:aws:s3:::logs-*/*')],
    head: [allow('s3:GetObject', 'arn:aws:s3:::logs-?/*')],
    added: [],
  },
  {
    name: 'action names in another case',
    base: [allow(['S3:GETOBJECT', 's3:get*'], OBJECTS)],
    head: [allow(['s3:getobject', 'S3:GET*'], OBJECTS)],
    added: [],
    removed: [],
  },
  {
    name: 'an action added',
    base: [allow('s3:GetObject', OBJECTS)],
    head: [allow(['s3:GetObject', 's3:DeleteObject'], OBJECTS)],
    added: [grant('s3:DeleteObject', OBJECTS)],
  },
  {
    name: 'an action the catalog does not know is still compared',
    base: [allow('s3:GetObject', OBJECTS)],
    head: [allow(['s3:GetObject', 's3:GetObjectFromTheFuture'], OBJECTS)],
    added: [grant('s3:GetObjectFromTheFuture', OBJECTS)],
  },
  {
    name: 'a new service wildcard grants its future actions too',
    base: [allow('s3:ListBucket', BUCKET)],
    head: [allow('s3:ListBucket', BUCKET), allow('sqs:Get*', '*')],
    added: [...expanded('sqs:Get*', '*'), grant('sqs:Get*', '*', { why: FUTURE })].sort(byAction),
  },
  {
    name: 'a wildcard already contained in a base wildcard (case-insensitively)',
    base: [allow('S3:GET*', OBJECTS)],
    head: [allow('s3:GetObject*', OBJECTS)],
    added: [],
  },
  {
    name: 'a removed Deny: the Allows it blocked are added',
    base: [allow('s3:*', OBJECTS), deny('s3:DeleteObject', OBJECTS)],
    head: [allow('s3:*', OBJECTS)],
    added: [grant('s3:DeleteObject', OBJECTS, { why: 'no longer denied by base Statement[1]' })],
    removed: [],
  },
  {
    name: 'a removed Deny on a resource the Allow only partly shares',
    base: [allow('s3:GetObject', OBJECTS), deny('s3:GetObject', 'arn:aws:s3:::app-data/secret/*')],
    head: [allow('s3:GetObject', OBJECTS)],
    added: [grant('s3:GetObject', OBJECTS, { why: 'no longer denied by base Statement[1]' })],
  },
  {
    name: 'a removed Deny that blocked nothing this principal is allowed',
    base: [allow('s3:GetObject', OBJECTS), deny('iam:*', '*')],
    head: [allow('s3:GetObject', OBJECTS)],
    added: [],
    possiblyAdded: [
      grant('iam:*', '*', { why: 'no longer denied by base Statement[1] (another policy may allow it)' }),
    ],
  },
  {
    name: 'a Deny that moved to another statement position still blocks',
    base: [deny('s3:DeleteObject', OBJECTS), allow('s3:*', OBJECTS)],
    head: [allow('s3:*', OBJECTS), deny(['s3:DeleteObject', 's3:PutObject'], OBJECTS)],
    added: [],
    removed: [grant('s3:PutObject', OBJECTS, { why: 'now denied by head Statement[1]' })],
  },
  {
    name: 'a conditional Deny kept as is cancels out',
    base: [allow('s3:*', OBJECTS), deny('s3:*', OBJECTS, { Bool: { 'aws:SecureTransport': 'false' } })],
    head: [deny('s3:*', OBJECTS, { Bool: { 'aws:SecureTransport': ['false'] } }), allow('s3:*', OBJECTS)],
    added: [],
    removed: [],
  },
  {
    name: 'a conditional Deny removed',
    base: [
      allow('s3:GetObject', OBJECTS),
      deny('s3:GetObject', OBJECTS, { Bool: { 'aws:SecureTransport': 'false' } }),
    ],
    head: [allow('s3:GetObject', OBJECTS)],
    added: [grant('s3:GetObject', OBJECTS, { why: 'no longer denied by base Statement[1]' })],
  },
  {
    name: 'a new Deny shows up as the base Allows it blocks',
    base: [allow(['s3:GetObject', 's3:PutObject'], OBJECTS)],
    head: [allow(['s3:GetObject', 's3:PutObject'], OBJECTS), deny('s3:PutObject', '*')],
    added: [],
    removed: [grant('s3:PutObject', OBJECTS, { why: 'now denied by head Statement[1]' })],
  },
  {
    name: 'NotResource against a Resource list',
    base: [allow('s3:GetObject', 'arn:aws:s3:::public/*')],
    head: [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }],
    added: [grant('s3:GetObject', '*', { notResource: ['arn:aws:s3:::secret/*'] })],
    removed: [],
  },
  {
    // The same text as Resource and as NotResource: two lists, never one statement's twin.
    name: 'Resource turned into NotResource',
    base: [allow('s3:GetObject', 'arn:aws:s3:::secret/*')],
    head: [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }],
    added: [grant('s3:GetObject', '*', { notResource: ['arn:aws:s3:::secret/*'] })],
    removed: [grant('s3:GetObject', 'arn:aws:s3:::secret/*')],
  },
  {
    name: 'NotResource that excludes less',
    base: [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        NotResource: ['arn:aws:s3:::secret/*', 'arn:aws:s3:::private/*'],
      },
    ],
    head: [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }],
    added: [grant('s3:GetObject', '*', { notResource: ['arn:aws:s3:::secret/*'] })],
    removed: [],
  },
  {
    name: 'NotResource that excludes more',
    base: [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }],
    head: [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        NotResource: ['arn:aws:s3:::secret/*', 'arn:aws:s3:::private/*'],
      },
    ],
    added: [],
    removed: [grant('s3:GetObject', '*', { notResource: ['arn:aws:s3:::secret/*'] })],
  },
  {
    name: 'a resource outside a base NotResource is covered by it',
    base: [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }],
    head: [allow('s3:GetObject', ['arn:aws:s3:::public/*', 'arn:aws:s3:::secret-ish/*'])],
    added: [],
  },
  {
    name: 'a resource that meets a base NotResource is not covered by it',
    base: [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }],
    head: [allow('s3:GetObject', 'arn:aws:s3:::se*')],
    added: [grant('s3:GetObject', 'arn:aws:s3:::se*')],
  },
  {
    name: 'a removed condition',
    base: [allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/team': 'data' } })],
    head: [allow('s3:GetObject', OBJECTS)],
    added: [grant('s3:GetObject', OBJECTS)],
    removed: [],
  },
  {
    name: 'an added condition narrows',
    base: [allow('s3:GetObject', OBJECTS)],
    head: [allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/team': 'data' } })],
    added: [],
    removed: [grant('s3:GetObject', OBJECTS)],
  },
  {
    name: 'a widened StringLike',
    base: [allow('s3:ListBucket', BUCKET, { StringLike: { 's3:prefix': 'home/alice/*' } })],
    head: [allow('s3:ListBucket', BUCKET, { StringLike: { 's3:prefix': 'home/*' } })],
    added: [grant('s3:ListBucket', BUCKET, { conditions: [atom('StringLike', 's3:prefix', 'home/*')] })],
  },
  {
    name: 'a narrowed StringLike',
    base: [allow('s3:ListBucket', BUCKET, { StringLike: { 's3:prefix': 'home/*' } })],
    head: [allow('s3:ListBucket', BUCKET, { StringLike: { 's3:prefix': ['home/alice/*', 'home/b?b/*'] } })],
    added: [],
  },
  {
    name: 'StringEquals values inside a base StringLike',
    base: [allow('s3:ListBucket', BUCKET, { StringLike: { 's3:prefix': 'home/*' } })],
    head: [allow('s3:ListBucket', BUCKET, { StringEquals: { 's3:prefix': ['home/alice', 'home/bob'] } })],
    added: [],
  },
  {
    name: 'StringEquals with a star is literal, so StringLike with the same text widens',
    base: [allow('s3:ListBucket', BUCKET, { StringEquals: { 's3:prefix': 'home/*' } })],
    head: [allow('s3:ListBucket', BUCKET, { StringLike: { 's3:prefix': 'home/*' } })],
    added: [grant('s3:ListBucket', BUCKET, { conditions: [atom('StringLike', 's3:prefix', 'home/*')] })],
  },
  {
    name: 'a value added to a StringEquals set',
    base: [allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/team': 'data' } })],
    head: [allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/team': ['data', 'ops'] } })],
    added: [
      grant('s3:GetObject', OBJECTS, {
        conditions: [atom('StringEquals', 'aws:PrincipalTag/team', 'data', 'ops')],
      }),
    ],
  },
  {
    name: 'a value removed from a StringEquals set',
    base: [allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/team': ['data', 'ops'] } })],
    head: [allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/team': 'data' } })],
    added: [],
  },
  {
    name: 'IfExists added',
    base: [allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/team': 'data' } })],
    head: [allow('s3:GetObject', OBJECTS, { StringEqualsIfExists: { 'aws:PrincipalTag/team': 'data' } })],
    added: [
      grant('s3:GetObject', OBJECTS, {
        conditions: [atom('StringEqualsIfExists', 'aws:PrincipalTag/team', 'data')],
      }),
    ],
  },
  {
    name: 'IfExists removed',
    base: [allow('s3:GetObject', OBJECTS, { StringEqualsIfExists: { 'aws:PrincipalTag/team': 'data' } })],
    head: [allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/team': 'data' } })],
    added: [],
  },
  {
    name: 'a negated operator excluding fewer values',
    base: [
      allow('s3:GetObject', OBJECTS, { StringNotEquals: { 'aws:PrincipalTag/team': ['guest', 'intern'] } }),
    ],
    head: [allow('s3:GetObject', OBJECTS, { StringNotEquals: { 'aws:PrincipalTag/team': 'guest' } })],
    added: [
      grant('s3:GetObject', OBJECTS, {
        conditions: [atom('StringNotEquals', 'aws:PrincipalTag/team', 'guest')],
      }),
    ],
  },
  {
    name: 'a negated operator excluding more values',
    base: [allow('s3:GetObject', OBJECTS, { StringNotEquals: { 'aws:PrincipalTag/team': 'guest' } })],
    head: [
      allow('s3:GetObject', OBJECTS, { StringNotEquals: { 'aws:PrincipalTag/team': ['guest', 'intern'] } }),
    ],
    added: [],
  },
  {
    name: 'identical condition blocks cancel out, whatever their order',
    base: [
      allow('s3:GetObject', OBJECTS, {
        StringEquals: { 'aws:PrincipalTag/team': ['data', 'ops'], 's3:ExistingObjectTag/class': 'public' },
        IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
        NumericLessThan: { 's3:max-keys': '10' },
      }),
    ],
    head: [
      allow('s3:GetObject', OBJECTS, {
        NumericLessThan: { 's3:max-keys': 10 },
        IpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] },
        StringEquals: { 's3:existingobjecttag/class': 'public', 'aws:PrincipalTag/team': ['ops', 'data'] },
      }),
    ],
    added: [],
    removed: [],
  },
  {
    name: 'a narrower source IP range',
    base: [allow('s3:GetObject', OBJECTS, { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })],
    head: [allow('s3:GetObject', OBJECTS, { IpAddress: { 'aws:SourceIp': '10.1.2.0/24' } })],
    added: [],
  },
  {
    name: 'a numeric bound raised is added access',
    base: [allow('s3:ListBucket', BUCKET, { NumericLessThanEquals: { 's3:max-keys': '10' } })],
    head: [allow('s3:ListBucket', BUCKET, { NumericLessThanEquals: { 's3:max-keys': '100' } })],
    added: [
      grant('s3:ListBucket', BUCKET, { conditions: [atom('NumericLessThanEquals', 's3:max-keys', '100')] }),
    ],
  },
  {
    name: 'a numeric bound lowered is not',
    base: [allow('s3:ListBucket', BUCKET, { NumericLessThanEquals: { 's3:max-keys': '100' } })],
    head: [allow('s3:ListBucket', BUCKET, { NumericLessThan: { 's3:max-keys': '100' } })],
    added: [],
  },
  {
    name: 'a bound the diff cannot read stays possibly added',
    base: [allow('s3:ListBucket', BUCKET, { NumericLessThanEquals: { 's3:max-keys': '10' } })],
    head: [allow('s3:ListBucket', BUCKET, { NumericLessThanEquals: { 's3:max-keys': 'ten' } })],
    added: [],
    possiblyAdded: [
      grant('s3:ListBucket', BUCKET, {
        conditions: [atom('NumericLessThanEquals', 's3:max-keys', 'ten')],
        why: 'conditions cannot be compared with base Statement[0]',
      }),
    ],
  },
  {
    name: 'a policy variable in a resource',
    base: [allow('s3:GetObject', 'arn:aws:s3:::home/alice/*')],
    head: [allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')],
    added: [],
    possiblyAdded: [
      grant('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*', {
        why: 'resource cannot be compared with base Statement[0] (policy variables)',
      }),
    ],
  },
  {
    name: 'the same policy variable on both sides',
    base: [allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')],
    head: [allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')],
    added: [],
    removed: [],
  },
  {
    name: 'a policy variable inside a base wildcard is covered',
    base: [allow('s3:GetObject', 'arn:aws:s3:::home/*')],
    head: [allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')],
    added: [],
  },
  {
    name: 'a policy variable in a condition value',
    base: [allow('s3:ListBucket', BUCKET, { StringLike: { 's3:prefix': 'home/alice/*' } })],
    head: [allow('s3:ListBucket', BUCKET, { StringLike: { 's3:prefix': 'home/${aws:username}/*' } })],
    added: [],
    possiblyAdded: [
      grant('s3:ListBucket', BUCKET, {
        conditions: [atom('StringLike', 's3:prefix', 'home/${aws:username}/*')],
        why: 'conditions cannot be compared with base Statement[0]',
      }),
    ],
  },
];

describe('diff', () => {
  it.each(cases)('$name', ({ base, head, added, possiblyAdded = [], removed }) => {
    const result = diff(entries(base), entries(head));
    expect(result.added).toEqual(added);
    expect(result.possiblyAdded).toEqual(possiblyAdded);
    if (removed) expect(result.removed).toEqual(removed);
    expect(result.verdict).toBe(added.length + possiblyAdded.length > 0 ? 'new-access' : 'no-new-access');
  });

  it('s3:GetObject -> s3:Get*: 62 new actions and the ones AWS adds later', () => {
    const result = diff(entries([allow('s3:GetObject', OBJECTS)]), entries([allow('s3:Get*', OBJECTS)]));
    const concrete = expanded('s3:Get*', OBJECTS, ['s3:GetObject']);
    expect(concrete).toHaveLength(62);
    expect(result.added).toEqual([...concrete, grant('s3:Get*', OBJECTS, { why: FUTURE })].sort(byAction));
    expect(result.removed).toEqual([]);
    expect(result.groups).toEqual([
      {
        certainty: 'added',
        kind: 'identity',
        attachedTo: 'AppRole',
        principal: 'AppRole',
        resource: OBJECTS,
        conditions: [],
        actions: [...concrete.map((g) => g.action), 's3:Get*'].sort(compareText),
        why: [FUTURE],
      },
    ]);
  });

  it('an explicit list never grants future actions, so it takes nothing a wildcard granted but them', () => {
    const result = diff(
      entries([allow('s3:Get*', OBJECTS)]),
      entries([allow([...catalog.expand('s3:Get*')], OBJECTS)]),
    );
    expect(result.added).toEqual([]);
    expect(result.removed).toEqual([grant('s3:Get*', OBJECTS, { why: FUTURE })]);
  });

  it('a narrowed Deny adds what the rest of it blocked, future actions included', () => {
    const result = diff(
      entries([allow('s3:*', OBJECTS), deny('s3:Delete*', OBJECTS)]),
      entries([allow('s3:*', OBJECTS), deny('s3:DeleteObject', OBJECTS)]),
    );
    const why = 'no longer denied by base Statement[1]';
    expect(result.added).toEqual(
      [
        ...expanded('s3:Delete*', OBJECTS, ['s3:DeleteObject'], { why }),
        grant('s3:*', OBJECTS, { why: `${FUTURE}; ${why}` }),
      ].sort(byAction),
    );
    expect(result.removed).toEqual([]);
  });

  it('NotAction: every other action, and the future ones but those it names', () => {
    const result = diff(
      entries([allow(['s3:*', 'iam:*'], '*')]),
      entries([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]),
    );
    const others = catalog.expandNotAction(['iam:*', 's3:*']);
    expect(result.added).toHaveLength(others.length + 1);
    expect(result.added.filter((g) => g.why === FUTURE)).toEqual([
      grant('*', '*', { notAction: ['iam:*'], why: FUTURE }),
    ]);
    expect(result.added.map((g) => g.action).filter((a) => a !== '*')).toEqual([...others].sort(compareText));
    // Base's `iam:*` also granted the IAM actions AWS adds later; NotAction iam:* never does.
    expect(result.removed).toEqual(
      [...expanded('iam:*', '*'), grant('iam:*', '*', { why: FUTURE })].sort(byAction),
    );
  });

  it('NotAction that excludes more removes, and adds nothing', () => {
    const result = diff(
      entries([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]),
      entries([{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }]),
    );
    expect(result.added).toEqual([]);
    expect(result.possiblyAdded).toEqual([]);
    expect(result.removed).toEqual(
      [...expanded('organizations:*', '*'), grant('*', '*', { notAction: ['iam:*'], why: FUTURE })].sort(
        byAction,
      ),
    );
  });

  it('policy variables are literal text without Version 2012-10-17', () => {
    const base = entries([allow('s3:GetObject', 'arn:aws:s3:::home/*')], 'identity', 'AppRole', null);
    const head = entries(
      [allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')],
      'identity',
      'AppRole',
      null,
    );
    expect(diff(base, head).possiblyAdded).toEqual([]);
    expect(diff(base, head).added).toEqual([]);
    // The same text under two versions means two things.
    const substituted = entries([allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')]);
    expect(diff(head, substituted).possiblyAdded).toHaveLength(1);
  });

  it('keeps principals apart: access moved to another role is added for it', () => {
    const base = entries([allow('s3:GetObject', OBJECTS)], 'identity', 'ReaderRole');
    const head = entries([allow('s3:GetObject', OBJECTS)], 'identity', 'WriterRole');
    const result = diff(base, head);
    expect(result.added).toEqual([
      grant('s3:GetObject', OBJECTS, { attachedTo: 'WriterRole', principal: 'WriterRole' }),
    ]);
    expect(result.removed).toEqual([
      grant('s3:GetObject', OBJECTS, { attachedTo: 'ReaderRole', principal: 'ReaderRole' }),
    ]);
  });

  it('names the revision, statement and source in its reasons, and keeps the source', () => {
    const withSource = (statements: Json[], source: string) =>
      entries(statements).map((entry) => ({ ...entry, source }));
    const result = diff(
      withSource(
        [allow('s3:*', OBJECTS), { ...deny('s3:DeleteObject', OBJECTS), Sid: 'KeepData' }],
        'base.json',
      ),
      withSource([allow('s3:*', OBJECTS)], 'head.json'),
    );
    expect(result.added).toEqual([
      grant('s3:DeleteObject', OBJECTS, {
        why: 'no longer denied by base Statement[1] (KeepData) of base.json',
        source: 'head.json',
      }),
    ]);
  });

  it('evaluates all identity policies of a principal together', () => {
    const base = [
      ...entries([allow('s3:GetObject', OBJECTS)]),
      ...entries([deny('s3:GetObject', 'arn:aws:s3:::app-data/secret/*')]),
    ];
    const head = [...entries([allow('s3:GetObject', OBJECTS)])];
    expect(diff(base, head).added).toEqual([
      grant('s3:GetObject', OBJECTS, { why: 'no longer denied by base Statement[0]' }),
    ]);
  });
});

describe('permissions boundaries', () => {
  const identity = [allow(['s3:GetObject', 's3:PutObject'], OBJECTS)];

  it('a removed boundary adds what it capped', () => {
    const base = [...entries(identity), ...entries([allow('s3:GetObject', '*')], 'boundary')];
    const result = diff(base, entries(identity));
    expect(result.added).toEqual([
      grant('s3:PutObject', OBJECTS, { why: 'no longer capped by the permissions boundary' }),
    ]);
  });

  it('a new boundary removes what it caps, and identity grants outside it add nothing', () => {
    const head = [
      ...entries([...identity, allow('s3:DeleteObject', OBJECTS)]),
      ...entries([allow('s3:GetObject', '*')], 'boundary'),
    ];
    const result = diff(entries(identity), head);
    expect(result.added).toEqual([]);
    expect(result.removed).toEqual([
      grant('s3:PutObject', OBJECTS, { why: 'now capped by the permissions boundary' }),
    ]);
  });
});

describe('statements unchanged between revisions', () => {
  it('reports only what a changed statement adds, however much the unchanged ones grant', () => {
    const unchanged = allow(['s3:Get*', 'ec2:Describe*'], '*');
    const base = entries([unchanged, allow(['s3:PutObject', 'sqs:SendMessage'], OBJECTS)]);
    const head = entries([unchanged, allow(['s3:PutObject', 'sqs:SendMessage', 's3:DeleteObject'], OBJECTS)]);
    const result = diff(base, head);
    expect(result.added).toEqual([grant('s3:DeleteObject', OBJECTS)]);
    expect(result.removed).toEqual([]);
  });

  it('still compares a new action with every base statement, not only the one it was added to', () => {
    const base = entries([allow('s3:*', OBJECTS), allow('sqs:SendMessage', OBJECTS)]);
    const head = entries([allow('s3:*', OBJECTS), allow(['sqs:SendMessage', 's3:DeleteObject'], OBJECTS)]);
    expect(diff(base, head).added).toEqual([]);
  });

  it('one list split over statements whose boundaries move adds only what is new', () => {
    // AWS's largest managed policies split one sorted list of actions over a few statements.
    const list = catalog.expand('s3:Get*').slice(0, 12);
    const base = entries([allow(list.slice(0, 6), '*'), allow(list.slice(6), '*')]);
    const head = entries([allow(list.slice(0, 8), '*'), allow([...list.slice(8), 'sqs:SendMessage'], '*')]);
    const result = diff(base, head);
    expect(result.added).toEqual([grant('sqs:SendMessage', '*')]);
    expect(result.removed).toEqual([]);
  });

  it('conditions reordered, keys re-cased and values repeated are the same statement', () => {
    const base = entries([
      allow(['s3:GetObject', 's3:PutObject'], OBJECTS, {
        StringEquals: { 'aws:PrincipalTag/team': ['data', 'ops'], 'aws:RequestedRegion': 'eu-west-1' },
        Bool: { 'aws:SecureTransport': 'true' },
      }),
    ]);
    const head = entries([
      allow(['s3:GetObject', 's3:PutObject'], OBJECTS, {
        Bool: { 'AWS:SecureTransport': 'true' },
        StringEquals: { 'aws:requestedregion': 'eu-west-1', 'aws:PrincipalTag/team': ['ops', 'data', 'ops'] },
      }),
    ]);
    const result = diff(base, head);
    expect(result.verdict).toBe('no-new-access');
    expect(result.removed).toEqual([]);
  });

  it('a value added to a condition of an otherwise equal statement is compared, and reported', () => {
    const tagged = (teams: string[]) =>
      allow('s3:GetObject', OBJECTS, {
        StringEquals: { 'aws:PrincipalTag/team': teams },
        Bool: { 'aws:SecureTransport': 'true' },
      });
    const result = diff(entries([tagged(['data'])]), entries([tagged(['data', 'ops'])]));
    expect(result.verdict).toBe('new-access');
    expect(result.added.map((g) => g.action)).toEqual(['s3:GetObject']);
  });

  it('statements of more than 30 conditions compare as multisets too', () => {
    // The changed value differs in a character the context's hash does not sample: found by comparing.
    const tags = (changed?: number) =>
      Object.fromEntries(
        Array.from({ length: 34 }, (_, i) => [
          `aws:ResourceTag/t${i}`,
          i === changed ? 'vb00000000' : 'va00000000',
        ]),
      );
    const tagged = (block: Record<string, string>) => allow('s3:GetObject', OBJECTS, { StringEquals: block });
    const reordered = Object.fromEntries(Object.entries(tags()).reverse());
    expect(diff(entries([tagged(tags())]), entries([tagged(reordered)])).verdict).toBe('no-new-access');
    const changed = diff(entries([tagged(tags())]), entries([tagged(tags(33))]));
    expect(changed.added.map((g) => g.action)).toEqual(['s3:GetObject']);
  });

  it('long value lists compare as sets too', () => {
    const accounts = Array.from({ length: 200 }, (_, i) => String(100000000000 + i));
    const pinned = (values: string[]) =>
      allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalAccount': values } });
    const same = diff(entries([pinned(accounts)]), entries([pinned([...accounts].reverse())]));
    expect(same.verdict).toBe('no-new-access');
    const widened = diff(entries([pinned(accounts)]), entries([pinned([...accounts, '999999999999'])]));
    expect(widened.added.map((g) => g.action)).toEqual(['s3:GetObject']);
  });

  it('a new resource of an unchanged action list adds that resource only', () => {
    const actions = ['s3:GetObject', 's3:PutObject'];
    const result = diff(entries([allow(actions, BUCKET)]), entries([allow(actions, [BUCKET, OBJECTS])]));
    expect(result.added).toEqual([grant('s3:GetObject', OBJECTS), grant('s3:PutObject', OBJECTS)]);
  });

  it('an unchanged Allow that a removed base Deny had blocked is added', () => {
    const same = allow('s3:*', OBJECTS);
    const base = entries([same, deny('s3:DeleteObject', OBJECTS)]);
    const result = diff(base, entries([same]));
    expect(result.added).toEqual([
      grant('s3:DeleteObject', OBJECTS, { why: 'no longer denied by base Statement[1]' }),
    ]);
  });

  it('an unchanged Allow that a Deny added in head blocks is removed', () => {
    const same = allow('s3:*', OBJECTS);
    const result = diff(entries([same]), entries([same, deny('s3:DeleteObject', OBJECTS)]));
    expect(result.added).toEqual([]);
    expect(result.removed).toEqual([
      grant('s3:DeleteObject', OBJECTS, { why: 'now denied by head Statement[1]' }),
    ]);
  });

  it('a Deny list that grew blocks more and lifts nothing: a changed Allow adds only its new action', () => {
    const base = entries([
      allow(['s3:GetObject', 's3:PutObject'], OBJECTS),
      deny('s3:DeleteObject', OBJECTS),
    ]);
    const head = entries([
      allow(['s3:GetObject', 's3:PutObject', 'sqs:SendMessage'], OBJECTS),
      deny(['s3:DeleteObject', 's3:PutObject'], OBJECTS),
    ]);
    const result = diff(base, head);
    expect(result.added).toEqual([grant('sqs:SendMessage', OBJECTS)]);
    expect(result.removed).toEqual([
      grant('s3:PutObject', OBJECTS, { why: 'now denied by head Statement[1]' }),
    ]);
  });

  it('"deny all but X" that lets one more action through adds it, and only it', () => {
    // The shape of a permissions boundary written as an identity policy (AWS's SageMaker Studio
    // boundaries): Allows, and one Deny of everything outside a list of actions.
    const allows = [allow(['s3:GetObject', 's3:PutObject'], OBJECTS), allow('sqs:SendMessage', '*')];
    const guard = (exceptions: string[]): Json => ({ Effect: 'Deny', NotAction: exceptions, Resource: '*' });
    const base = entries([...allows, guard(['s3:GetObject', 'sqs:SendMessage'])]);
    const head = entries([...allows, guard(['s3:GetObject', 's3:PutObject', 'sqs:SendMessage'])]);
    const result = diff(base, head);
    expect(result.added).toEqual([
      grant('s3:PutObject', OBJECTS, { why: 'no longer denied by base Statement[2]' }),
    ]);
    expect(result.possiblyAdded).toEqual([]);
    expect(diff(head, base).added).toEqual([]);
  });

  it('an Allow changed beside "deny all but X" still reports what X lets through', () => {
    const guard: Json = { Effect: 'Deny', NotAction: ['s3:GetObject', 's3:PutObject'], Resource: '*' };
    const base = entries([allow('s3:GetObject', OBJECTS), guard]);
    const head = entries([allow(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], OBJECTS), guard]);
    // s3:DeleteObject is written in the Allow but outside X: the unchanged Deny still blocks it.
    expect(diff(base, head).added).toEqual([grant('s3:PutObject', OBJECTS)]);
  });

  it('an unchanged Allow partly outside an unchanged boundary is not reported as uncapped', () => {
    // Comparing every statement whole used to list s3:GetObject on `*` as "no longer capped"
    // although neither the Allow nor the boundary changed.
    const boundary = entries([allow('s3:GetObject', OBJECTS)], 'boundary');
    const same = allow('s3:GetObject', '*');
    const base = [...entries([same]), ...boundary];
    const head = [...entries([same, allow('s3:PutObject', OBJECTS)]), ...boundary];
    const result = diff(base, head);
    expect(result.added).toEqual([]);
    expect(result.possiblyAdded).toEqual([]);
    expect(result.verdict).toBe('no-new-access');
  });
});

describe('a time budget', () => {
  const unchanged = allow(['s3:Get*', 'ec2:Describe*'], '*');
  const base = entries([unchanged, allow('s3:GetObject', 'arn:aws:s3:::app-data/uploads/*')]);
  const head = entries([unchanged, allow(['s3:GetObject', 's3:DeleteObject'], 'arn:aws:s3:::app-data/*')]);

  it('once spent, lists what it did not compare as possibly added, never drops it, and says so', () => {
    const result = diff(base, head, loadCatalog(), { timeBudgetMs: 0 });
    expect(result.added).toEqual([]);
    expect(result.possiblyAdded).toEqual([
      grant('s3:DeleteObject', 'arn:aws:s3:::app-data/*', { why: NOT_COMPARED_WHY }),
      grant('s3:GetObject', 'arn:aws:s3:::app-data/*', { why: NOT_COMPARED_WHY }),
    ]);
    expect(result.verdict).toBe('new-access');
    expect(result.incomplete).toMatch(/time budget of 0 ms ran out/);
    // With time to spare: decided, a subset of what was listed (s3:GetObject is covered by s3:Get*).
    const full = diff(base, head, loadCatalog(), { timeBudgetMs: 60_000 });
    expect(full.added.map((g) => [g.action, g.resource])).toEqual([
      ['s3:DeleteObject', 'arn:aws:s3:::app-data/*'],
    ]);
    expect(full.incomplete).toBeUndefined();
  });
});

describe('resource policies', () => {
  const bucketPolicy = (principal: unknown, action = 's3:GetObject', condition?: Json): Json => ({
    Effect: 'Allow',
    Principal: principal,
    Action: action,
    Resource: OBJECTS,
    ...(condition ? { Condition: condition } : {}),
  });
  const resourceGrant = (principal: string, action = 's3:GetObject', extra: Partial<Grant> = {}): Grant =>
    grant(action, OBJECTS, { kind: 'resource', attachedTo: 'AppBucketPolicy', principal, ...extra });
  const policy = (...statements: Json[]) => entries(statements, 'resource', 'AppBucketPolicy');
  const roleA = 'arn:aws:iam::111122223333:role/a';
  const roleB = 'arn:aws:iam::111122223333:role/b';
  const DELEGATED =
    'base Statement[0] names only the account, which leaves the grant to its identity policies (a principal named directly needs none within its own account)';

  it.each([
    {
      name: 'a new principal',
      base: [bucketPolicy({ AWS: roleA })],
      head: [bucketPolicy({ AWS: [roleA, roleB] })],
      added: [resourceGrant(roleB)],
    },
    {
      name: 'the `*` principal',
      base: [bucketPolicy({ AWS: roleA })],
      head: [bucketPolicy('*')],
      added: [resourceGrant('*')],
    },
    {
      // Within its own account a role named directly needs no identity policy; an account principal
      // leaves the grant to the account's identity policies. Which account owns the bucket is unknown.
      name: 'a role of an account base already trusted',
      base: [bucketPolicy({ AWS: '111122223333' })],
      head: [bucketPolicy({ AWS: roleB })],
      added: [],
      possiblyAdded: [resourceGrant(roleB, 's3:GetObject', { why: DELEGATED })],
    },
    {
      name: 'a role and the account inside an account root',
      base: [bucketPolicy({ AWS: 'arn:aws:iam::111122223333:root' })],
      head: [bucketPolicy({ AWS: [roleA, '111122223333'] })],
      added: [],
      possiblyAdded: [resourceGrant(roleA, 's3:GetObject', { why: DELEGATED })],
    },
    {
      name: 'an account root where base named one role',
      base: [bucketPolicy({ AWS: roleA })],
      head: [bucketPolicy({ AWS: 'arn:aws:iam::111122223333:root' })],
      added: [resourceGrant('arn:aws:iam::111122223333:root')],
    },
    {
      name: 'a role of another account',
      base: [bucketPolicy({ AWS: '111122223333' })],
      head: [bucketPolicy({ AWS: 'arn:aws:iam::444455556666:role/a' })],
      added: [resourceGrant('arn:aws:iam::444455556666:role/a')],
    },
    {
      name: 'a service principal is not an AWS account',
      base: [bucketPolicy({ AWS: '111122223333' })],
      head: [bucketPolicy({ Service: 'cloudtrail.amazonaws.com' })],
      added: [resourceGrant('cloudtrail.amazonaws.com')],
    },
    {
      name: 'a removed organization fence on `*`',
      base: [bucketPolicy('*', 's3:GetObject', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } })],
      head: [bucketPolicy('*')],
      added: [resourceGrant('*')],
    },
  ])('$name', ({ base, head, added, possiblyAdded = [] }) => {
    const result = diff(policy(...base), policy(...head));
    expect(result.added).toEqual(added);
    expect(result.possiblyAdded).toEqual(possiblyAdded);
  });

  it('a removed Deny of a bucket policy may unblock Allows that live in identity policies', () => {
    const secureOnly: Json = {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [BUCKET, OBJECTS],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const result = diff(
      policy(bucketPolicy({ AWS: roleA }), secureOnly),
      policy(bucketPolicy({ AWS: roleA })),
    );
    const why = 'no longer denied by base Statement[1]';
    const conditions = [atom('Bool', 'aws:SecureTransport', 'false')];
    expect(result.added).toEqual([resourceGrant(roleA, 's3:GetObject', { why })]);
    expect(result.possiblyAdded).toEqual([
      grant('s3:*', BUCKET, {
        kind: 'resource',
        attachedTo: 'AppBucketPolicy',
        principal: '*',
        conditions,
        why: `${why} (another policy may allow it)`,
      }),
      grant('s3:*', OBJECTS, {
        kind: 'resource',
        attachedTo: 'AppBucketPolicy',
        principal: '*',
        conditions,
        why: `${why} (another policy may allow it)`,
      }),
    ]);
  });
});

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byAction(a: Grant, b: Grant): number {
  return compareText(a.action, b.action);
}
