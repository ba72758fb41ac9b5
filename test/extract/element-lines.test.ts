import { describe, expect, it } from 'vitest';
import { elementLine, elementLines, parsePathText } from '../../src/extract/element-lines.js';
import { extractPolicies } from '../../src/extract/extract-file.js';
import { pathText } from '../../src/extract/input-document.js';

/** The line `elementLine` gives for `path` in the source whose id ends with `idSuffix`. */
function lineIn(text: string, file: string, idSuffix: string, path: string): number | undefined {
  const result = extractPolicies(text, file);
  if (!result.ok) throw new Error(result.error);
  const source = result.sources.find((s) => s.id.endsWith(idSuffix));
  if (!source) throw new Error(`no source ${idSuffix} in ${result.sources.map((s) => s.id).join(', ')}`);
  return elementLine(result.input, source, path);
}

function lineNumberOf(text: string, needle: string, from = 0): number {
  const lines = text.split('\n');
  const index = lines.findIndex((line, i) => i >= from && line.includes(needle));
  if (index < 0) throw new Error(`${needle} not found`);
  return index + 1;
}

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:*"
      ],
      "Resource": "*",
      "Condition": { "StringLike": { "token.actions.githubusercontent.com:sub": "repo:acme/*" } }
    }
  ]
}
`;

describe('elementLine: a policy file', () => {
  it('gives the line of an action in a list, of a resource, of a condition key with a colon', () => {
    expect(lineIn(POLICY, 'p.json', 'p.json', 'Statement[0].Action[1]')).toBe(lineNumberOf(POLICY, '"s3:*"'));
    expect(lineIn(POLICY, 'p.json', 'p.json', 'Statement[0].Resource')).toBe(
      lineNumberOf(POLICY, '"Resource"'),
    );
    expect(
      lineIn(
        POLICY,
        'p.json',
        'p.json',
        'Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]',
      ),
    ).toBe(lineNumberOf(POLICY, '"Condition"'));
  });

  it('a finding about the whole policy is on its first line', () => {
    expect(lineIn(POLICY, 'p.json', 'p.json', '')).toBe(1);
  });
});

describe('elementLine: CloudFormation, where extraction may have rewritten the policy', () => {
  const yaml = `Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: data
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Ref: AWS::NoValue
              - Effect: Allow
                Action: s3:*
                Resource: !Sub 'arn:aws:s3:::\${Bucket}/*'
        - PolicyName: logs
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: logs:*
                Resource: !GetAtt LogGroup.Arn
`;

  it('follows the path through YAML to the element', () => {
    expect(lineIn(yaml, 't.yaml', 'Policies[1].PolicyDocument', 'Statement[0].Action')).toBe(
      lineNumberOf(yaml, 'Action: logs:*'),
    );
  });

  it('stops where the written value has another shape: a !GetAtt is an object, extracted as text', () => {
    expect(lineIn(yaml, 't.yaml', 'Policies[1].PolicyDocument', 'Statement[0].Resource')).toBe(
      lineNumberOf(yaml, 'Resource: !GetAtt'),
    );
  });

  it('never names a statement the dropped AWS::NoValue entry shifted: the Statement list instead', () => {
    // Extracted, the s3:* statement is Statement[0]; written, Statement[0] is the NoValue entry.
    const line = lineIn(yaml, 't.yaml', 'Policies[0].PolicyDocument', 'Statement[0].Action');
    expect(line).toBe(lineNumberOf(yaml, 'Statement:', lineNumberOf(yaml, 'PolicyName: data')));
    expect(line).not.toBe(lineNumberOf(yaml, 'Ref: AWS::NoValue'));
  });
});

describe('elementLine: policies not written as JSON in the file', () => {
  it('a Terraform jsonencode policy (JSON text in a string) stays on the line of its attribute', () => {
    const text = JSON.stringify(
      {
        resource: {
          aws_iam_role_policy: {
            app: {
              role: 'app',
              policy: JSON.stringify({
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
              }),
            },
          },
        },
      },
      null,
      2,
    );
    expect(lineIn(text, 'main.tf.json', 'aws_iam_role_policy.app.policy', 'Statement[0].Action')).toBe(
      lineNumberOf(text, '"policy"'),
    );
  });
});

describe('elementLine: lists that intrinsics reshape', () => {
  it('never indexes into a list holding Fn::If or AWS::NoValue entries, whose indices shift', () => {
    // Extracted, the Fn::If keeps both branches (one entry becomes two) and the NoValue entry is
    // dropped: the list keeps its length, but Statement[1] is the Fn::If's second branch.
    const text = JSON.stringify(
      {
        Resources: {
          P: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: {
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    'Fn::If': [
                      'IsProd',
                      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::prod/*' },
                      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
                    ],
                  },
                  { 'Fn::If': ['IsNew', { Ref: 'AWS::NoValue' }, { Ref: 'AWS::NoValue' }] },
                ],
              },
            },
          },
        },
      },
      null,
      2,
    );
    expect(lineIn(text, 't.json', 'P.PolicyDocument', 'Statement[1].Action')).toBe(
      lineNumberOf(text, '"Statement"'),
    );
  });
});

describe('elementLines keys', () => {
  it('keeps a policy key named like an Object property as a path of its own', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [],\n  "__proto__": 1,\n  "toString": 2\n}\n';
    const result = extractPolicies(text, 'p.json');
    if (!result.ok) throw new Error(result.error);
    const [source] = result.sources;
    if (!source) throw new Error('no source');
    const lines = elementLines(result.input, source) ?? {};
    expect(Object.getPrototypeOf(lines)).toBeNull();
    expect(lines.toString).toBe(5);
  });
});

describe('elementLine and elementLines on a file nested too deep to locate', () => {
  // JSON.parse reads it; the offset-keeping parser would exhaust the stack.
  const depth = 100_000;
  const deep = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceVpce': 'X' } },
      },
    ],
  }).replace('"X"', `${'['.repeat(depth)}"x"${']'.repeat(depth)}`);

  it('gives no line instead of throwing, and the lines of a policy stay bounded in depth', () => {
    const result = extractPolicies(deep, 'deep.json');
    if (!result.ok) throw new Error(result.error);
    const [source] = result.sources;
    if (!source) throw new Error('no source');
    expect(
      elementLine(result.input, source, 'Statement[0].Condition.StringEquals["aws:SourceVpce"][0]'),
    ).toBeUndefined();
    expect(elementLines(result.input, source)).toBeUndefined();
  });
});

describe('parsePathText', () => {
  it('reads back every path childPath writes', () => {
    const paths = [
      [],
      ['Statement'],
      ['Statement', 0, 'Action', 12],
      ['Resources', 'App', 'Properties', 'Policies', 0, 'PolicyDocument'],
      ['Statement', 0, 'Condition', 'StringLike', 'token.actions.githubusercontent.com:sub'],
      ['odd "quoted" key', 'with\\backslash', 'a]b[c'],
    ];
    for (const segments of paths) expect(parsePathText(pathText(segments))).toEqual(segments);
  });

  it('rejects text that is no such path', () => {
    for (const text of ['.Statement', 'Statement[', 'Statement[x]', 'Statement["open]', 'a..b', 'a b']) {
      expect(parsePathText(text)).toBeUndefined();
    }
  });
});
