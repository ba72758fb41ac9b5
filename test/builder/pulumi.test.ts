import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  githubOidc,
  policyDocument,
  rolePrincipal,
  statement,
  trustPolicy,
  viaService,
} from '../../src/builder/index.js';
import { PolicyError } from '../../src/policy/policy-error.js';

/**
 * Resolves an Output the way the Pulumi engine does, rejecting when an apply callback throws. The
 * engine awaits an Output's value, known-ness, secret-ness and dependencies together; so do we, or
 * the ones nobody awaited would surface as unhandled rejections.
 */
async function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  const internal = output as unknown as {
    promise(): Promise<T>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
    allResources(): Promise<unknown>;
  };
  const [value] = await Promise.all([
    internal.promise(),
    internal.isKnown,
    internal.isSecret,
    internal.allResources(),
  ]);
  return value;
}

beforeAll(() => {
  // Mocks give the runtime a (non-preview) deployment, so Outputs resolve without a Pulumi engine.
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args) => args.inputs,
    },
    'project',
    'stack',
    false,
  );
});

describe('the builder with Pulumi Inputs', () => {
  const bucketArn = pulumi.output('arn:aws:s3:::app-data');
  const keyArn = Promise.resolve('arn:aws:kms:eu-west-1:123456789012:key/abcd');

  const doc = policyDocument([
    statement({
      sid: 'ReadUploads',
      actions: ['s3:GetObject'],
      resources: [pulumi.interpolate`${bucketArn}/uploads/*`],
    }),
    statement({
      sid: 'Decrypt',
      actions: ['kms:Decrypt'],
      resources: [keyArn],
      conditions: viaService('s3.eu-west-1.amazonaws.com'),
    }),
  ]);

  it('returns a pulumi.Output<string> of the rendered document', async () => {
    const json = doc.toPulumiJSON();
    expect(pulumi.Output.isInstance(json)).toBe(true);
    expect(await resolve(json)).toBe(
      '{"Version":"2012-10-17","Statement":[' +
        '{"Sid":"ReadUploads","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app-data/uploads/*"},' +
        '{"Sid":"Decrypt","Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:eu-west-1:123456789012:key/abcd",' +
        '"Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}}]}',
    );
  });

  it('refuses toJSON() while values are unknown, pointing at toPulumiJSON()', () => {
    expect(() => doc.toJSON()).toThrow(PolicyError);
    expect(() => doc.toJSON()).toThrow('use toPulumiJSON()');
  });

  it('re-checks an Output that resolves to "*"', async () => {
    const star = policyDocument([
      statement({ sid: 'Sneaky', actions: ['s3:GetObject'], resources: [pulumi.output('*')] }),
    ]);
    await expect(resolve(star.toPulumiJSON())).rejects.toThrow(
      'statement "Sneaky": resource "*" grants s3:GetObject on every resource in the account; name the ARNs',
    );
  });

  it('checks a trust principal once its Output resolves to a foreign account', async () => {
    const partnerRole = pulumi.output('arn:aws:iam::999999999999:role/partner');
    const trust = trustPolicy([rolePrincipal(partnerRole, { sid: 'Partner' })], {
      ownAccounts: ['111111111111'],
    });
    await expect(resolve(trust.toPulumiJSON())).rejects.toThrow(
      'trust statement "Partner": account 999999999999 is not one of your own accounts',
    );
  });

  it('takes the OIDC provider ARN as an Output', async () => {
    const provider = pulumi.output(
      'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
    );
    const trust = trustPolicy([
      githubOidc({ repo: 'acme/infra', environment: 'production', providerArn: provider }),
    ]);
    const rendered = JSON.parse(await resolve(trust.toPulumiJSON())) as {
      Statement: { Principal: unknown }[];
    };
    expect(rendered.Statement[0]?.Principal).toEqual({
      Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
    });
  });
});
