/**
 * Permission expectations (`expect:` in the config) evaluated with the local simulator over the
 * policies extracted from an input: which pass, which fail, and where a failure points.
 */
import { describe, expect, it } from 'vitest';
import type { Expectation } from '../../src/config/schema.js';
import { evaluateExpectations } from '../../src/expect/evaluate-expectations.js';
import { extractPolicies } from '../../src/extract/extract-file.js';
import type { PolicySource } from '../../src/extract/types.js';

/** A CloudFormation template: AppRole with an inline policy, LonelyRole with only a trust policy. */
const TEMPLATE = {
  Resources: {
    AppRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        Policies: [
          {
            PolicyName: 'data',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Sid: 'Data', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::app-data/*' },
                {
                  Sid: 'NoSecrets',
                  Effect: 'Deny',
                  Action: 's3:GetObject',
                  Resource: 'arn:aws:s3:::app-data/secrets/*',
                },
                {
                  Sid: 'QueueFromVpc',
                  Effect: 'Allow',
                  Action: 'sqs:SendMessage',
                  Resource: 'arn:aws:sqs:eu-west-1:111122223333:orders',
                  Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c' } },
                },
              ],
            },
          },
        ],
      },
    },
    LonelyRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
      },
    },
  },
};

function sourcesOf(template: object): PolicySource[] {
  const extracted = extractPolicies(JSON.stringify(template), 'template.json');
  if (!extracted.ok) throw new Error(extracted.error);
  return extracted.sources;
}

/** AppRole's permissions boundary: reads, writes and queues, no deletes. */
const BOUNDARY: PolicySource = {
  id: 'boundary.json',
  kind: 'boundary',
  address: 'boundary.json',
  principal: 'AppRole',
  document: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 'sqs:SendMessage'], Resource: '*' },
    ],
  },
};

const SOURCES = [...sourcesOf(TEMPLATE), BOUNDARY];
const CONTEXT = { configFile: '.github/iam-gate.yml', lines: [4, 9, 14] };

function evaluate(expectation: Expectation, sources: PolicySource[] = SOURCES) {
  const [result] = evaluateExpectations([expectation], sources, CONTEXT);
  if (result === undefined) throw new Error('no result');
  return result;
}

const request = (over: Partial<Expectation>): Expectation => ({
  principal: 'AppRole',
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::app-data/reports/q1.csv',
  decision: 'allow',
  ...over,
});

