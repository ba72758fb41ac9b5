import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface ReportsStackProps extends StackProps {
  /** The analytics account that may read published reports. */
  readerAccount: string;
}

/** The reports bucket, the queue that announces new reports, and the role of the service writing both. */
export class ReportsStack extends Stack {
  constructor(scope: Construct, id: string, props: ReportsStackProps) {
    super(scope, id, props);

    const reports = new s3.Bucket(this, 'Reports', { enforceSSL: true });
    const published = new sqs.Queue(this, 'Published');

    const appRole = new iam.Role(this, 'AppRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'The report writer',
    });
    reports.grantReadWrite(appRole, 'drafts/*');

    new iam.ManagedPolicy(this, 'AnnounceReports', {
      roles: [appRole],
      statements: [
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [published.queueArn] }),
      ],
    });

    reports.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ReaderAccountReadsPublished',
        principals: [new iam.AccountPrincipal(props.readerAccount)],
        actions: ['s3:GetObject'],
        resources: [reports.arnForObjects('published/*')],
      }),
    );
  }
}
