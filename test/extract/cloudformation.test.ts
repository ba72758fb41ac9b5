import { describe, expect, it } from 'vitest';
import { extractPolicies } from '../../src/extract/extract-file.js';
import { managedPolicyDocument } from '../../src/extract/managed-policies.js';
import type { PolicySource } from '../../src/extract/types.js';
import { extractFixture, sourceAt } from './fixtures.js';

function template(resources: object): string {
  return JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }, null, 2);
}

function extract(text: string, name = 'template.json'): PolicySource[] {
  const result = extractPolicies(text, name);
  if (!result.ok) throw new Error(result.error);
  expect(result.kind).toBe('cloudformation');
  return result.sources;
}

describe('CloudFormation JSON: app.json', () => {
  const file = 'test/fixtures/iac/cloudformation/app.json';
  const sources = extractFixture('iac/cloudformation/app.json');

  it('finds every policy, in template order', () => {
    expect(sources.map((s) => [s.id.slice(file.length), s.kind, s.principal])).toEqual([
      ['#AppRole.AssumeRolePolicyDocument', 'trust', 'AppRole'],
      // The AWS managed AWSLambdaBasicExecutionRole listed in the role's ManagedPolicyArns.
      ['#AppRole.ManagedPolicyArns[0]', 'identity', 'AppRole'],
      ['#AppRole.Policies[0].PolicyDocument', 'identity', 'AppRole'],
      ['#AppRole.Policies[1].PolicyDocument', 'identity', 'AppRole'],
      ['#OpsRole.AssumeRolePolicyDocument', 'trust', 'OpsRole'],
      // One copy per attached role; "orders-app" is AppRole's RoleName.
      ['#DeployPolicy.PolicyDocument@OpsRole', 'identity', 'OpsRole'],
      ['#DeployPolicy.PolicyDocument@AppRole', 'identity', 'AppRole'],
      ['#AuditPolicy.PolicyDocument@AppRole', 'identity', 'AppRole'],
      ['#OrderQueuePolicy.PolicyDocument', 'resource', 'OrderQueue'],
      ['#DataBucketPolicy.PolicyDocument', 'resource', 'DataBucket'],
      ['#OrdersKey.KeyPolicy', 'resource', 'OrdersKey'],
      ['#InvokeFromS3', 'resource', 'Handler'],
    ]);
  });

  it('lints an AWS managed policy named by Fn::Sub in ManagedPolicyArns with its current document', () => {
    expect(sourceAt(sources, 'AppRole.ManagedPolicyArns[0]')).toEqual({
      id: `${file}#AppRole.ManagedPolicyArns[0]`,
      kind: 'identity',
      address: 'AppRole',
      property: 'ManagedPolicyArns[0]',
      principal: 'AppRole',
      managedPolicyArn: 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      filePath: 'Resources.AppRole.Properties.ManagedPolicyArns[0]',
      location: { file, line: 30 },
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: '*',
          },
        ],
      },
    });
  });

  it('keeps GetAtt and Join symbolic in an inline policy, with its path and line', () => {
    expect(sourceAt(sources, 'AppRole.Policies[0].PolicyDocument')).toEqual({
      id: `${file}#AppRole.Policies[0].PolicyDocument`,
      kind: 'identity',
      address: 'AppRole',
      property: 'Policies[0].PolicyDocument',
      principal: 'AppRole',
      filePath: 'Resources.AppRole.Properties.Policies[0].PolicyDocument',
      location: { file, line: 35 },
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: ['${DataBucket.Arn}', '${DataBucket.Arn}/*'],
          },
          {
            Effect: 'Allow',
            Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
            Resource: '${OrderQueue.Arn}',
          },
        ],
      },
    });
  });

  it('reports the trust policy at the line of AssumeRolePolicyDocument', () => {
    expect(sourceAt(sources, 'OpsRole.AssumeRolePolicyDocument')).toMatchObject({
      kind: 'trust',
      filePath: 'Resources.OpsRole.Properties.AssumeRolePolicyDocument',
      location: { file, line: 67 },
      document: { Statement: [{ Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] },
    });
  });

  it('writes Fn::Sub with pseudo parameters as ${AWS::...} text', () => {
    expect(sourceAt(sources, 'DeployPolicy.PolicyDocument@OpsRole').document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*',
        },
      ],
    });
    expect(sourceAt(sources, 'DataBucketPolicy.PolicyDocument').document).toMatchObject({
      Statement: [{ Principal: '*', Resource: '${DataBucket.Arn}/*' }],
    });
  });

  it('marks a policy chosen by Fn::If as unresolved and keeps the first branch', () => {
    expect(sourceAt(sources, 'AuditPolicy.PolicyDocument@AppRole')).toMatchObject({
      unresolved: 'Fn::If on condition IsProd chooses between two policies at deploy time',
      document: { Statement: [{ Action: 'cloudtrail:LookupEvents' }] },
      location: { file, line: 93 },
    });
  });

  it('marks a policy using another stack’s export as unresolved, saying where', () => {
    expect(sourceAt(sources, 'OrderQueuePolicy.PolicyDocument').unresolved).toBe(
      `Statement[0].Condition.ArnEquals["aws:SourceArn"]: Fn::ImportValue "shared-orders-topic-arn" is another stack's output, known only at deploy time`,
    );
  });

  it('writes an AWS::Lambda::Permission as the function policy statement it creates', () => {
    expect(sourceAt(sources, 'InvokeFromS3')).toEqual({
      id: `${file}#InvokeFromS3`,
      kind: 'resource',
      address: 'InvokeFromS3',
      principal: 'Handler',
      filePath: 'Resources.InvokeFromS3.Properties',
      location: { file, line: 175 },
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: '${Handler.Arn}',
            Condition: { StringEquals: { 'aws:SourceAccount': '${AWS::AccountId}' } },
          },
        ],
      },
    });
  });

  it('gives every source a unique id', () => {
    expect(new Set(sources.map((s) => s.id)).size).toBe(sources.length);
  });
});

