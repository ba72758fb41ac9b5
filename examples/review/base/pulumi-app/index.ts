/**
 * Uploads: a bucket users upload into, the Lambda function that processes new uploads, and the
 * audit account's read access to the processing reports.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

const config = new pulumi.Config();
const uploadPrefix = config.require('uploadPrefix');
const auditAccountId = config.require('auditAccountId');
const caller = aws.getCallerIdentityOutput();

const bucket = new aws.s3.Bucket('uploads', { forceDestroy: false });

const processorRole = new aws.iam.Role('processor', {
  assumeRolePolicy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  }),
});

new aws.iam.RolePolicy('processor-read-uploads', {
  role: processorRole.id,
  policy: pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: pulumi.interpolate`${bucket.arn}/${uploadPrefix}/*`,
      },
    ],
  }),
});

const reportsDocument = aws.iam.getPolicyDocumentOutput({
  statements: [
    {
      sid: 'WriteReports',
      actions: ['s3:PutObject'],
      resources: [pulumi.interpolate`${bucket.arn}/reports/*`],
    },
  ],
});
const reportsPolicy = new aws.iam.Policy('processor-reports', { policy: reportsDocument.json });
new aws.iam.RolePolicyAttachment('processor-reports', {
  role: processorRole.name,
  policyArn: reportsPolicy.arn,
});
new aws.iam.RolePolicyAttachment('processor-logs', {
  role: processorRole.name,
  policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
});

const processor = new aws.lambda.Function('processor', {
  role: processorRole.arn,
  runtime: aws.lambda.Runtime.NodeJS20dX,
  handler: 'index.handler',
  code: new pulumi.asset.AssetArchive({
    'index.js': new pulumi.asset.StringAsset('exports.handler = async () => ({ processed: true });'),
  }),
});

new aws.lambda.Permission('uploads-invoke-processor', {
  function: processor.name,
  action: 'lambda:InvokeFunction',
  principal: 's3.amazonaws.com',
  sourceArn: bucket.arn,
  sourceAccount: caller.accountId,
});

const auditDocument = aws.iam.getPolicyDocumentOutput({
  statements: [
    {
      sid: 'AuditReadsReports',
      principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${auditAccountId}:root`] }],
      actions: ['s3:GetObject'],
      resources: [pulumi.interpolate`${bucket.arn}/reports/*`],
    },
    {
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['s3:*'],
      resources: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
      conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    },
  ],
});
new aws.s3.BucketPolicy('uploads', { bucket: bucket.id, policy: auditDocument.json });

export const bucketName = bucket.bucket;
export const processorArn = processor.arn;
