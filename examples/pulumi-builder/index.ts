/**
 * A Pulumi stack whose IAM is written with the iam-gate builder: a role that GitHub Actions assumes
 * from one repository's production environment, with a scoped inline policy that reads one prefix
 * of a bucket and decrypts with one KMS key, but only through S3.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { githubOidc, policyDocument, statement, trustPolicy, viaService } from 'iam-gate';

const config = new pulumi.Config();
const accountId = config.get('accountId') ?? '123456789012';
const region = aws.config.region ?? 'eu-west-1';

const key = new aws.kms.Key('data', { description: 'app-data encryption', deletionWindowInDays: 7 });
const bucket = new aws.s3.Bucket('app-data');

const github = new aws.iam.OpenIdConnectProvider('github', {
  url: 'https://token.actions.githubusercontent.com',
  clientIdLists: ['sts.amazonaws.com'],
});

export const role = new aws.iam.Role('deployer', {
  assumeRolePolicy: trustPolicy([
    githubOidc({ repo: 'acme/app', environment: 'production', providerArn: github.arn }),
  ]).toPulumiJSON(),
});

new aws.iam.RolePolicy('deployer-data', {
  role: role.id,
  policy: policyDocument([
    statement({
      sid: 'ReadUploads',
      actions: ['s3:GetObject'],
      resources: [pulumi.interpolate`${bucket.arn}/uploads/*`],
    }),
    statement({
      sid: 'ListUploads',
      actions: ['s3:ListBucket'],
      resources: [bucket.arn],
      conditions: { StringLike: { 's3:prefix': 'uploads/*' } },
    }),
    statement({
      sid: 'DecryptViaS3',
      actions: ['kms:Decrypt'],
      resources: [key.arn],
      conditions: viaService(`s3.${region}.amazonaws.com`),
    }),
  ]).toPulumiJSON(),
});

export const accountUsed = accountId;
