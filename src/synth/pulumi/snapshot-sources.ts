/**
 * A Pulumi snapshot (what the program registered under mocks) -> the stack's policies.
 *
 * A snapshot is a preview in which nothing is unknown: so it is read by the `pulumi preview --json`
 * extractor, which owns the mapping from resource types to policies, attachments, Lambda permissions
 * and principals. What only a run of the program can tell is added here: where in the program each
 * resource was created, which policies lost parts of themselves on the way (a `JSON.stringify` that
 * dropped `undefined`, an Output put into a template string), and the attached policies that are not
 * in the program (AWS managed policies), which stay visible as unresolved sources.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { InputDocument } from '../../extract/input-document.js';
import { ATTACHMENTS, POLICY, ROLE, extractPulumiPreview } from '../../extract/pulumi-preview.js';
import { awsManagedPolicyName } from '../../extract/managed-policies.js';
import type { PolicySource, SourceLocation } from '../../extract/types.js';
import { childPath } from '../../policy/json-path.js';
import { isRecord } from '../../util/is-record.js';
import type { PulumiSnapshot, SnapshotResource } from './snapshot.js';

export interface SnapshotContext {
  /** Real path of the checked-out revision; program files are named relative to it. */
  root: string;
  /** The stack's project file relative to `root` (`infra/app/Pulumi.yaml`): it names the sources. */
  projectFile: string;
}

export interface SnapshotPolicies {
  sources: PolicySource[];
  warnings: string[];
}

/** What Pulumi writes when a program puts an Output into a plain template string. */
const OUTPUT_TO_STRING = 'Calling [toString] on an [Output<T>] is not supported';
/** Text a missing or unconverted value turns into inside a template string. */
const LOST_VALUE = /(?:^|[^A-Za-z0-9_])(undefined|\[object Object\])(?:[^A-Za-z0-9_]|$)/;

export function snapshotSources(snapshot: PulumiSnapshot, context: SnapshotContext): SnapshotPolicies {
  return new SnapshotReader(snapshot, context).run();
}

class SnapshotReader {
  private readonly managed: SnapshotResource[];
  private readonly byUrn = new Map<string, SnapshotResource>();
  private readonly indexOf = new Map<SnapshotResource, number>();
  /** Canonical JSON of a policy text -> why it is not the policy the program meant. */
  private readonly damaged = new Map<string, string[]>();
  private readonly warnings: string[];

  constructor(
    private readonly snapshot: PulumiSnapshot,
    private readonly context: SnapshotContext,
  ) {
    // Registration completes in whatever order the promises settle; the program's order is stable.
    this.managed = snapshot.resources.filter((r) => r.custom && r.read !== true).sort(programOrder);
    snapshot.resources.forEach((resource, i) => {
      this.byUrn.set(resource.urn, resource);
      this.indexOf.set(resource, i);
    });
    this.warnings = [...snapshot.warnings];
    for (const lossy of snapshot.lossyJson) {
      this.damage(
        lossy.text,
        `the program's JSON.stringify left out values it did not have: ${lossy.dropped.join(', ')}`,
      );
    }
    for (const rendered of snapshot.renderedDocuments)
      this.damage(rendered.json, `getPolicyDocument could not render: ${rendered.problems.join('; ')}`);
  }

  run(): SnapshotPolicies {
    const preview = {
      steps: this.managed.map((resource) => ({
        op: 'create',
        urn: resource.urn,
        newState: {
          type: resource.type,
          inputs: resource.inputs,
          propertyDependencies: resource.dependencies,
        },
      })),
    };
    // Nothing to point into: the snapshot is not a file the user has, locations come from the program.
    const input: InputDocument = { format: 'json', value: preview, lineOf: () => undefined };
    const sources = extractPulumiPreview(input, this.context.projectFile).map((source) =>
      this.located(source),
    );
    for (const source of sources) this.checkDamage(source);
    sources.push(...this.attachedOutsideProgram(new Set(sources.map((s) => s.id))));
    return { sources, warnings: this.warnings };
  }

  /** The step the preview extractor read the source from is the resource at that index. */
  private located(source: PolicySource): PolicySource {
    const match = /^steps\[(\d+)\]\.newState\.inputs(.*)$/.exec(source.filePath ?? '');
    const resource = match ? this.managed[Number(match[1])] : undefined;
    if (!match || !resource) return source;
    // A path into the snapshot: unique per policy, so that lint judges a policy attached to two
    // principals once.
    source.filePath = `resources[${this.indexOf.get(resource) ?? -1}].inputs${match[2] ?? ''}`;
    source.location = this.location(resource);
    return source;
  }

  private location(resource: SnapshotResource): SourceLocation {
    const position = resource.source;
    if (position) {
      const file = relative(this.context.root, position.file);
      if (file !== '' && !file.startsWith('..') && !isAbsolute(file)) {
        return {
          file: file.split(sep).join('/'),
          line: position.line,
          ...(position.column !== undefined ? { column: position.column } : {}),
        };
      }
    }
    return { file: this.context.projectFile };
  }

