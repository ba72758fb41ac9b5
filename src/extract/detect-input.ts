/**
 * What an input file is, decided by its content: users rename templates, CDK writes
 * `*.template.json`, CDKTF `cdk.tf.json`, and `pulumi preview --json` goes wherever it is piped.
 */
import { parseInputText } from './input-document.js';
import { isRecord } from '../util/is-record.js';

export type InputKind = 'policy' | 'cloudformation' | 'terraform' | 'pulumi-preview';

/**
 * The kind of input `text` holds, or undefined when it is unparsable or none of the four.
 * `fileName` only decides which syntax error is meaningful (JSON for `.json`), never the kind.
 */
export function detectInputKind(text: string, fileName: string): InputKind | undefined {
  const parsed = parseInputText(text, fileName);
  return parsed.ok ? kindOfValue(parsed.input.value) : undefined;
}

/** Terraform resource and data source types: `aws_iam_role`, `google_project_iam_member`. */
const TERRAFORM_TYPE = /^[a-z][a-z0-9]*_[a-z0-9_]+$/;

export function kindOfValue(value: unknown): InputKind | undefined {
  if (!isRecord(value)) return undefined;
  if ('Statement' in value) return 'policy';
  if (isPulumiPreview(value)) return 'pulumi-preview';
  if (isCloudFormation(value)) return 'cloudformation';
  if (isTerraform(value)) return 'terraform';
  return undefined;
}

function isPulumiPreview(value: Record<string, unknown>): boolean {
  const steps = value.steps;
  if (!Array.isArray(steps)) return false;
  if (steps.length === 0) return isRecord(value.changeSummary);
  return steps.every(
    (step) => isRecord(step) && (typeof step.urn === 'string' || typeof step.op === 'string'),
  );
}

function isCloudFormation(value: Record<string, unknown>): boolean {
  const resources = value.Resources;
  if (!isRecord(resources)) return false;
  if (value.AWSTemplateFormatVersion !== undefined) return true;
  return Object.values(resources).some(
    (resource) => isRecord(resource) && typeof resource.Type === 'string' && resource.Type.includes('::'),
  );
}

function isTerraform(value: Record<string, unknown>): boolean {
  if (isRecord(value.terraform)) return true;
  return [value.resource, value.data].some(
    (blocks) =>
      isRecord(blocks) &&
      Object.keys(blocks).length > 0 &&
      Object.keys(blocks).every((type) => TERRAFORM_TYPE.test(type)),
  );
}
