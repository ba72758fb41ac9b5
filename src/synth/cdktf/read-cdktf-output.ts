/**
 * What a CDKTF app writes into `CDKTF_OUTDIR`, read back: `manifest.json` names the stacks, each
 * stack's `cdk.tf.json` holds its Terraform configuration. The policies come from the Terraform
 * extractor; this adds what only a synthesized app has: construct traces that point at the line of
 * the user's program, and principals named by construct path, which carries the stack name, so
 * that two stacks' `app-role` stay two principals. Pure: the caller reads the files.
 */
import { extractPolicies } from '../../extract/extract-file.js';
import { policyDocumentReference } from '../../extract/policy-document-data.js';
import type { PolicySource, SourceLocation } from '../../extract/types.js';
import { parseJsonText } from '../../policy/json-text.js';
import { isRecord } from '../../util/is-record.js';
import { userLocation } from '../cdk/creation-stack.js';

export interface CdktfManifestStack {
  name: string;
  /** Relative to the output folder: `stacks/app/cdk.tf.json`. */
  synthesizedStackPath: string;
}

export function readCdktfManifest(text: string): CdktfManifestStack[] | { error: string } {
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { error: `manifest.json is not JSON: ${parsed.message}` };
  const stacks = isRecord(parsed.value) ? parsed.value.stacks : undefined;
  if (!isRecord(stacks)) return { error: 'manifest.json lists no stacks' };
  const out: CdktfManifestStack[] = [];
  for (const [key, entry] of Object.entries(stacks)) {
    if (!isRecord(entry) || typeof entry.synthesizedStackPath !== 'string') continue;
    const name = typeof entry.name === 'string' ? entry.name : key;
    out.push({ name, synthesizedStackPath: entry.synthesizedStackPath });
  }
  return out;
}

interface Element {
  /** The construct path, `app/deploy-role`. */
  path?: string;
  trace: unknown[];
  body: Record<string, unknown>;
}

export interface StackSources {
  sources: PolicySource[];
  /** How many sources fell back to `fallback` for want of a construct trace. */
  untraced: number;
}

/**
 * The policies of one stack's `cdk.tf.json`, named `file` (their ids start with it). `roots` are the
 * repository root, as given and as resolved; `fallback` is where a policy is said to come from when
 * its construct has no trace in the repository (the app's entry file).
 */
export function readCdktfStack(
  text: string,
  file: string,
  roots: readonly string[],
  fallback: SourceLocation,
): StackSources | { error: string } {
  const extracted = extractPolicies(text, file);
  if (!extracted.ok) return { error: extracted.error };
  if (extracted.kind !== 'terraform') return { error: `${file} is not Terraform JSON` };
  const parsed = parseJsonText(text);
  const elements = parsed.ok ? elementsOf(parsed.value) : new Map<string, Element>();
  let untraced = 0;
  for (const source of extracted.sources) {
    const holder = elements.get(source.logicalId ?? source.address);
    const location = traceLocation(holder, source.property, elements, roots);
    if (location === undefined) untraced++;
    source.location = location ?? fallback;
    if (source.principal !== undefined) {
      const path = elements.get(source.principal)?.path;
      if (path !== undefined) source.principal = path;
    }
  }
  return { sources: extracted.sources, untraced };
}

/**
 * Where the policy was written: for a policy that is an `aws_iam_policy_document` data source, the
 * line creating that data source (where the statements are), else the line creating the resource.
 */
function traceLocation(
  holder: Element | undefined,
  property: string | undefined,
  elements: ReadonlyMap<string, Element>,
  roots: readonly string[],
): SourceLocation | undefined {
  if (holder === undefined) return undefined;
  const value = property === undefined ? undefined : propertyValue(holder.body, property);
  const documentName = typeof value === 'string' ? policyDocumentReference(value) : undefined;
  const document =
    documentName === undefined ? undefined : elements.get(`data.aws_iam_policy_document.${documentName}`);
  return (document && userLocation(document.trace, roots)) ?? userLocation(holder.trace, roots);
}

/** `resource.aws_iam_role.app` / `data.aws_iam_policy_document.trust` -> its CDKTF metadata and body. */
function elementsOf(config: unknown): Map<string, Element> {
  const elements = new Map<string, Element>();
  if (!isRecord(config)) return elements;
  for (const [section, prefix] of [
    ['resource', ''],
    ['data', 'data.'],
  ] as const) {
    const types = config[section];
    if (!isRecord(types)) continue;
    for (const [type, byName] of Object.entries(types)) {
      if (!isRecord(byName)) continue;
      for (const [name, raw] of Object.entries(byName)) {
        const body: unknown = Array.isArray(raw) ? raw[0] : raw;
        if (!isRecord(body)) continue;
        const metadata = isRecord(body['//']) && isRecord(body['//'].metadata) ? body['//'].metadata : {};
        const element: Element = {
          trace: Array.isArray(metadata.stackTrace) ? metadata.stackTrace : [],
          body,
        };
        if (typeof metadata.path === 'string' && metadata.path !== '') element.path = metadata.path;
        elements.set(`${prefix}${type}.${name}`, element);
      }
    }
  }
  return elements;
}

/** `inline_policy[0].policy` inside a block body. */
function propertyValue(body: Record<string, unknown>, property: string): unknown {
  let node: unknown = body;
  for (const [, key, index] of property.matchAll(/([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]/g)) {
    if (key !== undefined) node = isRecord(node) ? node[key] : undefined;
    else node = Array.isArray(node) ? (node[Number(index)] as unknown) : undefined;
  }
  return node;
}
