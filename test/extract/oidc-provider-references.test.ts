import { describe, expect, it } from 'vitest';
import { extractPolicies } from '../../src/extract/extract-file.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';

/** The trust policy's federated principal, as the rules will see it after parsing. */
function federatedPrincipal(text: string, fileName: string) {
  const extracted = extractPolicies(text, fileName);
  if (!extracted.ok) throw new Error(extracted.error);
  const trust = extracted.sources.find((source) => source.kind === 'trust');
  const parsed = parsePolicy(trust?.document, { kind: 'trust' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.policy.statements[0]?.principal?.[0];
}

describe('OIDC provider references in trust policies', () => {
  it('names the provider behind a Terraform reference to aws_iam_openid_connect_provider', () => {
    const config = {
      resource: {
        aws_iam_openid_connect_provider: {
          github: {
            url: 'https://token.actions.githubusercontent.com',
            client_id_list: ['sts.amazonaws.com'],
          },
        },
        aws_iam_role: {
          ci: {
            assume_role_policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Federated: '${aws_iam_openid_connect_provider.github.arn}' },
                  Action: 'sts:AssumeRoleWithWebIdentity',
                },
              ],
            }),
          },
        },
      },
    };
    expect(federatedPrincipal(JSON.stringify(config), 'cdk.tf.json')).toMatchObject({
      value:
        'arn:aws:iam::${aws_iam_openid_connect_provider.github.arn.account}:oidc-provider/token.actions.githubusercontent.com',
      class: { kind: 'federated', provider: 'token.actions.githubusercontent.com' },
    });
  });

  it.each([
    ['Fn::GetAtt', '!GetAtt GithubProvider.Arn'],
    ['Ref', '!Ref GithubProvider'],
  ])('names the provider behind a CloudFormation %s to AWS::IAM::OIDCProvider', (_name, reference) => {
    const template = `
Resources:
  GithubProvider:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
      ClientIdList: [sts.amazonaws.com]
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Federated: ${reference}
            Action: sts:AssumeRoleWithWebIdentity
`;
    expect(federatedPrincipal(template, 'template.yaml')?.class).toEqual({
      kind: 'federated',
      provider: 'token.actions.githubusercontent.com',
    });
  });

  it('leaves a reference to a provider defined elsewhere symbolic', () => {
    const config = {
      resource: {
        aws_iam_role: {
          ci: {
            assume_role_policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Federated: '${var.provider_arn}' },
                  Action: 'sts:AssumeRoleWithWebIdentity',
                },
              ],
            }),
          },
        },
      },
    };
    expect(federatedPrincipal(JSON.stringify(config), 'cdk.tf.json')?.class).toEqual({ kind: 'unknown' });
  });
});
