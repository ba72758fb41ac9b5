import { describe, expect, it } from 'vitest';
import { extractPolicies } from '../../src/extract/extract-file.js';
import { PULUMI_UNKNOWN, parseUrn } from '../../src/extract/pulumi-preview.js';
import type { PolicySource } from '../../src/extract/types.js';
import { extractFixture, sourceAt } from './fixtures.js';

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

function urn(type: string, name: string): string {
  return `urn:pulumi:dev::shop::${type}::${name}`;
}

function step(
  type: string,
  name: string,
  inputs: object,
  options: { op?: string; dependencies?: Record<string, string[]> } = {},
): object {
  return {
    op: options.op ?? 'create',
    urn: urn(type, name),
    newState: {
      urn: urn(type, name),
      custom: true,
      type,
      inputs,
      ...(options.dependencies ? { propertyDependencies: options.dependencies } : {}),
    },
  };
}

function extract(steps: object[]): PolicySource[] {
  const result = extractPolicies(JSON.stringify({ steps, changeSummary: {} }, null, 2), 'preview.json');
  if (!result.ok) throw new Error(result.error);
  expect(result.kind).toBe('pulumi-preview');
  return result.sources;
}

describe('pulumi preview --json: preview.json', () => {
  const file = 'test/fixtures/iac/pulumi/preview.json';
  const sources = extractFixture('iac/pulumi/preview.json');

  it('finds every policy of the resources the update keeps, skipping deletions', () => {
    expect(sources.map((s) => [s.id.slice(file.length), s.kind, s.principal, s.location?.line])).toEqual([
      ['#aws:iam/role:Role::app.assumeRolePolicy', 'trust', 'aws:iam/role:Role::app', 47],
      ['#aws:iam/role:Role::app.inlinePolicies[0].policy', 'identity', 'aws:iam/role:Role::app', 55],
      ['#aws:iam/rolePolicy:RolePolicy::app-data.policy', 'identity', 'aws:iam/role:Role::app', 78],
      ['#aws:iam/role:Role::ci.assumeRolePolicy', 'trust', 'aws:iam/role:Role::ci', 99],
      // Attached through a RolePolicyAttachment whose policyArn is unknown: found via propertyDependencies.
      [
        '#aws:iam/policy:Policy::deploy.policy@aws:iam/role:Role::ci',
        'identity',
        'aws:iam/role:Role::ci',
        124,
      ],
      [
        '#aws:s3/bucketPolicy:BucketPolicy::assets-policy.policy',
        'resource',
        'aws:s3/bucketV2:BucketV2::assets',
        182,
      ],
      ['#aws:lambda/permission:Permission::allow-s3', 'resource', 'app-handler', 200],
    ]);
  });

  it('parses JSON policy strings', () => {
    expect(sourceAt(sources, 'aws:iam/rolePolicy:RolePolicy::app-data.policy')).toEqual({
      id: `${file}#aws:iam/rolePolicy:RolePolicy::app-data.policy`,
      kind: 'identity',
      address: 'aws:iam/rolePolicy:RolePolicy::app-data',
      property: 'policy',
      principal: 'aws:iam/role:Role::app',
      filePath: 'steps[3].newState.inputs.policy',
      location: { file, line: 78 },
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
            Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
          },
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        ],
      },
    });
  });

  it('lists a policy that is unknown at preview time, saying so', () => {
    const source = sourceAt(sources, 'aws:s3/bucketPolicy:BucketPolicy::assets-policy.policy');
    expect(source.unresolved).toBe('the policy depends on values known only after deployment: policy');
    expect(source.document).toBeUndefined();
  });

  it('writes the Lambda permission as a statement', () => {
    expect(sourceAt(sources, 'aws:lambda/permission:Permission::allow-s3').document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:app-handler',
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        },
      ],
    });
  });
});

