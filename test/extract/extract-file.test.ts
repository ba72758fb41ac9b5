import { describe, expect, it } from 'vitest';
import { extractPolicies } from '../../src/extract/extract-file.js';
import { fixture } from './fixtures.js';

describe('extractPolicies', () => {
  it.each([
    ['policies/identity.json', 'policy', 1],
    ['iac/cloudformation/app.json', 'cloudformation', 12],
    ['iac/cloudformation/app.yaml', 'cloudformation', 8],
    ['iac/cloudformation/cdk-synth.template.json', 'cloudformation', 5],
    ['iac/terraform/cdk.tf.json', 'terraform', 8],
    ['iac/pulumi/preview.json', 'pulumi-preview', 7],
  ])('%s: %s, %i sources', (relative, kind, count) => {
    const { text, name } = fixture(relative);
    const result = extractPolicies(text, name);
    expect(result).toMatchObject({ ok: true, kind });
    if (result.ok) {
      expect(result.sources).toHaveLength(count);
      for (const source of result.sources) {
        expect(source.id.startsWith(`${name}#`)).toBe(true);
        expect(source.location?.file).toBe(name);
      }
    }
  });

  it('accepts a byte-order mark', () => {
    expect(extractPolicies('\uFEFF{"Statement": []}', 'p.json')).toMatchObject({ ok: true, kind: 'policy' });
  });
});

describe('extractPolicies: unreadable input is a clear error naming the file', () => {
  it.each([
    [
      'broken JSON, with line and column',
      'stack.json',
      '{\n  "Resources": {\n    "A": ,\n  }\n}',
      'stack.json: invalid JSON at line 3, column 10: value expected',
    ],
    [
      'broken JSON in a file not named .json (YAML cannot read it either)',
      'template',
      '{"Resources": [}',
      'template: invalid JSON at line 1, column 16: value expected',
    ],
    [
      'broken YAML, with line and column',
      'template.yaml',
      'Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties: [a, b\n',
      'template.yaml: invalid YAML at line 5, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'a YAML key given twice',
      'template.yaml',
      'Resources: {}\nResources: {}\n',
      'template.yaml: invalid YAML at line 2, column 1: Map keys must be unique',
    ],
    ['an empty file', 'empty.json', '  \n', 'empty.json: the file is empty'],
    [
      'valid JSON of another kind',
      'package.json',
      '{"name": "x", "version": "1.0.0"}',
      'package.json: not a policy document, CloudFormation template, Terraform JSON or pulumi preview --json output (expected an object with "Statement", "Resources", "resource"/"data" or "steps")',
    ],
    [
      'plain text',
      'notes.txt',
      'just some notes',
      'notes.txt: not a policy document, CloudFormation template, Terraform JSON or pulumi preview --json output (expected an object with "Statement", "Resources", "resource"/"data" or "steps")',
    ],
  ])('%s', (_name, fileName, text, error) => {
    expect(extractPolicies(text, fileName)).toEqual({ ok: false, error });
  });

  it('never lets an exception escape for odd but parsable shapes', () => {
    const odd = [
      '{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"Policies": "nope", "AssumeRolePolicyDocument": 3}}}}',
      '{"Resources": {"R": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": [{"Fn::If": 1}], "PolicyDocument": {"Fn::Sub": 5}}}}}',
      '{"resource": {"aws_iam_role": {"r": {"inline_policy": [null, 3, {"policy": 5}]}}}}',
      '{"data": {"aws_iam_policy_document": {"d": {"statement": "x"}}}, "resource": {"aws_iam_policy": {"p": {"policy": "${data.aws_iam_policy_document.d.json}"}}}}',
      '{"steps": [{"op": "create", "urn": 5}, {"op": "create", "urn": "urn:pulumi:a::b::aws:iam/role:Role::r", "newState": {"inputs": {"inlinePolicies": [3]}}}]}',
    ];
    for (const text of odd) expect(extractPolicies(text, 'odd.json').ok).toBe(true);
  });
});
