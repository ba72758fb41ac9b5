import { describe, expect, it } from 'vitest';
import { readAssemblyManifest, readTemplate } from '../../../src/synth/cdk/read-cloud-assembly.js';

const roots = ['/repo'];
const fallback = { file: 'infra/bin/app.ts' };

describe('readAssemblyManifest', () => {
  it('lists stacks with their metadata, stages as nested assemblies, and unanswered lookups', () => {
    const manifest = readAssemblyManifest(
      JSON.stringify({
        version: '55.0.0',
        artifacts: {
          'Api.assets': { type: 'cdk:asset-manifest', properties: { file: 'Api.assets.json' } },
          Api: {
            type: 'aws:cloudformation:stack',
            properties: { templateFile: 'Api.template.json' },
            displayName: 'Api',
            additionalMetadataFile: 'Api.metadata.json',
          },
          Old: {
            type: 'aws:cloudformation:stack',
            properties: { templateFile: 'Old.template.json' },
            metadata: { '/Old/Role/Resource': [{ type: 'aws:cdk:logicalId', data: 'Role1ABCD' }] },
          },
          'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } },
        },
        missing: [{ key: 'vpc-provider:account=123:filter.tag:Name=main', provider: 'vpc-provider' }],
      }),
    );
    expect(manifest).toEqual({
      stacks: [
        { name: 'Api', templateFile: 'Api.template.json', metadata: {}, metadataFile: 'Api.metadata.json' },
        {
          name: 'Old',
          templateFile: 'Old.template.json',
          metadata: { '/Old/Role/Resource': [{ type: 'aws:cdk:logicalId', data: 'Role1ABCD' }] },
        },
      ],
      assemblies: ['assembly-Prod'],
      missing: ['vpc-provider:account=123:filter.tag:Name=main'],
    });
  });

  it('says what is wrong with a manifest it cannot read', () => {
    expect(readAssemblyManifest('{')).toEqual({
      error: 'manifest.json is not JSON: invalid JSON at line 1, column 2: close brace expected',
    });
    expect(readAssemblyManifest('{"version": "55.0.0"}')).toEqual({
      error: 'manifest.json lists no artifacts',
    });
  });
});

describe('readTemplate', () => {
  const template = JSON.stringify({
    Resources: {
      Role1ABCD: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } },
            ],
          },
        },
        Metadata: { 'aws:cdk:path': 'Api/Role/Resource' },
      },
      RoleDefaultPolicy5678: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'RoleDefaultPolicy5678',
          Roles: [{ Ref: 'Role1ABCD' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Queue9', 'Arn'] } },
            ],
          },
        },
        Metadata: { 'aws:cdk:path': 'Api/Role/DefaultPolicy/Resource' },
      },
      Topic: {
        Type: 'AWS::SNS::TopicPolicy',
        Properties: {
          Topics: ['arn:aws:sns:us-east-1:111122223333:shared'],
          PolicyDocument: { Version: '2012-10-17', Statement: [] },
        },
      },
    },
  });
  const creationStack = (...frames: string[]) => [{ type: 'aws:cdk:creationStack', data: frames }];

  it('locates a construct whose own trace stays in libraries at the construct around it', () => {
    const read = readTemplate(
      template,
      'infra/cdk.out/Api.template.json',
      {
        '/Api': creationStack('<anonymous> (/repo/infra/bin/app.ts:6:1)'),
        '/Api/Role/Resource': creationStack(
          '...new Role2 in aws-cdk-lib...',
          'new Api (/repo/infra/lib/api.ts:12:18)',
        ),
        '/Api/Role/DefaultPolicy/Resource': creationStack(
          '...aws-cdk-lib...',
          '(no user code in 10 frames, use --stack-trace-limit to capture more)',
        ),
      },
      roots,
      fallback,
    );
    if ('error' in read) throw new Error(read.error);
    expect(read.sources.map((s) => [s.address, s.principal, s.location])).toEqual([
      ['Api/Role/Resource', 'Api/Role/Resource', { file: 'infra/lib/api.ts', line: 12, column: 18 }],
      [
        'Api/Role/DefaultPolicy/Resource',
        'Api/Role/Resource',
        { file: 'infra/lib/api.ts', line: 12, column: 18 },
      ],
      ['Topic', 'arn:aws:sns:us-east-1:111122223333:shared', fallback],
    ]);
    // The topic policy has no construct path (a resource added with addOverride or an escape hatch).
    expect(read.untraced).toBe(1);
  });

  it('falls back to the entry file when no metadata names the construct', () => {
    const read = readTemplate(template, 'cdk.out/Api.template.json', {}, roots, fallback);
    if ('error' in read) throw new Error(read.error);
    expect(read.sources.map((s) => s.location)).toEqual([fallback, fallback, fallback]);
    expect(read.untraced).toBe(3);
  });

  it('has nothing to find in a stack without resources', () => {
    expect(readTemplate('{"Parameters": {}}', 'cdk.out/Empty.template.json', {}, roots, fallback)).toEqual({
      sources: [],
      untraced: 0,
    });
  });
});