describe('evaluateExpectations', () => {
  it('passes an allow that the inline policy grants within the boundary', () => {
    const result = evaluate(request({}));
    expect(result.passed).toBe(true);
    expect(result.simulation?.decision).toBe('allowed');
    expect(result.finding).toBeUndefined();
  });

  it('fails a deny that a wildcard grants, pointing at the granting statement', () => {
    const result = evaluate(
      request({ action: 's3:PutObject', decision: 'deny', why: 'reports are written by the exporter only' }),
    );
    expect(result.passed).toBe(false);
    expect(result.finding).toMatchObject({
      ruleId: 'expectation-failed',
      severity: 'error',
      path: 'Statement[0]',
      source: { address: 'AppRole', property: 'Policies[0].PolicyDocument' },
      message:
        'expect[0]: expected AppRole s3:PutObject on arn:aws:s3:::app-data/reports/q1.csv to be denied, ' +
        'but it is allowed by identity policy AppRole.Policies[0].PolicyDocument, Statement[0] (Sid Data), ' +
        'within permissions boundary boundary.json, Statement[0] (reports are written by the exporter only)',
    });
  });

  it('fails an allow that an explicit Deny blocks, pointing at the Deny', () => {
    const result = evaluate(request({ resource: 'arn:aws:s3:::app-data/secrets/key.pem' }));
    expect(result.finding?.path).toBe('Statement[1]');
    expect(result.finding?.message).toContain(
      'but it is explicitly denied by identity policy AppRole.Policies[0].PolicyDocument, Statement[1] (Sid NoSecrets)',
    );
  });

  it('passes a deny that the explicit Deny guarantees', () => {
    expect(
      evaluate(request({ resource: 'arn:aws:s3:::app-data/secrets/key.pem', decision: 'deny' })).passed,
    ).toBe(true);
  });

  it('the boundary caps what the inline policy grants', () => {
    // Allowed by nothing at all: implicit deny, and the finding points at the config entry.
    const result = evaluate(
      request({ action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/t' }),
    );
    expect(result.passed).toBe(false);
    expect(result.finding?.source).toMatchObject({
      address: 'expect[0]',
      principal: 'AppRole',
      location: { file: '.github/iam-gate.yml', line: 4 },
    });
    expect(result.finding?.message).toContain(
      'to be allowed, but it is denied: no statement allows dynamodb:GetItem',
    );
  });

  it('uses the request context: a condition met allows, one unmet names the near miss', () => {
    const send = request({
      action: 'sqs:SendMessage',
      resource: 'arn:aws:sqs:eu-west-1:111122223333:orders',
    });
    expect(evaluate({ ...send, context: { 'aws:SourceVpce': 'vpce-1a2b3c' } }).passed).toBe(true);
    const unmet = evaluate({ ...send, context: { 'aws:SourceVpce': 'vpce-other' } });
    expect(unmet.passed).toBe(false);
    expect(unmet.finding?.message).toContain('its condition StringEquals aws:SourceVpce is not met');
  });

  it('a principal with only a trust policy has no permissions: deny passes, allow fails', () => {
    expect(evaluate(request({ principal: 'LonelyRole', decision: 'deny' })).passed).toBe(true);
    expect(evaluate(request({ principal: 'LonelyRole' })).passed).toBe(false);
  });

  it('an unknown principal fails with a suggestion instead of passing silently', () => {
    const result = evaluate(request({ principal: 'AppRol', decision: 'deny' }));
    expect(result.passed).toBe(false);
    expect(result.simulation).toBeUndefined();
    expect(result.finding?.message).toBe(
      'expect[0]: cannot be checked: no policy in the checked inputs belongs to AppRol; did you mean "AppRole"?',
    );
  });

  it('a policy of the principal that is unresolved or malformed makes the expectation undecidable', () => {
    const unresolved = SOURCES.map((source) =>
      source.address === 'AppRole' && source.kind === 'identity'
        ? { ...source, document: undefined, unresolved: 'the policy is computed at deploy time' }
        : source,
    );
    const result = evaluate(request({ action: 's3:PutObject', decision: 'deny' }), unresolved);
    expect(result.passed).toBe(false);
    expect(result.finding?.message).toContain(
      'cannot be checked: AppRole (a policy of AppRole) cannot be read before deployment: the policy is computed at deploy time',
    );

    const malformed = SOURCES.map((source) =>
      source.address === 'AppRole' && source.kind === 'identity'
        ? { ...source, document: { Version: '2012-10-17', Statement: [{ Effect: 'allow' }] } }
        : source,
    );
    expect(evaluate(request({ decision: 'deny' }), malformed).finding?.message).toContain('is malformed');
  });

  it('resources may use the symbolic references the policies hold', () => {
    const terraform = {
      resource: {
        aws_iam_role: {
          app: {
            assume_role_policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
              ],
            }),
          },
        },
        aws_iam_role_policy: {
          app: {
            role: '${aws_iam_role.app.name}',
            policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.data.arn}/uploads/*' },
              ],
            }),
          },
        },
      },
    };
    const sources = sourcesOf(terraform);
    const base = { principal: 'aws_iam_role.app', action: 's3:GetObject' } as const;
    expect(
      evaluate({ ...base, resource: '${aws_s3_bucket.data.arn}/uploads/a.png', decision: 'allow' }, sources)
        .passed,
    ).toBe(true);
    expect(
      evaluate({ ...base, resource: '${aws_s3_bucket.data.arn}/private/a.png', decision: 'deny' }, sources)
        .passed,
    ).toBe(true);
  });

  it('each expectation is reported at its own index and line', () => {
    const results = evaluateExpectations(
      [
        request({}),
        request({ action: 'dynamodb:GetItem', resource: '*' }),
        request({ action: 's3:PutObject', decision: 'deny' }),
      ],
      SOURCES,
      CONTEXT,
    );
    expect(results.map((r) => [r.index, r.passed])).toEqual([
      [0, true],
      [1, false],
      [2, false],
    ]);
    expect(results[1]?.finding?.source.location).toEqual({ file: '.github/iam-gate.yml', line: 9 });
    expect(results[2]?.finding?.message.startsWith('expect[2]: ')).toBe(true);
  });
});
