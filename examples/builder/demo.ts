/**
 * `npm run demo`: the typed builder on a small, real set of grants. It prints the policies the
 * builder renders and, for each over-broad grant, the refusal an IaC author would see.
 */
import {
  PolicyError,
  accountPrincipal,
  githubOidc,
  policyDocument,
  servicePrincipal,
  statement,
  trustPolicy,
  viaService,
  type StatementInput,
} from '../../src/index.js';

const ACCOUNT = '123456789012';
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const heading = (text: string) => console.log(`\n\u001b[1m${text}\u001b[0m`);

heading('Accepted: a scoped application policy');
const appPolicy = policyDocument([
  statement({
    sid: 'ReadUploads',
    actions: ['s3:GetObject'],
    resources: ['arn:aws:s3:::app-data/uploads/*'],
  }),
  statement({
    sid: 'ListUploads',
    actions: ['s3:ListBucket'],
    resources: ['arn:aws:s3:::app-data'],
    conditions: { StringLike: { 's3:prefix': 'uploads/*' } },
  }),
  statement({
    sid: 'DecryptViaS3',
    actions: ['kms:Decrypt'],
    resources: [KEY],
    conditions: viaService('s3.eu-west-1.amazonaws.com'),
  }),
  statement({ sid: 'Whoami', actions: ['sts:GetCallerIdentity'], resources: ['*'] }),
]);
console.log(JSON.stringify(appPolicy.toObject(), null, 2));

heading('Accepted: a trust policy for Lambda and one GitHub environment');
const trust = trustPolicy([
  servicePrincipal('lambda.amazonaws.com', { sourceAccount: ACCOUNT }),
  githubOidc({ repo: 'acme/infra', environment: 'production', accountId: ACCOUNT }),
]);
console.log(JSON.stringify(trust.toObject(), null, 2));

heading('Refused at construction time');
const overBroad: [string, () => unknown][] = [
  ['every action', () => statement({ sid: 'Admin', actions: ['*'], resources: ['*'] })],
  [
    'a whole service',
    () => statement({ sid: 'Bucket', actions: ['s3:*'], resources: ['arn:aws:s3:::app-data/*'] }),
  ],
  ['a prefix wildcard', () => statement({ sid: 'Inventory', actions: ['ec2:Describe*'], resources: ['*'] })],
  [
    'a typo',
    () => statement({ sid: 'Read', actions: ['s3:GetObjekt'], resources: ['arn:aws:s3:::app-data/*'] }),
  ],
  [
    'Resource "*"',
    () =>
      statement({
        sid: 'ReadAll',
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
      } satisfies StatementInput),
  ],
  [
    'an ignored condition key',
    () =>
      statement({
        sid: 'Decrypt',
        actions: ['kms:Decrypt'],
        resources: [KEY],
        conditions: { StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      }),
  ],
  ['any repo of an org', () => githubOidc({ repo: 'acme/*', ref: 'refs/heads/main', accountId: ACCOUNT })],
  [
    'a third-party account without ExternalId',
    () => trustPolicy([accountPrincipal('999999999999')], { ownAccounts: [ACCOUNT] }),
  ],
];
for (const [what, build] of overBroad) {
  try {
    build();
    console.log(`  ${what}: accepted (unexpected)`);
    process.exitCode = 1;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    console.log(`  ✗ ${what}\n    ${error.message}`);
  }
}
