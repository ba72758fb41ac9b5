/**
 * The published IAM privilege-escalation methods (Rhino Security Labs' list and later research,
 * as summarised in IAM-NOTES.md): sets of actions that, granted to one principal, let it obtain
 * permissions it was not given.
 */

export interface EscalationMethod {
  /** Short name shown in findings. */
  name: string;
  /** One line: how the actions are abused. */
  explanation: string;
  /**
   * Every group is needed; any one action of a group satisfies it. The first group's action is
   * where a finding is reported.
   */
  requires: readonly (readonly string[])[];
}

const single = (action: string, explanation: string): EscalationMethod => ({
  name: action,
  explanation,
  requires: [[action]],
});

export const ESCALATION_METHODS: readonly EscalationMethod[] = [
  single(
    'iam:CreatePolicyVersion',
    'publish a new default version of a managed policy attached to itself, with any permissions',
  ),
  single(
    'iam:SetDefaultPolicyVersion',
    'switch a managed policy attached to itself to an older, broader version',
  ),
  single('iam:AttachUserPolicy', 'attach AdministratorAccess (or any managed policy) to a user it controls'),
  single('iam:AttachGroupPolicy', 'attach any managed policy to a group it is in'),
  single('iam:AttachRolePolicy', 'attach any managed policy to a role it can assume'),
  single('iam:PutUserPolicy', 'write an inline policy with any permissions on a user it controls'),
  single('iam:PutGroupPolicy', 'write an inline policy with any permissions on a group it is in'),
  single('iam:PutRolePolicy', 'write an inline policy with any permissions on a role it can assume'),
  single('iam:CreateAccessKey', 'create access keys for another, more privileged user'),
  single('iam:CreateLoginProfile', 'set a console password for a user that has none and sign in as it'),
  single('iam:UpdateLoginProfile', "change another user's console password and sign in as it"),
  single('iam:AddUserToGroup', 'add itself to a more privileged group'),
  {
    name: 'iam:UpdateAssumeRolePolicy + sts:AssumeRole',
    explanation: "rewrite a privileged role's trust policy to trust itself, then assume the role",
    requires: [['iam:UpdateAssumeRolePolicy'], ['sts:AssumeRole']],
  },
  {
    name: 'iam:PassRole + new Lambda function',
    explanation: 'create a function running as a privileged role and invoke or trigger it',
    requires: [
      ['iam:PassRole'],
      ['lambda:CreateFunction'],
      ['lambda:InvokeFunction', 'lambda:CreateEventSourceMapping', 'lambda:AddPermission'],
    ],
  },
  {
    name: 'iam:PassRole + ec2:RunInstances',
    explanation: "launch an instance with a privileged role's instance profile and use its credentials",
    requires: [['iam:PassRole'], ['ec2:RunInstances']],
  },
  {
    name: 'iam:PassRole + cloudformation:CreateStack',
    explanation: 'create a stack that runs as a privileged role and creates whatever it likes',
    requires: [['iam:PassRole'], ['cloudformation:CreateStack']],
  },
  {
    name: 'iam:PassRole + Glue',
    explanation: 'create a Glue dev endpoint or job running as a privileged role and use its credentials',
    requires: [['iam:PassRole'], ['glue:CreateDevEndpoint', 'glue:CreateJob']],
  },
  {
    name: 'iam:PassRole + Data Pipeline',
    explanation: 'create a pipeline running as a privileged role that executes arbitrary commands',
    requires: [['iam:PassRole'], ['datapipeline:CreatePipeline'], ['datapipeline:PutPipelineDefinition']],
  },
  {
    name: 'iam:PassRole + CodeBuild',
    explanation: 'create and start a build project running as a privileged role',
    requires: [['iam:PassRole'], ['codebuild:CreateProject'], ['codebuild:StartBuild']],
  },
  {
    name: 'iam:PassRole + SageMaker',
    explanation: 'create a notebook instance, training or processing job running as a privileged role',
    requires: [
      ['iam:PassRole'],
      ['sagemaker:CreateNotebookInstance', 'sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob'],
    ],
  },
  {
    name: 'iam:PassRole + ECS',
    explanation: 'register a task definition with a privileged task role and run it',
    requires: [['iam:PassRole'], ['ecs:RegisterTaskDefinition'], ['ecs:RunTask', 'ecs:CreateService']],
  },
  {
    name: 'iam:PassRole + apprunner:CreateService',
    explanation: 'create an App Runner service whose instance role is privileged',
    requires: [['iam:PassRole'], ['apprunner:CreateService']],
  },
  single('lambda:UpdateFunctionCode', "replace an existing function's code and run as its role"),
  single(
    'lambda:UpdateFunctionConfiguration',
    'attach a malicious layer to an existing function and run as its role',
  ),
  single('glue:UpdateDevEndpoint', 'add an SSH key to an existing Glue dev endpoint and use its role'),
  single(
    'sagemaker:CreatePresignedNotebookInstanceUrl',
    "open an existing notebook instance and use its role's credentials",
  ),
  single('ssm:SendCommand', "run commands on instances and use their roles' credentials"),
  single('ssm:StartSession', "open a shell on instances and use their roles' credentials"),
];

/** Every action some method needs, for a quick first pass over a principal's statements. */
export const ESCALATION_ACTIONS: readonly string[] = [
  ...new Set(ESCALATION_METHODS.flatMap((method) => method.requires.flat())),
];