describe('pulumi preview --json: shapes and unknowns', () => {
  it('records which nested parts of an object policy were unknown', () => {
    const [source] = extract([
      step('aws:iam/policy:Policy', 'p', {
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: PULUMI_UNKNOWN }],
        },
      }),
    ]);
    expect(source).toMatchObject({
      unresolved: 'the policy depends on values known only after deployment: policy.Statement[0].Resource',
      document: { Statement: [{ Resource: '${unknown}' }] },
    });
  });

  it('treats a required policy input that is missing as unknown', () => {
    const [source] = extract([step('aws:iam/rolePolicy:RolePolicy', 'p', { role: 'r' })]);
    expect(source?.unresolved).toBe('the policy depends on values known only after deployment: policy');
  });

  it('lists an inline policy whose whole entry is unknown', () => {
    const sources = extract([
      step('aws:iam/role:Role', 'r', { assumeRolePolicy: trust, inlinePolicies: [PULUMI_UNKNOWN] }),
    ]);
    expect(sources[1]).toMatchObject({
      property: 'inlinePolicies[0]',
      unresolved: 'the policy depends on values known only after deployment: inlinePolicies[0]',
    });
  });

  it('skips optional policy inputs that are absent (a KMS key with its default policy)', () => {
    expect(extract([step('aws:kms/key:Key', 'k', { description: 'k' })])).toEqual([]);
  });

  it('reads the engine-event shape ({new: {inputs}}) and the bare {inputs} shape', () => {
    const sources = extract([
      {
        op: 'create',
        urn: urn('aws:iam/role:Role', 'a'),
        new: { type: 'aws:iam/role:Role', inputs: { assumeRolePolicy: trust } },
      },
      { op: 'same', urn: urn('aws:iam/role:Role', 'b'), inputs: { assumeRolePolicy: trust } },
    ]);
    expect(sources.map((s) => [s.address, s.filePath])).toEqual([
      ['aws:iam/role:Role::a', 'steps[0].new.inputs.assumeRolePolicy'],
      ['aws:iam/role:Role::b', 'steps[1].inputs.assumeRolePolicy'],
    ]);
  });

  it('counts a replaced resource once and ignores deletions and reads', () => {
    const role = (op: string) => step('aws:iam/role:Role', 'r', { assumeRolePolicy: trust }, { op });
    const sources = extract([
      role('create-replacement'),
      role('replace'),
      role('delete-replaced'),
      step('aws:iam/role:Role', 'gone', { assumeRolePolicy: trust }, { op: 'delete' }),
      step('aws:iam/role:Role', 'external', { assumeRolePolicy: trust }, { op: 'read' }),
    ]);
    expect(sources.map((s) => s.address)).toEqual(['aws:iam/role:Role::r']);
  });

  it('finds a role policy’s role by its name when there is no dependency information', () => {
    const sources = extract([
      step('aws:iam/role:Role', 'app', { name: 'app-1234567', assumeRolePolicy: trust }),
      step('aws:iam/rolePolicy:RolePolicy', 'p', { role: 'app-1234567', policy: trust }),
    ]);
    expect(sources[1]?.principal).toBe('aws:iam/role:Role::app');
  });

  it('keeps an unknown function symbolic without hiding the rest of the Lambda permission', () => {
    const fn = urn('aws:lambda/function:Function', 'handler');
    const sources = extract([
      step('aws:lambda/function:Function', 'handler', { runtime: 'nodejs22.x' }),
      step(
        'aws:lambda/permission:Permission',
        'invoke',
        { action: 'lambda:InvokeFunction', function: PULUMI_UNKNOWN, principal: '*' },
        { dependencies: { function: [fn] } },
      ),
    ]);
    expect(sources).toMatchObject([
      {
        principal: 'aws:lambda/function:Function::handler',
        document: { Statement: [{ Principal: '*', Resource: '${aws:lambda/function:Function::handler}' }] },
      },
    ]);
    expect(sources[0]?.unresolved).toBeUndefined();
  });

  it('marks a Lambda permission whose principal is unknown', () => {
    const [source] = extract([
      step('aws:lambda/permission:Permission', 'invoke', {
        action: 'lambda:InvokeFunction',
        function: 'f',
        principal: PULUMI_UNKNOWN,
      }),
    ]);
    expect(source?.unresolved).toBe('the policy depends on values known only after deployment: principal');
  });

  it('unwraps secret values and reports secrets the preview hides', () => {
    const sources = extract([
      step('aws:iam/policy:Policy', 'wrapped', {
        policy: { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value: trust },
      }),
      step('aws:iam/policy:Policy', 'hidden', { policy: '[secret]' }),
    ]);
    expect(sources[0]?.document).toEqual(JSON.parse(trust));
    expect(sources[1]?.unresolved).toBe('the policy is a secret, so the preview does not show it');
  });
});

describe('parseUrn', () => {
  it.each([
    ['urn:pulumi:dev::shop::aws:iam/role:Role::app', { type: 'aws:iam/role:Role', name: 'app' }],
    [
      'urn:pulumi:dev::shop::acme:app:Service$aws:iam/role:Role::svc-role',
      { type: 'aws:iam/role:Role', name: 'svc-role' },
    ],
    [
      'urn:pulumi:dev::shop::aws:s3/bucketV2:BucketV2::a::b',
      { type: 'aws:s3/bucketV2:BucketV2', name: 'a::b' },
    ],
    ['not-a-urn', undefined],
  ])('%s', (text, expected) => {
    expect(parseUrn(text)).toEqual(expected);
  });
});

describe('pulumi preview: permissions boundaries', () => {
  const ROLE_TYPE = 'aws:iam/role:Role';
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const boundaryDoc = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }],
  };

  it("a Policy of the stack named by permissionsBoundary is the role's boundary", () => {
    const sources = extract([
      step('aws:iam/policy:Policy', 'boundary', { policy: JSON.stringify(boundaryDoc) }),
      step(
        ROLE_TYPE,
        'app',
        { assumeRolePolicy: trust, permissionsBoundary: PULUMI_UNKNOWN },
        { dependencies: { permissionsBoundary: [urn('aws:iam/policy:Policy', 'boundary')] } },
      ),
    ]);
    const boundary = sources.find((s) => s.kind === 'boundary');
    expect(boundary).toMatchObject({
      address: 'aws:iam/policy:Policy::boundary',
      principal: 'aws:iam/role:Role::app',
      document: boundaryDoc,
    });
    expect(boundary?.unresolved).toBeUndefined();
  });

  it('an AWS managed boundary resolves; one from outside the stack is reported', () => {
    const sources = extract([
      step(ROLE_TYPE, 'managed', {
        assumeRolePolicy: trust,
        permissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      }),
      step(ROLE_TYPE, 'foreign', {
        assumeRolePolicy: trust,
        permissionsBoundary: 'arn:aws:iam::111122223333:policy/OrgBoundary',
      }),
    ]);
    const boundaries = sources.filter((s) => s.kind === 'boundary');
    expect(
      boundaries.map((s) => [
        s.principal,
        s.managedPolicyArn ?? null,
        s.document !== undefined,
        s.unresolved ?? null,
      ]),
    ).toEqual([
      ['aws:iam/role:Role::managed', 'arn:aws:iam::aws:policy/ReadOnlyAccess', true, null],
      [
        'aws:iam/role:Role::foreign',
        null,
        false,
        'the permissions boundary arn:aws:iam::111122223333:policy/OrgBoundary is not defined in this stack',
      ],
    ]);
  });
});
