/**
 * Policies in `pulumi preview --json` output: the inputs of every resource the update would leave
 * in place (created, updated, replaced or unchanged; deletions and reads are skipped).
 *
 * A preview runs before anything exists, so values computed from other resources (a bucket's ARN
 * inside a policy built with `pulumi.jsonStringify`) are the unknown sentinel. Such a policy cannot
 * be checked: its source says which inputs were unknown. Only the resource a policy is attached to
 * may be unknown without that: who may do what is still readable.
 *
 * Addresses are `<type>::<name>` from the URN (`aws:iam/role:Role::app`); principals are the
 * address of the role, user or group, found through the preview's dependency information.
 */
import { childPath } from '../policy/json-path.js';
import { parseJsonText } from '../policy/json-text.js';
import type { PolicyKind } from '../policy/types.js';
import { type InputDocument, type PathSegment, joinPath, pathText, valueAt } from './input-document.js';
import { lambdaPermissionPolicy } from './lambda-permission.js';
import { awsManagedPolicyName } from './managed-policies.js';
import { SourceList } from './source-list.js';
import type { PolicySource } from './types.js';
import { isRecord } from '../util/is-record.js';

/** What the Pulumi engine writes for a value that is only known after deployment. */
export const PULUMI_UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** The key marking a secret value in serialized Pulumi properties. */
const SECRET_SIGNATURE = '4dabf18193072939515e22adb298388d';
/** What stands in a policy for an unknown part that was replaced. */
const UNKNOWN_TEXT = '${unknown}';

/** Steps after which the resource is gone or not managed by the stack. */
const SKIPPED_OPS = new Set([
  'delete',
  'delete-replaced',
  'discard',
  'discard-replaced',
  'remove-pending-replace',
  'read',
  'read-replacement',
  'read-discard',
  'refresh',
]);

export const ROLE = 'aws:iam/role:Role';
export const USER = 'aws:iam/user:User';
export const GROUP = 'aws:iam/group:Group';
export const POLICY = 'aws:iam/policy:Policy';

/** Types with one policy input: its kind, whether a preview must have it, and the input naming its target. */
const POLICY_RESOURCES: Record<
  string,
  { kind: PolicyKind; required: boolean; target?: string; targetType?: string }
> = {
  'aws:iam/rolePolicy:RolePolicy': { kind: 'identity', required: true, target: 'role', targetType: ROLE },
  'aws:iam/userPolicy:UserPolicy': { kind: 'identity', required: true, target: 'user', targetType: USER },
  'aws:iam/groupPolicy:GroupPolicy': { kind: 'identity', required: true, target: 'group', targetType: GROUP },
  'aws:s3/bucketPolicy:BucketPolicy': { kind: 'resource', required: true, target: 'bucket' },
  'aws:sqs/queuePolicy:QueuePolicy': { kind: 'resource', required: true, target: 'queueUrl' },
  'aws:sns/topicPolicy:TopicPolicy': { kind: 'resource', required: true, target: 'arn' },
  'aws:kms/keyPolicy:KeyPolicy': { kind: 'resource', required: true, target: 'keyId' },
  'aws:ecr/repositoryPolicy:RepositoryPolicy': { kind: 'resource', required: true, target: 'repository' },
  'aws:secretsmanager/secretPolicy:SecretPolicy': { kind: 'resource', required: true, target: 'secretArn' },
  // Without a policy input these use AWS's default policy; nothing to check.
  'aws:kms/key:Key': { kind: 'resource', required: false },
  'aws:sqs/queue:Queue': { kind: 'resource', required: false },
  'aws:sns/topic:Topic': { kind: 'resource', required: false },
};

/** Attachment types: which inputs name principals, and of which type. */
export const ATTACHMENTS: Record<string, { input: string; type: string }[]> = {
  'aws:iam/rolePolicyAttachment:RolePolicyAttachment': [{ input: 'role', type: ROLE }],
  'aws:iam/userPolicyAttachment:UserPolicyAttachment': [{ input: 'user', type: USER }],
  'aws:iam/groupPolicyAttachment:GroupPolicyAttachment': [{ input: 'group', type: GROUP }],
  'aws:iam/policyAttachment:PolicyAttachment': [
    { input: 'roles', type: ROLE },
    { input: 'users', type: USER },
    { input: 'groups', type: GROUP },
  ],
};

