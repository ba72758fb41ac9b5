/**
 * One input file to the policies in it, whatever it is: a policy document, a CloudFormation
 * template (JSON or YAML, hand-written or CDK output), Terraform JSON (CDKTF's `cdk.tf.json`) or
 * `pulumi preview --json` output. Pure: the caller reads the file and names it.
 */
import { extractCloudFormation } from './cloudformation.js';
import { type InputKind, kindOfValue } from './detect-input.js';
import { type InputDocument, parseInputText } from './input-document.js';
import { extractPolicyFile } from './policy-file.js';
import { resolveManagedPolicies } from './managed-policies.js';
import { extractPulumiPreview } from './pulumi-preview.js';
import { extractTerraform } from './terraform.js';
import type { PolicySource } from './types.js';

export type { InputKind } from './detect-input.js';

export type ExtractResult =
  | {
      ok: true;
      kind: InputKind;
      sources: PolicySource[];
      /** The file as parsed: `elementLine` finds a finding's line in it. */
      input: InputDocument;
    }
  | { ok: false; error: string };

const EXTRACTORS: Record<InputKind, (input: InputDocument, file: string) => PolicySource[]> = {
  policy: extractPolicyFile,
  cloudformation: extractCloudFormation,
  terraform: extractTerraform,
  'pulumi-preview': extractPulumiPreview,
};

export function extractPolicies(text: string, fileName: string): ExtractResult {
  const parsed = parseInputText(text, fileName);
  if (!parsed.ok) return { ok: false, error: `${fileName}: ${parsed.message}` };
  const kind = kindOfValue(parsed.input.value);
  if (kind === undefined) {
    return {
      ok: false,
      error:
        `${fileName}: not a policy document, CloudFormation template, Terraform JSON or pulumi preview --json output ` +
        '(expected an object with "Statement", "Resources", "resource"/"data" or "steps")',
    };
  }
  try {
    return {
      ok: true,
      kind,
      sources: resolveManagedPolicies(EXTRACTORS[kind](parsed.input, fileName)),
      input: parsed.input,
    };
  } catch (error) {
    // Extractors read untrusted shapes; a value they did not foresee is an input error, not a crash.
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `${fileName}: could not read this ${describeKind(kind)}: ${detail}` };
  }
}

function describeKind(kind: InputKind): string {
  switch (kind) {
    case 'policy':
      return 'policy document';
    case 'cloudformation':
      return 'CloudFormation template';
    case 'terraform':
      return 'Terraform JSON';
    case 'pulumi-preview':
      return 'pulumi preview output';
  }
}
