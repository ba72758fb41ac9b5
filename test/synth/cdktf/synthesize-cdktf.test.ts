import { cp, readdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicySource } from '../../../src/extract/types.js';
import { synthesizeCdktf } from '../../../src/synth/cdktf/synthesize-cdktf.js';
import type { SynthResult } from '../../../src/synth/types.js';
import {
  REPO,
  SYNTH_TIMEOUT_MS,
  failed,
  locationOf,
  removeScratchDirs,
  scratchDir,
  stackAt,
  succeeded,
  synthContext,
  writeProject,
} from '../cdk/support.js';

const BASE_ROOT = path.join(REPO, 'examples/review/base');
const FIXTURES_ROOT = path.join(REPO, 'test/synth/cdktf/fixtures');
const STACK_FILE = 'cdktf-app/cdktf.out/stacks/releases/cdk.tf.json';

/** The pull request's revision: the base project with the head's changed files laid over it. */
async function headCheckout(): Promise<string> {
  const root = await scratchDir('iam-gate-head-');
  await cp(BASE_ROOT, root, { recursive: true });
  await cp(path.join(REPO, 'examples/review/head'), root, { recursive: true });
  // A checkout has its dependencies installed; here they are iam-gate's own.
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

function byId(sources: PolicySource[]): Map<string, PolicySource> {
  return new Map(sources.map((source) => [source.id.slice(source.id.indexOf('#') + 1), source]));
}

const trust = (sub: string): unknown => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: {
        Federated:
          'arn:aws:iam::${aws_iam_openid_connect_provider.github.arn.account}:oidc-provider/token.actions.githubusercontent.com',
      },
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': sub },
      },
    },
  ],
});

const publishReleases = (actions: string[]): unknown => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'PublishReleases',
      Effect: 'Allow',
      Action: actions,
      Resource: '${aws_s3_bucket.releases.arn}/releases/*',
    },
  ],
});

const releasesBucketPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Action: 's3:*',
      Resource: ['${aws_s3_bucket.releases.arn}', '${aws_s3_bucket.releases.arn}/*'],
      Principal: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'CdnReadsReleases',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '${aws_s3_bucket.releases.arn}/releases/*',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/E2RELEASES' },
      },
    },
  ],
};