interface PulumiResource {
  urn: string;
  type: string;
  address: string;
  inputs: Record<string, unknown>;
  /** Input name -> URNs of the resources its value came from. */
  dependencies: Record<string, string[]>;
  /** Path of `inputs` in the file. */
  at: readonly PathSegment[];
}

/** `urn:pulumi:dev::shop::my:app:Component$aws:iam/role:Role::app` -> type and name. */
export function parseUrn(urn: string): { type: string; name: string } | undefined {
  const parts = urn.split('::');
  if (parts.length < 4 || !parts[0]?.startsWith('urn:pulumi:')) return undefined;
  const qualifiedType = parts[2] ?? '';
  return { type: qualifiedType.split('$').at(-1) ?? qualifiedType, name: parts.slice(3).join('::') };
}

export function extractPulumiPreview(input: InputDocument, file: string): PolicySource[] {
  return new PreviewExtractor(input, file).run();
}

interface ReadPolicy {
  document: unknown;
  /** Input paths whose value was unknown at preview time. */
  unknown: string[];
  secret?: boolean;
}

class PreviewExtractor {
  private readonly list: SourceList;
  private readonly resources: PulumiResource[] = [];
  private readonly byUrn = new Map<string, PulumiResource>();
  private readonly byName = new Map<string, string>();
  private readonly attachments = new Map<string, string[]>();

  constructor(
    private readonly input: InputDocument,
    file: string,
  ) {
    this.list = new SourceList(file, input);
  }

  run(): PolicySource[] {
    const preview = isRecord(this.input.value) ? this.input.value : {};
    const steps = Array.isArray(preview.steps) ? preview.steps : [];
    steps.forEach((step: unknown, index) => {
      const resource = readStep(step, index);
      // A replacement shows up as several steps of one URN; the first one that keeps it counts.
      if (!resource || this.byUrn.has(resource.urn)) return;
      this.byUrn.set(resource.urn, resource);
      this.resources.push(resource);
    });
    for (const resource of this.resources) {
      const name = resource.inputs.name;
      if ([ROLE, USER, GROUP].includes(resource.type) && typeof name === 'string' && name !== PULUMI_UNKNOWN)
        this.byName.set(`${resource.type}:${name}`, resource.address);
    }
    for (const resource of this.resources) this.indexAttachments(resource);
    for (const resource of this.resources) this.extract(resource);
    return this.list.sources;
  }

  private indexAttachments(resource: PulumiResource): void {
    const attach = (policyUrns: string[], principal: string): void => {
      for (const urn of policyUrns) {
        const policy = this.byUrn.get(urn);
        if (policy?.type === POLICY)
          this.attachments.set(
            policy.address,
            unique([...(this.attachments.get(policy.address) ?? []), principal]),
          );
      }
    };
    if (resource.type === ROLE) {
      attach(resource.dependencies.managedPolicyArns ?? [], resource.address);
      return;
    }
    for (const { input, type } of ATTACHMENTS[resource.type] ?? []) {
      for (const principal of this.principals(resource, input, type))
        attach(resource.dependencies.policyArn ?? [], principal);
    }
  }

  private extract(resource: PulumiResource): void {
    const inputs = resource.inputs;
    switch (resource.type) {
      case ROLE: {
        this.policy(resource, 'trust', ['assumeRolePolicy'], resource.address, true);
        const inline = inputs.inlinePolicies;
        if (Array.isArray(inline)) {
          inline.forEach((entry: unknown, i) => {
            if (entry === PULUMI_UNKNOWN)
              this.policy(resource, 'identity', ['inlinePolicies', i], resource.address, true);
            else if (isRecord(entry) && entry.policy !== undefined)
              this.policy(resource, 'identity', ['inlinePolicies', i, 'policy'], resource.address, true);
          });
        } else if (inline === PULUMI_UNKNOWN) {
          this.list.add({
            kind: 'identity',
            address: resource.address,
            property: 'inlinePolicies',
            principal: resource.address,
            document: undefined,
            at: [...resource.at, 'inlinePolicies'],
            unresolved: 'the policy depends on values known only after deployment: inlinePolicies',
          });
        }
        this.permissionsBoundary(resource);
        return;
      }
      case USER:
        this.permissionsBoundary(resource);
        return;
      case POLICY: {
        const principals = this.attachments.get(resource.address) ?? [];
        if (principals.length === 0) this.policy(resource, 'identity', ['policy'], resource.address, true);
        for (const principal of principals)
          this.policy(resource, 'identity', ['policy'], principal, true, principal);
        return;
      }
      case 'aws:lambda/permission:Permission':
        return this.lambdaPermission(resource);
    }
    const spec = POLICY_RESOURCES[resource.type];
    if (!spec) return;
    const principal =
      spec.target === undefined
        ? resource.address
        : this.principals(resource, spec.target, spec.targetType)[0];
    this.policy(resource, spec.kind, ['policy'], principal, spec.required);
  }

