import { readFileSync } from 'node:fs';

// Read at runtime so the published version is the one in package.json, from src/ (tests) and dist/ alike.
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const packageVersion: string = manifest.version;
