import { describe, expect, it } from 'vitest';
import type { PolicySource } from '../../src/extract/types.js';
import { lintSources, rules } from '../../src/rules/index.js';
import { noSettings, policy } from './harness.js';

const adminish = policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' });

function attached(principal: string, kind: PolicySource['kind'] = 'identity'): PolicySource {
  return {
    id: `template.json#SharedPolicy@${principal}`,
    kind,
    address: 'SharedPolicy',
    principal,
    document: adminish,
    filePath: 'Resources.SharedPolicy.Properties.PolicyDocument',
    location: { file: 'template.json', line: 12 },
  };
}

describe('lintSources', () => {
  it('judges a policy attached to two roles once, not once per attachment', () => {
    const findings = lintSources([attached('AppRole'), attached('JobRole')], { rules, settings: noSettings });
    const ids = findings.map((f) => `${f.ruleId} ${f.path}`);
    expect(ids.filter((id) => id === 'wildcard-action Statement[0].Action')).toHaveLength(1);
    expect(ids.filter((id) => id === 'wildcard-resource Statement[0].Resource')).toHaveLength(1);
  });

  it('leaves permission boundaries to cap, not to be judged for breadth', () => {
    const boundary = { ...attached('AppRole', 'boundary'), id: 'boundary.json', filePath: '' };
    expect(lintSources([boundary], { rules, settings: noSettings })).toEqual([]);
  });

  it('still evaluates escalation over every principal the shared policy is attached to', () => {
    const escalating = (principal: string): PolicySource => ({
      ...attached(principal),
      document: policy({
        Effect: 'Allow',
        Action: 'iam:CreatePolicyVersion',
        Resource: 'arn:aws:iam::111111111111:policy/app',
      }),
    });
    const findings = lintSources([escalating('AppRole'), escalating('JobRole')], {
      rules,
      settings: noSettings,
    });
    expect(
      findings.filter((f) => f.ruleId === 'privilege-escalation').map((f) => f.source.principal),
    ).toEqual(['AppRole', 'JobRole']);
  });

  it('combines the policies of one principal even when policies of others come between them', () => {
    const half = (id: string, principal: string, action: string): PolicySource => ({
      id,
      kind: 'identity',
      address: id,
      principal,
      document: policy({ Effect: 'Allow', Action: action, Resource: '*' }),
      location: { file: 'template.json' },
      filePath: id,
    });
    const findings = lintSources(
      [
        half('PassRolePolicy', 'AppRole', 'iam:PassRole'),
        half('OtherPolicy', 'JobRole', 'lambda:CreateFunction'),
        half('LambdaPolicy', 'AppRole', 'lambda:CreateFunction'),
        half('InvokePolicy', 'AppRole', 'lambda:InvokeFunction'),
      ],
      { rules, settings: noSettings },
    );
    const escalations = findings.filter((f) => f.ruleId === 'privilege-escalation');
    expect(escalations.map((f) => [f.source.id, f.path])).toEqual([
      ['PassRolePolicy', 'Statement[0].Action'],
    ]);
    expect(escalations[0]?.message).toContain('iam:PassRole + new Lambda function');
  });

  it('lists findings by source, then by path in natural order, then by rule', () => {
    const wide: PolicySource = {
      id: 'wide.json',
      kind: 'identity',
      address: 'wide.json',
      document: policy(
        ...Array.from({ length: 11 }, () => ({ Effect: 'Allow', Action: 's3:*', Resource: '*' })),
      ),
    };
    const findings = lintSources([wide], { rules, settings: noSettings });
    const order = findings.map((f) => `${f.path} ${f.ruleId}`);
    expect(order.slice(0, 4)).toEqual([
      'Statement[0].Action wildcard-action',
      'Statement[0].Resource sensitive-action-unscoped',
      'Statement[0].Resource wildcard-resource',
      'Statement[1].Action wildcard-action',
    ]);
    expect(order.indexOf('Statement[2].Action wildcard-action')).toBeLessThan(
      order.indexOf('Statement[10].Action wildcard-action'),
    );
  });

  it('flags a CDK-style account principal with a symbolic partition', () => {
    const trust: PolicySource = {
      id: 'cdk.json#Role',
      kind: 'trust',
      address: 'Stack/Role/Resource',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:${AWS::Partition}:iam::999999999999:root' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
    };
    const findings = lintSources([trust], {
      rules,
      settings: { ...noSettings, ownAccounts: ['111111111111'] },
    });
    expect(findings.map((f) => f.ruleId)).toEqual(['trust-untrusted-account']);
  });
});
