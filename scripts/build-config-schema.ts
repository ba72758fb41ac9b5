/**
 * Writes `schema/iam-gate.schema.json` from the zod config schema, for editors (yaml-language-server)
 * and other tools. The file is committed; a test fails when it differs from this script's output.
 * Run with `npm run build:schema`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { z } from 'zod';
import { iamGateConfigSchema } from '../src/config/schema.js';

export const CONFIG_SCHEMA_URL = new URL('../schema/iam-gate.schema.json', import.meta.url);

export const CONFIG_SCHEMA_ID = 'https://unpkg.com/iam-gate/schema/iam-gate.schema.json';

export function buildConfigJsonSchema(): Record<string, unknown> {
  // `input`: the file's shape, where keys with defaults are optional (the output type has them all).
  const generated = z.toJSONSchema(iamGateConfigSchema, { target: 'draft-2020-12', io: 'input' });
  const { $schema, description: _short, ...rest } = generated;
  return {
    $schema,
    $id: CONFIG_SCHEMA_ID,
    title: 'iam-gate configuration',
    description:
      'Configuration of iam-gate, the AWS IAM least-privilege gate, in .github/iam-gate.yml: rule severities, ' +
      'owned and trusted accounts, allowed OIDC subjects, the failing severity, exceptions and extra policy files.',
    ...rest,
  };
}

/** The schema file's exact text, formatted as `prettier --check` expects it. */
export async function renderConfigJsonSchema(): Promise<string> {
  const filepath = fileURLToPath(CONFIG_SCHEMA_URL);
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(JSON.stringify(buildConfigJsonSchema(), null, 2), { ...options, filepath });
}

export async function writeConfigJsonSchema(): Promise<string> {
  const path = fileURLToPath(CONFIG_SCHEMA_URL);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, await renderConfigJsonSchema());
  return path;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  console.log(`wrote ${await writeConfigJsonSchema()}`);
}
