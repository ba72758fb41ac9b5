import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Files = Record<string, string>;

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `iam-gate-${prefix}-`));
}

/** Writes `files` (paths relative to `root`, `/`-separated); `null` content removes a file. */
export async function writeFiles(
  root: string,
  files: Readonly<Record<string, string | null>>,
): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const target = join(root, ...path.split('/'));
    if (text === null) {
      await rm(target, { force: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
    }
  }
}

/** A fixed identity and no system config: commits in tests do not depend on the machine. */
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git in `dir` and returns its output, trimmed. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, encoding: 'utf8' }).trim();
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * A monorepo as teams lay one out: npm workspaces, a Pulumi TypeScript stack, a CDKTF app and a CDK
 * app under infra/, shared code in lib/ (used by the Pulumi stack and the CDKTF app), a workspace
 * package, a Python Pulumi project, a project with a malformed Pulumi.yaml, a Pulumi project nested
 * in another, and a policy file the config lists.
 */
export const MONOREPO: Files = {
  'package.json': json({ name: 'acme-infra', private: true, workspaces: ['packages/*', 'infra/*'] }),
  'package-lock.json': json({ name: 'acme-infra', lockfileVersion: 3, packages: {} }),
  'tsconfig.base.json': '{\n  // shared compiler settings\n  "compilerOptions": { "strict": true, },\n}\n',
  'README.md': '# acme infra\n',
  'docs/guide.md': '# how we deploy\n',
  'scripts/release.ts': "import { execSync } from 'node:child_process';\nexecSync('git tag');\n",
  'lib/index.ts': "export * from './policies.js';\n",
  'lib/policies.ts': "export const readOnly = ['s3:GetObject'];\n",
  'lib/naming.ts': 'export const prefix = (name: string) => `acme-${name}`;\n',
  'lib/unused.ts': 'export const nothing = 0;\n',
  'plugins/tagging.ts': 'export const tags = { team: "infra" };\n',
  'packages/naming/package.json': json({ name: '@acme/naming', main: 'dist/index.js' }),
  'packages/naming/src/index.ts': "export { suffix } from './suffix';\n",
  'packages/naming/src/suffix.ts': "export const suffix = '-prod';\n",
  'packages/naming/README.md': '# naming\n',
  'infra/app/Pulumi.yaml': 'name: app\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n',
  'infra/app/Pulumi.prod.yaml': 'config:\n  aws:region: eu-west-1\n',
  'infra/app/Pulumi.dev.yaml': 'config:\n  aws:region: us-east-1\n',
  'infra/app/package.json': json({ name: 'app-infra', dependencies: { '@pulumi/aws': '^7' } }),
  'infra/app/tsconfig.json': json({
    extends: '../../tsconfig.base.json',
    compilerOptions: { outDir: 'bin' },
  }),
  'infra/app/index.ts': [
    "import * as aws from '@pulumi/aws';",
    "import { readOnly } from '../../lib/index.js';",
    "import { suffix } from '@acme/naming';",
    "new aws.iam.Policy('app' + suffix, { policy: JSON.stringify({ Statement: [{ Action: readOnly }] }) });",
    '',
  ].join('\n'),
  'infra/app/README.md': '# app stack\n',
  'infra/app/canary/Pulumi.yaml': 'name: canary\nruntime: nodejs\n',
  'infra/app/canary/index.ts': "import * as aws from '@pulumi/aws';\nnew aws.iam.Role('canary', {});\n",
  'infra/network/cdktf.json': json({ language: 'typescript', app: 'npx ts-node main.ts' }),
  'infra/network/tsconfig.json': json({ compilerOptions: { strict: true } }),
  'infra/network/main.ts': [
    "import { App } from 'cdktf';",
    "import { readOnly } from '../../lib/policies';",
    'const plugin = process.env.PLUGIN ?? "tagging";',
    // Loads one of plugins/*: the scan cannot tell which.
    'const { tags } = require(`../../plugins/${plugin}`);',
    'new App().synth();',
    'void readOnly; void tags;',
    '',
  ].join('\n'),
  'infra/cdk/cdk.json': json({ app: 'npx ts-node --prefer-ts-exts bin/app.ts', context: {} }),
  'infra/cdk/tsconfig.json': json({
    compilerOptions: { baseUrl: '.', paths: { '@shared/*': ['../../lib/*'] } },
  }),
  'infra/cdk/bin/app.ts':
    "import { App } from 'aws-cdk-lib';\nimport { AppStack } from '../lib/stack';\nnew AppStack(new App());\n",
  'infra/cdk/lib/stack.ts': [
    "import { Stack } from 'aws-cdk-lib';",
    "import { prefix } from '@shared/naming';",
    'export class AppStack extends Stack {}',
    'void prefix;',
    '',
  ].join('\n'),
  'infra/py/Pulumi.yaml': 'name: py\nruntime: python\n',
  'infra/py/__main__.py': 'import pulumi_aws as aws\n',
  'infra/broken/Pulumi.yaml': 'name: broken\nruntime: [nodejs\n',
  'infra/broken/index.ts': "import '../../lib/policies.js';\n",
  'policies/extra.json': json({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
  }),
  'policies/README.md': '# extra policies\n',
};