describe('synthesizeCdktf on the review example (examples/review/*/cdktf-app)', () => {
  let base: Extract<SynthResult, { ok: true }>;
  let head: Extract<SynthResult, { ok: true }>;
  let headRoot: string;
  let twoStacks: Extract<SynthResult, { ok: true }>;

  beforeAll(async () => {
    headRoot = await headCheckout();
    const [baseResult, headResult, twoStacksResult] = await Promise.all([
      synthesizeCdktf(stackAt('cdktf', 'cdktf-app', 'npx ts-node main.ts'), await synthContext(BASE_ROOT)),
      synthesizeCdktf(stackAt('cdktf', 'cdktf-app', 'npx ts-node main.ts'), await synthContext(headRoot)),
      synthesizeCdktf(stackAt('cdktf', 'two-stacks', 'node main.mjs'), await synthContext(FIXTURES_ROOT)),
    ]);
    base = succeeded(baseResult);
    head = succeeded(headResult);
    twoStacks = succeeded(twoStacksResult);
  }, SYNTH_TIMEOUT_MS);

  afterAll(removeScratchDirs);

  it('finds the trust policy, the role policy and the bucket policy, named by construct path', () => {
    expect(
      base.sources.map((s) => [s.id, s.kind, s.address, s.logicalId, s.property, s.principal, s.filePath]),
    ).toEqual([
      [
        `${STACK_FILE}#releases/deploy-role.assume_role_policy`,
        'trust',
        'releases/deploy-role',
        'aws_iam_role.deploy-role',
        'assume_role_policy',
        'releases/deploy-role',
        'resource.aws_iam_role["deploy-role"].assume_role_policy',
      ],
      [
        `${STACK_FILE}#releases/publish-releases.policy`,
        'identity',
        'releases/publish-releases',
        'aws_iam_role_policy.publish-releases',
        'policy',
        'releases/deploy-role',
        'resource.aws_iam_role_policy["publish-releases"].policy',
      ],
      [
        `${STACK_FILE}#releases/releases-policy.policy`,
        'resource',
        'releases/releases-policy',
        'aws_s3_bucket_policy.releases-policy',
        'policy',
        'releases/releases',
        'resource.aws_s3_bucket_policy["releases-policy"].policy',
      ],
    ]);
    expect(base.warnings).toEqual([]);
  });

  it('renders the aws_iam_policy_document data sources and keeps Terraform references symbolic', () => {
    const sources = byId(base.sources);
    expect(sources.get('releases/deploy-role.assume_role_policy')?.document).toEqual(
      trust('repo:acme/app:ref:refs/heads/main'),
    );
    expect(sources.get('releases/publish-releases.policy')?.document).toEqual(
      publishReleases(['s3:PutObject', 's3:GetObject']),
    );
    expect(sources.get('releases/releases-policy.policy')?.document).toEqual(releasesBucketPolicy);
    expect(base.sources.every((s) => s.unresolved === undefined)).toBe(true);
  });

  it('locates each policy at the line of main.ts that creates it: the policy document, else the resource', async () => {
    const sources = byId(base.sources);
    expect(sources.get('releases/deploy-role.assume_role_policy')?.location).toEqual(
      await locationOf(BASE_ROOT, 'cdktf-app/main.ts', "new DataAwsIamPolicyDocument(this, 'deploy-trust'"),
    );
    expect(sources.get('releases/publish-releases.policy')?.location).toEqual(
      await locationOf(BASE_ROOT, 'cdktf-app/main.ts', "new IamRolePolicy(this, 'publish-releases'"),
    );
    expect(sources.get('releases/releases-policy.policy')?.location).toEqual(
      await locationOf(
        BASE_ROOT,
        'cdktf-app/main.ts',
        "new DataAwsIamPolicyDocument(this, 'releases-access'",
      ),
    );
  });

  it('reads the pull request: the GitHub subject widened to every acme repository, s3:DeleteObject added', async () => {
    const sources = byId(head.sources);
    expect([...sources.keys()]).toEqual([...byId(base.sources).keys()]);
    expect(sources.get('releases/deploy-role.assume_role_policy')?.document).toEqual(trust('repo:acme/*'));
    expect(sources.get('releases/publish-releases.policy')?.document).toEqual(
      publishReleases(['s3:PutObject', 's3:GetObject', 's3:DeleteObject']),
    );
    expect(sources.get('releases/releases-policy.policy')?.document).toEqual(releasesBucketPolicy);
    expect(sources.get('releases/publish-releases.policy')?.location).toEqual(
      await locationOf(headRoot, 'cdktf-app/main.ts', "new IamRolePolicy(this, 'publish-releases'"),
    );
  });

  it('leaves the project folder as it was: output goes to the work folder', async () => {
    expect((await readdir(path.join(BASE_ROOT, 'cdktf-app'))).sort()).toEqual([
      'cdktf.json',
      'main.ts',
      'package.json',
      'tsconfig.json',
    ]);
  });

  it('keeps two stacks apart: each has its own app-role, and its own policies', async () => {
    const file = (stack: string): string => `two-stacks/cdktf.out/stacks/${stack}/cdk.tf.json`;
    expect(twoStacks.sources.map((s) => [s.id, s.kind, s.principal])).toEqual([
      [`${file('production')}#production/app-role.assume_role_policy`, 'trust', 'production/app-role'],
      [`${file('production')}#production/send-events.policy`, 'identity', 'production/app-role'],
      [`${file('staging')}#staging/app-role.assume_role_policy`, 'trust', 'staging/app-role'],
      [`${file('staging')}#staging/send-events.policy`, 'identity', 'staging/app-role'],
    ]);
    const sendEvents = (actions: string[]): unknown => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: actions, Resource: '${aws_sqs_queue.events.arn}' },
        {
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: 'arn:aws:sqs:us-east-1:111122223333:orders-dead-letters',
        },
      ],
    });
    const sources = byId(twoStacks.sources);
    expect(sources.get('production/send-events.policy')?.document).toEqual(sendEvents(['sqs:SendMessage']));
    expect(sources.get('staging/send-events.policy')?.document).toEqual(
      sendEvents(['sqs:SendMessage', 'sqs:ReceiveMessage']),
    );
  });

  it('runs any other app command through the shell and still records where constructs are created', async () => {
    const role = await locationOf(FIXTURES_ROOT, 'two-stacks/main.mjs', "new IamRole(this, 'app-role'");
    const policy = await locationOf(
      FIXTURES_ROOT,
      'two-stacks/main.mjs',
      "new IamRolePolicy(this, 'send-events'",
    );
    expect(twoStacks.sources.map((s) => s.location)).toEqual([role, policy, role, policy]);
  });
});