  /**
   * `permissionsBoundary` of a role or user: the `policy` of an `aws.iam.Policy` of the stack, an
   * AWS managed policy by ARN, or else reported as unresolved (the cap cannot be known).
   */
  private permissionsBoundary(resource: PulumiResource): void {
    const value = resource.inputs.permissionsBoundary;
    if (value === undefined || value === '') return;
    const policy = (resource.dependencies.permissionsBoundary ?? [])
      .map((urn) => this.byUrn.get(urn))
      .find((candidate) => candidate?.type === POLICY);
    if (policy !== undefined) {
      this.policy(policy, 'boundary', ['policy'], resource.address, true, resource.address);
      return;
    }
    const fields = {
      kind: 'boundary' as const,
      address: resource.address,
      property: 'permissionsBoundary',
      principal: resource.address,
      document: undefined,
      at: [...resource.at, 'permissionsBoundary'],
    };
    if (typeof value === 'string' && awsManagedPolicyName(value) !== undefined) {
      this.list.add({ ...fields, managedPolicyArn: value });
      return;
    }
    this.list.add({
      ...fields,
      unresolved:
        value === PULUMI_UNKNOWN
          ? 'the permissions boundary is known only after deployment'
          : `the permissions boundary ${typeof value === 'string' ? value : 'value'} is not defined in this stack`,
    });
  }

  private policy(
    resource: PulumiResource,
    kind: PolicyKind,
    property: PathSegment[],
    principal: string | undefined,
    required: boolean,
    attachedTo?: string,
  ): void {
    const propertyText = pathText(property);
    const raw = valueAt(resource.inputs, property);
    if (raw === undefined && !required) return;
    const read = readPolicy(raw, propertyText);
    const unresolved = read.secret
      ? 'the policy is a secret, so the preview does not show it'
      : read.unknown.length > 0
        ? `the policy depends on values known only after deployment: ${read.unknown.join(', ')}`
        : undefined;
    this.list.add({
      kind,
      address: resource.address,
      property: propertyText,
      ...(principal !== undefined ? { principal } : {}),
      document: read.document,
      at: [...resource.at, ...property],
      ...(attachedTo !== undefined ? { attachedTo } : {}),
      ...(unresolved !== undefined ? { unresolved } : {}),
    });
  }

  private lambdaPermission(resource: PulumiResource): void {
    const inputs = resource.inputs;
    const unknown: string[] = [];
    const read = (name: string): unknown => replaceUnknowns(unwrapSecrets(inputs[name]), name, unknown);
    const permission = {
      statementId: inputs.statementId,
      action: read('action'),
      principal: read('principal'),
      sourceArn: read('sourceArn'),
      sourceAccount: read('sourceAccount'),
      principalOrgId: read('principalOrgId'),
      functionUrlAuthType: read('functionUrlAuthType'),
      eventSourceToken: read('eventSourceToken'),
    };
    if (inputs.action === undefined) unknown.push('action');
    if (inputs.principal === undefined) unknown.push('principal');
    // The function the permission is attached to: unknown until it exists, but the grant is readable.
    const target = this.principals(resource, 'function')[0];
    const fn = inputs.function;
    const functionName = typeof fn === 'string' && fn !== PULUMI_UNKNOWN ? fn : `\${${target ?? 'unknown'}}`;
    this.list.add({
      kind: 'resource',
      address: resource.address,
      ...(target !== undefined ? { principal: target } : {}),
      document: lambdaPermissionPolicy({ ...permission, functionName }),
      at: resource.at,
      ...(unknown.length > 0
        ? { unresolved: `the policy depends on values known only after deployment: ${unknown.join(', ')}` }
        : {}),
    });
  }

