/**
 * Real Pulumi programs run offline through the synthesizer: the review example at base and at head,
 * a fixture that exercises every resource type and every way a policy goes wrong, and programs that
 * fail. Each run costs seconds, so each program runs once and its result is shared.
 */
import { cp, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managedPolicyDocument, resolveManagedPolicies } from '../../../src/extract/managed-policies.js';
import type { PolicySource } from '../../../src/extract/types.js';
import type { Stack } from '../../../src/stacks/types.js';
import { synthesizePulumi } from '../../../src/synth/pulumi/synthesize.js';
import type { SynthResult } from '../../../src/synth/types.js';
import {
  REPO,
  SYNTH_TIMEOUT_MS,
  failed,
  locationOf,
  removeScratchDirs,
  scratchDir,
  succeeded,
  synthContext,
  writeProject,
} from '../cdk/support.js';

const BASE_ROOT = path.join(REPO, 'examples/review/base');
const FIXTURES_ROOT = path.join(REPO, 'test/synth/pulumi/fixtures');
const APP = 'pulumi-app/index.ts';

const BUCKET_ARN = '${aws:s3/bucket:Bucket::uploads.arn}';
const ROLE = 'aws:iam/role:Role::processor';

function pulumiStack(dir: string, name: string, pulumiStack?: string): Stack {
  return {
    kind: 'pulumi',
    dir,
    projectFile: `${dir}/Pulumi.yaml`,
    name,
    ...(pulumiStack !== undefined ? { pulumiStack } : {}),
  };
}

