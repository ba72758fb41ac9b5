/**
 * A stack: one unit of infrastructure code that synthesizes on its own (a Pulumi project, a CDKTF
 * app, an AWS CDK app) or an already-rendered input the config lists (a CloudFormation template, a
 * policy file). Paths are relative to the repository root, with `/` separators, so that a stack found
 * at base and at head compares equal.
 */
export type StackKind = 'pulumi' | 'cdktf' | 'cdk' | 'template';

export interface Stack {
  kind: StackKind;
  /** The folder holding the project file (`Pulumi.yaml`, `cdktf.json`, `cdk.json`), or the listed file. */
  dir: string;
  /** The project file itself, e.g. `infra/app/Pulumi.yaml`; for `template`, the file. */
  projectFile: string;
  /** How reports name it: the Pulumi project name, the folder, or the file. Unique within a repository. */
  name: string;
  /**
   * Pulumi: the stack whose `Pulumi.<stack>.yaml` config is used (the first in name order unless the
   * config chooses). Unset for other kinds or when the project has no stack config file.
   */
  pulumiStack?: string;
  /** CDKTF and CDK: the `app` command from the project file, e.g. `npx ts-node main.ts`. */
  app?: string;
}
