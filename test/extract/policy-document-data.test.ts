import { describe, expect, it } from 'vitest';
import {
  type PolicyDocumentLookup,
  policyDocumentReference,
  renderPolicyDocumentData,
} from '../../src/extract/policy-document-data.js';

const none: PolicyDocumentLookup = () => undefined;

describe('renderPolicyDocumentData', () => {
  it('renders statements the way the AWS provider does', () => {
    const rendered = renderPolicyDocumentData(
      'x',
      {
        statement: [
          {
            sid: 'Read',
            actions: ['s3:GetObject', 's3:ListBucket'],
            resources: ['${aws_s3_bucket.b.arn}/*'],
          },
          {
            effect: 'Deny',
            not_actions: ['iam:*'],
            not_resources: ['arn:aws:iam::*:role/admin'],
            condition: [
              { test: 'StringNotEquals', variable: 'aws:PrincipalTag/team', values: ['a', 'b'] },
              { test: 'Bool', variable: 'aws:MultiFactorAuthPresent', values: ['false'] },
            ],
          },
        ],
      },
      none,
    );
    expect(rendered).toEqual({
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Read',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: '${aws_s3_bucket.b.arn}/*',
          },
          {
            Effect: 'Deny',
            NotAction: 'iam:*',
            NotResource: 'arn:aws:iam::*:role/admin',
            Condition: {
              StringNotEquals: { 'aws:PrincipalTag/team': ['a', 'b'] },
              Bool: { 'aws:MultiFactorAuthPresent': 'false' },
            },
          },
        ],
      },
      problems: [],
    });
  });

  it('groups principals by type and writes type "*" with identifier "*" as Principal "*"', () => {
    const trust = renderPolicyDocumentData(
      'trust',
      {
        statement: {
          actions: ['sts:AssumeRole'],
          principals: [
            { type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] },
            { type: 'Service', identifiers: ['ec2.amazonaws.com'] },
            { type: 'AWS', identifiers: ['arn:aws:iam::444455556666:root'] },
          ],
        },
      },
      none,
    );
    expect(trust.document.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: {
          AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:root'],
          Service: 'ec2.amazonaws.com',
        },
      },
    ]);
    const anyone = renderPolicyDocumentData(
      'p',
      {
        statement: [
          { actions: ['s3:GetObject'], resources: ['*'], principals: [{ type: '*', identifiers: ['*'] }] },
        ],
      },
      none,
    );
    expect(anyone.document.Statement).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Principal: '*' },
    ]);
  });

  it('reads $${aws:username} as the policy variable and keeps version and policy_id', () => {
    const rendered = renderPolicyDocumentData(
      'x',
      {
        version: '2012-10-17',
        policy_id: 'home',
        statement: [{ actions: ['s3:*'], resources: ['arn:aws:s3:::b/home/$${aws:username}/*'] }],
      },
      none,
    );
    expect(rendered.document).toEqual({
      Version: '2012-10-17',
      Id: 'home',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/home/${aws:username}/*' }],
    });
  });

  it('puts source documents first and lets same-Sid statements of this and override documents replace them', () => {
    const blocks: Record<string, Record<string, unknown>> = {
      base: {
        statement: [
          { sid: 'Keep', actions: ['s3:GetObject'], resources: ['*'] },
          { sid: 'Replace', actions: ['s3:*'], resources: ['*'] },
        ],
      },
      extra: { statement: [{ sid: 'Replace', actions: ['s3:ListBucket'], resources: ['*'] }] },
    };
    const rendered = renderPolicyDocumentData(
      'main',
      {
        source_policy_documents: ['${data.aws_iam_policy_document.base.json}'],
        statement: [{ sid: 'Replace', actions: ['s3:PutObject'], resources: ['*'] }],
        override_policy_documents: [
          '${data.aws_iam_policy_document.extra.json}',
          '{"Statement": [{"Sid": "Added", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}',
        ],
      },
      (name) => blocks[name],
    );
    expect(rendered.problems).toEqual([]);
    expect(rendered.document.Statement).toEqual([
      { Sid: 'Keep', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Sid: 'Replace', Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' },
      { Sid: 'Added', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
    ]);
  });

  it('reports what only Terraform can expand: dynamic blocks, whole-list expressions, missing documents', () => {
    const rendered = renderPolicyDocumentData(
      'x',
      {
        source_policy_documents: ['${data.aws_iam_policy_document.gone.json}'],
        dynamic: { statement: { for_each: '${var.statements}' } },
        statement: [{ actions: '${var.actions}', resources: ['*'] }],
      },
      none,
    );
    expect(rendered.problems).toEqual([
      { path: 'Statement', message: 'data.aws_iam_policy_document.gone is not in this file' },
      { path: 'Statement', message: 'dynamic blocks are expanded only when Terraform runs' },
      {
        path: 'Statement[0].Action',
        message: 'the list is the Terraform expression ${var.actions}, known only when Terraform runs',
      },
    ]);
  });

  it('does not loop on a document that includes itself', () => {
    const self = { source_policy_documents: ['${data.aws_iam_policy_document.self.json}'], statement: [] };
    const rendered = renderPolicyDocumentData('self', self, () => self);
    expect(rendered.problems).toEqual([
      { path: 'Statement', message: 'data.aws_iam_policy_document.self refers back to itself' },
    ]);
  });
});

describe('policyDocumentReference', () => {
  it.each([
    ['${data.aws_iam_policy_document.read-orders.json}', 'read-orders'],
    ['${data.aws_iam_policy_document.x.minified_json}', 'x'],
    ['${data.aws_iam_policy_document.x.json}/extra', undefined],
    ['${aws_iam_policy.x.policy}', undefined],
  ])('%s -> %s', (text, name) => {
    expect(policyDocumentReference(text)).toBe(name);
  });
});
