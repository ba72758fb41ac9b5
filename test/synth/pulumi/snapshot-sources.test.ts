import { describe, expect, it } from 'vitest';
import type { PulumiSnapshot, SnapshotResource } from '../../../src/synth/pulumi/snapshot.js';
import { snapshotSources } from '../../../src/synth/pulumi/snapshot-sources.js';

const ROOT = '/repo';
const STACK = 'urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev';

function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<SnapshotResource> = {},
): SnapshotResource {
  return {
    urn: `urn:pulumi:dev::shop::pulumi:pulumi:Stack$${type}::${name}`,
    type,
    name,
    parent: STACK,
    custom: true,
    inputs,
    dependencies: {},
    ...extra,
  };
}

function urnOf(type: string, name: string): string {
  return `urn:pulumi:dev::shop::pulumi:pulumi:Stack$${type}::${name}`;
}

function snapshot(resources: SnapshotResource[], extra: Partial<PulumiSnapshot> = {}): PulumiSnapshot {
  return {
    version: 1,
    project: 'shop',
    stack: 'dev',
    resources: [
      {
        urn: STACK,
        type: 'pulumi:pulumi:Stack',
        name: 'shop-dev',
        custom: false,
        inputs: {},
        dependencies: {},
      },
      ...resources,
    ],
    lossyJson: [],
    renderedDocuments: [],
    warnings: [],
    ...extra,
  };
}

const read = (policy: object): string => JSON.stringify({ Version: '2012-10-17', Statement: [policy] });
const trust = read({
  Effect: 'Allow',
  Principal: { Service: 'ec2.amazonaws.com' },
  Action: 'sts:AssumeRole',
});
const at = (line: number, file = `${ROOT}/infra/index.ts`) => ({ source: { file, line, column: 1 } });

function extract(resources: SnapshotResource[], extra: Partial<PulumiSnapshot> = {}) {
  return snapshotSources(snapshot(resources, extra), { root: ROOT, projectFile: 'infra/Pulumi.yaml' });
}

