/**
 * Permissions boundaries are extracted as `boundary` policies of their role or user, so that the
 * diff, the simulator and expectations see the cap, and breadth rules leave the boundary alone.
 */
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/index.js';
import { evaluateExpectations } from '../../src/expect/evaluate-expectations.js';
import { extractPolicies } from '../../src/extract/extract-file.js';
import type { PolicySource } from '../../src/extract/types.js';
import { lintSources, rules } from '../../src/rules/index.js';
import { policySet } from '../../src/review/compare-revisions.js';

const settings = { ownAccounts: [], trustedAccounts: [], allowedOidcSubjects: [] };
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const doc = (action: string | string[], resource = '*') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
});

function sources(value: object, file: string): PolicySource[] {
  const extracted = extractPolicies(JSON.stringify(value), file);
  if (!extracted.ok) throw new Error(extracted.error);
  return extracted.sources;
}

const boundaries = (list: PolicySource[]) => list.filter((s) => s.kind === 'boundary');

describe('CloudFormation PermissionsBoundary', () => {
  const template = (boundary: unknown) => ({
    Resources: {
      AppRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: TRUST,
          PermissionsBoundary: boundary,
          Policies: [{ PolicyName: 'app', PolicyDocument: doc('s3:*', 'arn:aws:s3:::app-data/*') }],
        },
      },
      Boundary: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: doc(['s3:GetObject', 's3:PutObject']) },
      },
    },
  });

  it('a Ref to a managed policy of the template is the role boundary, with that document', () => {
    const [boundary] = boundaries(sources(template({ Ref: 'Boundary' }), 'template.json'));
    expect(boundary).toMatchObject({
      kind: 'boundary',
      address: 'AppRole',
      property: 'PermissionsBoundary',
      principal: 'AppRole',
      document: doc(['s3:GetObject', 's3:PutObject']),
    });
    expect(boundary?.unresolved).toBeUndefined();
  });

  it('an AWS managed policy ARN resolves to its document; an unknown ARN is reported, not dropped', () => {
    const [managed] = boundaries(
      sources(template('arn:aws:iam::aws:policy/PowerUserAccess'), 'template.json'),
    );
    expect(managed).toMatchObject({ managedPolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' });
    expect(managed?.document).toBeDefined();
    const [unknown] = boundaries(
      sources(template('arn:aws:iam::111122223333:policy/OrgBoundary'), 'template.json'),
    );
    expect(unknown?.unresolved).toBe(
      'the permissions boundary arn:aws:iam::111122223333:policy/OrgBoundary is not defined in this template',
    );
  });

  it('caps what expectations and the diff see; a broad boundary is not itself a finding', () => {
    const withBoundary = sources(template({ Ref: 'Boundary' }), 'template.json');
    const [deleteObject] = evaluateExpectations(
      [
        {
          principal: 'AppRole',
          action: 's3:DeleteObject',
          resource: 'arn:aws:s3:::app-data/x',
          decision: 'deny',
        },
      ],
      withBoundary,
      { configFile: '.github/iam-gate.yml' },
    );
    expect(deleteObject?.passed).toBe(true);

    // Adding the boundary at head removes access, it never adds any.
    const without = sources(template(undefined), 'template.json');
    expect(diff(policySet(without), policySet(withBoundary)).verdict).toBe('no-new-access');
    expect(diff(policySet(withBoundary), policySet(without)).verdict).toBe('new-access');

    const broad = sources(template('arn:aws:iam::aws:policy/AdministratorAccess'), 'template.json');
    const findings = lintSources(broad, { rules, settings }).filter((f) => f.source.kind === 'boundary');
    expect(findings).toEqual([]);
  });
});

describe('Terraform permissions_boundary', () => {
  const config = (boundary: string) => ({
    resource: {
      aws_iam_policy: { boundary: { policy: JSON.stringify(doc('s3:GetObject')) } },
      aws_iam_role: {
        app: { name: 'app', assume_role_policy: JSON.stringify(TRUST), permissions_boundary: boundary },
      },
      aws_iam_user: { ci: { name: 'ci', permissions_boundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
    },
  });

  it('a reference to an aws_iam_policy of the configuration, and an AWS managed ARN on a user', () => {
    const found = boundaries(sources(config('${aws_iam_policy.boundary.arn}'), 'cdk.tf.json'));
    expect(
      found.map((s) => [s.principal, s.property, s.managedPolicyArn ?? null, s.unresolved ?? null]),
    ).toEqual([
      ['aws_iam_role.app', 'permissions_boundary', null, null],
      ['aws_iam_user.ci', 'permissions_boundary', 'arn:aws:iam::aws:policy/ReadOnlyAccess', null],
    ]);
    expect(found[0]?.document).toEqual(doc('s3:GetObject'));
  });

  it('a boundary from a variable cannot be known: reported', () => {
    const [role] = boundaries(sources(config('${var.boundary_arn}'), 'cdk.tf.json'));
    expect(role?.unresolved).toBe(
      'the permissions boundary ${var.boundary_arn} is not defined in this configuration',
    );
  });
});
