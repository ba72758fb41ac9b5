import { describe, expect, it } from 'vitest';
import { privilegeEscalation } from '../../src/rules/privilege-escalation.js';
import { ESCALATION_METHODS } from '../../src/rules/support/escalation-methods.js';
import { policy, runPrincipalRule } from './harness.js';

const ACCOUNT = '123456789012';
const allow = (action: unknown, resource: unknown = '*', condition?: object) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...(condition && { Condition: condition }),
});
const deny = (action: unknown, resource: unknown = '*', condition?: object) => ({
  ...allow(action, resource, condition),
  Effect: 'Deny',
});

function run(...documents: unknown[]) {
  return runPrincipalRule(privilegeEscalation, documents);
}

describe('privilege-escalation', () => {
  it.each([
    ['read-only IAM', [policy(allow(['iam:Get*', 'iam:List*']))]],
    [
      'PassRole and CreateFunction, but no way to run the function',
      [policy(allow(['iam:PassRole', 'lambda:CreateFunction']))],
    ],
    ['ec2:RunInstances without PassRole', [policy(allow('ec2:*'))]],
    [
      '"*" on one bucket, which grants no IAM action',
      [policy(allow('*', ['arn:aws:s3:::acme-data', 'arn:aws:s3:::acme-data/*']))],
    ],
    [
      'iam:CreatePolicyVersion on roles, a resource it does not act on',
      [policy(allow('iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:role/*`))],
    ],
    ['iam:* taken back by an unconditional Deny', [policy(allow('iam:*'), deny('iam:*'))]],
    [
      'a Deny on every user in another of the principal’s policies',
      [
        policy(allow(['iam:CreateAccessKey', 'iam:GetUser'])),
        policy(deny('iam:CreateAccessKey', 'arn:aws:iam::*:user/*')),
      ],
    ],
    [
      'half of a combination taken back by a Deny in another policy',
      [
        policy(allow(['iam:PassRole', 'ec2:RunInstances'])),
        policy(deny('iam:Pass*', `arn:aws:iam::${ACCOUNT}:role/*`)),
      ],
    ],
    [
      'NotAction that leaves out every service with an escalation',
      [
        policy({
          Effect: 'Allow',
          NotAction: ['iam:*', 'lambda:*', 'glue:*', 'sagemaker:*', 'ssm:*'],
          Resource: '*',
        }),
      ],
    ],
    ['only Deny statements', [policy(deny('*'))]],
  ])('is quiet on %s', (_name, documents) => {
    expect(run(...documents)).toEqual([]);
  });

  it.each([
    [
      'iam:CreatePolicyVersion',
      [policy(allow('iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/app`))],
      [['policy-0.json', 'Statement[0].Action']],
      ['privilege escalation through iam:CreatePolicyVersion', 'granted iam:CreatePolicyVersion'],
    ],
    [
      'an Allow with a condition (conditions are not trusted to stop it)',
      [policy(allow('iam:AttachRolePolicy', '*', { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }))],
      [['policy-0.json', 'Statement[0].Action']],
      ['iam:AttachRolePolicy'],
    ],
    [
      'iam:Put*',
      [policy(allow(['s3:GetObject', 'iam:Put*']))],
      [['policy-0.json', 'Statement[0].Action[1]']],
      ['through 3 methods', 'iam:PutUserPolicy (via "iam:Put*")', 'iam:PutGroupPolicy', 'iam:PutRolePolicy'],
    ],
    [
      'PassRole with a new Lambda function it can invoke, on the PassRole entry',
      [
        policy(
          allow('s3:GetObject', 'arn:aws:s3:::b/*'),
          allow(['lambda:CreateFunction', 'lambda:AddPermission', 'iam:PassRole']),
        ),
      ],
      [['policy-0.json', 'Statement[1].Action[2]']],
      [
        'iam:PassRole + new Lambda function',
        'granted iam:PassRole, lambda:CreateFunction, lambda:AddPermission',
      ],
    ],
    [
      'a combination split over two policies of one principal',
      [policy(allow('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/*`)), policy(allow('ec2:RunInstances'))],
      [['policy-0.json', 'Statement[0].Action']],
      ['iam:PassRole + ec2:RunInstances', 'iam:PassRole in policy-0.json, ec2:RunInstances in policy-1.json'],
    ],
    [
      'a combination whose first action is in the second policy',
      [policy(allow(['ecs:RegisterTaskDefinition', 'ecs:RunTask'])), policy(allow('iam:Pass*'))],
      [['policy-1.json', 'Statement[0].Action']],
      [
        'iam:PassRole + ECS',
        'iam:PassRole (via "iam:Pass*") in policy-1.json',
        'ecs:RegisterTaskDefinition in policy-0.json',
      ],
    ],
    [
      'iam:UpdateAssumeRolePolicy with sts:AssumeRole',
      [
        policy(
          allow('iam:UpdateAssumeRolePolicy', `arn:aws:iam::${ACCOUNT}:role/admin`),
          allow('sts:AssumeRole'),
        ),
      ],
      [['policy-0.json', 'Statement[0].Action']],
      ['iam:UpdateAssumeRolePolicy + sts:AssumeRole'],
    ],
    [
      'ssm:SendCommand on instances',
      [
        policy(
          allow('ssm:SendCommand', [
            `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/*`,
            'arn:aws:ssm:eu-west-1::document/AWS-RunShellScript',
          ]),
        ),
      ],
      [['policy-0.json', 'Statement[0].Action']],
      ["run commands on instances and use their roles' credentials"],
    ],
    [
      'a Deny with a condition, which does not always apply',
      [
        policy(
          allow('iam:CreateAccessKey'),
          deny('iam:*', '*', { Bool: { 'aws:MultiFactorAuthPresent': 'false' } }),
        ),
      ],
      [['policy-0.json', 'Statement[0].Action']],
      ['iam:CreateAccessKey'],
    ],
    [
      'a Deny on one user only',
      [
        policy(
          allow('iam:CreateAccessKey'),
          deny('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/admin`),
        ),
      ],
      [['policy-0.json', 'Statement[0].Action']],
      ['iam:CreateAccessKey'],
    ],
    [
      'a Deny on every role, which does not cover a user action',
      [policy(allow('iam:CreateAccessKey'), deny('iam:*', 'arn:aws:iam::*:role/*'))],
      [['policy-0.json', 'Statement[0].Action']],
      ['iam:CreateAccessKey'],
    ],
  ])('reports %s', (_name, documents, sites, fragments) => {
    const hits = run(...documents);
    expect(hits.map((hit) => [hit.sourceId, hit.path])).toEqual(sites);
    for (const hit of hits) expect(hit.severity).toBeUndefined();
    const messages = hits.map((hit) => hit.message).join('\n');
    for (const fragment of fragments) expect(messages).toContain(fragment);
  });

  /**
   * The published methods as IAM-NOTES.md lists them, written out here rather than read from
   * ESCALATION_METHODS: dropping a method, or one alternative of one, from the implementation fails
   * this table. Each entry: every group is needed, any one action of a group will do.
   */
  const PUBLISHED: [name: string, groups: string[][]][] = [
    ['CreatePolicyVersion', [['iam:CreatePolicyVersion']]],
    ['SetDefaultPolicyVersion', [['iam:SetDefaultPolicyVersion']]],
    ['AttachUserPolicy', [['iam:AttachUserPolicy']]],
    ['AttachGroupPolicy', [['iam:AttachGroupPolicy']]],
    ['AttachRolePolicy', [['iam:AttachRolePolicy']]],
    ['PutUserPolicy', [['iam:PutUserPolicy']]],
    ['PutGroupPolicy', [['iam:PutGroupPolicy']]],
    ['PutRolePolicy', [['iam:PutRolePolicy']]],
    ['UpdateAssumeRolePolicy', [['iam:UpdateAssumeRolePolicy'], ['sts:AssumeRole']]],
    ['CreateAccessKey', [['iam:CreateAccessKey']]],
    ['CreateLoginProfile', [['iam:CreateLoginProfile']]],
    ['UpdateLoginProfile', [['iam:UpdateLoginProfile']]],
    ['AddUserToGroup', [['iam:AddUserToGroup']]],
    [
      'Lambda',
      [
        ['iam:PassRole'],
        ['lambda:CreateFunction'],
        ['lambda:InvokeFunction', 'lambda:CreateEventSourceMapping', 'lambda:AddPermission'],
      ],
    ],
    ['EC2', [['iam:PassRole'], ['ec2:RunInstances']]],
    ['CloudFormation', [['iam:PassRole'], ['cloudformation:CreateStack']]],
    ['Glue', [['iam:PassRole'], ['glue:CreateDevEndpoint', 'glue:CreateJob']]],
    [
      'Data Pipeline',
      [['iam:PassRole'], ['datapipeline:CreatePipeline'], ['datapipeline:PutPipelineDefinition']],
    ],
    ['CodeBuild', [['iam:PassRole'], ['codebuild:CreateProject'], ['codebuild:StartBuild']]],
    [
      'SageMaker',
      [
        ['iam:PassRole'],
        ['sagemaker:CreateNotebookInstance', 'sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob'],
      ],
    ],
    ['ECS', [['iam:PassRole'], ['ecs:RegisterTaskDefinition'], ['ecs:RunTask', 'ecs:CreateService']]],
    ['App Runner', [['iam:PassRole'], ['apprunner:CreateService']]],
    ['UpdateFunctionCode', [['lambda:UpdateFunctionCode']]],
    ['UpdateFunctionConfiguration', [['lambda:UpdateFunctionConfiguration']]],
    ['UpdateDevEndpoint', [['glue:UpdateDevEndpoint']]],
    ['CreatePresignedNotebookInstanceUrl', [['sagemaker:CreatePresignedNotebookInstanceUrl']]],
    ['SendCommand', [['ssm:SendCommand']]],
    ['StartSession', [['ssm:StartSession']]],
  ];

  /** Every way to pick one action per group. */
  const choices = (groups: string[][]): string[][] =>
    groups.reduce<string[][]>((picked, group) => picked.flatMap((p) => group.map((a) => [...p, a])), [[]]);

  it.each(PUBLISHED.flatMap(([name, groups]) => choices(groups).map((actions) => [name, actions] as const)))(
    'reports %s granted as %j, naming what it granted',
    (_name, actions) => {
      const hits = run(policy(allow([...actions])));
      expect(hits).toHaveLength(1);
      for (const action of actions) expect(hits[0]?.message).toContain(action);
    },
  );

  it.each(
    PUBLISHED.filter(([, groups]) => groups.length > 1).flatMap(([name, groups]) =>
      groups.map(
        (_, left) => [name, groups.filter((__, g) => g !== left).map((group) => group[0] as string)] as const,
      ),
    ),
  )('is quiet on %s with one of its parts missing: %j', (_name, actions) => {
    expect(run(policy(allow([...actions])))).toEqual([]);
  });

  it('finds every single-action IAM method in iam:*', () => {
    const hits = run(policy(allow('iam:*')));
    const iamOnly = ESCALATION_METHODS.filter((method) =>
      method.requires.flat().every((action) => action.startsWith('iam:')),
    );
    // One finding for the one line, naming every method it enables.
    expect(hits.map((hit) => hit.path)).toEqual(['Statement[0].Action']);
    expect(hits[0]?.message).toContain(`privilege escalation through ${iamOnly.length} methods (`);
    expect(hits[0]?.message).toContain('iam:CreatePolicyVersion (via "iam:*")');
  });

  it('finds every method in "*" and in NotAction', () => {
    const star = run(policy(allow('*')));
    expect(star).toHaveLength(1);
    expect(star[0]?.message).toContain(`privilege escalation through ${ESCALATION_METHODS.length} methods (`);
    const notAction = run(policy({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }));
    expect(notAction.map((hit) => hit.path)).toEqual(['Statement[0].NotAction']);
    expect(notAction[0]?.message).toContain(
      `privilege escalation through ${ESCALATION_METHODS.length} methods (`,
    );
    expect(notAction[0]?.message).toContain('(via NotAction)');
  });

  it('names each method once, however many statements grant it', () => {
    const hits = run(policy(allow('iam:CreateLoginProfile')), policy(allow('iam:*LoginProfile')));
    expect(hits.map((hit) => hit.message.split(':')[0])).toEqual([
      'privilege escalation through iam',
      'privilege escalation through iam',
    ]);
    expect(hits.map((hit) => hit.sourceId)).toEqual(['policy-0.json', 'policy-1.json']);
  });
});