  /**
   * Addresses of what an input names: the resources it depends on (of `type`, when given), else
   * the resource with that literal name, else the literal name itself.
   */
  private principals(resource: PulumiResource, input: string, type?: string): string[] {
    const fromDependencies = (resource.dependencies[input] ?? []).flatMap((urn) => {
      const target = this.byUrn.get(urn);
      return target && (type === undefined || target.type === type) ? [target.address] : [];
    });
    if (fromDependencies.length > 0) return unique(fromDependencies);
    const value = unwrapSecrets(resource.inputs[input]);
    return unique(
      (Array.isArray(value) ? value : [value])
        .filter(
          (item): item is string => typeof item === 'string' && item !== '' && !item.includes(PULUMI_UNKNOWN),
        )
        .map((name) => this.named(name, type) ?? name),
    );
  }

  private named(name: string, type: string | undefined): string | undefined {
    for (const candidate of type !== undefined ? [type] : [ROLE, USER, GROUP]) {
      const address = this.byName.get(`${candidate}:${name}`);
      if (address !== undefined) return address;
    }
    return undefined;
  }
}

function readStep(step: unknown, index: number): PulumiResource | undefined {
  if (!isRecord(step)) return undefined;
  if (typeof step.op === 'string' && SKIPPED_OPS.has(step.op)) return undefined;
  // `newState` is what `pulumi preview --json` writes; `new` is the engine-event spelling.
  const stateKey = isRecord(step.newState) ? 'newState' : isRecord(step.new) ? 'new' : undefined;
  const state = stateKey ? (step[stateKey] as Record<string, unknown>) : step;
  const inputs = isRecord(state.inputs) ? state.inputs : isRecord(step.inputs) ? step.inputs : undefined;
  const urn = typeof step.urn === 'string' ? step.urn : typeof state.urn === 'string' ? state.urn : undefined;
  if (!inputs || urn === undefined) return undefined;
  const parsed = parseUrn(urn);
  const type = typeof state.type === 'string' ? state.type : parsed?.type;
  if (!type) return undefined;
  const inputsAt: PathSegment[] =
    stateKey && isRecord(state.inputs) ? ['steps', index, stateKey, 'inputs'] : ['steps', index, 'inputs'];
  const dependencies: Record<string, string[]> = {};
  if (isRecord(state.propertyDependencies)) {
    for (const [name, urns] of Object.entries(state.propertyDependencies)) {
      if (Array.isArray(urns)) dependencies[name] = urns.filter((u): u is string => typeof u === 'string');
    }
  }
  return {
    urn,
    type,
    address: `${type}::${parsed?.name ?? urn}`,
    inputs,
    dependencies,
    at: inputsAt,
  };
}

function readPolicy(raw: unknown, property: string): ReadPolicy {
  const value = unwrapSecrets(raw);
  if (value === '[secret]') return { document: undefined, unknown: [], secret: true };
  if (value === undefined || value === null || value === PULUMI_UNKNOWN)
    return { document: undefined, unknown: [property] };
  const unknown: string[] = [];
  if (typeof value === 'string') {
    if (value.includes(PULUMI_UNKNOWN)) {
      // A policy string assembled from unknown parts: its JSON is not there to read.
      return { document: value.split(PULUMI_UNKNOWN).join(UNKNOWN_TEXT), unknown: [property] };
    }
    const parsed = parseJsonText(value);
    // Not JSON: left as text so that lint reports it as a malformed policy.
    return { document: parsed.ok ? parsed.value : value, unknown };
  }
  const document = replaceUnknowns(value, property, unknown);
  return { document, unknown };
}

/** Copies `value` with each unknown replaced by `${unknown}`, recording where it was. */
function replaceUnknowns(value: unknown, path: string, unknown: string[]): unknown {
  if (value === PULUMI_UNKNOWN) {
    unknown.push(path);
    return UNKNOWN_TEXT;
  }
  if (typeof value === 'string' && value.includes(PULUMI_UNKNOWN)) {
    unknown.push(path);
    return value.split(PULUMI_UNKNOWN).join(UNKNOWN_TEXT);
  }
  if (Array.isArray(value))
    return value.map((item, i) => replaceUnknowns(item, joinPath(path, `[${i}]`), unknown));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceUnknowns(item, childPath(path, key), unknown)]),
    );
  }
  return value;
}

/** Serialized secrets are `{"4dabf...": "1b47...", "value": ...}`; the value is what the resource gets. */
function unwrapSecrets(value: unknown): unknown {
  if (isRecord(value)) {
    if (SECRET_SIGNATURE in value && 'value' in value) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item)]));
  }
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  return value;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
