import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import {
  ActionSpecs,
  coversFuture,
  foldingGlobMatches,
  futureActions,
  overlapsFuture,
  patternsNotIn,
  type FutureAction,
} from '../../src/diff/action-coverage.js';
import {
  principalCovers,
  principalSpecCovers,
  principalSpecsOverlap,
} from '../../src/diff/principal-coverage.js';
import { ResourceCoverage, type ResourceSpec } from '../../src/diff/resource-coverage.js';
import { classifyPrincipal } from '../../src/policy/principal.js';
import type { Principal, PrincipalType } from '../../src/policy/types.js';

const specs = ActionSpecs.for(loadCatalog());

/** A future action as the tables write it: a NotAction's exceptions as a list of patterns. */
function asFuture(future: { pattern: string; notAction?: string[] }): FutureAction {
  return future.notAction
    ? { pattern: future.pattern, except: specs.spec('notIn', future.notAction) }
    : { pattern: future.pattern };
}

describe('future actions', () => {
  it.each<[string, 'in' | 'notIn', string[], string[]]>([
    ['an explicit list has none', 'in', ['s3:GetObject', 's3:PutObject'], []],
    [
      'one per wildcard, case-insensitively deduplicated',
      'in',
      ['s3:Get*', 'S3:GET*', 's3:PutObject', 'ec2:Describe?pc*'],
      ['s3:Get*', 'ec2:Describe?pc*'],
    ],
    ['NotAction has one for everything else', 'notIn', ['iam:*'], ['* except iam:*']],
  ])('%s', (_name, mode, patterns, expected) => {
    const futures = futureActions(specs.spec(mode, patterns));
    expect(
      futures.map((f) => (f.except ? `${f.pattern} except ${f.except.patterns.join(',')}` : f.pattern)),
    ).toEqual(expected);
  });

  it.each<[string, 'in' | 'notIn', string[], { pattern: string; notAction?: string[] }, boolean]>([
    ['a containing wildcard', 'in', ['s3:*'], { pattern: 's3:Get*' }, true],
    ['case does not matter', 'in', ['S3:GET*'], { pattern: 's3:GetObject*' }, true],
    [
      'an explicit list never covers a wildcard',
      'in',
      ['s3:GetObject', 's3:GetObjectAcl'],
      { pattern: 's3:GetObject*' },
      false,
    ],
    ['a narrower wildcard', 'in', ['s3:GetObject*'], { pattern: 's3:Get*' }, false],
    ['NotAction covers what it does not name', 'notIn', ['iam:*'], { pattern: 's3:*' }, true],
    ['NotAction does not cover what it names', 'notIn', ['iam:Create*'], { pattern: 'iam:*' }, false],
    ['`*` covers NotAction', 'in', ['*'], { pattern: '*', notAction: ['iam:*'] }, true],
    [
      'NotAction naming less covers NotAction naming more',
      'notIn',
      ['iam:*'],
      { pattern: '*', notAction: ['iam:*', 's3:*'] },
      true,
    ],
    [
      'NotAction naming more does not cover NotAction naming less',
      'notIn',
      ['iam:*', 's3:*'],
      { pattern: '*', notAction: ['iam:*'] },
      false,
    ],
  ])('coversFuture: %s', (_name, mode, patterns, future, expected) => {
    expect(coversFuture(specs.spec(mode, patterns), asFuture(future))).toBe(expected);
  });

  it.each<[string, 'in' | 'notIn', string[], { pattern: string; notAction?: string[] }, boolean]>([
    ['a known explicit name is no future action', 'in', ['s3:DeleteObject'], { pattern: 's3:*' }, false],
    ['an unknown explicit name may be one', 'in', ['s3:DeleteEverything'], { pattern: 's3:*' }, true],
    ['overlapping wildcards', 'in', ['s3:Delete*'], { pattern: 's3:*Object' }, true],
    ['disjoint wildcards', 'in', ['s3:Delete*'], { pattern: 's3:Get*' }, false],
    ['NotAction swallowing the pattern', 'notIn', ['s3:*'], { pattern: 's3:Get*' }, false],
  ])('overlapsFuture: %s', (_name, mode, patterns, future, expected) => {
    expect(overlapsFuture(specs.spec(mode, patterns), asFuture(future), (n) => specs.isKnown(n))).toBe(
      expected,
    );
  });

  it('matches a pattern against catalog names as the catalog expands it, whatever the case', () => {
    const patterns = [
      's3:get*',
      'S3:GET*',
      's3:*object',
      'ec2:Describe?nstances',
      '*:list*',
      's?:*',
      'iam:passrole',
      'IAM:PassRole',
      '*',
    ];
    const all = loadCatalog().allActions();
    for (const pattern of patterns) {
      const expanded = new Set(loadCatalog().expand(pattern));
      const wanted = all.filter((name) => expanded.has(name));
      expect(wanted.length).toBeGreaterThan(0);
      expect(all.filter((name) => foldingGlobMatches(pattern, name))).toEqual(wanted);
      expect(all.filter((name) => foldingGlobMatches(pattern, name.toLowerCase()))).toEqual(wanted);
    }
  });

  it('matches names the catalog does not know as IAM does, folding ASCII only', () => {
    const spec = specs.spec('in', ['s3:Get*', 'newsvc:Do?', 'ſ3:Put*']);
    expect(specs.includes(spec, 's3:GetBrandNewThing')).toBe(true);
    expect(specs.includes(spec, 'NEWSVC:DOX')).toBe(true);
    expect(specs.includes(spec, 'newsvc:DoXY')).toBe(false);
    // `ſ` lower-cases to itself and upper-cases to `S`; IAM compares it as written.
    expect(specs.includes(spec, 's3:PutBrandNewThing')).toBe(false);
    expect(specs.includes(spec, 'ſ3:PutBrandNewThing')).toBe(true);
    expect(specs.includes(specs.spec('notIn', ['newsvc:*']), 'newsvc:Anything')).toBe(false);
  });

  it('leaves out the patterns another list holds, in order or not', () => {
    const base = Array.from({ length: 60 }, (_, i) => `s3:Action${String(i).padStart(2, '0')}`);
    const head = [...base.slice(0, 20), 's3:New1', ...base.slice(20, 50), 's3:New2'];
    expect(patternsNotIn(head, base)).toEqual(['s3:New1', 's3:New2']);
    const shuffled = [...head].reverse();
    expect(patternsNotIn(shuffled, base)).toEqual(['s3:New2', 's3:New1']);
    expect(patternsNotIn(['S3:Action01'], base)).toEqual(['S3:Action01']);
  });

  it('leaves out entries moved within the list, and those they were moved past', () => {
    const base = Array.from({ length: 60 }, (_, i) => `s3:Action${String(i).padStart(2, '0')}`);
    // Action15 moved five places up; Action30 moved down past Action31 to Action39.
    const head = [
      ...base.slice(0, 10),
      's3:Action15',
      ...base.slice(10, 15),
      ...base.slice(16, 30),
      ...base.slice(31, 40),
      's3:Action30',
      's3:New',
      ...base.slice(40),
    ];
    expect(patternsNotIn(head, base)).toEqual(['s3:New']);
  });

  it("lists a statement's names sorted and once each, however its patterns are written and ordered", () => {
    const catalog = loadCatalog();
    const patterns = [
      's3:PutObject',
      'ec2:Describe?pcs',
      's3:GetObject*',
      'S3:GETOBJECT',
      'NoSuch:Thing',
      'nosuch:thing',
    ];
    const expanded = new Set(patterns.flatMap((pattern) => catalog.expand(pattern)));
    const catalogNames = catalog.allActions().filter((name) => expanded.has(name));
    // An explicit name the catalog lacks is listed once, as first written.
    expect(specs.names(specs.spec('in', patterns))).toEqual([...catalogNames, 'NoSuch:Thing'].sort());
    expect(specs.names(specs.spec('in', [...patterns].reverse()))).toEqual(
      [...catalogNames, 'nosuch:thing'].sort(),
    );
    expect(specs.names(specs.spec('notIn', ['iam:*', 's3:*', 'S3:Get*']))).toEqual(
      catalog.expandNotAction(['iam:*', 's3:*']),
    );
  });

  it('matches a pattern holding a character beyond ASCII as the catalog folds it', () => {
    // The Kelvin sign lower-cases to an ASCII `k`: the catalog expands these to kms:Decrypt and
    // s3:GetBucketLocation, whether it sits in the service part or the action part.
    const catalog = loadCatalog();
    expect(catalog.expand('\u212Ams:Decrypt')).toEqual(['kms:Decrypt']);
    expect(catalog.expand('s3:GetBuc\u212AetLocation')).toEqual(['s3:GetBucketLocation']);
    const spec = specs.spec('in', ['\u212Ams:Decrypt', 's3:GetBuc\u212AetLocation', 'ec2:\u0130*']);
    expect(specs.includes(spec, 'kms:Decrypt')).toBe(true);
    expect(specs.includes(spec, 's3:GetBucketLocation')).toBe(true);
    expect(specs.includes(spec, 'kms:Encrypt')).toBe(false);
    // `İ` lower-cases to two characters, `i` and a combining dot, which no catalog name holds.
    expect(specs.includes(spec, 'ec2:ImportImage')).toBe(false);
    const classes = specs.classify(['kms:Decrypt', 'kms:Encrypt', 's3:GetBucketLocation'], [spec]);
    expect(classes.map((c) => [c.names, c.included()])).toEqual([
      [['kms:Decrypt', 's3:GetBucketLocation'], [0]],
      [['kms:Encrypt'], []],
    ]);
  });

  it('classifies actions by the statements that include them', () => {
    const names = specs.names(specs.spec('in', ['s3:GetObject*', 's3:PutObject']));
    const classes = specs.classify(names, [
      specs.spec('in', ['s3:GetObject']),
      specs.spec('notIn', ['s3:Put*']),
    ]);
    expect(classes.map((c) => c.names)).toEqual([
      ['s3:GetObject'],
      names.filter((n) => n.startsWith('s3:GetObject') && n !== 's3:GetObject'),
      ['s3:PutObject'],
    ]);
    expect(classes.map((c) => c.included())).toEqual([[0, 1], [1], []]);
  });

  it('classifies a long list of names by walking the other lists, whatever services they name', () => {
    const names = specs.names(specs.spec('in', ['ec2:*']));
    expect(names.length).toBeGreaterThan(256);
    const classes = specs.classify(names, [
      specs.spec('in', ['s3:*', 'sqs:SendMessage']),
      specs.spec('notIn', ['ec2:Describe*']),
      specs.spec('in', ['ec2:DescribeInstances', 'ec2:RunInstances']),
      // Its expansion starts in a service before ec2 and reaches into it.
      specs.spec('in', ['*:RunInstances', '*:CreateTags']),
    ]);
    expect(loadCatalog().expand('*:CreateTags')[0]).toBe('discovery:CreateTags');
    const describe = names.filter((n) => n.startsWith('ec2:Describe'));
    const rest = names.filter(
      (n) => !n.startsWith('ec2:Describe') && n !== 'ec2:RunInstances' && n !== 'ec2:CreateTags',
    );
    expect(classes.map((c) => [c.names, c.included()])).toEqual([
      [rest, [1]],
      [['ec2:CreateTags'], [1, 3]],
      [describe.filter((n) => n !== 'ec2:DescribeInstances'), []],
      [['ec2:DescribeInstances'], [2]],
      [['ec2:RunInstances'], [1, 2, 3]],
    ]);
  });

  it('finds every pattern of a service, however the list scatters them among others', () => {
    // s3 in two runs apart and in another case, patterns of any service in between: the index
    // chains each service's positions, and the classifier (indexed once it is asked about more
    // than a few names) chains the lists of each service.
    const others = [
      specs.spec('in', ['s3:GetObject', 'sqs:SendMessage', 'S3:PutObject']),
      specs.spec('in', ['sqs:*', 'ec2:RunInstances']),
      specs.spec('in', ['*:SendMessage']),
      specs.spec('notIn', ['s3:*']),
      specs.spec('in', ['ec2:Describe*', 's3:Get*']),
    ];
    const names = [
      'ec2:DescribeInstances',
      'ec2:RunInstances',
      's3:DeleteObject',
      's3:GetObject',
      's3:GetObjectAcl',
      's3:PutObject',
      'sns:Publish',
      'sqs:DeleteQueue',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ];
    const expected: [string[], number[]][] = [
      [['ec2:DescribeInstances'], [3, 4]],
      [
        ['ec2:RunInstances', 'sqs:DeleteQueue', 'sqs:ReceiveMessage'],
        [1, 3],
      ],
      [['s3:DeleteObject'], []],
      [['s3:GetObject'], [0, 4]],
      [['s3:GetObjectAcl'], [4]],
      [['s3:PutObject'], [0]],
      [['sns:Publish'], [3]],
      [['sqs:SendMessage'], [0, 1, 2, 3]],
    ];
    const classify = specs.classifier(others);
    expect(classify(names).map((c) => [c.names, c.included()])).toEqual(expected);
    // Asked a few names at a time, without the classifier's index: the same answers.
    const fewAtATime = [names.slice(0, 5), names.slice(5)].flatMap((part) =>
      specs
        .classifier(others)(part)
        .flatMap((c) => c.names.map((name) => [name, c.included()] as const)),
    );
    expect(new Map(fewAtATime)).toEqual(
      new Map(expected.flatMap(([group, included]) => group.map((name) => [name, included] as const))),
    );
    // A future action is covered through a pattern of its service late in the list, or of any.
    const scattered = specs.spec('in', ['s3:GetObject', 'sqs:SendMessage', 'S3:Put*', 'ec2:*', '*:Send*']);
    expect(coversFuture(scattered, { pattern: 's3:PutObjectNew*' })).toBe(true);
    expect(coversFuture(scattered, { pattern: 'sns:SendBrandNew*' })).toBe(true);
    expect(coversFuture(scattered, { pattern: 's3:Delete*' })).toBe(false);
  });

  it('names which of more than 30 statements include a class (several words of bits)', () => {
    const others = Array.from({ length: 70 }, (_, j) =>
      specs.spec('in', j === 31 || j === 64 ? ['s3:GetObject'] : [`sqs:Action${j}`]),
    );
    const classes = specs.classify(['s3:GetObject', 's3:PutObject'], others);
    expect(classes.map((c) => [c.names, c.included()])).toEqual([
      [['s3:GetObject'], [31, 64]],
      [['s3:PutObject'], []],
    ]);
  });
});

