import { describe, expect, it } from 'vitest';
import { extractPolicies } from '../../src/extract/extract-file.js';
import { terraformReference } from '../../src/extract/terraform.js';
import type { PolicySource } from '../../src/extract/types.js';
import { extractFixture, sourceAt } from './fixtures.js';

function extract(config: object): PolicySource[] {
  const result = extractPolicies(JSON.stringify(config, null, 2), 'main.tf.json');
  if (!result.ok) throw new Error(result.error);
  expect(result.kind).toBe('terraform');
  return result.sources;
}

const literal = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.b.arn}/*' }],
});

describe('CDKTF output: cdk.tf.json', () => {
  const file = 'test/fixtures/iac/terraform/cdk.tf.json';
  const sources = extractFixture('iac/terraform/cdk.tf.json');

  it('finds every policy; construct paths are the address, Terraform addresses the logical id', () => {
    expect(
      sources.map((s) => [s.id.slice(file.length), s.logicalId, s.kind, s.principal, s.location?.line]),
    ).toEqual([
      [
        '#orders/admin.policy@aws_iam_role.ci-role',
        'aws_iam_policy.admin',
        'identity',
        'aws_iam_role.ci-role',
        129,
      ],
      ['#orders/app-role.assume_role_policy', 'aws_iam_role.app-role', 'trust', 'aws_iam_role.app-role', 140],
      [
        '#orders/app-role.inline_policy[0].policy',
        'aws_iam_role.app-role',
        'identity',
        'aws_iam_role.app-role',
        144,
      ],
      ['#orders/ci-role.assume_role_policy', 'aws_iam_role.ci-role', 'trust', 'aws_iam_role.ci-role', 156],
      ['#orders/app-data.policy', 'aws_iam_role_policy.app-data', 'identity', 'aws_iam_role.app-role', 169],
      [
        '#orders/allow-events',
        'aws_lambda_permission.allow-events',
        'resource',
        'aws_lambda_function.handler',
        201,
      ],
      [
        '#orders/orders-public.policy',
        'aws_s3_bucket_policy.orders-public',
        'resource',
        'aws_s3_bucket.orders',
        234,
      ],
      [
        '#orders/events-policy.policy',
        'aws_sns_topic_policy.events',
        'resource',
        'aws_sns_topic.events',
        257,
      ],
    ]);
    expect(sources.every((s) => s.unresolved === undefined)).toBe(true);
  });

  it('reads jsonencode() policies', () => {
    expect(sourceAt(sources, 'orders/admin.policy@aws_iam_role.ci-role')).toEqual({
      id: `${file}#orders/admin.policy@aws_iam_role.ci-role`,
      kind: 'identity',
      address: 'orders/admin',
      logicalId: 'aws_iam_policy.admin',
      property: 'policy',
      principal: 'aws_iam_role.ci-role',
      filePath: 'resource.aws_iam_policy.admin.policy',
      location: { file, line: 129 },
      document: {
        Version: '2012-10-17',
        Statement: [
          { Action: 's3:*', Effect: 'Allow', Resource: '*' },
          { Action: ['iam:PassRole'], Effect: 'Allow', Resource: '*' },
        ],
      },
    });
  });

  it('keeps references inside jsonencode symbolic, quoted or bare', () => {
    expect(sourceAt(sources, 'orders/orders-public.policy').document).toMatchObject({
      Statement: [{ Principal: '*', Resource: '${aws_s3_bucket.orders.arn}/*' }],
    });
    expect(sourceAt(sources, 'orders/events-policy.policy').document).toMatchObject({
      Statement: [
        {
          Resource: '${aws_sns_topic.events.arn}',
          Condition: { ArnLike: { 'aws:SourceArn': '${aws_s3_bucket.orders.arn}' } },
        },
      ],
    });
  });

  it('renders data.aws_iam_policy_document references, with $${aws:username} as a policy variable', () => {
    expect(sourceAt(sources, 'orders/app-data.policy')).toMatchObject({
      filePath: 'resource.aws_iam_role_policy["app-data"].policy',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReadOrders',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: ['${aws_s3_bucket.orders.arn}', '${aws_s3_bucket.orders.arn}/*'],
          },
          {
            Sid: 'OwnPrefix',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: '${aws_s3_bucket.orders.arn}/home/${aws:username}/*',
          },
          { Sid: 'AllQueues', Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
        ],
      },
    });
    expect(sourceAt(sources, 'orders/ci-role.assume_role_policy').document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: {
            // The provider is defined in the same file: its host replaces the bare reference.
            Federated:
              'arn:aws:iam::${aws_iam_openid_connect_provider.github.arn.account}:oidc-provider/token.actions.githubusercontent.com',
          },
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' },
          },
        },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '*' } },
      ],
    });
  });

  it('writes aws_lambda_permission as the function policy statement', () => {
    expect(sourceAt(sources, 'orders/allow-events')).toMatchObject({
      filePath: 'resource.aws_lambda_permission["allow-events"]',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AllowEvents',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: '${aws_lambda_function.handler.function_name}',
          },
        ],
      },
    });
  });
});

describe('Terraform JSON written by hand', () => {
  it('reads literal JSON policies and unescapes $${', () => {
    const sources = extract({
      resource: {
        aws_iam_user_policy: {
          dev: {
            user: 'alice',
            policy: literal.replace('${aws_s3_bucket.b.arn}', 'arn:aws:s3:::b/$${aws:username}'),
          },
        },
      },
    });
    expect(sources).toEqual([
      {
        id: 'main.tf.json#aws_iam_user_policy.dev.policy',
        kind: 'identity',
        address: 'aws_iam_user_policy.dev',
        property: 'policy',
        principal: 'alice',
        filePath: 'resource.aws_iam_user_policy.dev.policy',
        location: { file: 'main.tf.json', line: 6 },
        document: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' },
          ],
        },
      },
    ]);
  });

  it('finds principals by literal name and attachments of every kind', () => {
    const sources = extract({
      resource: {
        aws_iam_group: { devs: { name: 'developers' } },
        aws_iam_group_policy: { devs: { group: 'developers', policy: literal } },
        aws_iam_policy: { shared: { policy: literal }, unused: { policy: literal } },
        aws_iam_policy_attachment: {
          many: {
            name: 'many',
            policy_arn: '${aws_iam_policy.shared.arn}',
            roles: ['${aws_iam_role.a.name}'],
            users: ['bob'],
            groups: ['developers'],
          },
        },
        aws_iam_user_policy_attachment: { bob: { user: 'bob', policy_arn: '${aws_iam_policy.shared.arn}' } },
      },
    });
    expect(sources.map((s) => [s.id, s.principal])).toEqual([
      ['main.tf.json#aws_iam_group_policy.devs.policy', 'aws_iam_group.devs'],
      ['main.tf.json#aws_iam_policy.shared.policy@aws_iam_role.a', 'aws_iam_role.a'],
      ['main.tf.json#aws_iam_policy.shared.policy@bob', 'bob'],
      ['main.tf.json#aws_iam_policy.shared.policy@aws_iam_group.devs', 'aws_iam_group.devs'],
      ['main.tf.json#aws_iam_policy.unused.policy', 'aws_iam_policy.unused'],
    ]);
  });

  it('lists AWS managed policy attachments at the block that attaches them, in file order', () => {
    const sources = extract({
      resource: {
        aws_iam_role: {
          app: {
            assume_role_policy: literal,
            managed_policy_arns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
          },
        },
        aws_iam_policy_attachment: {
          ops: {
            name: 'ops',
            policy_arn: 'arn:aws:iam::aws:policy/PowerUserAccess',
            roles: ['${aws_iam_role.app.name}'],
            users: ['bob'],
          },
        },
        aws_iam_role_policy: { app: { role: '${aws_iam_role.app.name}', policy: literal } },
      },
    });
    expect(sources.map((s) => [s.id, s.principal, s.managedPolicyArn])).toEqual([
      ['main.tf.json#aws_iam_role.app.assume_role_policy', 'aws_iam_role.app', undefined],
      [
        'main.tf.json#aws_iam_role.app.managed_policy_arns[0]@aws_iam_role.app',
        'aws_iam_role.app',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ],
      [
        'main.tf.json#aws_iam_policy_attachment.ops.policy_arn@aws_iam_role.app',
        'aws_iam_role.app',
        'arn:aws:iam::aws:policy/PowerUserAccess',
      ],
      [
        'main.tf.json#aws_iam_policy_attachment.ops.policy_arn@bob',
        'bob',
        'arn:aws:iam::aws:policy/PowerUserAccess',
      ],
      ['main.tf.json#aws_iam_role_policy.app.policy', 'aws_iam_role.app', undefined],
    ]);
  });

  it('reads resource policies carried by the resource itself and by *_policy resources', () => {
    const sources = extract({
      resource: {
        aws_kms_key: { k: { policy: literal } },
        aws_sqs_queue: { q: { name: 'q' } },
        aws_sqs_queue_policy: { q: { queue_url: '${aws_sqs_queue.q.url}', policy: literal } },
        aws_ecr_repository_policy: { r: { repository: '${aws_ecr_repository.r.name}', policy: literal } },
      },
    });
    expect(sources.map((s) => [s.id, s.kind, s.principal])).toEqual([
      ['main.tf.json#aws_kms_key.k.policy', 'resource', 'aws_kms_key.k'],
      ['main.tf.json#aws_sqs_queue_policy.q.policy', 'resource', 'aws_sqs_queue.q'],
      ['main.tf.json#aws_ecr_repository_policy.r.policy', 'resource', 'aws_ecr_repository.r'],
    ]);
  });

  it.each([
    [
      'another Terraform expression',
      '${file("policy.json")}',
      'the policy is the Terraform expression ${file("policy.json")}, known only when Terraform runs',
    ],
    [
      'a data source not in the file',
      '${data.aws_iam_policy_document.elsewhere.json}',
      'data.aws_iam_policy_document.elsewhere is not in this file',
    ],
    [
      'JSON that only exists after interpolation',
      '{"Statement": ${var.statements}}',
      'the policy text is JSON only after Terraform fills in its ${...} expressions',
    ],
    [
      'template directives',
      '%{ if var.x }{}%{ endif }',
      'the policy text uses Terraform template directives (%{...})',
    ],
  ])('marks %s as unresolved', (_name, policy, reason) => {
    const [source] = extract({ resource: { aws_iam_role_policy: { p: { role: 'r', policy } } } });
    expect(source).toMatchObject({ unresolved: reason });
    expect(source?.document).toBeUndefined();
  });

  it('reports an unreadable jsonencode expression instead of guessing', () => {
    const [source] = extract({
      resource: {
        aws_iam_policy: { p: { policy: '${jsonencode({"Effect" = var.on ? "Allow" : "Deny"})}' } },
      },
    });
    expect(source?.unresolved).toMatch(
      /^the jsonencode\(\) expression could not be read: operators and conditionals/,
    );
  });

  it('leaves broken literal JSON as text, for lint to report as malformed', () => {
    const [source] = extract({ resource: { aws_iam_policy: { p: { policy: '{"Statement": [' } } } });
    expect(source).toMatchObject({ document: '{"Statement": [' });
    expect(source?.unresolved).toBeUndefined();
  });

  it('does not take an escaped $${ for an interpolation when the JSON is broken', () => {
    const policy = '{"Resource": "arn:aws:s3:::b/$${aws:username}",';
    const [source] = extract({ resource: { aws_iam_policy: { p: { policy } } } });
    expect(source).toMatchObject({ document: '{"Resource": "arn:aws:s3:::b/${aws:username}",' });
    expect(source?.unresolved).toBeUndefined();
  });

  it('reads a block body written as a one-element list', () => {
    const [source] = extract({ resource: { aws_iam_role: { r: [{ assume_role_policy: literal }] } } });
    expect(source).toMatchObject({
      address: 'aws_iam_role.r',
      filePath: 'resource.aws_iam_role.r[0].assume_role_policy',
      kind: 'trust',
    });
  });
});

describe('terraformReference', () => {
  it.each([
    ['${aws_iam_role.app.name}', 'aws_iam_role.app'],
    ['${aws_iam_role.app-role.id}', 'aws_iam_role.app-role'],
    ['${aws_iam_role.app[0].arn}', 'aws_iam_role.app'],
    ['${data.aws_iam_role.ci.arn}', 'data.aws_iam_role.ci'],
    ['${var.role_name}', undefined],
    ['${local.names.role}', undefined],
    ['${aws_iam_role.app.name}-suffix', undefined],
    ['app-role', undefined],
  ])('%s -> %s', (text, address) => {
    expect(terraformReference(text)).toBe(address);
  });
});