describe('CloudFormation YAML with short tags: app.yaml', () => {
  const file = 'test/fixtures/iac/cloudformation/app.yaml';
  const sources = extractFixture('iac/cloudformation/app.yaml');

  it('finds every policy with the line of its property', () => {
    expect(sources.map((s) => [s.id.slice(file.length), s.kind, s.principal, s.location?.line])).toEqual([
      ['#ProcessorRole.AssumeRolePolicyDocument', 'trust', 'ProcessorRole', 33],
      ['#ProcessorRole.Policies[0].PolicyDocument', 'identity', 'ProcessorRole', 42],
      ['#UploaderGroup.Policies[0].PolicyDocument', 'identity', 'UploaderGroup', 65],
      ['#AdminUser.Policies[0].PolicyDocument', 'identity', 'AdminUser', 79],
      ['#AuditRole.AssumeRolePolicyDocument', 'trust', 'AuditRole', 89],
      ['#NetworkPolicy.PolicyDocument', 'identity', 'ProcessorRole', 104],
      ['#UploadsTopicPolicy.PolicyDocument', 'resource', 'UploadsTopic', 118],
      ['#SharedKmsAccess.PolicyDocument@UploaderGroup', 'identity', 'UploaderGroup', 141],
    ]);
  });

  it('parses !Sub, !Ref, !GetAtt and !Join into symbolic strings', () => {
    const processor = sourceAt(sources, 'ProcessorRole.Policies[0].PolicyDocument');
    expect(processor.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: '${UploadBucket.Arn}/incoming/*',
        },
        { Effect: 'Allow', Action: 'sns:Publish', Resource: '${UploadsTopic}' },
        // !If [IsProd, statement, !Ref AWS::NoValue]: listed, and the source says it may be absent.
        { Effect: 'Allow', Action: 's3:DeleteObject', Resource: '${UploadBucket.Arn}/processed/*' },
      ],
    });
    expect(processor.unresolved).toBe(
      'Statement[2]: Fn::If on condition IsProd decides whether this is present at deploy time',
    );
    expect(sourceAt(sources, 'UploadsTopicPolicy.PolicyDocument').document).toMatchObject({
      Statement: [
        { Principal: { AWS: '*' }, Resource: '${UploadsTopic}' },
        { Condition: { ArnLike: { 'aws:SourceArn': '${UploadBucket.Arn}' } } },
      ],
    });
  });

  it('substitutes a !Sub variable map and turns ${!aws:username} into the policy variable', () => {
    expect(sourceAt(sources, 'UploaderGroup.Policies[0].PolicyDocument')).toMatchObject({
      document: {
        Statement: [{ Resource: 'arn:${AWS::Partition}:s3:::${UploadBucket}/home/${aws:username}/*' }],
      },
    });
    expect(sourceAt(sources, 'UploaderGroup.Policies[0].PolicyDocument').unresolved).toBeUndefined();
  });

  it.each([
    [
      'AuditRole.AssumeRolePolicyDocument',
      'Statement[0].Principal.AWS: Fn::FindInMap StageConfig.${Stage}.AuditAccount depends on values known only at deploy time',
    ],
    [
      'NetworkPolicy.PolicyDocument',
      'Statement[0].Resource: Fn::Select picks from a list known only at deploy time',
    ],
    [
      'SharedKmsAccess.PolicyDocument@UploaderGroup',
      `Statement[0].Resource: Fn::ImportValue "shared-kms-key-arn" is another stack's output, known only at deploy time`,
    ],
  ])('%s is unresolved: %s', (suffix, reason) => {
    expect(sourceAt(sources, suffix).unresolved).toBe(reason);
  });

  it('finds the role of an AWS::IAM::RolePolicy through !Ref', () => {
    expect(sourceAt(sources, 'NetworkPolicy.PolicyDocument')).toMatchObject({
      principal: 'ProcessorRole',
      filePath: 'Resources.NetworkPolicy.Properties.PolicyDocument',
    });
  });
});

