import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicySource } from '../../../src/extract/types.js';
import { synthesizeCdk } from '../../../src/synth/cdk/synthesize-cdk.js';
import type { SynthResult } from '../../../src/synth/types.js';
import {
  REPO,
  SYNTH_TIMEOUT_MS,
  failed,
  locationOf,
  removeScratchDirs,
  stackAt,
  succeeded,
  synthContext,
  writeProject,
} from './support.js';

const ROOT = path.join(REPO, 'examples');
const APP = 'npx ts-node --prefer-ts-exts bin/app.ts';
const STACK_FILE = 'lib/reports-stack.ts';

function template(stack: string): string {
  return `cdk-app/cdk.out/${stack}.template.json`;
}

describe('synthesizeCdk on examples/cdk-app (two stacks of one app)', () => {
  let result: Extract<SynthResult, { ok: true }>;
  let sources: Map<string, PolicySource>;

  beforeAll(async () => {
    result = succeeded(await synthesizeCdk(stackAt('cdk', 'cdk-app', APP), await synthContext(ROOT)));
    sources = new Map(result.sources.map((source) => [source.id, source]));
  }, SYNTH_TIMEOUT_MS);

  afterAll(removeScratchDirs);

  it('finds each stack’s bucket policy, trust policy, default policy and managed policy; principals stay per stack', () => {
    const rows = (stack: string): unknown[][] => [
      [
        `${template(stack)}#${stack}/Reports/Policy/Resource.PolicyDocument`,
        'resource',
        'ReportsPolicyA13B441D',
        `${stack}/Reports/Resource`,
        `Resources.ReportsPolicyA13B441D.Properties.PolicyDocument`,
      ],
      [
        `${template(stack)}#${stack}/AppRole/Resource.AssumeRolePolicyDocument`,
        'trust',
        'AppRoleDC883459',
        `${stack}/AppRole/Resource`,
        'Resources.AppRoleDC883459.Properties.AssumeRolePolicyDocument',
      ],
      [
        `${template(stack)}#${stack}/AppRole/DefaultPolicy/Resource.PolicyDocument@AppRoleDC883459`,
        'identity',
        'AppRoleDefaultPolicy1872B475',
        `${stack}/AppRole/Resource`,
        'Resources.AppRoleDefaultPolicy1872B475.Properties.PolicyDocument',
      ],
      [
        `${template(stack)}#${stack}/AnnounceReports/Resource.PolicyDocument@AppRoleDC883459`,
        'identity',
        'AnnounceReports420FB195',
        `${stack}/AppRole/Resource`,
        'Resources.AnnounceReports420FB195.Properties.PolicyDocument',
      ],
    ];
    expect(result.sources.map((s) => [s.id, s.kind, s.logicalId, s.principal, s.filePath])).toEqual([
      ...rows('ReportsStaging'),
      ...rows('ReportsProduction'),
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('keeps Fn::GetAtt, Fn::Join and pseudo parameters symbolic', () => {
    const staging = (suffix: string): unknown =>
      sources.get(`${template('ReportsStaging')}#ReportsStaging/${suffix}`)?.document;
    expect(staging('Reports/Policy/Resource.PolicyDocument')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: ['${Reports65402A0A.Arn}', '${Reports65402A0A.Arn}/*'],
        },
        {
          Action: 's3:GetObject',
          Effect: 'Allow',
          Principal: { AWS: 'arn:${AWS::Partition}:iam::111122223333:root' },
          Resource: '${Reports65402A0A.Arn}/published/*',
          Sid: 'ReaderAccountReadsPublished',
        },
      ],
    });
    expect(staging('AppRole/Resource.AssumeRolePolicyDocument')).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ],
    });
    expect(staging('AnnounceReports/Resource.PolicyDocument@AppRoleDC883459')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: '${Published616FB537.Arn}' }],
    });
  });

  it('passes cdk.json’s context to the app: minimizePolicies merges and sorts the grant’s actions', () => {
    const defaultPolicy = sources.get(
      `${template('ReportsProduction')}#ReportsProduction/AppRole/DefaultPolicy/Resource.PolicyDocument@AppRoleDC883459`,
    );
    expect(defaultPolicy?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: [
            's3:Abort*',
            's3:DeleteObject*',
            's3:GetBucket*',
            's3:GetObject*',
            's3:List*',
            's3:PutObject',
            's3:PutObjectLegalHold',
            's3:PutObjectRetention',
            's3:PutObjectTagging',
            's3:PutObjectVersionTagging',
          ],
          Effect: 'Allow',
          Resource: ['${Reports65402A0A.Arn}', '${Reports65402A0A.Arn}/drafts/*'],
        },
      ],
    });
  });

  it('locates each policy at the line of the stack class that creates it, from the creation stacks', async () => {
    const at = (needle: string) => locationOf(path.join(ROOT, 'cdk-app'), STACK_FILE, needle);
    const inRepo = async (needle: string) => {
      const location = await at(needle);
      return { ...location, file: `cdk-app/${location.file}` };
    };
    const expected = [
      await inRepo("new s3.Bucket(this, 'Reports'"),
      await inRepo("new iam.Role(this, 'AppRole'"),
      await inRepo('grantReadWrite(appRole'),
      await inRepo("new iam.ManagedPolicy(this, 'AnnounceReports'"),
    ];
    expect(result.sources.map((s) => s.location)).toEqual([...expected, ...expected]);
  });

  it('leaves the project folder as it was: the cloud assembly goes to the work folder', async () => {
    expect((await readdir(path.join(ROOT, 'cdk-app'))).sort()).toEqual([
      'bin',
      'cdk.json',
      'lib',
      'package.json',
      'tsconfig.json',
    ]);
  });
});

describe('synthesizeCdk on apps that fail', () => {
  afterAll(removeScratchDirs);

  const synthesize = async (app: string, files: Record<string, string>) => {
    const root = await writeProject({ 'app/cdk.json': JSON.stringify({ app }), ...files });
    return synthesizeCdk(stackAt('cdk', 'app', app), await synthContext(root));
  };

  it('reports an app that throws, with its output', async () => {
    const result = failed(
      await synthesize('npx ts-node --prefer-ts-exts bin/app.ts', {
        'app/bin/app.ts': "throw new Error('Cannot find context provider');\n",
      }),
    );
    expect(result.error).toBe('CDK app exited with code 1 (npx ts-node --prefer-ts-exts bin/app.ts)');
    expect(result.output).toContain('Cannot find context provider');
  });

  it('reports an app that exits without writing a cloud assembly', async () => {
    const result = failed(await synthesize('node bin/app.js', { 'app/bin/app.js': '' }));
    expect(result.error).toMatch(/^CDK app wrote nothing into CDK_OUTDIR \(node bin\/app\.js\)/);
  });

  it('reports a command the shell cannot run', async () => {
    const result = failed(await synthesize('python3-that-is-not-installed app.py', {}));
    expect(result.error).toBe('CDK app exited with code 127 (python3-that-is-not-installed app.py)');
    expect(result.output).toContain('not found');
  });
});