describe('action specs', () => {
  it('one object per list, never one for two lists, even when their hashes collide', () => {
    // Same length and the same characters where the hash samples them: one bucket.
    const lists = Array.from({ length: 20 }, (_, i) => [`${String.fromCharCode(97 + i)}b:GetObject`]);
    const made = lists.map((list) => specs.spec('in', list));
    expect(new Set(made).size).toBe(20);
    made.forEach((spec, i) => expect(spec.patterns).toEqual(lists[i]));
    // The latest lists are found again by content; older ones make a new object of the same list.
    expect(specs.spec('in', [...(lists[19] as string[])])).toBe(made[19]);
    expect(specs.spec('in', [...(lists[0] as string[])]).patterns).toEqual(lists[0]);
    expect(specs.spec('notIn', [...(lists[19] as string[])])).not.toBe(made[19]);
  });
});

describe('resource coverage', () => {
  const resources = new ResourceCoverage();
  const inList = (...patterns: string[]): ResourceSpec => ({ mode: 'in', patterns, version: '2012-10-17' });
  const notIn = (...patterns: string[]): ResourceSpec => ({ mode: 'notIn', patterns, version: '2012-10-17' });

  it.each<[string, ResourceSpec, ResourceSpec, 'yes' | 'no' | 'unknown']>([
    ['a containing glob', inList('arn:aws:s3:::b/*'), inList('arn:aws:s3:::b/x/*'), 'yes'],
    [
      'every inner pattern needs a home',
      inList('arn:aws:s3:::b/*'),
      inList('arn:aws:s3:::b/x', 'arn:aws:s3:::c/x'),
      'no',
    ],
    ['NotResource inside `*`', inList('*'), notIn('arn:aws:s3:::secret/*'), 'yes'],
    ['NotResource not inside a bucket', inList('arn:aws:s3:::*'), notIn('arn:aws:s3:::secret/*'), 'no'],
    [
      'a pattern outside the excluded ones',
      notIn('arn:aws:s3:::secret/*'),
      inList('arn:aws:s3:::public/*'),
      'yes',
    ],
    ['a pattern meeting an excluded one', notIn('arn:aws:s3:::secret/*'), inList('arn:aws:s3:::s*'), 'no'],
    [
      'NotResource excluding less covers more',
      notIn('arn:aws:s3:::secret/*'),
      notIn('arn:aws:s3:::secret/a/*', 'arn:aws:s3:::secret/*'),
      'yes',
    ],
    [
      'NotResource excluding more covers less',
      notIn('arn:aws:s3:::secret/*', 'arn:aws:s3:::x'),
      notIn('arn:aws:s3:::secret/*'),
      'no',
    ],
    [
      'a variable inside a wildcard',
      inList('arn:aws:s3:::home/*'),
      inList('arn:aws:s3:::home/${aws:username}'),
      'yes',
    ],
    [
      'a variable outside a literal',
      inList('arn:aws:s3:::home/alice'),
      inList('arn:aws:s3:::home/${aws:username}'),
      'unknown',
    ],
    [
      'a variable on the covering side',
      inList('arn:aws:s3:::home/${aws:username}/*'),
      inList('arn:aws:s3:::home/alice/x'),
      'unknown',
    ],
    ['`${*}` is a literal star', inList('arn:aws:s3:::b/${*}'), inList('arn:aws:s3:::b/x'), 'no'],
    [
      'the same variable text',
      inList('arn:aws:s3:::home/${aws:username}/*'),
      inList('arn:aws:s3:::home/${aws:username}/*'),
      'yes',
    ],
  ])('%s', (_name, outer, inner, expected) => {
    expect(resources.covers(outer, inner)).toBe(expected);
  });

  it.each<[string, ResourceSpec, ResourceSpec, boolean]>([
    ['disjoint buckets', inList('arn:aws:s3:::a/*'), inList('arn:aws:s3:::b/*'), false],
    ['a prefix and its bucket', inList('arn:aws:s3:::a/*'), inList('arn:aws:s3:::a/x/*'), true],
    ['a pattern wholly excluded', inList('arn:aws:s3:::secret/x'), notIn('arn:aws:s3:::secret/*'), false],
    ['a pattern partly excluded', inList('arn:aws:s3:::*'), notIn('arn:aws:s3:::secret/*'), true],
    ['two NotResources', notIn('a'), notIn('b'), true],
    ['different suffixes', inList('arn:aws:s3:::b/*.txt'), inList('arn:aws:s3:::b/*.csv'), false],
    ['a suffix ending another', inList('arn:aws:s3:::b/*.txt'), inList('arn:aws:s3:::b/*-x.txt'), true],
    ['a wildcard bucket and a key', inList('arn:aws:s3:::*/x'), inList('arn:aws:s3:::b/*'), true],
    ['a name and a pattern of it', inList('arn:aws:s3:::b/a.txt'), inList('arn:aws:s3:::b/*.txt'), true],
    ['two names', inList('arn:aws:s3:::b/a.txt'), inList('arn:aws:s3:::b/a.txt2'), false],
    [
      'prefixes that agree, middles that do not',
      inList('arn:aws:s3:::b/a?c'),
      inList('arn:aws:s3:::b/axd*'),
      false,
    ],
    [
      'a variable, widened',
      inList('arn:aws:s3:::home/${aws:username}/x'),
      inList('arn:aws:s3:::home/alice/*'),
      true,
    ],
  ])('overlaps: %s', (_name, a, b, expected) => {
    expect(resources.overlaps(a, b)).toBe(expected);
    expect(resources.overlaps(b, a)).toBe(expected);
  });
});

