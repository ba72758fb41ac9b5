/**
 * The yaml package costs ~55 ms to import, a tenth of a whole `iam-gate check` budget, and most
 * runs read only JSON. It is loaded on first use instead (synchronously: its CommonJS build).
 */
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';

let yaml: typeof YamlModule | undefined;

export function loadYaml(): typeof YamlModule {
  yaml ??= createRequire(import.meta.url)('yaml') as typeof YamlModule;
  return yaml;
}