describe('synthesizeCdktf on apps that fail', () => {
  afterAll(removeScratchDirs);

  const synthesize = async (main: string, timeoutMs?: number) => {
    const root = await writeProject({
      'app/cdktf.json': '{"app": "npx ts-node main.ts"}',
      'app/main.ts': main,
    });
    const context = await synthContext(root, timeoutMs === undefined ? {} : { timeoutMs });
    return synthesizeCdktf(stackAt('cdktf', 'app', 'npx ts-node main.ts'), context);
  };

  it('reports an app that throws, with its output', async () => {
    const result = failed(await synthesize("throw new Error('no bucket name configured');\n"));
    expect(result.error).toBe('CDKTF app exited with code 1 (npx ts-node main.ts)');
    expect(result.output).toContain('no bucket name configured');
  });

  it('reports an app that does not compile', async () => {
    const result = failed(await synthesize('const role = new ;\n'));
    expect(result.error).toBe('CDKTF app exited with code 1 (npx ts-node main.ts)');
    expect(result.output).toMatch(/main\.ts:1:\d+: ERROR/);
  });

  it('stops an app that does not finish in time', async () => {
    const result = failed(await synthesize('setInterval(() => undefined, 1000);\n', 1500));
    expect(result.error).toBe('CDKTF app timed out after 1.5 s (npx ts-node main.ts)');
  });

  it('reports an app that exits without writing a stack', async () => {
    const result = failed(await synthesize("console.log('forgot app.synth()');\n"));
    expect(result.error).toMatch(/^CDKTF app wrote nothing into CDKTF_OUTDIR/);
    expect(result.output).toBe('forgot app.synth()');
  });

  it('reports a project without an app command', async () => {
    const root = await writeProject({ 'app/cdktf.json': '{}' });
    const result = failed(
      await synthesizeCdktf(stackAt('cdktf', 'app', undefined), await synthContext(root)),
    );
    expect(result.error).toBe('app/cdktf.json has no "app" command');
  });

  it('gives the app only the environment it is allowed, not the reviewer’s', async () => {
    process.env.IAM_GATE_TEST_TOKEN = 'secret';
    try {
      const result = failed(
        await synthesize(
          'console.error(JSON.stringify(Object.keys(process.env).sort()));\nprocess.exit(3);\n',
        ),
      );
      expect(JSON.parse(result.output)).toEqual(['CDKTF_OUTDIR', 'HOME', 'PATH', 'SYNTH_HCL_OUTPUT']);
    } finally {
      delete process.env.IAM_GATE_TEST_TOKEN;
    }
  });
});

describe('synthesizeCdktf on an ES module TypeScript app', () => {
  afterAll(removeScratchDirs);

  // `"type": "module"` and top-level await: only tsx's full loader runs this, not its require hook.
  it('runs it with the ES module loader and reads its stack', async () => {
    const root = await writeProject({
      'app/package.json': '{ "type": "module" }\n',
      'app/cdktf.json': '{"app": "npx tsx main.ts"}',
      'app/main.ts': [
        "import { mkdirSync, writeFileSync } from 'node:fs';",
        "import { join } from 'node:path';",
        "const actions: string[] = await Promise.resolve(['sqs:SendMessage']);",
        "const out: string = join(process.env.CDKTF_OUTDIR ?? '', 'stacks', 'jobs');",
        'mkdirSync(out, { recursive: true });',
        "writeFileSync(join(process.env.CDKTF_OUTDIR ?? '', 'manifest.json'), JSON.stringify({",
        "  version: '0.21.0',",
        "  stacks: { jobs: { name: 'jobs', synthesizedStackPath: 'stacks/jobs/cdk.tf.json' } },",
        '}));',
        "writeFileSync(join(out, 'cdk.tf.json'), JSON.stringify({ resource: { aws_iam_role_policy: { worker: {",
        "  role: 'worker',",
        "  policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }),",
        '} } } }));',
        '',
      ].join('\n'),
    });
    const result = succeeded(
      await synthesizeCdktf(stackAt('cdktf', 'app', 'npx tsx main.ts'), await synthContext(root)),
    );
    expect(result.sources.map((s) => [s.address, s.document])).toEqual([
      [
        'aws_iam_role_policy.worker',
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: '*' }],
        },
      ],
    ]);
  });
});
