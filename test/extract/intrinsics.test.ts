import { describe, expect, it } from 'vitest';
import { resolveIntrinsics, resolveToString } from '../../src/extract/intrinsics.js';
import { findPolicyVariables } from '../../src/policy/policy-variables.js';

describe('resolveIntrinsics: references stay symbolic', () => {
  it.each([
    ['Ref to a resource', { Ref: 'Bucket' }, '${Bucket}'],
    ['Ref to a pseudo parameter', { Ref: 'AWS::AccountId' }, '${AWS::AccountId}'],
    ['Fn::GetAtt, long form', { 'Fn::GetAtt': ['Bucket', 'Arn'] }, '${Bucket.Arn}'],
    ['Fn::GetAtt, dotted form', { 'Fn::GetAtt': 'Db.Endpoint.Address' }, '${Db.Endpoint.Address}'],
    ['Fn::Sub keeps its template', { 'Fn::Sub': '${Bucket.Arn}/*' }, '${Bucket.Arn}/*'],
    [
      'Fn::Sub with pseudo parameters',
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' },
      'arn:${AWS::Partition}:iam::${AWS::AccountId}:root',
    ],
    [
      'Fn::Join of literal and symbolic parts',
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] },
      'arn:${AWS::Partition}:s3:::${Bucket}/*',
    ],
    ['Fn::Select from a literal list', { 'Fn::Select': ['1', ['a', 'b', 'c']] }, 'b'],
    ['Fn::Select over Fn::Split of literal text', { 'Fn::Select': [0, { 'Fn::Split': ['/', 'x/y'] }] }, 'x'],
    ['Fn::Base64 of literal text', { 'Fn::Base64': 'hi' }, 'aGk='],
  ])('%s', (_name, input, expected) => {
    expect(resolveIntrinsics(input)).toEqual({ value: expected, problems: [] });
  });

  it('substitutes Fn::Sub variables, literal or symbolic, and leaves unknown names as ${Name}', () => {
    const input = {
      'Fn::Sub': [
        'arn:${AWS::Partition}:s3:::${Bucket}/${Prefix}/${Other}',
        { Bucket: { Ref: 'DataBucket' }, Prefix: 'uploads' },
      ],
    };
    expect(resolveToString(input)).toBe('arn:${AWS::Partition}:s3:::${DataBucket}/uploads/${Other}');
  });

  it('turns Fn::Sub escapes ${!name} into literal ${name}, which IAM then reads as a policy variable', () => {
    const resource = resolveToString({ 'Fn::Sub': 'arn:aws:s3:::b/home/${!aws:username}/*' });
    expect(resource).toBe('arn:aws:s3:::b/home/${aws:username}/*');
    expect(findPolicyVariables(resource ?? '').map((ref) => ref.name)).toEqual(['aws:username']);
  });

  it('keeps CloudFormation references distinct from policy variables', () => {
    // `${AWS::AccountId}` and `${Bucket.Arn}` must stay literal for the policy-variable logic.
    expect(findPolicyVariables('arn:aws:iam::${AWS::AccountId}:role/${Bucket.Arn}')).toEqual([]);
  });

  it('drops properties and list entries that are AWS::NoValue', () => {
    const input = { Sid: { Ref: 'AWS::NoValue' }, Action: ['s3:GetObject', { Ref: 'AWS::NoValue' }] };
    expect(resolveIntrinsics(input)).toEqual({ value: { Action: ['s3:GetObject'] }, problems: [] });
  });

  it('resolves Fn::FindInMap with literal keys from the template Mappings', () => {
    const mappings = { Accounts: { prod: { Audit: '444455556666' } } };
    expect(resolveIntrinsics({ 'Fn::FindInMap': ['Accounts', 'prod', 'Audit'] }, { mappings })).toEqual({
      value: '444455556666',
      problems: [],
    });
  });

  it('reads an Fn::If whose branches are equal as that value', () => {
    expect(resolveIntrinsics({ 'Fn::If': ['IsProd', 's3:GetObject', 's3:GetObject'] }).problems).toEqual([]);
  });
});