describe('CDK synth output: cdk-synth.template.json', () => {
  const file = 'test/fixtures/iac/cloudformation/cdk-synth.template.json';
  const sources = extractFixture('iac/cloudformation/cdk-synth.template.json');

  it('addresses resources by construct path and keeps the logical id', () => {
    expect(
      sources.map((s) => [s.address, s.logicalId, s.property, s.kind, s.principal, s.location?.line]),
    ).toEqual([
      [
        'AppStack/DataBucket/Policy/Resource',
        'DataBucketPolicy4DC4B0F4',
        'PolicyDocument',
        'resource',
        'DataBucketE3889A50',
        25,
      ],
      [
        'AppStack/AppRole/Resource',
        'AppRoleB3C2D8E1',
        'AssumeRolePolicyDocument',
        'trust',
        'AppRoleB3C2D8E1',
        84,
      ],
      // CDK's Fn::Join of the partition and an AWS managed policy name, at the line of the entry.
      [
        'AppStack/AppRole/Resource',
        'AppRoleB3C2D8E1',
        'ManagedPolicyArns[0]',
        'identity',
        'AppRoleB3C2D8E1',
        97,
      ],
      // The role's DefaultPolicy lands on the role, so principal-wide rules see both together.
      [
        'AppStack/AppRole/DefaultPolicy/Resource',
        'AppRoleDefaultPolicy1D4C2F9A',
        'PolicyDocument',
        'identity',
        'AppRoleB3C2D8E1',
        118,
      ],
      [
        'AppStack/DeployRole/Resource',
        'DeployRole1C5C0B2E',
        'AssumeRolePolicyDocument',
        'trust',
        'DeployRole1C5C0B2E',
        162,
      ],
    ]);
    expect(sources[2]).toMatchObject({
      id: `${file}#AppStack/AppRole/Resource.ManagedPolicyArns[0]`,
      managedPolicyArn: 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      document: {
        Statement: [{ Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'] }],
      },
    });
    expect(sources[2]?.unresolved).toBeUndefined();
    expect(sources[3]?.id).toBe(
      `${file}#AppStack/AppRole/DefaultPolicy/Resource.PolicyDocument@AppRoleB3C2D8E1`,
    );
  });

  it('renders CDK’s Fn::Join resources as ${Bucket.Arn}/*', () => {
    expect(
      sourceAt(sources, 'AppStack/AppRole/DefaultPolicy/Resource.PolicyDocument@AppRoleB3C2D8E1').document,
    ).toEqual({
      Statement: [
        {
          Action: ['s3:GetBucket*', 's3:GetObject*', 's3:List*'],
          Effect: 'Allow',
          Resource: ['${DataBucketE3889A50.Arn}', '${DataBucketE3889A50.Arn}/*'],
        },
        { Action: 'dynamodb:*', Effect: 'Allow', Resource: '*' },
      ],
      Version: '2012-10-17',
    });
    expect(sourceAt(sources, 'AppStack/DeployRole/Resource.AssumeRolePolicyDocument').document).toMatchObject(
      {
        Statement: [{ Principal: { AWS: 'arn:${AWS::Partition}:iam::111122223333:root' } }],
      },
    );
  });
});

describe('CloudFormation: attachments and resource types', () => {
  it('attaches a managed policy to the roles whose ManagedPolicyArns name it, AWS managed ones included', () => {
    const sources = extract(
      template({
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [] },
            ManagedPolicyArns: [{ Ref: 'Shared' }, 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
          },
        },
        Shared: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [] } } },
      }),
    );
    expect(sources.map((s) => [s.id, s.principal, s.managedPolicyArn])).toEqual([
      ['template.json#Role.AssumeRolePolicyDocument', 'Role', undefined],
      // The Ref to Shared is not AWS managed: it is the Shared source below, not a second copy.
      ['template.json#Role.ManagedPolicyArns[1]', 'Role', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
      ['template.json#Shared.PolicyDocument@Role', 'Role', undefined],
    ]);
    expect(sources[1]?.unresolved).toBeUndefined();
    expect(sources[1]?.document).toBeDefined();
    expect(sources[1]?.document).toEqual(managedPolicyDocument('ReadOnlyAccess'));
  });

  it('gives an unattached policy its own logical id as principal', () => {
    const sources = extract(
      template({
        Loose: {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyName: 'x', PolicyDocument: { Statement: [] } },
        },
      }),
    );
    expect(sources).toMatchObject([{ id: 'template.json#Loose.PolicyDocument', principal: 'Loose' }]);
  });

  it('reads users, groups, ECR, Secrets Manager and SNS policies', () => {
    const doc = { Version: '2012-10-17', Statement: [] };
    const sources = extract(
      template({
        Dev: { Type: 'AWS::IAM::User', Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: doc }] } },
        Repo: { Type: 'AWS::ECR::Repository', Properties: { RepositoryPolicyText: doc } },
        Secret: { Type: 'AWS::SecretsManager::Secret' },
        SecretPolicy: {
          Type: 'AWS::SecretsManager::ResourcePolicy',
          Properties: { SecretId: { Ref: 'Secret' }, ResourcePolicy: doc },
        },
        TopicPolicy: {
          Type: 'AWS::SNS::TopicPolicy',
          Properties: { Topics: [{ Ref: 'A' }, { Ref: 'B' }], PolicyDocument: doc },
        },
      }),
    );
    expect(sources.map((s) => [s.id, s.kind, s.principal])).toEqual([
      ['template.json#Dev.Policies[0].PolicyDocument', 'identity', 'Dev'],
      ['template.json#Repo.RepositoryPolicyText', 'resource', 'Repo'],
      ['template.json#SecretPolicy.ResourcePolicy', 'resource', 'Secret'],
      // A policy shared by two topics names neither one as its principal.
      ['template.json#TopicPolicy.PolicyDocument', 'resource', undefined],
    ]);
  });

  it('skips resources without a policy (a KMS key using the default key policy)', () => {
    expect(extract(template({ Key: { Type: 'AWS::KMS::Key', Properties: {} } }))).toEqual([]);
  });

  it.each([
    [
      'an account principal, function name and organization condition',
      { Principal: '111122223333', FunctionName: 'orders', PrincipalOrgID: 'o-abc123' },
      {
        Principal: { AWS: '111122223333' },
        Resource: 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:orders',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      },
    ],
    [
      'a service with a source ARN',
      {
        Principal: 'events.amazonaws.com',
        FunctionName: { Ref: 'Fn' },
        SourceArn: { 'Fn::GetAtt': ['Rule', 'Arn'] },
      },
      {
        Principal: { Service: 'events.amazonaws.com' },
        Resource: '${Fn}',
        Condition: { ArnLike: { 'aws:SourceArn': '${Rule.Arn}' } },
      },
    ],
    [
      'a public function URL',
      {
        Principal: '*',
        FunctionName: 'arn:aws:lambda:eu-west-1:111122223333:function:f',
        FunctionUrlAuthType: 'NONE',
      },
      {
        Principal: '*',
        Resource: 'arn:aws:lambda:eu-west-1:111122223333:function:f',
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
      },
    ],
  ])('Lambda permission with %s', (_name, properties, statement) => {
    const [source] = extract(
      template({
        Permission: {
          Type: 'AWS::Lambda::Permission',
          Properties: { Action: 'lambda:InvokeFunction', ...properties },
        },
      }),
    );
    expect(source?.document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', ...statement }],
    });
    expect(source?.unresolved).toBeUndefined();
  });

  it('marks inline policies chosen by Fn::If, at the list entry', () => {
    const sources = extract(
      template({
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [
              {
                'Fn::If': [
                  'IsProd',
                  { PolicyName: 'prod', PolicyDocument: { Statement: [{ Action: 's3:GetObject' }] } },
                  { PolicyName: 'dev', PolicyDocument: { Statement: [{ Action: 's3:*' }] } },
                ],
              },
            ],
          },
        },
      }),
    );
    expect(sources).toMatchObject([
      {
        id: 'template.json#Role.Policies[0].PolicyDocument',
        unresolved: 'Policies[0]: Fn::If on condition IsProd chooses between two policies at deploy time',
        document: { Statement: [{ Action: 's3:GetObject' }] },
      },
    ]);
  });

  it('keeps ids unique when two resources share a construct path', () => {
    const doc = { PolicyDocument: { Statement: [] } };
    const metadata = { 'aws:cdk:path': 'Stack/Same/Resource' };
    const sources = extract(
      template({
        A: { Type: 'AWS::IAM::Policy', Metadata: metadata, Properties: doc },
        B: { Type: 'AWS::IAM::Policy', Metadata: metadata, Properties: doc },
      }),
    );
    expect(sources.map((s) => s.id)).toEqual([
      'template.json#Stack/Same/Resource.PolicyDocument',
      'template.json#Stack/Same/Resource.PolicyDocument~2',
    ]);
  });
});