/** The pull request's revision: the base program with the head's changed files laid over it. */
async function headCheckout(): Promise<string> {
  const root = await scratchDir('iam-gate-head-');
  await cp(path.join(BASE_ROOT, 'pulumi-app'), path.join(root, 'pulumi-app'), { recursive: true });
  await cp(path.join(REPO, 'examples/review/head/pulumi-app'), path.join(root, 'pulumi-app'), {
    recursive: true,
  });
  // A checkout has its dependencies installed; here they are iam-gate's own.
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

/** A one-file program in a scratch folder that can load iam-gate's @pulumi/pulumi and @pulumi/aws. */
async function program(index: string, options: { installed?: boolean } = {}): Promise<string> {
  const root = await writeProject({
    'app/Pulumi.yaml': 'name: broken\nruntime: nodejs\n',
    'app/package.json': '{ "name": "broken", "private": true }\n',
    'app/index.ts': index,
  });
  if (options.installed !== false)
    await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

function byId(sources: PolicySource[]): Map<string, PolicySource> {
  return new Map(sources.map((source) => [source.id.slice(source.id.indexOf('#') + 1), source]));
}

function source(sources: Map<string, PolicySource>, id: string): PolicySource {
  const found = sources.get(id);
  if (!found) throw new Error(`no source ${id}; ids are:\n${[...sources.keys()].join('\n')}`);
  return found;
}

const lambdaTrust = {
  Effect: 'Allow',
  Principal: { Service: 'lambda.amazonaws.com' },
  Action: 'sts:AssumeRole',
};

afterAll(removeScratchDirs);

describe('the review example (examples/review/*/pulumi-app)', () => {
  let base: Extract<SynthResult, { ok: true }>;
  let head: Extract<SynthResult, { ok: true }>;
  let headRoot: string;
  let baseSources: Map<string, PolicySource>;
  let headSources: Map<string, PolicySource>;

  beforeAll(async () => {
    headRoot = await headCheckout();
    const stack = pulumiStack('pulumi-app', 'uploads', 'dev');
    const [baseResult, headResult] = await Promise.all([
      synthesizePulumi(stack, await synthContext(BASE_ROOT)),
      synthesizePulumi(stack, await synthContext(headRoot)),
    ]);
    base = succeeded(baseResult);
    head = succeeded(headResult);
    baseSources = byId(base.sources);
    headSources = byId(head.sources);
  }, SYNTH_TIMEOUT_MS);

  it('finds every policy of the program, named by Pulumi type and resource name, in program order', () => {
    expect(base.sources.map((s) => [s.id, s.kind, s.principal])).toEqual([
      [`pulumi-app/Pulumi.yaml#${ROLE}.assumeRolePolicy`, 'trust', ROLE],
      [
        'pulumi-app/Pulumi.yaml#aws:iam/rolePolicy:RolePolicy::processor-read-uploads.policy',
        'identity',
        ROLE,
      ],
      [`pulumi-app/Pulumi.yaml#aws:iam/policy:Policy::processor-reports.policy@${ROLE}`, 'identity', ROLE],
      [
        'pulumi-app/Pulumi.yaml#aws:lambda/permission:Permission::uploads-invoke-processor',
        'resource',
        'aws:lambda/function:Function::processor',
      ],
      [
        'pulumi-app/Pulumi.yaml#aws:s3/bucketPolicy:BucketPolicy::uploads.policy',
        'resource',
        'aws:s3/bucket:Bucket::uploads',
      ],
      [
        `pulumi-app/Pulumi.yaml#aws:iam/rolePolicyAttachment:RolePolicyAttachment::processor-logs.policyArn@${ROLE}`,
        'identity',
        ROLE,
      ],
    ]);
    expect(base.warnings).toEqual([]);
    expect(base.stack.name).toBe('uploads');
  });

  it('points each policy at the line of the program that creates its resource', async () => {
    const at = (needle: string) => locationOf(BASE_ROOT, APP, needle);
    expect(source(baseSources, `${ROLE}.assumeRolePolicy`).location).toEqual(
      await at("new aws.iam.Role('processor'"),
    );
    expect(
      source(baseSources, 'aws:iam/rolePolicy:RolePolicy::processor-read-uploads.policy').location,
    ).toEqual(await at("new aws.iam.RolePolicy('processor-read-uploads'"));
    expect(source(baseSources, `aws:iam/policy:Policy::processor-reports.policy@${ROLE}`).location).toEqual(
      await at("new aws.iam.Policy('processor-reports'"),
    );
    expect(source(baseSources, 'aws:s3/bucketPolicy:BucketPolicy::uploads.policy').location).toEqual(
      await at("new aws.s3.BucketPolicy('uploads'"),
    );
    // The head file has one line fewer above the role policy: locations follow the revision.
    expect(
      source(headSources, 'aws:iam/rolePolicy:RolePolicy::processor-read-uploads.policy').location,
    ).toEqual(await locationOf(headRoot, APP, "new aws.iam.RolePolicy('processor-read-uploads'"));
  });

  it('keeps resource outputs as symbolic ARNs inside policies built with interpolate and jsonStringify', () => {
    expect(
      source(baseSources, 'aws:iam/rolePolicy:RolePolicy::processor-read-uploads.policy').document,
    ).toEqual({
      Version: '2012-10-17',
      // `uploads` is the stack config's uploadPrefix (Pulumi.dev.yaml).
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/uploads/*` }],
    });
    expect(source(baseSources, `${ROLE}.assumeRolePolicy`).document).toEqual({
      Version: '2012-10-17',
      Statement: [lambdaTrust],
    });
  });

  it('renders getPolicyDocument calls as the AWS provider does', () => {
    expect(source(baseSources, `aws:iam/policy:Policy::processor-reports.policy@${ROLE}`).document).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'WriteReports', Effect: 'Allow', Action: 's3:PutObject', Resource: `${BUCKET_ARN}/reports/*` },
      ],
    });
    expect(source(baseSources, 'aws:s3/bucketPolicy:BucketPolicy::uploads.policy').document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AuditReadsReports',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: `${BUCKET_ARN}/reports/*`,
          // The audit account comes from the stack config.
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Action: 's3:*',
          Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
  });

  it('writes a Lambda permission as the statement of the function policy, the account from getCallerIdentity', () => {
    expect(
      source(baseSources, 'aws:lambda/permission:Permission::uploads-invoke-processor').document,
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: '${aws:lambda/function:Function::processor.name}',
          Condition: {
            ArnLike: { 'aws:SourceArn': BUCKET_ARN },
            StringEquals: { 'aws:SourceAccount': '${AWS::AccountId}' },
          },
        },
      ],
    });
  });

  it('keeps an attached AWS managed policy visible, for its document to be filled in', () => {
    const attachment = source(
      baseSources,
      `aws:iam/rolePolicyAttachment:RolePolicyAttachment::processor-logs.policyArn@${ROLE}`,
    );
    expect(attachment).toMatchObject({
      kind: 'identity',
      property: 'policyArn',
      principal: ROLE,
      managedPolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    });
    // synthesizePulumi leaves the document to resolveManagedPolicies (run by synthesizeStack).
    expect(attachment.document).toBeUndefined();
    expect(attachment.unresolved).toBeUndefined();
  });

  it('sees the pull request widen the role policy to s3:* on the whole bucket', () => {
    expect(
      source(headSources, 'aws:iam/rolePolicy:RolePolicy::processor-read-uploads.policy').document,
    ).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`] }],
    });
  });

  it('sees the pull request let another account assume the role, without an external id', () => {
    expect(source(headSources, `${ROLE}.assumeRolePolicy`).document).toEqual({
      Version: '2012-10-17',
      Statement: [
        lambdaTrust,
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'sts:AssumeRole' },
      ],
    });
    expect([...headSources.keys()]).toEqual([...baseSources.keys()]);
  });
});

describe('every resource type and what makes a policy unreadable (fixtures/edge-app)', () => {
  let result: Extract<SynthResult, { ok: true }>;
  let sources: Map<string, PolicySource>;

  beforeAll(async () => {
    result = succeeded(
      await synthesizePulumi(pulumiStack('edge-app', 'edge', 'ci'), await synthContext(FIXTURES_ROOT)),
    );
    sources = byId(result.sources);
  }, SYNTH_TIMEOUT_MS);

  it('runs an ES module program whose resources live in a component in another file', async () => {
    const queuePolicy = source(sources, 'aws:sqs/queuePolicy:QueuePolicy::jobs.policy');
    expect(queuePolicy.principal).toBe('aws:sqs/queue:Queue::jobs');
    expect(queuePolicy.location).toEqual(
      await locationOf(FIXTURES_ROOT, 'edge-app/lib/queue-worker.ts', 'new aws.sqs.QueuePolicy('),
    );
    expect(queuePolicy.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '${aws:iam/role:Role::jobs-worker.arn}' },
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
          Resource: '${aws:sqs/queue:Queue::jobs.arn}',
        },
      ],
    });
    expect(source(sources, 'aws:iam/role:Role::jobs-worker.assumeRolePolicy').principal).toBe(
      'aws:iam/role:Role::jobs-worker',
    );
  });

  it('reads the project config default, the stack config, and encrypted values as symbols', () => {
    expect(source(sources, 'aws:iam/role:Role::deployer.assumeRolePolicy').document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          // The partition follows aws:region (us-gov-west-1, a project config value).
          Principal: { AWS: 'arn:aws-us-gov:iam::444455556666:root' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': '${config:edge:webhookToken}' } },
        },
      ],
    });
    expect(result.warnings).toContain(
      'config edge:webhookToken is encrypted; the program sees it as ${config:edge:webhookToken}',
    );
  });

  it('gives the results of functions it does not call symbolic values, and says so', () => {
    expect(source(sources, 'aws:iam/role:Role::deployer.inlinePolicies[0].policy').document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '${aws:ec2/getVpc:getVpc.arn}' }],
    });
    expect(result.warnings).toContain(
      'aws:ec2/getVpc:getVpc is not called offline: its results are symbolic, e.g. ${aws:ec2/getVpc:getVpc.id}',
    );
  });

  it('reads resources of no stack and outputs of other stacks as symbols', () => {
    expect(source(sources, 'aws:iam/rolePolicy:RolePolicy::deployer-shared.policy').document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: [
            '${aws:s3/bucket:Bucket::shared.arn}/*',
            '${pulumi:pulumi:StackReference::network.outputs.flowLogsBucketArn}',
          ],
        },
      ],
    });
    expect(result.warnings).toContain(
      'stack reference network: output flowLogsBucketArn is read as ${pulumi:pulumi:StackReference::network.outputs.flowLogsBucketArn}',
    );
  });

  it('warns that the insides of a component built by a provider plugin are not seen', () => {
    expect(result.warnings).toContain(
      'awsx:ecs:FargateService::web is a component its provider plugin builds: ' +
        'what it creates, and any IAM in it, is not seen offline (pulumi preview --json shows it)',
    );
  });

  it('reports a policy whose JSON.stringify dropped a value the program did not have as unresolved', () => {
    const logs = source(sources, 'aws:iam/rolePolicy:RolePolicy::deployer-logs.policy');
    // Passed the role resource itself: sent as its id, found through the dependency.
    expect(logs.principal).toBe('aws:iam/role:Role::deployer');
    expect(logs.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'logs:PutLogEvents',
          Resource: 'arn:aws-us-gov:logs:us-gov-west-1:*:log-group:/deployer/*',
        },
      ],
    });
    expect(logs.unresolved).toBe(
      "the program's JSON.stringify left out values it did not have: Statement[0].NotResource",
    );
  });

  it('reports an Output put into a template string as unresolved', () => {
    expect(source(sources, 'aws:iam/rolePolicy:RolePolicy::deployer-artifacts.policy').unresolved).toBe(
      'Statement[0].Resource is a Pulumi Output put into a string without pulumi.interpolate or apply',
    );
  });

  it('renders getPolicyDocument with NotAction, NotResource, conditions and &{} policy variables', () => {
    const policy = source(sources, 'aws:iam/groupPolicy:GroupPolicy::developers-own-keys.policy');
    expect(policy.principal).toBe('aws:iam/group:Group::developers');
    expect(policy.unresolved).toBeUndefined();
    expect(policy.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['iam:CreateAccessKey', 'iam:DeleteAccessKey'],
          Resource: 'arn:aws-us-gov:iam::*:user/${aws:username}',
        },
        {
          Effect: 'Deny',
          NotAction: 'iam:*',
          NotResource: '${aws:s3/bucket:Bucket::artifacts.arn}/*',
          Condition: {
            StringNotEquals: { 'aws:RequestedRegion': 'us-gov-west-1' },
            Bool: { 'aws:MultiFactorAuthPresent': 'false' },
          },
        },
      ],
    });
  });

  it('attaches a managed policy of the stack to the role and to a user named by a literal name', () => {
    const audit = result.sources.filter((s) => s.address === 'aws:iam/policy:Policy::audit');
    expect(audit.map((s) => s.principal)).toEqual(['aws:iam/role:Role::deployer', 'aws:iam/user:User::ci']);
    // One document, judged once by lint although attached twice.
    expect(new Set(audit.map((s) => s.filePath)).size).toBe(1);
    expect(source(sources, 'aws:iam/userPolicy:UserPolicy::ci-artifacts.policy').principal).toBe(
      'aws:iam/user:User::ci',
    );
  });

  it('keeps AWS managed policies in managedPolicyArns and group attachments visible, by ARN', () => {
    const withoutDocument = result.sources.filter((s) => s.document === undefined);
    expect(
      withoutDocument.map((s) => [s.address, s.property, s.principal, s.managedPolicyArn, s.unresolved]),
    ).toEqual([
      [
        'aws:iam/role:Role::deployer',
        'managedPolicyArns[1]',
        'aws:iam/role:Role::deployer',
        'arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess',
        undefined,
      ],
      [
        'aws:iam/groupPolicyAttachment:GroupPolicyAttachment::developers-power',
        'policyArn',
        'aws:iam/group:Group::developers',
        'arn:aws-us-gov:iam::aws:policy/PowerUserAccess',
        undefined,
      ],
    ]);
    // In any partition, the name finds the policy's current document.
    expect(resolveManagedPolicies(withoutDocument).map((s) => [s.document, s.unresolved])).toEqual([
      [managedPolicyDocument('ReadOnlyAccess'), undefined],
      [managedPolicyDocument('PowerUserAccess'), undefined],
    ]);
    expect(managedPolicyDocument('PowerUserAccess')).toBeDefined();
  });

  it('reads KMS key and SNS topic policies, the topic policy built in an apply', () => {
    expect(source(sources, 'aws:kms/key:Key::data.policy').principal).toBe('aws:kms/key:Key::data');
    expect(source(sources, 'aws:sns/topicPolicy:TopicPolicy::events.policy')).toMatchObject({
      principal: 'aws:sns/topic:Topic::events',
      document: {
        Statement: [{ Action: 'sns:Publish', Resource: '${aws:sns/topic:Topic::events.arn}' }],
      },
    });
  });
});

describe('programs that fail', () => {
  const results: Record<string, Extract<SynthResult, { ok: false }>> = {};

  beforeAll(async () => {
    const cases: Record<string, [root: Promise<string>, timeoutMs?: number]> = {
      throws: [
        program(
          "import * as aws from '@pulumi/aws';\nnew aws.s3.Bucket('b');\nthrow new Error('no bucket for you');\n",
        ),
      ],
      syntax: [program("import * as aws from '@pulumi/aws';\nconst b = new aws.s3.Bucket('b';\n")],
      stalls: [program('export = async () => {\n  await new Promise(() => {});\n};\n')],
      // Still working when the limit comes (a timer it waits for keeps the event loop busy). A
      // timer left behind by a program that has finished is not this: the host exits regardless.
      hangs: [
        program('export = async () => {\n  await new Promise((done) => setTimeout(done, 60_000));\n};\n'),
        2_000,
      ],
      uninstalled: [program("import * as aws from '@pulumi/aws';\n", { installed: false })],
    };
    await Promise.all(
      Object.entries(cases).map(async ([name, [root, timeoutMs]]) => {
        const context = await synthContext(await root, timeoutMs !== undefined ? { timeoutMs } : {});
        results[name] = failed(await synthesizePulumi(pulumiStack('app', 'broken'), context));
      }),
    );
  }, SYNTH_TIMEOUT_MS);

  it('reports a program that throws with its message and stack', () => {
    expect(results.throws?.error).toBe('the pulumi program exited with code 1: Error: no bucket for you');
    expect(results.throws?.output).toMatch(/app\/index\.ts:3:/);
  });

  it('reports a syntax error with its place in the program', () => {
    expect(results.syntax?.error).toBe(
      'the pulumi program exited with code 1: Error: Transform failed with 1 error: app/index.ts:2:31: ERROR: Expected ")" but found ";"',
    );
  });

  it('reports a program that waits for something that never comes', () => {
    expect(results.stalls?.error).toBe(
      'the pulumi program exited with code 1: Error: the program never finished: it waited on something that nothing will complete',
    );
  });

  it('stops a program that keeps running at the time limit', () => {
    expect(results.hangs?.error).toMatch(/^the pulumi program timed out after \d+(\.\d)? s$/);
  });

  it("says so when the program's dependencies are not installed", () => {
    expect(results.uninstalled?.error).toMatch(
      /^the pulumi program exited with code 1: Error: cannot load @pulumi\/pulumi from the program's folder \(Cannot find module '@pulumi\/pulumi'.*\); install its dependencies first$/,
    );
  });
});

describe('projects that cannot run', () => {
  it('names the runtime of a project that is not Node.js, without running anything', async () => {
    const root = await writeProject({
      'py/Pulumi.yaml': 'name: py\nruntime: python\n',
      'py/__main__.py': '',
    });
    const result = failed(await synthesizePulumi(pulumiStack('py', 'py'), await synthContext(root)));
    expect(result.error).toBe(
      'py/Pulumi.yaml: the python runtime cannot run offline; give iam-gate `pulumi preview --json` output instead',
    );
  });

  it('says which stack config file is missing', async () => {
    const root = await writeProject({
      'app/Pulumi.yaml': 'name: app\nruntime: nodejs\n',
      'app/index.ts': '',
    });
    const result = failed(
      await synthesizePulumi(pulumiStack('app', 'app', 'prod'), await synthContext(root)),
    );
    expect(result.error).toBe('cannot read app/Pulumi.prod.yaml');
  });
});

describe('a program that turns a function into Lambda code', () => {
  // The SDK serializes the callback with TypeScript's parser and finds its packages with Arborist,
  // two modules the host hands the SDK only when it first uses them (defer-sdk-modules.ts).
  it('is synthesized, its role and the policy attached to it read', async () => {
    const root = await program(
      [
        "import * as aws from '@pulumi/aws';",
        "const bucket = new aws.s3.Bucket('reports');",
        "const fn = new aws.lambda.CallbackFunction('summarize', {",
        '  callback: async (event: { key: string }) => ({ key: event.key, bucket: bucket.bucket.get() }),',
        "  policies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],",
        '});',
        'export const name = fn.name;',
        '',
      ].join('\n'),
    );
    const result = succeeded(await synthesizePulumi(pulumiStack('app', 'broken'), await synthContext(root)));
    const sources = byId(result.sources);
    expect(source(sources, 'aws:iam/role:Role::summarize.assumeRolePolicy')).toMatchObject({
      kind: 'trust',
      document: { Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }] },
    });
    expect(
      [...sources.values()].find((s) => s.managedPolicyArn?.endsWith('/AmazonS3ReadOnlyAccess'))?.principal,
    ).toBe('aws:iam/role:Role::summarize');
  });
});