describe('principal coverage', () => {
  const p = (type: PrincipalType, value: string): Principal => ({
    type,
    value,
    class: classifyPrincipal(type, value),
    path: '',
  });
  const role = p('AWS', 'arn:aws:iam::111122223333:role/a');

  it.each<[string, Principal, Principal, boolean]>([
    ['`*` covers anyone', p('AWS', '*'), p('Service', 'cloudtrail.amazonaws.com'), true],
    ['an account id covers its roles', p('AWS', '111122223333'), role, true],
    ['an account root covers its roles', p('AWS', 'arn:aws:iam::111122223333:root'), role, true],
    [
      'an account id and its root are the same',
      p('AWS', '111122223333'),
      p('AWS', 'arn:aws:iam::111122223333:root'),
      true,
    ],
    ['another account does not', p('AWS', '444455556666'), role, false],
    ['a role does not cover its account', role, p('AWS', '111122223333'), false],
    ['a role covers itself', role, p('AWS', 'arn:aws:iam::111122223333:role/a'), true],
    [
      'a service is not an AWS principal',
      p('AWS', '111122223333'),
      p('Service', 'lambda.amazonaws.com'),
      false,
    ],
  ])('%s', (_name, outer, inner, expected) => {
    expect(principalCovers(outer, inner)).toBe(expected);
  });

  it('reads NotPrincipal as everyone but a list', () => {
    const account = p('AWS', '111122223333');
    const everyoneButA = { mode: 'notIn' as const, principals: [role] };
    const everyoneButAAndItsAccount = { mode: 'notIn' as const, principals: [role, account] };
    const other = { mode: 'in' as const, principals: [p('AWS', 'arn:aws:iam::111122223333:role/b')] };
    expect(principalSpecCovers(everyoneButA, other)).toBe(true);
    expect(principalSpecCovers(everyoneButA, { mode: 'in', principals: [role] })).toBe(false);
    expect(principalSpecCovers(everyoneButA, { mode: 'in', principals: [account] })).toBe(false);
    expect(principalSpecsOverlap(everyoneButA, other)).toBe(true);
    // AWS also checks a role at its account's level: listing the role alone does not exclude it.
    expect(principalSpecsOverlap(everyoneButA, { mode: 'in', principals: [role] })).toBe(true);
    expect(principalSpecsOverlap(everyoneButAAndItsAccount, { mode: 'in', principals: [role] })).toBe(false);
  });

  it('an account covers its roles for reach, not for what an Allow grants on its own', () => {
    const account = { mode: 'in' as const, principals: [p('AWS', '111122223333')] };
    expect(principalSpecCovers(account, { mode: 'in', principals: [role] })).toBe(true);
    expect(principalSpecCovers(account, { mode: 'in', principals: [role] }, false)).toBe(false);
  });
});
