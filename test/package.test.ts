/**
 * The package as a user gets it: `npm pack`, unpacked into a separate project that has the runtime
 * dependencies but not Pulumi, then imported from plain ESM and type-checked from TypeScript.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
let project: string;

beforeAll(() => {
  // dist/ is built by `npm test`'s pretest step; pack without scripts so this test never rebuilds.
  const dir = mkdtempSync(join(tmpdir(), 'iam-gate-pack-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: root,
      encoding: 'utf8',
    }),
  ) as { filename: string }[];
  const tarball = packed[0]?.filename;
  if (!tarball) throw new Error('npm pack produced no tarball');
  project = join(dir, 'consumer');
  const installed = join(project, 'node_modules', 'iam-gate');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', installed, '--strip-components=1']);
  for (const dependency of Object.keys(manifest.dependencies)) {
    const target = join(project, 'node_modules', dependency);
    mkdirSync(resolve(target, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', dependency), target);
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', type: 'module', private: true }),
  );
});

describe('the packed package in a separate project', () => {
  it('imports the builder from "iam-gate" without Pulumi installed', () => {
    writeFileSync(
      join(project, 'use.mjs'),
      `import { statement, policyDocument, trustPolicy, servicePrincipal, PolicyError } from 'iam-gate';
const doc = policyDocument([statement({ sid: 'Read', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] })]);
console.log(doc.toJSON());
console.log(trustPolicy([servicePrincipal('lambda.amazonaws.com')]).toJSON());
try { statement({ sid: 'Admin', actions: ['*'], resources: ['*'] }); } catch (e) { console.log(e instanceof PolicyError, e.message); }
try { doc.toPulumiJSON(); } catch (e) { console.log(e instanceof PolicyError, e.message.split(' (')[0]); }
`,
    );
    const lines = execFileSync('node', ['use.mjs'], { cwd: project, encoding: 'utf8' }).trim().split('\n');
    expect(lines[0]).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}',
    );
    expect(lines[1]).toContain('"Principal":{"Service":"lambda.amazonaws.com"}');
    expect(lines[2]).toMatch(
      /^true statement "Admin": action "\*" grants all \d+ actions of every AWS service/,
    );
    expect(lines[3]).toBe('true toPulumiJSON() needs @pulumi/pulumi, which could not be loaded');
  });

  it('type-checks a TypeScript consumer against the published declarations', () => {
    writeFileSync(
      join(project, 'use.ts'),
      `import { statement, policyDocument, type PolicyJson, PolicyError, viaService } from 'iam-gate';
const doc: PolicyJson = policyDocument([
  statement({ sid: 'Decrypt', actions: ['kms:Decrypt'], resources: ['arn:aws:kms:eu-west-1:123456789012:key/k'], conditions: viaService('s3.eu-west-1.amazonaws.com') }),
]).toObject();
const error: PolicyError | undefined = undefined;
export { doc, error };
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['use.ts'],
      }),
    );
    execFileSync('node', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], {
      encoding: 'utf8',
    });
  });

  it('runs the iam-gate binary', () => {
    const out = execFileSync(
      'node',
      [join(project, 'node_modules', 'iam-gate', 'dist', 'cli', 'main.js'), '--version'],
      {
        encoding: 'utf8',
      },
    );
    expect(out.trim()).toBe(manifest.version);
  });

  it('checks a policy with the installed binary, which finds its catalog inside the package', () => {
    writeFileSync(
      join(project, 'policy.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' }],
      }),
    );
    const binary = join(project, 'node_modules', 'iam-gate', 'dist', 'cli', 'main.js');
    const run = spawnSync('node', [binary, 'check', 'policy.json', '--format', 'json'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; message: string }[] };
    expect(report.findings.map((f) => f.ruleId)).toEqual(['unknown-action']);
    expect(report.findings[0]?.message).toContain('did you mean "s3:GetObject"?');
  });
});
