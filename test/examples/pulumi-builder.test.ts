/**
 * docs/builder.md's worked example is a real Pulumi program (examples/pulumi-builder). Run it offline
 * against mocks and check the IAM it hands to AWS, so the documented example can never rot.
 */
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/index.js';

const ACCOUNT = '123456789012';
const created = new Map<string, Record<string, unknown>>();

/** Realistic ARNs per resource type, so the rendered policies look like the deployed ones. */
function arnOf(type: string, name: string): string {
  switch (type) {
    case 'aws:kms/key:Key':
      return `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${name}-0000`;
    case 'aws:s3/bucket:Bucket':
      return `arn:aws:s3:::${name}-bucket`;
    case 'aws:iam/openIdConnectProvider:OpenIdConnectProvider':
      return `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    default:
      return `arn:aws:iam::${ACCOUNT}:role/${name}`;
  }
}

beforeAll(async () => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.set(args.type, args.inputs as Record<string, unknown>);
        return { id: `${args.name}-id`, state: { ...args.inputs, arn: arnOf(args.type, args.name) } };
      },
      call: (args) => args.inputs,
    },
    'builder-example',
    'dev',
    false,
  );
  await import('../../examples/pulumi-builder/index.js');
  // Let every pending apply (the policies are Outputs of other resources' ARNs) settle.
  await pulumi.runtime.disconnect();
  await new Promise((resolve) => setTimeout(resolve, 50));
}, 60_000);

function policyOf(type: string, property: string): unknown {
  const inputs = created.get(type);
  if (!inputs) throw new Error(`${type} was not created`);
  return JSON.parse(String(inputs[property]));
}

describe('examples/pulumi-builder', () => {
  it('gives the role a trust policy for one repository environment through GitHub OIDC', () => {
    const trust = policyOf('aws:iam/role:Role', 'assumeRolePolicy');
    expect(trust).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GithubActions',
          Effect: 'Allow',
          Principal: {
            Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': 'repo:acme/app:environment:production',
            },
          },
        },
      ],
    });
    expect(parsePolicy(trust, { kind: 'trust' }).ok).toBe(true);
  });

  it('gives the role an inline policy scoped to one prefix and one key, used only through S3', () => {
    const policy = policyOf('aws:iam/rolePolicy:RolePolicy', 'policy');
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadUploads',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::app-data-bucket/uploads/*',
        },
        {
          Sid: 'ListUploads',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::app-data-bucket',
          Condition: { StringLike: { 's3:prefix': 'uploads/*' } },
        },
        {
          Sid: 'DecryptViaS3',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/data-0000`,
          Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
        },
      ],
    });
    expect(parsePolicy(policy, { kind: 'identity' }).ok).toBe(true);
  });
});
