// The release bucket of acme/app, and the role its GitHub Actions workflow uses to publish releases.
import { Construct } from 'constructs';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy/index.js';

const GITHUB_TOKEN_HOST = 'token.actions.githubusercontent.com';

class ReleasesStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });

    const releases = new S3Bucket(this, 'releases', { bucket: 'acme-app-releases' });

    const github = new IamOpenidConnectProvider(this, 'github', {
      url: `https://${GITHUB_TOKEN_HOST}`,
      clientIdList: ['sts.amazonaws.com'],
    });

    // Only workflows on the main branch of acme/app may publish.
    const deployTrust = new DataAwsIamPolicyDocument(this, 'deploy-trust', {
      statement: [
        {
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [github.arn] }],
          condition: [
            { test: 'StringEquals', variable: `${GITHUB_TOKEN_HOST}:aud`, values: ['sts.amazonaws.com'] },
            {
              test: 'StringLike',
              variable: `${GITHUB_TOKEN_HOST}:sub`,
              values: ['repo:acme/app:ref:refs/heads/main'],
            },
          ],
        },
      ],
    });

    const deployRole = new IamRole(this, 'deploy-role', {
      name: 'app-release-publisher',
      assumeRolePolicy: deployTrust.json,
    });

    new IamRolePolicy(this, 'publish-releases', {
      role: deployRole.id,
      name: 'publish-releases',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'PublishReleases',
            Effect: 'Allow',
            Action: ['s3:PutObject', 's3:GetObject'],
            Resource: `${releases.arn}/releases/*`,
          },
        ],
      }),
    });

    const releasesAccess = new DataAwsIamPolicyDocument(this, 'releases-access', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          actions: ['s3:*'],
          principals: [{ type: '*', identifiers: ['*'] }],
          resources: [releases.arn, `${releases.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          sid: 'CdnReadsReleases',
          actions: ['s3:GetObject'],
          principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
          resources: [`${releases.arn}/releases/*`],
          condition: [
            {
              test: 'StringEquals',
              variable: 'aws:SourceArn',
              values: ['arn:aws:cloudfront::111122223333:distribution/E2RELEASES'],
            },
          ],
        },
      ],
    });

    new S3BucketPolicy(this, 'releases-policy', { bucket: releases.id, policy: releasesAccess.json });
  }
}

const app = new App();
new ReleasesStack(app, 'releases');
app.synth();
