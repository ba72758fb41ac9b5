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
