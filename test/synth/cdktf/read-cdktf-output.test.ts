import { describe, expect, it } from 'vitest';
import { readCdktfManifest, readCdktfStack } from '../../../src/synth/cdktf/read-cdktf-output.js';

const roots = ['/repo'];
const fallback = { file: 'infra/main.ts' };

/** A cdk.tf.json as CDKTF writes it, with traces where `traces` gives them. */
function stackJson(traces: Record<string, string[]>): string {
  const metadata = (path: string) => ({
    '//': {
      metadata: { path, uniqueId: path.split('/')[1], ...(traces[path] ? { stackTrace: traces[path] } : {}) },
    },
  });
  return JSON.stringify({
    data: {
      aws_iam_policy_document: {
        trust: {
          ...metadata('api/trust'),
          statement: [
            {
              actions: ['sts:AssumeRole'],
              principals: [{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }],
            },
          ],
        },
      },
    },
    resource: {
      aws_iam_role: {
        role: { ...metadata('api/role'), assume_role_policy: '${data.aws_iam_policy_document.trust.json}' },
      },
      aws_iam_role_policy: {
        publish: {
          ...metadata('api/publish'),
          role: '${aws_iam_role.role.name}',
          policy:
            '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = "sns:Publish", "Resource" = aws_sns_topic.events.arn}]})}',
        },
      },
    },
    terraform: { backend: { local: { path: 'terraform.api.tfstate' } } },
  });
}

describe('readCdktfStack', () => {
  it('locates a policy from a data source at the data source, any other at its resource; principals by construct path', () => {
    const read = readCdktfStack(
      stackJson({
        'api/trust': ['new Api (/repo/infra/main.ts:10:19)', '<anonymous> (/repo/infra/main.ts:40:1)'],
        'api/role': ['new Api (/repo/infra/main.ts:16:18)'],
        'api/publish': ['new Api (/repo/infra/main.ts:20:5)'],
      }),
      'infra/cdktf.out/stacks/api/cdk.tf.json',
      roots,
      fallback,
    );
    if ('error' in read) throw new Error(read.error);
    expect(read.sources.map((s) => [s.address, s.principal, s.location, s.document])).toEqual([
      [
        'api/role',
        'api/role',
        { file: 'infra/main.ts', line: 10, column: 19 },
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } },
          ],
        },
      ],
      [
        'api/publish',
        'api/role',
        { file: 'infra/main.ts', line: 20, column: 5 },
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '${aws_sns_topic.events.arn}' }],
        },
      ],
    ]);
    expect(read.untraced).toBe(0);
  });

  it('uses the resource’s trace when the data source has none, and the entry file when neither has one', () => {
    const read = readCdktfStack(
      stackJson({ 'api/role': ['new Api (/repo/infra/main.ts:16:18)'] }),
      'cdk.tf.json',
      roots,
      fallback,
    );
    if ('error' in read) throw new Error(read.error);
    expect(read.sources.map((s) => s.location)).toEqual([
      { file: 'infra/main.ts', line: 16, column: 18 },
      fallback,
    ]);
    expect(read.untraced).toBe(1);
  });

  it('says what is wrong with output it cannot read', () => {
    expect(readCdktfStack('{"resource": ', 'cdk.tf.json', roots, fallback)).toEqual({
      error: 'cdk.tf.json: invalid JSON at line 1, column 14: value expected',
    });
  });
});

describe('readCdktfManifest', () => {
  it('lists every stack with its cdk.tf.json', () => {
    expect(
      readCdktfManifest(
        JSON.stringify({
          stacks: {
            api: {
              name: 'api',
              synthesizedStackPath: 'stacks/api/cdk.tf.json',
              workingDirectory: 'stacks/api',
            },
            web: {
              name: 'web',
              synthesizedStackPath: 'stacks/web/cdk.tf.json',
              workingDirectory: 'stacks/web',
            },
          },
          version: '0.21.0',
        }),
      ),
    ).toEqual([
      { name: 'api', synthesizedStackPath: 'stacks/api/cdk.tf.json' },
      { name: 'web', synthesizedStackPath: 'stacks/web/cdk.tf.json' },
    ]);
    expect(readCdktfManifest('{"version": "0.21.0"}')).toEqual({ error: 'manifest.json lists no stacks' });
  });
});
