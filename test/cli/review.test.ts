/**
 * `iam-gate review` end to end on the bundled example, through the built binary: a real git
 * repository, the Pulumi stack run against mocks and the CDKTF app synthesized, at both commits.
 * The first run is cold; the other formats reuse its cache, as a second push to a pull request would.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoRepo } from '../../examples/review/create-demo-repo.js';
import { type BinaryResult, REPO_ROOT, runIamGate } from './run-binary.js';

interface ReviewJson {
  verdict: string;
  reasons: string[];
  stacks: {
    name: string;
    kind: string;
    change: string;
    base: { status: string; cached: boolean } | null;
    head: { status: string; cached: boolean } | null;
    diff?: {
      verdict: string;
      added: { principal: string; action: string; resource: string }[];
      trust: { role: string; change: string; principal: string; message: string }[];
    };
    findings: {
      ruleId: string;
      severity: string;
      file: string;
      path: string;
      introduced: boolean;
      blocking: boolean;
    }[];
  }[];
}

// Inside the project: the example's programs resolve @pulumi/pulumi and cdktf from its node_modules.
const work = mkdtempSync(join(REPO_ROOT, '.tmp-review-cli-'));
const cache = join(work, 'cache');
let repoDir = '';
let cold: BinaryResult;

const review = (args: string[]) =>
  runIamGate(['review', '--base', 'main', ...args], {
    cwd: repoDir,
    env: { XDG_CACHE_HOME: cache },
    timeoutMs: 240_000,
  });

beforeAll(async () => {
  repoDir = createDemoRepo(join(work, 'repo')).dir;
  cold = await review(['--format', 'json']);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('iam-gate review on the bundled example', () => {
  it('fails, listing the added permissions and the trust regressions of both stacks', () => {
    expect(cold.stderr).toBe('');
    expect(cold.status).toBe(1);
    const report = JSON.parse(cold.stdout) as ReviewJson;
    expect(report.verdict).toBe('fail');
    expect(report.stacks.map((s) => [s.name, s.kind, s.change, s.base?.status, s.head?.status])).toEqual([
      ['cdktf-app', 'cdktf', 'modified', 'ok', 'ok'],
      ['uploads', 'pulumi', 'modified', 'ok', 'ok'],
    ]);
    const [cdktf, pulumi] = report.stacks;

    expect(pulumi?.diff?.added).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 's3:*', resource: '${aws:s3/bucket:Bucket::uploads.arn}/*' }),
        expect.objectContaining({
          action: 's3:DeleteObject',
          resource: '${aws:s3/bucket:Bucket::uploads.arn}/*',
        }),
        expect.objectContaining({
          action: 's3:DeleteBucket',
          resource: '${aws:s3/bucket:Bucket::uploads.arn}',
        }),
      ]),
    );
    expect(pulumi?.diff?.trust).toEqual([
      expect.objectContaining({
        role: 'aws:iam/role:Role::processor',
        change: 'new-principal',
        principal: 'arn:aws:iam::210987654321:root',
      }),
    ]);
    expect(cdktf?.diff?.added.map((g) => [g.action, g.resource])).toContainEqual([
      's3:DeleteObject',
      '${aws_s3_bucket.releases.arn}/releases/*',
    ]);
    expect(cdktf?.diff?.trust).toEqual([
      expect.objectContaining({
        change: 'condition-widened',
        message: expect.stringContaining('repo:acme/*'),
      }),
    ]);

    const blocking = report.stacks.flatMap((s) => s.findings.filter((f) => f.blocking));
    expect(blocking.map((f) => [f.ruleId, f.file]).sort()).toEqual(
      [
        ['trust-oidc-unscoped', 'cdktf-app/main.ts'],
        ['trust-regression', 'cdktf-app/main.ts'],
        ['trust-regression', 'pulumi-app/index.ts'],
        ['trust-untrusted-account', 'pulumi-app/index.ts'],
        ['wildcard-action', 'pulumi-app/index.ts'],
      ].sort(),
    );
    expect(blocking.every((f) => f.introduced)).toBe(true);
  });

  it('text: what a reviewer reads, ending with the failing verdict; both revisions now come from the cache', async () => {
    const { status, stdout, stderr } = await review([]);
    expect({ status, stderr }).toEqual({ status: 1, stderr: '' });
    expect(stdout).toContain('synthesized: base cached, head cached');
    expect(stdout).toContain(
      '+ s3:* (180 actions today, and any AWS adds later) on ${aws:s3/bucket:Bucket::uploads.arn}/*',
    );
    expect(stdout).toContain(
      'trust: + arn:aws:iam::210987654321:root may now assume aws:iam/role:Role::processor',
    );
    expect(stdout).toContain('trust: + repo:acme/* may now assume');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('FAIL: 5 blocking findings introduced');
  });

  it('sarif: every result marked new or unchanged against the base', async () => {
    const { status, stdout } = await review(['--format', 'sarif']);
    expect(status).toBe(1);
    const log = JSON.parse(stdout) as {
      runs: {
        results: {
          ruleId: string;
          baselineState: string;
          locations: { physicalLocation?: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
    };
    const results = log.runs[0]?.results ?? [];
    expect(results.find((r) => r.ruleId === 'wildcard-action')).toMatchObject({
      baselineState: 'new',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'pulumi-app/index.ts' } } }],
    });
    // AWSLambdaBasicExecutionRole, attached at base already: logs actions on every log group.
    expect(results.find((r) => r.ruleId === 'wildcard-resource')?.baselineState).toBe('unchanged');
  });

  it('markdown: a pull-request comment with the verdict and a table of added access', async () => {
    const { status, stdout } = await review(['--format', 'markdown']);
    expect(status).toBe(1);
    expect(stdout.startsWith('## ❌ iam-gate: 5 blocking findings introduced\n')).toBe(true);
    expect(stdout).toContain(
      '| + | `aws:iam/role:Role::processor` | s3:\\* (180 actions today, and any AWS adds later) |',
    );
    expect(stdout).toContain('- **trust:** \\+ arn:aws:iam::210987654321:root may now assume');
  });
});

describe('iam-gate review with a bad option', () => {
  it.each(['0', 'abc', '1.5'])(
    '--concurrency %s: a usage error (exit 2), before anything runs',
    async (value) => {
      const result = await review(['--concurrency', value]);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(
        `argument '${value}' is invalid. expected a whole number of at least 1, got "${value}"`,
      );
      expect(result.stdout).toBe('');
    },
  );
});

describe('iam-gate review writing several reports at once', () => {
  it('writes the markdown, SARIF and JSON reports of the same review to files, text to stdout', async () => {
    const out = mkdtempSync(join(work, 'reports-'));
    const result = await review([
      '--format',
      'text',
      '--markdown-output',
      join(out, 'summary.md'),
      '--sarif-output',
      join(out, 'review.sarif'),
      '--json-output',
      join(out, 'review.json'),
    ]);
    expect(result.status).toBe(1);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('FAIL: 5 blocking findings introduced');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/^## ❌ iam-gate: /);
    const json = JSON.parse(readFileSync(join(out, 'review.json'), 'utf8')) as ReviewJson;
    expect(json.verdict).toBe('fail');
    const sarif = JSON.parse(readFileSync(join(out, 'review.sarif'), 'utf8')) as {
      runs: { results: unknown[] }[];
    };
    const findings = json.stacks.reduce((count, stack) => count + stack.findings.length, 0);
    expect(sarif.runs[0]?.results).toHaveLength(findings);
  });

  it('says which report it could not write, and exits 2', async () => {
    const result = await review(['--sarif-output', join(work, 'no-such-folder', 'review.sarif')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cannot write the sarif report to ');
    expect(result.stderr).toContain('ENOENT');
  });
});
