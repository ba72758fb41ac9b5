/**
 * Policies in a CloudFormation template, hand-written or synthesized by the AWS CDK: role trust and
 * inline policies, IAM policies and the principals they attach to, and the resource policies of
 * buckets, queues, topics, keys, repositories, secrets and Lambda functions.
 *
 * Principals are named by logical id, the name `Ref` uses, so that a role's trust policy, its inline
 * policies and every `AWS::IAM::Policy` that lists it in `Roles` land on the same principal. With
 * CDK metadata the construct path (`Stack/AppRole/Resource`) is the address a reviewer reads.
 */
import { childPath } from '../policy/json-path.js';
import type { PolicyKind, PolicyProblem } from '../policy/types.js';
import { type InputDocument, type PathSegment, joinPath, pathText, valueAt } from './input-document.js';
import { type IntrinsicContext, intrinsicName, resolveIntrinsics, resolveToString } from './intrinsics.js';
import { awsManagedPolicyName } from './managed-policies.js';
import { lambdaPermissionPolicy } from './lambda-permission.js';
import { providerArn, providerHost, substituteProviderReferences } from './oidc-provider-references.js';
import { SourceList } from './source-list.js';
import type { PolicySource } from './types.js';
import { isRecord } from '../util/is-record.js';

interface Resource {
  logicalId: string;
  type: string;
  address: string;
  properties: Record<string, unknown>;
  /** Path of `Properties` in the file. */
  at: readonly PathSegment[];
}

