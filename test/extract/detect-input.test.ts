import { describe, expect, it } from 'vitest';
import { detectInputKind } from '../../src/extract/detect-input.js';
import { fixture } from './fixtures.js';

describe('detectInputKind: by content, never by file name', () => {
  it.each([
    ['policies/identity.json', 'policy'],
    ['policies/trust.json', 'policy'],
    ['policies/bucket-policy.json', 'policy'],
    ['iac/cloudformation/app.json', 'cloudformation'],
    ['iac/cloudformation/app.yaml', 'cloudformation'],
    ['iac/cloudformation/cdk-synth.template.json', 'cloudformation'],
    ['iac/terraform/cdk.tf.json', 'terraform'],
    ['iac/pulumi/preview.json', 'pulumi-preview'],
  ])('%s is %s', (relative, kind) => {
    const { text } = fixture(relative);
    expect(detectInputKind(text, relative)).toBe(kind);
    // A renamed file is still recognised.
    expect(detectInputKind(text, 'renamed.txt')).toBe(kind);
  });

  it.each([
    ['a policy with a single statement object', '{"Statement": {"Effect": "Allow"}}', 'policy'],
    [
      'a template without AWSTemplateFormatVersion',
      '{"Resources": {"R": {"Type": "AWS::SQS::Queue"}}}',
      'cloudformation',
    ],
    [
      'a template that only declares its version',
      'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n',
      'cloudformation',
    ],
    ['hand-written Terraform JSON', '{"resource": {"aws_iam_role": {"r": {"name": "x"}}}}', 'terraform'],
    [
      'Terraform JSON with only data sources',
      '{"data": {"aws_iam_policy_document": {"d": {}}}}',
      'terraform',
    ],
    ['an empty preview', '{"steps": [], "changeSummary": {}}', 'pulumi-preview'],
  ])('recognises %s', (_name, text, kind) => {
    expect(detectInputKind(text, 'input')).toBe(kind);
  });

  it.each([
    ['a JSON array', '[1, 2]'],
    ['an unrelated object', '{"name": "iam-gate", "version": "1.0.0"}'],
    ['Resources whose entries have no type', '{"Resources": {"a": 1}}'],
    ['a YAML scalar', 'hello world'],
    ['broken JSON', '{"Statement": '],
    ['an empty file', ''],
  ])('does not recognise %s', (_name, text) => {
    expect(detectInputKind(text, 'input.json')).toBeUndefined();
  });
});