describe('a Pulumi snapshot read as policies', () => {
  it('lists policies in the order of the program files, pointing at the program and into the snapshot', () => {
    const { sources } = extract([
      resource(
        'aws:iam/rolePolicy:RolePolicy',
        'app-data',
        {
          role: '${aws:iam/role:Role::app.id}',
          policy: read({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
        },
        { dependencies: { role: [urnOf('aws:iam/role:Role', 'app')] }, ...at(20) },
      ),
      resource('aws:iam/role:Role', 'app', { assumeRolePolicy: trust }, at(3, `${ROOT}/infra/lib/roles.ts`)),
      resource('aws:iam/role:Role', 'elsewhere', { assumeRolePolicy: trust }, at(9, '/opt/shared/roles.ts')),
    ]);
    expect(sources.map((s) => [s.id, s.principal, s.filePath, s.location])).toEqual([
      // Created outside the repository (a file that sorts first): the project file is the best place to point at.
      [
        'infra/Pulumi.yaml#aws:iam/role:Role::elsewhere.assumeRolePolicy',
        'aws:iam/role:Role::elsewhere',
        'resources[3].inputs.assumeRolePolicy',
        { file: 'infra/Pulumi.yaml' },
      ],
      [
        'infra/Pulumi.yaml#aws:iam/rolePolicy:RolePolicy::app-data.policy',
        'aws:iam/role:Role::app',
        'resources[1].inputs.policy',
        { file: 'infra/index.ts', line: 20, column: 1 },
      ],
      [
        'infra/Pulumi.yaml#aws:iam/role:Role::app.assumeRolePolicy',
        'aws:iam/role:Role::app',
        'resources[2].inputs.assumeRolePolicy',
        { file: 'infra/lib/roles.ts', line: 3, column: 1 },
      ],
    ]);
  });

  it('ignores resources that exist already and components', () => {
    const { sources } = extract([
      resource('aws:iam/role:Role', 'existing', { assumeRolePolicy: trust }, { read: true }),
      resource('shop:index:Service', 'api', { assumeRolePolicy: trust }, { custom: false }),
    ]);
    expect(sources).toEqual([]);
  });

  it('marks a policy whose JSON.stringify lost values, however the text was spaced', () => {
    const text = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] }, null, 2);
    const { sources } = extract(
      [resource('aws:iam/policy:Policy', 'p', { policy: JSON.stringify(JSON.parse(text)) })],
      { lossyJson: [{ text, dropped: ['Statement[0].Resource'] }] },
    );
    expect(sources[0]?.unresolved).toBe(
      "the program's JSON.stringify left out values it did not have: Statement[0].Resource",
    );
  });

  it('marks a rendered getPolicyDocument that had problems', () => {
    const json = read({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' });
    const { sources } = extract([resource('aws:iam/policy:Policy', 'p', { policy: json })], {
      renderedDocuments: [
        {
          json,
          problems: ['Statement: sourcePolicyDocuments includes a document that is not a JSON policy'],
        },
      ],
    });
    expect(sources[0]?.unresolved).toBe(
      'getPolicyDocument could not render: Statement: sourcePolicyDocuments includes a document that is not a JSON policy',
    );
  });

  it('marks values that a template string made out of nothing', () => {
    const { sources } = extract([
      resource(
        'aws:iam/policy:Policy',
        'p',
        {
          policy: read({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: ['arn:aws:s3:::undefined/*', 'arn:aws:s3:::[object Object]'],
          }),
        },
        at(1),
      ),
      resource(
        'aws:iam/policy:Policy',
        'fine',
        {
          policy: read({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::undefinedness/*' }),
        },
        at(2),
      ),
    ]);
    expect(sources.map((s) => s.unresolved)).toEqual([
      'Statement[0].Resource[0] contains "undefined": the program put a value it did not have into the text; ' +
        'Statement[0].Resource[1] contains "[object Object]": the program put a value it did not have into the text',
      undefined,
    ]);
  });

  it('keeps policies attached by ARN from outside the program visible, one per principal', () => {
    const role = resource(
      'aws:iam/role:Role',
      'app',
      {
        name: 'app-role',
        assumeRolePolicy: trust,
        managedPolicyArns: ['${aws:iam/policy:Policy::own.arn}', 'arn:aws:iam::123456789012:policy/shared'],
      },
      { dependencies: { managedPolicyArns: [urnOf('aws:iam/policy:Policy', 'own')] }, ...at(1) },
    );
    const user = resource('aws:iam/user:User', 'ci', { name: 'ci-bot' }, at(2));
    const own = resource(
      'aws:iam/policy:Policy',
      'own',
      { policy: read({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }) },
      at(3),
    );
    const attachment = resource(
      'aws:iam/policyAttachment:PolicyAttachment',
      'readers',
      {
        roles: ['app-role'],
        users: ['ci-bot', 'someone-else'],
        policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      },
      at(4),
    );
    const { sources } = extract([attachment, own, user, role], {});
    // Another account's policy stays unknown; the AWS managed one carries its ARN, for
    // resolveManagedPolicies to fill in its document after synthesis.
    expect(
      sources
        .filter((s) => s.document === undefined)
        .map((s) => [s.id, s.principal, s.managedPolicyArn, s.unresolved]),
    ).toEqual([
      [
        'infra/Pulumi.yaml#aws:iam/role:Role::app.managedPolicyArns[1]@aws:iam/role:Role::app',
        'aws:iam/role:Role::app',
        undefined,
        'attaches the policy arn:aws:iam::123456789012:policy/shared, which this stack does not define',
      ],
      [
        'infra/Pulumi.yaml#aws:iam/policyAttachment:PolicyAttachment::readers.policyArn@aws:iam/role:Role::app',
        'aws:iam/role:Role::app',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        undefined,
      ],
      [
        'infra/Pulumi.yaml#aws:iam/policyAttachment:PolicyAttachment::readers.policyArn@aws:iam/user:User::ci',
        'aws:iam/user:User::ci',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        undefined,
      ],
      [
        'infra/Pulumi.yaml#aws:iam/policyAttachment:PolicyAttachment::readers.policyArn@aws:iam/user:User::someone-else',
        'aws:iam/user:User::someone-else',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        undefined,
      ],
    ]);
    // The stack's own policy attaches through the preview mapping, with its document.
    expect(sources.find((s) => s.address === 'aws:iam/policy:Policy::own')?.principal).toBe(
      'aws:iam/role:Role::app',
    );
  });

  it('passes the warnings of the run on', () => {
    expect(extract([], { warnings: ['aws:ec2/getVpc:getVpc is not called offline'] }).warnings).toEqual([
      'aws:ec2/getVpc:getVpc is not called offline',
    ]);
  });
});
