/**
 * Policies in Terraform JSON configuration, as CDKTF synthesizes it (`cdk.tf.json`) or as written
 * by hand (`*.tf.json`): role trust and inline policies, role/user/group policies, `aws_iam_policy`
 * with its attachments, and the resource policies of buckets, queues, topics, keys, repositories,
 * secrets and Lambda functions.
 *
 * A policy value is JSON text, a CDKTF `${jsonencode({...})}` expression, or a reference to a
 * `data.aws_iam_policy_document`, which is rendered here. Terraform references inside policies
 * (`${aws_s3_bucket.data.arn}`) stay symbolic. Principals are Terraform addresses
 * (`aws_iam_role.app`); CDKTF's construct path (`stack/app-role`) is the address a reviewer reads.
 */
import { parseJsonText } from '../policy/json-text.js';
import type { PolicyKind, PolicyProblem } from '../policy/types.js';
import { parseJsonencode, soleInterpolation, unescapeTemplate } from './hcl-jsonencode.js';
import { type InputDocument, type PathSegment, pathText } from './input-document.js';
import { lambdaPermissionPolicy } from './lambda-permission.js';
import { providerArn, providerHost, substituteProviderReferences } from './oidc-provider-references.js';
import { policyDocumentReference, renderPolicyDocumentData } from './policy-document-data.js';
import { SourceList } from './source-list.js';
import { awsManagedPolicyName } from './managed-policies.js';
import type { PolicySource } from './types.js';
import { isRecord } from '../util/is-record.js';

interface Block {
  /** `aws_iam_role.app` */
  address: string;
  type: string;
  name: string;
  body: Record<string, unknown>;
  /** CDKTF's construct path, when present. */
  humanAddress: string;
  at: readonly PathSegment[];
}

/** Resource types with one policy argument, what kind it is, and which argument names its target. */
const POLICY_RESOURCES: Record<string, { kind: PolicyKind; policy: string; target?: string }> = {
  aws_iam_role_policy: { kind: 'identity', policy: 'policy', target: 'role' },
  aws_iam_user_policy: { kind: 'identity', policy: 'policy', target: 'user' },
  aws_iam_group_policy: { kind: 'identity', policy: 'policy', target: 'group' },
  aws_s3_bucket_policy: { kind: 'resource', policy: 'policy', target: 'bucket' },
  aws_sqs_queue_policy: { kind: 'resource', policy: 'policy', target: 'queue_url' },
  aws_sns_topic_policy: { kind: 'resource', policy: 'policy', target: 'arn' },
  aws_kms_key_policy: { kind: 'resource', policy: 'policy', target: 'key_id' },
  aws_ecr_repository_policy: { kind: 'resource', policy: 'policy', target: 'repository' },
  aws_secretsmanager_secret_policy: { kind: 'resource', policy: 'policy', target: 'secret_arn' },
  // Resources that carry their own policy; the deprecated `aws_s3_bucket.policy` is still found in the wild.
  aws_kms_key: { kind: 'resource', policy: 'policy' },
  aws_sqs_queue: { kind: 'resource', policy: 'policy' },
  aws_sns_topic: { kind: 'resource', policy: 'policy' },
  aws_s3_bucket: { kind: 'resource', policy: 'policy' },
  aws_secretsmanager_secret: { kind: 'resource', policy: 'policy' },
};

/** Attachment resources: which arguments name principals, and of which resource type. */
const ATTACHMENTS: Record<string, { argument: string; principalType: string }[]> = {
  aws_iam_role_policy_attachment: [{ argument: 'role', principalType: 'aws_iam_role' }],
  aws_iam_user_policy_attachment: [{ argument: 'user', principalType: 'aws_iam_user' }],
  aws_iam_group_policy_attachment: [{ argument: 'group', principalType: 'aws_iam_group' }],
  aws_iam_policy_attachment: [
    { argument: 'roles', principalType: 'aws_iam_role' },
    { argument: 'users', principalType: 'aws_iam_user' },
    { argument: 'groups', principalType: 'aws_iam_group' },
  ],
};