/** Where a role, user or group gets its name from, so a literal `Roles: [app-role]` finds its resource. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
};

export function extractCloudFormation(input: InputDocument, file: string): PolicySource[] {
  return new TemplateExtractor(input, file).run();
}

class TemplateExtractor {
  private readonly list: SourceList;
  private readonly context: IntrinsicContext;
  private readonly resources: Record<string, unknown>;
  private readonly byName = new Map<string, string>();
  /** Managed policy logical id -> principals whose `ManagedPolicyArns` name it. */
  private readonly managedPolicyUsers = new Map<string, string[]>();

  constructor(input: InputDocument, file: string) {
    const template = isRecord(input.value) ? input.value : {};
    this.resources = isRecord(template.Resources) ? template.Resources : {};
    this.context = { mappings: template.Mappings };
    this.list = new SourceList(file, input);
  }

  run(): PolicySource[] {
    const resources = this.parsedResources();
    for (const resource of resources) this.indexResource(resource);
    for (const resource of resources) this.extract(resource);
    substituteProviderReferences(this.list.sources, oidcProviderReferences(resources));
    return this.list.sources;
  }

  private parsedResources(): Resource[] {
    const out: Resource[] = [];
    for (const [logicalId, raw] of Object.entries(this.resources)) {
      if (!isRecord(raw) || typeof raw.Type !== 'string') continue;
      const cdkPath = isRecord(raw.Metadata) ? raw.Metadata['aws:cdk:path'] : undefined;
      out.push({
        logicalId,
        type: raw.Type,
        address: typeof cdkPath === 'string' && cdkPath !== '' ? cdkPath : logicalId,
        properties: isRecord(raw.Properties) ? raw.Properties : {},
        at: ['Resources', logicalId, 'Properties'],
      });
    }
    return out;
  }

  private indexResource(resource: Resource): void {
    const nameProperty = NAME_PROPERTY[resource.type];
    if (!nameProperty) return;
    const name = resource.properties[nameProperty];
    if (typeof name === 'string') this.byName.set(name, resource.logicalId);
    // Attachments the other way round: the role lists the managed policy.
    for (const target of this.references(resource.properties.ManagedPolicyArns)) {
      const policy = this.resources[target];
      if (isRecord(policy) && policy.Type === 'AWS::IAM::ManagedPolicy') {
        this.managedPolicyUsers.set(target, [
          ...(this.managedPolicyUsers.get(target) ?? []),
          resource.logicalId,
        ]);
      }
    }
  }

  private extract(resource: Resource): void {
    const props = resource.properties;
    switch (resource.type) {
      case 'AWS::IAM::Role':
        this.policy(resource, 'trust', ['AssumeRolePolicyDocument'], resource.logicalId);
        this.awsManagedPolicies(resource);
        this.inlinePolicies(resource);
        this.permissionsBoundary(resource);
        return;
      case 'AWS::IAM::User':
        this.awsManagedPolicies(resource);
        this.inlinePolicies(resource);
        this.permissionsBoundary(resource);
        return;
      case 'AWS::IAM::Group':
        this.awsManagedPolicies(resource);
        this.inlinePolicies(resource);
        return;
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        return this.attachedPolicy(resource);
      case 'AWS::IAM::RolePolicy':
        return this.policy(resource, 'identity', ['PolicyDocument'], this.reference(props.RoleName));
      case 'AWS::IAM::UserPolicy':
        return this.policy(resource, 'identity', ['PolicyDocument'], this.reference(props.UserName));
      case 'AWS::IAM::GroupPolicy':
        return this.policy(resource, 'identity', ['PolicyDocument'], this.reference(props.GroupName));
      case 'AWS::S3::BucketPolicy':
        return this.policy(resource, 'resource', ['PolicyDocument'], this.reference(props.Bucket));
      case 'AWS::SQS::QueuePolicy':
        return this.policy(resource, 'resource', ['PolicyDocument'], this.single(props.Queues));
      case 'AWS::SNS::TopicPolicy':
        return this.policy(resource, 'resource', ['PolicyDocument'], this.single(props.Topics));
      case 'AWS::KMS::Key':
      case 'AWS::KMS::ReplicaKey':
        // Without a KeyPolicy AWS applies the default one (the account may use the key via IAM).
        return this.policy(resource, 'resource', ['KeyPolicy'], resource.logicalId);
      case 'AWS::ECR::Repository':
        return this.policy(resource, 'resource', ['RepositoryPolicyText'], resource.logicalId);
      case 'AWS::SecretsManager::ResourcePolicy':
        return this.policy(resource, 'resource', ['ResourcePolicy'], this.reference(props.SecretId));
      case 'AWS::Lambda::Permission':
        return this.lambdaPermission(resource);
    }
  }

  /** One policy document held at `property` (relative to Properties); skipped when absent. */
  private policy(
    resource: Resource,
    kind: PolicyKind,
    property: readonly PathSegment[],
    principal: string | undefined,
    options: { raw?: unknown; attachedTo?: string; problems?: PolicyProblem[] } = {},
  ): void {
    const raw = 'raw' in options ? options.raw : valueAt(resource.properties, property);
    if (raw === undefined) return;
    const resolved = resolveIntrinsics(raw, this.context);
    this.list.add({
      kind,
      address: resource.address,
      logicalId: resource.logicalId,
      property: pathText(property),
      ...(principal !== undefined ? { principal } : {}),
      document: resolved.value,
      at: [...resource.at, ...property],
      ...(options.attachedTo !== undefined ? { attachedTo: options.attachedTo } : {}),
      problems: [...(options.problems ?? []), ...resolved.problems],
    });
  }

  /**
   * AWS managed policies (`arn:aws:iam::aws:policy/...`) in `ManagedPolicyArns`: not in the template,
   * so recorded with their ARN for resolveManagedPolicies to fill in.
   */
  private awsManagedPolicies(resource: Resource): void {
    const arns = resource.properties.ManagedPolicyArns;
    if (!Array.isArray(arns)) return;
    arns.forEach((item: unknown, index) => {
      const arn = resolveToString(item, this.context);
      if (arn === undefined || awsManagedPolicyName(arn) === undefined) return;
      this.list.add({
        kind: 'identity',
        address: resource.address,
        logicalId: resource.logicalId,
        property: pathText(['ManagedPolicyArns', index]),
        principal: resource.logicalId,
        document: undefined,
        at: [...resource.at, 'ManagedPolicyArns', index],
        managedPolicyArn: arn,
      });
    });
  }

  /**
   * `PermissionsBoundary` of a role or user: the document of a managed policy in the template
   * (`!Ref Boundary`), or an AWS managed policy by ARN. A boundary only caps what identity policies
   * grant; one that is neither is still reported (unresolved), since the diff and expectations
   * cannot know what it allows.
   */
  private permissionsBoundary(resource: Resource): void {
    const value = resource.properties.PermissionsBoundary;
    if (value === undefined) return;
    const at = [...resource.at, 'PermissionsBoundary'];
    const base = {
      kind: 'boundary' as const,
      address: resource.address,
      logicalId: resource.logicalId,
      property: 'PermissionsBoundary',
      principal: resource.logicalId,
      at,
    };
    const target = this.reference(value);
    const policy = target === undefined ? undefined : this.resources[target];
    if (isRecord(policy) && policy.Type === 'AWS::IAM::ManagedPolicy' && isRecord(policy.Properties)) {
      const resolved = resolveIntrinsics(policy.Properties.PolicyDocument, this.context);
      this.list.add({ ...base, document: resolved.value, problems: resolved.problems });
      return;
    }
    const arn = resolveToString(value, this.context);
    if (arn !== undefined && awsManagedPolicyName(arn) !== undefined) {
      this.list.add({ ...base, document: undefined, managedPolicyArn: arn });
      return;
    }
    this.list.add({
      ...base,
      document: undefined,
      unresolved: `the permissions boundary ${arn ?? 'value'} is not defined in this template`,
    });
  }

  /** `Policies: [{PolicyName, PolicyDocument}]` on roles, users and groups. */
  private inlinePolicies(resource: Resource): void {
    const list = this.shallow(resource.properties.Policies, 'Policies');
    if (!Array.isArray(list.value)) return;
    list.value.forEach((raw: unknown, index) => {
      const entry = this.shallow(raw, childPath('Policies', index));
      if (!isRecord(entry.value)) return;
      this.policy(resource, 'identity', ['Policies', index, 'PolicyDocument'], resource.logicalId, {
        raw: entry.value.PolicyDocument,
        problems: [...list.problems, ...entry.problems],
      });
    });
  }

  /** `AWS::IAM::Policy` / `ManagedPolicy`: one source per role, user or group it applies to. */
  private attachedPolicy(resource: Resource): void {
    const props = resource.properties;
    const principals = unique([
      ...this.references(props.Roles),
      ...this.references(props.Users),
      ...this.references(props.Groups),
      ...(this.managedPolicyUsers.get(resource.logicalId) ?? []),
    ]);
    if (principals.length === 0) {
      this.policy(resource, 'identity', ['PolicyDocument'], resource.logicalId);
      return;
    }
    for (const principal of principals) {
      this.policy(resource, 'identity', ['PolicyDocument'], principal, { attachedTo: principal });
    }
  }

  private lambdaPermission(resource: Resource): void {
    const props = resource.properties;
    const problems: PolicyProblem[] = [];
    const read = (name: string): unknown => {
      const resolved = resolveIntrinsics(props[name], this.context);
      problems.push(...resolved.problems.map((p) => ({ ...p, path: joinPath(name, p.path) })));
      return resolved.value;
    };
    const permission = {
      action: read('Action'),
      principal: read('Principal'),
      sourceArn: read('SourceArn'),
      sourceAccount: read('SourceAccount'),
      principalOrgId: read('PrincipalOrgID'),
      functionUrlAuthType: read('FunctionUrlAuthType'),
      eventSourceToken: read('EventSourceToken'),
    };
    // The function is what the policy is attached to: not knowing its name yet leaves the grant readable.
    const functionName = resolveIntrinsics(props.FunctionName, this.context).value;
    const principal = this.reference(props.FunctionName);
    this.list.add({
      kind: 'resource',
      address: resource.address,
      logicalId: resource.logicalId,
      ...(principal !== undefined ? { principal } : {}),
      document: lambdaPermissionPolicy({ ...permission, functionName }),
      at: resource.at,
      problems,
    });
  }

  /** Resolves a list-holding property that is itself an intrinsic (`Policies: !If [...]`). */
  private shallow(value: unknown, path: string): { value: unknown; problems: PolicyProblem[] } {
    if (intrinsicName(value) === undefined) return { value, problems: [] };
    const resolved = resolveIntrinsics(value, this.context);
    return {
      value: resolved.value,
      problems: resolved.problems.map((p) => ({ ...p, path: joinPath(path, p.path) })),
    };
  }

  /** Logical ids (or literal names) of what a `Roles`/`Queues`-style property names. */
  private references(value: unknown): string[] {
    if (value === undefined) return [];
    const resolved = resolveIntrinsics(value, this.context).value;
    const list = Array.isArray(resolved) ? resolved : [resolved];
    return list.flatMap((item) => (typeof item === 'string' ? [this.target(item)] : []));
  }

  private reference(value: unknown): string | undefined {
    return this.references(value)[0];
  }

  /** The one target of a list property, when there is exactly one (`Queues: [!Ref Queue]`). */
  private single(value: unknown): string | undefined {
    const targets = unique(this.references(value));
    return targets.length === 1 ? targets[0] : undefined;
  }

  /** `${AppRole}` / `${AppRole.Arn}` -> `AppRole`; a literal name -> the resource that has it. */
  private target(text: string): string {
    const match = /^\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}$/.exec(text);
    if (match?.[1] !== undefined && match[1] in this.resources) return match[1];
    return this.byName.get(text) ?? text;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** `Ref` and `Fn::GetAtt ... Arn` of an `AWS::IAM::OIDCProvider` with a literal Url -> a provider ARN naming its host. */
function oidcProviderReferences(resources: readonly Resource[]): Map<string, string> {
  const references = new Map<string, string>();
  for (const resource of resources) {
    const url = resource.properties.Url;
    if (resource.type !== 'AWS::IAM::OIDCProvider' || typeof url !== 'string') continue;
    const arn = providerArn(resource.logicalId, providerHost(url));
    references.set(`\${${resource.logicalId}.Arn}`, arn);
    references.set(`\${${resource.logicalId}}`, arn);
  }
  return references;
}