describe('resolveIntrinsics: what is only known at deploy time is reported where it sits', () => {
  it('Fn::If choosing the whole document: one problem at the root, the first branch kept', () => {
    const result = resolveIntrinsics({ 'Fn::If': ['IsProd', { Statement: 'a' }, { Statement: 'b' }] });
    expect(result).toEqual({
      value: { Statement: 'a' },
      problems: [
        { path: '', message: 'Fn::If on condition IsProd chooses between two policies at deploy time' },
      ],
    });
  });

  it('Fn::If in a list keeps both branches, so everything the list can hold is visible', () => {
    const result = resolveIntrinsics({
      Action: ['s3:GetObject', { 'Fn::If': ['IsProd', 's3:DeleteObject', 's3:PutObject'] }],
    });
    expect(result).toEqual({
      value: { Action: ['s3:GetObject', 's3:DeleteObject', 's3:PutObject'] },
      problems: [
        {
          path: 'Action[1]',
          message: 'Fn::If on condition IsProd chooses between two values at deploy time',
        },
      ],
    });
  });

  it('Fn::If between a statement and AWS::NoValue says the statement may be absent', () => {
    const statement = { Effect: 'Allow', Action: 's3:DeleteObject', Resource: '*' };
    const result = resolveIntrinsics({
      Statement: [{ 'Fn::If': ['IsProd', statement, { Ref: 'AWS::NoValue' }] }],
    });
    expect(result).toEqual({
      value: { Statement: [statement] },
      problems: [
        {
          path: 'Statement[0]',
          message: 'Fn::If on condition IsProd decides whether this is present at deploy time',
        },
      ],
    });
  });

  it('Fn::If inside a Fn::Join picks one branch instead of joining both', () => {
    const result = resolveIntrinsics({
      Resource: {
        'Fn::Join': ['', [{ 'Fn::If': ['IsProd', 'arn:aws:s3:::prod', 'arn:aws:s3:::dev'] }, '/*']],
      },
    });
    expect(result.value).toEqual({ Resource: 'arn:aws:s3:::prod/*' });
    expect(result.problems).toEqual([
      { path: 'Resource', message: 'Fn::If on condition IsProd chooses between two values at deploy time' },
    ]);
  });

  it('Fn::ImportValue becomes a named placeholder', () => {
    expect(resolveIntrinsics({ Resource: { 'Fn::ImportValue': 'shared-key-arn' } })).toEqual({
      value: { Resource: '${Fn::ImportValue:shared-key-arn}' },
      problems: [
        {
          path: 'Resource',
          message: `Fn::ImportValue "shared-key-arn" is another stack's output, known only at deploy time`,
        },
      ],
    });
  });

  it('Fn::Select over a parameter list is reported once, at the Fn::Sub that uses it', () => {
    const result = resolveIntrinsics({
      Resource: {
        'Fn::Sub': [
          'arn:aws:ec2:*:*:subnet/${Subnet}',
          { Subnet: { 'Fn::Select': [0, { Ref: 'Subnets' }] } },
        ],
      },
    });
    expect(result).toEqual({
      value: { Resource: 'arn:aws:ec2:*:*:subnet/${Subnet}' },
      problems: [{ path: 'Resource', message: 'Fn::Select picks from a list known only at deploy time' }],
    });
  });

  it('Fn::FindInMap keyed by a parameter is unknown', () => {
    const result = resolveIntrinsics(
      { Principal: { AWS: { 'Fn::FindInMap': ['Accounts', { Ref: 'Stage' }, 'Audit'] } } },
      { mappings: { Accounts: { prod: { Audit: '1' } } } },
    );
    expect(result).toEqual({
      value: { Principal: { AWS: '${Fn::FindInMap:Accounts.${Stage}.Audit}' } },
      problems: [
        {
          path: 'Principal.AWS',
          message: 'Fn::FindInMap Accounts.${Stage}.Audit depends on values known only at deploy time',
        },
      ],
    });
  });

  it.each([
    ['Fn::GetAZs', { 'Fn::GetAZs': '' }],
    ['Fn::Cidr', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }],
  ])('%s is evaluated only at deploy time', (name, input) => {
    expect(resolveIntrinsics({ Resource: input })).toEqual({
      value: { Resource: `\${${name}}` },
      problems: [{ path: 'Resource', message: `${name} is evaluated only at deploy time` }],
    });
  });

  it('a Fn::Join over a parameter list is unknown', () => {
    expect(resolveIntrinsics({ 'Fn::Join': [',', { Ref: 'Arns' }] })).toEqual({
      value: '${Fn::Join}',
      problems: [{ path: '', message: 'Fn::Join over a list known only at deploy time' }],
    });
  });
});