/** `${aws_iam_role.app.name}`, `${aws_iam_role.app[0].arn}`, `${data.aws_iam_role.ci.arn}` -> the address. */
export function terraformReference(text: string): string | undefined {
  const expression = soleInterpolation(text.trim());
  if (expression === undefined) return undefined;
  const match =
    /^\s*((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)(?:\[[^\]]*\])?(?:\.[A-Za-z0-9_.*[\]"-]*)?\s*$/.exec(
      expression,
    );
  // Variables, locals and module outputs are values, not resources: no address to point at.
  if (match?.[1] === undefined || /^(var|local|module|each|count|path|terraform|self)\./.test(match[1]))
    return undefined;
  return match[1];
}

export function extractTerraform(input: InputDocument, file: string): PolicySource[] {
  return new TerraformExtractor(input, file).run();
}

class TerraformExtractor {
  private readonly list: SourceList;
  private readonly resources: Block[];
  private readonly dataBlocks: Block[];
  private readonly byAddress = new Map<string, Block>();
  /** `aws_iam_role` + literal name -> address, so `role = "app-role"` finds its resource. */
  private readonly byName = new Map<string, string>();
  /** `aws_iam_policy.x` -> principals it is attached to. */
  private readonly attachments = new Map<string, string[]>();
  /** Block address -> AWS managed policies it attaches by ARN, emitted as sources for resolveManagedPolicies. */
  private readonly managedAttachments = new Map<
    string,
    { principal: string; arn: string; at: readonly PathSegment[] }[]
  >();

  constructor(input: InputDocument, file: string) {
    const config = isRecord(input.value) ? input.value : {};
    this.resources = blocksOf(config.resource, 'resource');
    this.dataBlocks = blocksOf(config.data, 'data');
    this.list = new SourceList(file, input);
  }

  run(): PolicySource[] {
    for (const block of [...this.resources, ...this.dataBlocks]) this.byAddress.set(block.address, block);
    for (const block of this.resources) {
      if (
        ['aws_iam_role', 'aws_iam_user', 'aws_iam_group'].includes(block.type) &&
        typeof block.body.name === 'string'
      )
        this.byName.set(`${block.type}:${block.body.name}`, block.address);
    }
    for (const block of this.resources) this.indexAttachments(block);
    for (const block of this.resources) {
      this.extract(block);
      // At the attaching block, so sources stay in file order.
      for (const { principal, arn, at } of this.managedAttachments.get(block.address) ?? []) {
        this.list.add({
          kind: 'identity',
          address: block.humanAddress,
          logicalId: block.address,
          property: pathText(at),
          principal,
          document: undefined,
          at: [...block.at, ...at],
          attachedTo: principal,
          managedPolicyArn: arn,
        });
      }
    }
    substituteProviderReferences(this.list.sources, this.oidcProviderReferences());
    return this.list.sources;
  }

  /** `${aws_iam_openid_connect_provider.github.arn}` -> a provider ARN naming its host. */
  private oidcProviderReferences(): Map<string, string> {
    const references = new Map<string, string>();
    for (const block of this.resources) {
      const url = block.body.url;
      if (block.type !== 'aws_iam_openid_connect_provider' || typeof url !== 'string' || url.includes('${'))
        continue;
      const reference = `${block.address}.arn`;
      references.set(`\${${reference}}`, providerArn(reference, providerHost(url)));
    }
    return references;
  }

  private indexAttachments(block: Block): void {
    const attach = (policyArn: unknown, principal: string, at: readonly PathSegment[]): void => {
      if (typeof policyArn === 'string' && awsManagedPolicyName(policyArn) !== undefined) {
        this.managedAttachments.set(block.address, [
          ...(this.managedAttachments.get(block.address) ?? []),
          { principal, arn: policyArn, at },
        ]);
        return;
      }
      const policy = typeof policyArn === 'string' ? terraformReference(policyArn) : undefined;
      if (policy?.startsWith('aws_iam_policy.'))
        this.attachments.set(policy, unique([...(this.attachments.get(policy) ?? []), principal]));
    };
    if (block.type === 'aws_iam_role') {
      const arns = block.body.managed_policy_arns;
      if (Array.isArray(arns))
        arns.forEach((arn: unknown, i) => attach(arn, block.address, ['managed_policy_arns', i]));
      return;
    }
    for (const { argument, principalType } of ATTACHMENTS[block.type] ?? []) {
      const value = block.body[argument];
      for (const item of Array.isArray(value) ? value : [value]) {
        const principal = this.principal(item, principalType);
        if (principal !== undefined) attach(block.body.policy_arn, principal, ['policy_arn']);
      }
    }
  }

  private extract(block: Block): void {
    const body = block.body;
    switch (block.type) {
      case 'aws_iam_role':
        this.policy(block, 'trust', ['assume_role_policy'], block.address);
        for (const [i, inline] of (Array.isArray(body.inline_policy)
          ? body.inline_policy
          : [body.inline_policy]
        ).entries()) {
          if (isRecord(inline) && inline.policy !== undefined)
            this.policy(block, 'identity', ['inline_policy', i, 'policy'], block.address, inline.policy);
        }
        this.permissionsBoundary(block);
        return;
      case 'aws_iam_user':
        this.permissionsBoundary(block);
        return;
      case 'aws_iam_policy': {
        const principals = this.attachments.get(block.address) ?? [];
        if (principals.length === 0) this.policy(block, 'identity', ['policy'], block.address);
        for (const principal of principals)
          this.policy(block, 'identity', ['policy'], principal, undefined, principal);
        return;
      }
      case 'aws_lambda_permission':
        return this.lambdaPermission(block);
    }
    const spec = POLICY_RESOURCES[block.type];
    if (!spec) return;
    const principal = spec.target === undefined ? block.address : this.principal(body[spec.target]);
    this.policy(block, spec.kind, [spec.policy], principal);
  }

  /**
   * `permissions_boundary` of a role or user: the document of an `aws_iam_policy` of the
   * configuration (`${aws_iam_policy.boundary.arn}`), or an AWS managed policy by ARN; anything else
   * is reported as unresolved, since the diff and expectations cannot know what it allows.
   */
  private permissionsBoundary(block: Block): void {
    const value = block.body.permissions_boundary;
    if (typeof value !== 'string' || value === '') return;
    const fields = {
      kind: 'boundary' as const,
      address: block.humanAddress,
      logicalId: block.address,
      property: 'permissions_boundary',
      principal: block.address,
      at: [...block.at, 'permissions_boundary'],
    };
    const reference = terraformReference(value);
    const policy = reference?.startsWith('aws_iam_policy.') ? this.byAddress.get(reference) : undefined;
    if (policy !== undefined && policy.body.policy !== undefined) {
      const resolved = this.policyValue(policy.body.policy);
      this.list.add({
        ...fields,
        document: resolved.document,
        ...(resolved.problems ? { problems: resolved.problems } : {}),
        ...(resolved.unresolved !== undefined ? { unresolved: resolved.unresolved } : {}),
      });
      return;
    }
    if (awsManagedPolicyName(value) !== undefined) {
      this.list.add({ ...fields, document: undefined, managedPolicyArn: value });
      return;
    }
    this.list.add({
      ...fields,
      document: undefined,
      unresolved: `the permissions boundary ${value} is not defined in this configuration`,
    });
  }

  private policy(
    block: Block,
    kind: PolicyKind,
    property: PathSegment[],
    principal: string | undefined,
    raw: unknown = block.body[property[0] as string],
    attachedTo?: string,
  ): void {
    if (raw === undefined || raw === null) return;
    const value = this.policyValue(raw);
    this.list.add({
      kind,
      address: block.humanAddress,
      logicalId: block.address,
      property: pathText(property),
      ...(principal !== undefined ? { principal } : {}),
      document: value.document,
      at: [...block.at, ...property],
      ...(attachedTo !== undefined ? { attachedTo } : {}),
      problems: value.problems,
      ...(value.unresolved !== undefined ? { unresolved: value.unresolved } : {}),
    });
  }

  /** The policy a Terraform policy argument evaluates to, as far as it can be known without running Terraform. */
  private policyValue(raw: unknown): { document: unknown; problems?: PolicyProblem[]; unresolved?: string } {
    if (typeof raw !== 'string') return { document: raw };
    const expression = soleInterpolation(raw.trim());
    if (expression !== undefined) {
      const jsonencode = parseJsonencode(expression);
      if (jsonencode) {
        return jsonencode.ok
          ? { document: jsonencode.value }
          : {
              document: undefined,
              unresolved: `the jsonencode() expression could not be read: ${jsonencode.message}`,
            };
      }
      const name = policyDocumentReference(raw);
      if (name !== undefined) {
        const data = this.byAddress.get(`data.aws_iam_policy_document.${name}`);
        if (!data)
          return {
            document: undefined,
            unresolved: `data.aws_iam_policy_document.${name} is not in this file`,
          };
        const rendered = renderPolicyDocumentData(
          name,
          data.body,
          (other) => this.byAddress.get(`data.aws_iam_policy_document.${other}`)?.body,
        );
        return { document: rendered.document, problems: rendered.problems };
      }
      return {
        document: undefined,
        unresolved: `the policy is the Terraform expression ${raw.trim()}, known only when Terraform runs`,
      };
    }
    // A literal (heredoc or JSON string) policy: a Terraform template whose `${...}` parts sit
    // inside JSON strings, so they parse and stay symbolic.
    if (raw.includes('%{'))
      return {
        document: undefined,
        unresolved: 'the policy text uses Terraform template directives (%{...})',
      };
    const text = unescapeTemplate(raw);
    const parsed = parseJsonText(text);
    if (parsed.ok) return { document: parsed.value };
    // `$${` is an escaped literal, not an interpolation.
    if (/(^|[^$])\$\{/.test(raw))
      return {
        document: undefined,
        unresolved: 'the policy text is JSON only after Terraform fills in its ${...} expressions',
      };
    // Broken JSON without any Terraform expression is the author's mistake: lint reports it as malformed.
    return { document: text };
  }

  private lambdaPermission(block: Block): void {
    const body = block.body;
    const text = (value: unknown): unknown => (typeof value === 'string' ? unescapeTemplate(value) : value);
    const principal = this.principal(body.function_name);
    this.list.add({
      kind: 'resource',
      address: block.humanAddress,
      logicalId: block.address,
      ...(principal !== undefined ? { principal } : {}),
      document: lambdaPermissionPolicy({
        statementId: text(body.statement_id),
        action: text(body.action),
        functionName: text(body.function_name),
        principal: text(body.principal),
        sourceArn: text(body.source_arn),
        sourceAccount: text(body.source_account),
        principalOrgId: text(body.principal_org_id),
        functionUrlAuthType: text(body.function_url_auth_type),
        eventSourceToken: text(body.event_source_token),
      }),
      at: block.at,
    });
  }

  /** The address a reference names, or the resource with that literal name, or the literal itself. */
  private principal(value: unknown, type?: string): string | undefined {
    if (typeof value !== 'string' || value === '') return undefined;
    const reference = terraformReference(value);
    if (reference !== undefined) return reference;
    if (type !== undefined) return this.byName.get(`${type}:${value}`) ?? value;
    for (const principalType of ['aws_iam_role', 'aws_iam_user', 'aws_iam_group']) {
      const found = this.byName.get(`${principalType}:${value}`);
      if (found) return found;
    }
    return value;
  }
}

/** `resource` / `data` -> one block per `type.name`, with its CDKTF path when it has one. */
function blocksOf(section: unknown, root: 'resource' | 'data'): Block[] {
  if (!isRecord(section)) return [];
  const out: Block[] = [];
  for (const [type, byName] of Object.entries(section)) {
    if (!isRecord(byName)) continue;
    for (const [name, raw] of Object.entries(byName)) {
      // Terraform JSON allows a block body as an object or as a one-element list of objects.
      const listed = Array.isArray(raw);
      const body: unknown = listed ? raw[0] : raw;
      if (!isRecord(body)) continue;
      const address = `${root === 'data' ? 'data.' : ''}${type}.${name}`;
      const metadata =
        isRecord(body['//']) && isRecord(body['//'].metadata) ? body['//'].metadata : undefined;
      const path = metadata?.path;
      out.push({
        address,
        type,
        name,
        body,
        humanAddress: typeof path === 'string' && path !== '' ? path : address,
        at: listed ? [root, type, name, 0] : [root, type, name],
      });
    }
  }
  return out;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