  private damage(text: string, reason: string): void {
    const key = canonical(text);
    if (key !== undefined) this.damaged.set(key, [...(this.damaged.get(key) ?? []), reason]);
  }

  private checkDamage(source: PolicySource): void {
    if (source.document === undefined) return;
    const reasons = [...(this.damaged.get(JSON.stringify(source.document)) ?? [])];
    for (const [path, text] of strings(source.document, '')) {
      if (text.includes(OUTPUT_TO_STRING))
        reasons.push(
          `${where(path)}is a Pulumi Output put into a string without pulumi.interpolate or apply`,
        );
      else {
        const lost = LOST_VALUE.exec(text)?.[1];
        if (lost !== undefined)
          reasons.push(
            `${where(path)}contains "${lost}": the program put a value it did not have into the text`,
          );
      }
    }
    if (reasons.length === 0) return;
    source.unresolved = [...(source.unresolved !== undefined ? [source.unresolved] : []), ...reasons].join(
      '; ',
    );
  }

  /**
   * Policies attached by ARN that the program does not define: AWS managed policies
   * (`arn:aws:iam::aws:policy/...`) and policies of other stacks. The preview extractor follows
   * attachments to policies in the stack; these others would otherwise vanish without a trace.
   */
  private attachedOutsideProgram(ids: Set<string>): PolicySource[] {
    const out: PolicySource[] = [];
    const add = (resource: SnapshotResource, property: string, arn: string, principal: string): void => {
      const address = addressOf(resource);
      let id = `${this.context.projectFile}#${address}.${property}@${principal}`;
      for (let n = 2; ids.has(id); n++) id = `${id.replace(/~\d+$/, '')}~${n}`;
      ids.add(id);
      out.push({
        id,
        kind: 'identity',
        address,
        property,
        principal,
        document: undefined,
        location: this.location(resource),
        // AWS managed policies get their documents from resolveManagedPolicies; others stay unknown.
        ...(awsManagedPolicyName(arn) !== undefined
          ? { managedPolicyArn: arn }
          : { unresolved: `attaches the policy ${arn}, which this stack does not define` }),
      });
    };
    for (const resource of this.managed) {
      if (resource.type === ROLE) {
        const arns = resource.inputs.managedPolicyArns;
        if (Array.isArray(arns))
          arns.forEach((arn: unknown, i) => {
            if (typeof arn === 'string' && !this.definedPolicy(arn))
              add(resource, `managedPolicyArns[${i}]`, arn, addressOf(resource));
          });
        continue;
      }
      const targets = ATTACHMENTS[resource.type];
      const arn = resource.inputs.policyArn;
      if (!targets || typeof arn !== 'string' || this.definedPolicy(arn)) continue;
      for (const { input, type } of targets)
        for (const principal of this.principals(resource, input, type))
          add(resource, 'policyArn', arn, principal);
    }
    return out;
  }

  /** Whether the ARN is the symbolic ARN of a policy the program creates. */
  private definedPolicy(arn: string): boolean {
    return arn.startsWith(`\${${POLICY}::`) && arn.endsWith('.arn}');
  }

  /** Addresses of the principals an attachment input names, as the preview extractor finds them. */
  private principals(resource: SnapshotResource, input: string, type: string): string[] {
    const found = (resource.dependencies[input] ?? []).flatMap((urn) => {
      const target = this.byUrn.get(urn);
      return target?.type === type ? [addressOf(target)] : [];
    });
    if (found.length > 0) return [...new Set(found)];
    const value = resource.inputs[input];
    return [
      ...new Set(
        (Array.isArray(value) ? value : [value])
          .filter((name): name is string => typeof name === 'string' && name !== '')
          .map(
            (name) =>
              this.managed.find((r) => r.type === type && r.inputs.name === name)?.urn ?? `${type}::${name}`,
          )
          .map((urnOrAddress) => {
            const target = this.byUrn.get(urnOrAddress);
            return target ? addressOf(target) : urnOrAddress;
          }),
      ),
    ];
  }
}

function addressOf(resource: SnapshotResource): string {
  return `${resource.type}::${resource.name}`;
}

function programOrder(a: SnapshotResource, b: SnapshotResource): number {
  const fileA = a.source?.file ?? '\uffff';
  const fileB = b.source?.file ?? '\uffff';
  if (fileA !== fileB) return fileA < fileB ? -1 : 1;
  return (
    (a.source?.line ?? 0) - (b.source?.line ?? 0) ||
    (a.source?.column ?? 0) - (b.source?.column ?? 0) ||
    (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)
  );
}

/** The JSON text in one spelling, so that a parsed policy can be matched to the text it came from. */
function canonical(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value))
    for (const [i, item] of value.entries()) yield* strings(item, childPath(path, i));
  else if (isRecord(value))
    for (const [key, item] of Object.entries(value)) yield* strings(item, childPath(path, key));
}

function where(path: string): string {
  return path === '' ? 'the policy ' : `${path} `;
}
