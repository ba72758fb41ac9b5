/**
 * The yaml package costs ~55 ms to import, a tenth of a whole `iam-gate check` budget, and most
 * runs read only JSON. It is loaded on first use instead (synchronously: its CommonJS build), from
 * the one-file copy the build makes of it (`dist/vendor/yaml.cjs`, see scripts/bundle-cli.ts: ~5 ms
 * instead of ~14), or from the package itself when running from source.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as YamlModule from 'yaml';

let yaml: typeof YamlModule | undefined;

export function loadYaml(): typeof YamlModule {
  if (yaml === undefined) {
    const require = createRequire(import.meta.url);
    const vendored = new URL('../vendor/yaml.cjs', import.meta.url);
    yaml = require(existsSync(vendored) ? fileURLToPath(vendored) : 'yaml') as typeof YamlModule;
  }
  return yaml;
}
