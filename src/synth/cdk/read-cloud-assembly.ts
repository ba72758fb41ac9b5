/**
 * What an AWS CDK app writes into `CDK_OUTDIR` (a cloud assembly), read back: `manifest.json` lists
 * the stacks, their templates and their metadata (inline, or in `<Stack>.metadata.json` since
 * aws-cdk-lib 2.1xx); stages are nested assemblies in `assembly-<Stage>/`; nested stacks are
 * `*.nested.template.json` files beside their parent. The metadata holds each construct's creation
 * stack (`aws:cdk:creationStack`), which points at the line of the user's program. Pure: the
 * caller reads files.
 */
import { extractPolicies } from '../../extract/extract-file.js';
import type { PolicySource, SourceLocation } from '../../extract/types.js';
import { parseJsonText } from '../../policy/json-text.js';
import { isRecord } from '../../util/is-record.js';
import { userLocation } from './creation-stack.js';

export interface AssemblyStack {
  /** `displayName` (`Prod/Api` inside a stage), else the artifact id. */
  name: string;
  /** Relative to the assembly folder. */
  templateFile: string;
  /** Inline metadata, by construct path (`/Stack/Role/Resource`). */
  metadata: Record<string, unknown>;
  /** A metadata file to merge, relative to the assembly folder. */
  metadataFile?: string;
}

export interface AssemblyManifest {
  stacks: AssemblyStack[];
  /** Nested assemblies (stages), relative to this assembly's folder. */
  assemblies: string[];
  /** Context lookups the app asked for and `cdk.context.json` did not answer: synthesized with dummy values. */
  missing: string[];
}

export function readAssemblyManifest(text: string): AssemblyManifest | { error: string } {
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { error: `manifest.json is not JSON: ${parsed.message}` };
  const manifest = parsed.value;
  const artifacts = isRecord(manifest) ? manifest.artifacts : undefined;
  if (!isRecord(artifacts)) return { error: 'manifest.json lists no artifacts' };
  const out: AssemblyManifest = { stacks: [], assemblies: [], missing: [] };
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact)) continue;
    const properties = isRecord(artifact.properties) ? artifact.properties : {};
    if (artifact.type === 'cdk:cloud-assembly' && typeof properties.directoryName === 'string') {
      out.assemblies.push(properties.directoryName);
    }
    if (artifact.type !== 'aws:cloudformation:stack' || typeof properties.templateFile !== 'string') continue;
    const stack: AssemblyStack = {
      name: typeof artifact.displayName === 'string' ? artifact.displayName : id,
      templateFile: properties.templateFile,
      metadata: isRecord(artifact.metadata) ? artifact.metadata : {},
    };
    if (typeof artifact.additionalMetadataFile === 'string')
      stack.metadataFile = artifact.additionalMetadataFile;
    out.stacks.push(stack);
  }
  const missing = isRecord(manifest) ? manifest.missing : undefined;
  if (Array.isArray(missing)) {
    for (const entry of missing)
      if (isRecord(entry) && typeof entry.key === 'string') out.missing.push(entry.key);
  }
  return out;
}

/** A `<Stack>.metadata.json` file: the same map as inline metadata. */
export function readMetadataFile(text: string): Record<string, unknown> {
  const parsed = parseJsonText(text);
  return parsed.ok && isRecord(parsed.value) ? parsed.value : {};
}

export interface TemplateSources {
  sources: PolicySource[];
  untraced: number;
}

/**
 * The policies of one template, named `file`. `metadata` is the construct metadata of the assembly
 * (every stack's, merged: a nested stack's resources are in its parent's). Principals become
 * construct paths, which carry the stack name, so that two stacks' `AppRole` stay two principals.
 */
export function readTemplate(
  text: string,
  file: string,
  metadata: Readonly<Record<string, unknown>>,
  roots: readonly string[],
  fallback: SourceLocation,
): TemplateSources | { error: string } {
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { error: `${file}: ${parsed.message}` };
  const resources =
    isRecord(parsed.value) && isRecord(parsed.value.Resources) ? parsed.value.Resources : undefined;
  // A stack without resources (or with only a bootstrap check) has no policies to find.
  if (resources === undefined) return { sources: [], untraced: 0 };
  const extracted = extractPolicies(text, file);
  if (!extracted.ok) return { error: extracted.error };
  if (extracted.kind !== 'cloudformation') return { error: `${file} is not a CloudFormation template` };

  const paths = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    const cdkPath =
      isRecord(resource) && isRecord(resource.Metadata) ? resource.Metadata['aws:cdk:path'] : undefined;
    if (typeof cdkPath === 'string' && cdkPath !== '') paths.set(logicalId, cdkPath);
  }
  let untraced = 0;
  for (const source of extracted.sources) {
    const cdkPath = paths.get(source.logicalId ?? source.address);
    const location = cdkPath === undefined ? undefined : creationLocation(cdkPath, metadata, roots);
    if (location === undefined) untraced++;
    source.location = location ?? fallback;
    if (source.principal !== undefined) source.principal = paths.get(source.principal) ?? source.principal;
  }
  return { sources: extracted.sources, untraced };
}

/**
 * The user's line that created the construct at `cdkPath`, or, when its trace stays inside
 * libraries, the line that created the nearest enclosing construct with one: `Stack/Role/Resource`
 * of a role made by `new iam.Role(...)`, for a policy the role made for itself.
 */
function creationLocation(
  cdkPath: string,
  metadata: Readonly<Record<string, unknown>>,
  roots: readonly string[],
): SourceLocation | undefined {
  const parts = cdkPath.split('/');
  for (let length = parts.length; length > 0; length--) {
    const prefix = `/${parts.slice(0, length).join('/')}`;
    for (const key of length === parts.length ? [prefix] : [`${prefix}/Resource`, prefix]) {
      const location = userLocation(creationStack(metadata[key]), roots);
      if (location !== undefined) return location;
    }
  }
  return undefined;
}

function creationStack(entries: unknown): unknown[] {
  if (!Array.isArray(entries)) return [];
  for (const entry of entries) {
    if (isRecord(entry) && entry.type === 'aws:cdk:creationStack' && Array.isArray(entry.data))
      return entry.data;
  }
  return [];
}
