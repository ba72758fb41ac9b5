/**
 * AWS managed policies (`arn:aws:iam::aws:policy/AdministratorAccess`) attached to a role, user or
 * group: their documents are not in the template or program, but they are in the precompiled
 * `data/managed-policies.data` (see scripts/build-managed-policies.ts), so an attachment is linted
 * and diffed like an inline policy. Extractors record attachments as sources carrying
 * `managedPolicyArn` and no document; `resolveManagedPolicies` fills the documents in.
 */
import { openSync, readFileSync, readSync } from 'node:fs';
import type { PolicySource } from './types.js';

/**
 * The name (path after `policy/`) of an AWS managed policy ARN, in any partition, written literally
 * or with a symbolic partition (`arn:${AWS::Partition}:iam::aws:policy/...`,
 * `arn:${data.aws_partition.current.partition}:iam::aws:policy/...`); undefined for anything else.
 */
export function awsManagedPolicyName(arn: string): string | undefined {
  const match = /^arn:(?:aws|aws-cn|aws-us-gov|\$\{[^}]+\}):iam::aws:policy\/([\w+=,.@/-]+)$/.exec(arn);
  return match?.[1];
}

/** Where each policy's document lies in the data file: `[offset, length]` in bytes, by name. */
let index: Record<string, [number, number]> | undefined;
let dataFile: number | undefined;
const documents = new Map<string, unknown>();

/** The current document of an AWS managed policy by name, or undefined when AWS has none by that name. */
export function managedPolicyDocument(name: string): unknown {
  index ??= JSON.parse(
    readFileSync(new URL('../../data/managed-policies.index.json', import.meta.url), 'utf8'),
  ) as Record<string, [number, number]>;
  if (!Object.hasOwn(index, name)) return undefined;
  let document = documents.get(name);
  if (document === undefined) {
    const [offset, length] = index[name] as [number, number];
    dataFile ??= openSync(new URL('../../data/managed-policies.data', import.meta.url), 'r');
    const bytes = Buffer.alloc(length);
    readSync(dataFile, bytes, 0, length, offset);
    document = JSON.parse(bytes.toString('utf8')) as unknown;
    documents.set(name, document);
  }
  return document;
}

/**
 * Fills in the documents of AWS managed policy attachments. An unknown name stays unresolved and
 * says so (a typo, or a policy newer than this iam-gate): it is reported, never passed silently.
 */
export function resolveManagedPolicies(sources: PolicySource[]): PolicySource[] {
  if (!sources.some((source) => source.managedPolicyArn !== undefined && source.document === undefined))
    return sources;
  return sources.map((source) => {
    if (source.managedPolicyArn === undefined || source.document !== undefined) return source;
    const name = awsManagedPolicyName(source.managedPolicyArn);
    const document = name === undefined ? undefined : managedPolicyDocument(name);
    if (document === undefined) {
      return {
        ...source,
        unresolved: `attaches ${source.managedPolicyArn}, which is not an AWS managed policy iam-gate knows (a typo, or newer than this version)`,
      };
    }
    const resolved: PolicySource = { ...source, document };
    delete resolved.unresolved;
    return resolved;
  });
}
