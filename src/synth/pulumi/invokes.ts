/**
 * Answers to the provider functions a Pulumi program calls (`aws.iam.getPolicyDocument`,
 * `aws.getCallerIdentity`, ...), given without AWS: the host's mocks return these.
 *
 * `getPolicyDocument` is rendered the way the AWS provider renders it (it is the same Terraform
 * provider underneath, so Terraform's renderer serves, with Pulumi's camelCase inputs renamed).
 * Account, region and partition come out as CloudFormation's pseudo parameters (`${AWS::AccountId}`)
 * unless the stack config says (`aws:region`). Any other function is not called: the host gives each
 * of its results a symbolic value instead, and says so.
 */
import { renderPolicyDocumentData } from '../../extract/policy-document-data.js';
import { formatProblem } from '../../policy/json-path.js';
import { isRecord } from '../../util/is-record.js';
import { symbolicInvokeResult } from './snapshot.js';

export const GET_POLICY_DOCUMENT = 'aws:iam/getPolicyDocument:getPolicyDocument';
const GET_CALLER_IDENTITY = 'aws:index/getCallerIdentity:getCallerIdentity';
const GET_REGION = 'aws:index/getRegion:getRegion';
const GET_PARTITION = 'aws:index/getPartition:getPartition';

export interface InvokeSettings {
  /** `aws:region` from the stack config. */
  region?: string;
}

export interface InvokeAnswer {
  result: Record<string, unknown>;
  /** False when iam-gate does not know the function: its results are made symbolic by the host. */
  known: boolean;
  /** getPolicyDocument only: what could not be rendered. */
  problems?: string[];
}

const KNOWN = new Set([GET_POLICY_DOCUMENT, GET_CALLER_IDENTITY, GET_REGION, GET_PARTITION]);

/** Whether iam-gate answers the function itself; the others get symbolic results. */
export function knownInvoke(token: string): boolean {
  return KNOWN.has(token);
}

export function answerInvoke(token: string, inputs: unknown, settings: InvokeSettings): InvokeAnswer {
  const args = isRecord(inputs) ? inputs : {};
  switch (token) {
    case GET_POLICY_DOCUMENT:
      return renderGetPolicyDocument(args);
    case GET_CALLER_IDENTITY:
      return {
        known: true,
        result: {
          accountId: '${AWS::AccountId}',
          id: '${AWS::AccountId}',
          arn: symbolicInvokeResult(token, 'arn'),
          userId: symbolicInvokeResult(token, 'userId'),
        },
      };
    case GET_REGION: {
      const asked = typeof args.region === 'string' ? args.region : args.name;
      const region = typeof asked === 'string' ? asked : (settings.region ?? '${AWS::Region}');
      return {
        known: true,
        result: {
          region,
          name: region,
          id: region,
          description: symbolicInvokeResult(token, 'description'),
          endpoint: symbolicInvokeResult(token, 'endpoint'),
        },
      };
    }
    case GET_PARTITION: {
      const partition = partitionOf(settings.region);
      return {
        known: true,
        result: {
          partition: partition?.name ?? '${AWS::Partition}',
          id: partition?.name ?? '${AWS::Partition}',
          dnsSuffix: partition?.dnsSuffix ?? '${AWS::URLSuffix}',
          reverseDnsPrefix: partition?.reverseDnsPrefix ?? symbolicInvokeResult(token, 'reverseDnsPrefix'),
        },
      };
    }
    default:
      return { known: false, result: {} };
  }
}

interface Partition {
  name: string;
  dnsSuffix: string;
  reverseDnsPrefix: string;
}

/** AWS partitions by region prefix; regions outside these are in the commercial partition. */
const PARTITIONS: [RegExp, Partition][] = [
  [/^cn-/, { name: 'aws-cn', dnsSuffix: 'amazonaws.com.cn', reverseDnsPrefix: 'cn.com.amazonaws' }],
  [/^us-gov-/, { name: 'aws-us-gov', dnsSuffix: 'amazonaws.com', reverseDnsPrefix: 'com.amazonaws' }],
  [/^us-isob-/, { name: 'aws-iso-b', dnsSuffix: 'sc2s.sgov.gov', reverseDnsPrefix: 'gov.sgov.sc2s' }],
  [/^us-iso-/, { name: 'aws-iso', dnsSuffix: 'c2s.ic.gov', reverseDnsPrefix: 'gov.ic.c2s' }],
];

function partitionOf(region: string | undefined): Partition | undefined {
  if (region === undefined) return undefined;
  for (const [prefix, partition] of PARTITIONS) if (prefix.test(region)) return partition;
  return { name: 'aws', dnsSuffix: 'amazonaws.com', reverseDnsPrefix: 'com.amazonaws' };
}

/** Pulumi's argument names for the Terraform block's, where they differ. */
const TERRAFORM_NAMES: Record<string, string> = {
  statements: 'statement',
  conditions: 'condition',
  notActions: 'not_actions',
  notResources: 'not_resources',
  notPrincipals: 'not_principals',
  sourcePolicyDocuments: 'source_policy_documents',
  sourceJson: 'source_json',
  overridePolicyDocuments: 'override_policy_documents',
  overrideJson: 'override_json',
  policyId: 'policy_id',
};
const PULUMI_NAMES = Object.fromEntries(Object.entries(TERRAFORM_NAMES).map(([pulumi, tf]) => [tf, pulumi]));

function renderGetPolicyDocument(args: Record<string, unknown>): InvokeAnswer {
  const block = toTerraform(args) as Record<string, unknown>;
  const rendered = renderPolicyDocumentData('getPolicyDocument', block, () => undefined);
  const problems = rendered.problems.map((problem) => renamed(formatProblem(problem)));
  return {
    known: true,
    result: {
      json: JSON.stringify(rendered.document, null, 2),
      minifiedJson: JSON.stringify(rendered.document),
      id: symbolicInvokeResult(GET_POLICY_DOCUMENT, 'id'),
    },
    ...(problems.length > 0 ? { problems } : {}),
  };
}

/**
 * Pulumi's inputs as the Terraform block the renderer reads. Its strings are Terraform templates,
 * so a Pulumi `${...}` (a policy variable, or a symbolic value) is escaped to stay as written; the
 * provider's own `&{...}` spelling of a policy variable becomes `${...}`, as the provider does.
 */
function toTerraform(value: unknown): unknown {
  if (typeof value === 'string')
    return value
      .replace(/\$\{/g, () => '$${')
      .replace(/%\{/g, () => '%%{')
      .replace(/&\{/g, () => '$${');
  if (Array.isArray(value)) return value.map(toTerraform);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      if (item !== undefined && item !== null) out[TERRAFORM_NAMES[key] ?? key] = toTerraform(item);
    return out;
  }
  return value;
}

/** The renderer's messages name Terraform's arguments; a Pulumi user wrote Pulumi's. */
function renamed(message: string): string {
  return message.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) => PULUMI_NAMES[name] ?? name);
}
