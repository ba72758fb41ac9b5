/**
 * `runReview` on real temporary git repositories, base commit against head commit. Most stacks here
 * are config-listed policy files (nothing to run) or a tiny CDKTF-style app in plain JavaScript that
 * writes its own cdk.tf.json, so the real runner runs real processes in milliseconds; the bundled
 * Pulumi/CDKTF example runs once, end to end, in review-cli.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderReviewMarkdown, renderReviewText, reviewToSarif } from '../../src/report/render-review.js';
import { FINGERPRINT_KEY, fingerprint } from '../../src/report/render-sarif.js';
import type { Finding } from '../../src/rules/types.js';
import { runReview, type ReviewProgress } from '../../src/review/review.js';
import { localRunner, type Runner } from '../../src/synth/runner.js';
import { git, json, writeFiles } from '../stacks/temp-repo.js';

const CONFIG = 'policies:\n  - path: policies/*.json\n';

const policy = (action: string | string[], resource: string) =>
  json({
    Version: '2012-10-17',
    Statement: [{ Sid: 'App', Effect: 'Allow', Action: action, Resource: resource }],
  });

/** A plain-JavaScript CDKTF app: writes what `app.synth()` writes, a manifest and one stack's Terraform JSON. */
const cdktfApp = (actions: string[], opts: { crash?: boolean; actionsFrom?: string } = {}) => `
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
${opts.crash ? "throw new Error('cannot read stack settings: ENOENT settings.json');" : ''}
const out = join(process.env.CDKTF_OUTDIR, 'stacks', 'jobs');
mkdirSync(out, { recursive: true });
writeFileSync(join(process.env.CDKTF_OUTDIR, 'manifest.json'), JSON.stringify({
  version: '0.21.0',
  stacks: { jobs: { name: 'jobs', synthesizedStackPath: 'stacks/jobs/cdk.tf.json' } },
}));
writeFileSync(join(out, 'cdk.tf.json'), JSON.stringify({
  resource: {
    aws_iam_role: { worker: { name: 'worker', assume_role_policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) } },
    aws_iam_role_policy: { worker: { role: '\${aws_iam_role.worker.name}', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ${opts.actionsFrom ? `require(${JSON.stringify(opts.actionsFrom)})` : JSON.stringify(actions)}, Resource: 'arn:aws:sqs:eu-west-1:111122223333:jobs' }] }) } },
  },
}));
`;

const repos: string[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A repository with `base` committed on main and `head` laid over it on a branch. */
async function repoWith(
  base: Record<string, string | null>,
  head: Record<string, string | null>,
): Promise<{ dir: string; base: string; head: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'iam-gate-review-'));
  repos.push(dir);
  git(dir, 'init', '--quiet', '--initial-branch=main');
  await writeFiles(dir, base);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'base');
  const baseCommit = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '--quiet', '-b', 'change');
  await writeFiles(dir, head);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--allow-empty', '-m', 'head');
  return { dir, base: baseCommit, head: git(dir, 'rev-parse', 'HEAD') };
}

describe('runReview', () => {
  it('a widened policy: added grants, the introduced finding, a failing verdict', async () => {
    const repo = await repoWith(
      {
        '.github/iam-gate.yml': CONFIG,
        'policies/app.json': policy('s3:GetObject', 'arn:aws:s3:::app-data/uploads/*'),
      },
      { 'policies/app.json': policy('s3:*', 'arn:aws:s3:::app-data/*') },
    );
    const review = await runReview({ repo: repo.dir, cacheDir: false });
    expect(review.base).toEqual({ ref: 'merge-base with main', commit: repo.base });
    expect(review.head.commit).toBe(repo.head);
    expect(review.stacks.map((s) => [s.stack.name, s.change, s.reasons])).toEqual([
      ['policies/app.json', 'modified', ['changed: policies/app.json']],
    ]);
    const [stack] = review.stacks;
    const added = stack?.diff?.added ?? [];
    expect(added.map((g) => g.action)).toContain('s3:DeleteObject');
    expect(added.map((g) => g.action)).toContain('s3:*');
    expect(new Set(added.map((g) => g.resource))).toEqual(new Set(['arn:aws:s3:::app-data/*']));
    expect(stack?.diff?.verdict).toBe('new-access');
    const introduced = review.findings.filter((f) => f.introduced);
    expect(introduced.map((f) => f.ruleId)).toContain('wildcard-action');
    expect(introduced.map((f) => f.ruleId)).toContain('added-permissions');
    expect(review.verdict).toBe('fail');
    expect(review.reasons[0]).toMatch(/^\d+ blocking findings introduced$/);
    // Each added row carries a request the simulator allows at head and refused at base.
    expect(stack?.diff?.groups.map((group) => group.witness)).toEqual([
      {
        action: 's3:BypassGovernanceRetention',
        resource: 'arn:aws:s3:::app-data/example',
        context: {},
        base: 'implicitDeny',
      },
    ]);
    expect(renderReviewText(review, false)).toContain(
      'e.g. s3:BypassGovernanceRetention on arn:aws:s3:::app-data/example (base: implicitDeny)',
    );
    // Code scanning shows the example with the alert; the fingerprint leaves it out.
    const change = review.findings.find((f) => f.ruleId === 'added-permissions');
    expect(change?.detail).toBe(
      'e.g. s3:BypassGovernanceRetention on arn:aws:s3:::app-data/example (base: implicitDeny)',
    );
    const sarif = reviewToSarif(review) as {
      runs: { results: { ruleId: string; message: { text: string }; partialFingerprints: object }[] }[];
    };
    const result = sarif.runs[0]?.results.find((r) => r.ruleId === 'added-permissions');
    expect(result?.message.text).toBe(`${change?.message}; ${change?.detail}`);
    expect(result?.partialFingerprints).toEqual({
      [FINGERPRINT_KEY]: fingerprint({ ...(change as Finding), detail: undefined }),
    });
    const markdown = renderReviewMarkdown(review);
    expect(markdown).toContain('| Conditions | For example |');
    expect(markdown).toContain('| — | `s3:BypassGovernanceRetention` on `arn:aws:s3:::app-data/example` |');
  });

  it('a diff that runs out of its time budget lists what it skipped as possibly added, and says so', async () => {
    const repo = await repoWith(
      {
        '.github/iam-gate.yml': CONFIG,
        'policies/app.json': policy('s3:GetObject', 'arn:aws:s3:::app-data/uploads/*'),
      },
      { 'policies/app.json': policy('s3:*', 'arn:aws:s3:::app-data/*') },
    );
    const review = await runReview({ repo: repo.dir, cacheDir: false, diffTimeBudgetMs: 0 });
    const [stack] = review.stacks;
    expect(stack?.diff?.incomplete).toMatch(/time budget of 0 ms ran out/);
    expect(stack?.diff?.added).toEqual([]);
    expect(stack?.diff?.possiblyAdded.map((g) => g.action)).toContain('s3:DeleteObject');
    expect(review.verdict).toBe('fail');
    expect(renderReviewText(review, false)).toContain(
      "diff incomplete: the diff's time budget of 0 ms ran out",
    );
    expect(renderReviewMarkdown(review)).toContain('**Diff incomplete:**');
  });

  it("a template stack's findings point at the line of the element, in SARIF too", async () => {
    const repo = await repoWith(
      {
        '.github/iam-gate.yml': CONFIG,
        'policies/app.json': policy('s3:GetObject', 'arn:aws:s3:::app-data/uploads/*'),
      },
      { 'policies/app.json': policy('s3:*', 'arn:aws:s3:::app-data/*') },
    );
    const review = await runReview({ repo: repo.dir, cacheDir: false });
    const text = policy('s3:*', 'arn:aws:s3:::app-data/*');
    const actionLine = text.split('\n').findIndex((line) => line.includes('"Action"')) + 1;
    expect(actionLine).toBeGreaterThan(1);
    const wildcard = review.findings.find((f) => f.ruleId === 'wildcard-action');
    expect(wildcard).toMatchObject({ path: 'Statement[0].Action', line: actionLine, introduced: true });
    expect(wildcard?.source.location?.line).toBe(1);

    const sarif = reviewToSarif(review) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
      }[];
    };
    const result = sarif.runs[0]?.results.find((r) => r.ruleId === 'wildcard-action');
    expect(result?.locations[0]?.physicalLocation.region.startLine).toBe(actionLine);
  });

  it('a finding base already had is shown, marked pre-existing, and does not fail unless asked', async () => {
    const files = {
      '.github/iam-gate.yml': CONFIG,
      'policies/legacy.json': policy('sqs:*', 'arn:aws:sqs:*:*:*'),
    };
    const repo = await repoWith(files, {
      // An unrelated edit to the same policy: a statement inserted above the old one moves its path.
      'policies/legacy.json': json({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Logs',
            Effect: 'Allow',
            Action: 'logs:PutLogEvents',
            Resource: 'arn:aws:logs:eu-west-1:111122223333:log-group:app:*',
          },
          { Sid: 'App', Effect: 'Allow', Action: 'sqs:*', Resource: 'arn:aws:sqs:*:*:*' },
        ],
      }),
    });
    const review = await runReview({ repo: repo.dir, cacheDir: false });
    const wildcard = review.findings.filter((f) => f.ruleId === 'wildcard-action');
    expect(wildcard).toEqual([expect.objectContaining({ introduced: false, path: 'Statement[1].Action' })]);
    expect(review.verdict).toBe('pass');
    const strict = await runReview({ repo: repo.dir, cacheDir: false, failOnExisting: true });
    expect(strict.verdict).toBe('fail');
  });

  it('a change to documentation only reviews nothing and passes', async () => {
    const repo = await repoWith(
      { '.github/iam-gate.yml': CONFIG, 'policies/app.json': policy('sqs:*', '*'), 'README.md': '# app\n' },
      { 'README.md': '# app\n\nNow with docs.\n' },
    );
    const review = await runReview({ repo: repo.dir, cacheDir: false });
    expect(review.stacks).toEqual([]);
    expect(review.untouched.map((s) => s.name)).toEqual(['policies/app.json']);
    expect(review.verdict).toBe('pass');
  });

  it("uses the base revision's config: a pull request cannot switch its own gate off", async () => {
    const repo = await repoWith(
      {
        '.github/iam-gate.yml': CONFIG,
        'policies/app.json': policy('s3:GetObject', 'arn:aws:s3:::app-data/*'),
      },
      {
        '.github/iam-gate.yml': `${CONFIG}rules:\n  wildcard-action: off\n`,
        'policies/app.json': policy('s3:*', 'arn:aws:s3:::app-data/*'),
      },
    );
    const review = await runReview({ repo: repo.dir, cacheDir: false });
    expect(review.findings.map((f) => f.ruleId)).toContain('wildcard-action');
    expect(review.verdict).toBe('fail');
  });

  it('a stack that fails to synthesize at head is reported with its output; the others are still reviewed', async () => {
    const repo = await repoWith(
      {
        '.github/iam-gate.yml': CONFIG,
        'policies/app.json': policy('s3:GetObject', 'arn:aws:s3:::app-data/*'),
        'jobs/cdktf.json': json({ language: 'typescript', app: 'node main.js' }),
        'jobs/main.js': cdktfApp(['sqs:SendMessage']),
      },
      {
        'policies/app.json': policy(['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::app-data/*'),
        'jobs/main.js': cdktfApp(['sqs:SendMessage'], { crash: true }),
      },
    );
    const review = await runReview({ repo: repo.dir, cacheDir: false });
    const jobs = review.stacks.find((s) => s.stack.name === 'jobs');
    expect(jobs?.base?.ok).toBe(true);
    expect(jobs?.head?.ok).toBe(false);
    if (jobs?.head?.ok === false)
      expect(jobs.head.output).toContain('cannot read stack settings: ENOENT settings.json');
    const app = review.stacks.find((s) => s.stack.name === 'policies/app.json');
    expect(app?.diff?.added.map((g) => g.action)).toEqual(['s3:PutObject']);
    expect(review.verdict).toBe('fail');
    expect(review.reasons).toContain('jobs failed to synthesize at head');
  });

  it('synthesizes base and head of a program stack, and caches by tree: the second review reuses both', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'iam-gate-cache-'));
    repos.push(cacheDir);
    const repo = await repoWith(
      {
        'jobs/cdktf.json': json({ language: 'typescript', app: 'node main.js' }),
        'jobs/main.js': cdktfApp(['sqs:SendMessage']),
      },
      { 'jobs/main.js': cdktfApp(['sqs:SendMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue']) },
    );
    const events: ReviewProgress[] = [];
    const first = await runReview({ repo: repo.dir, cacheDir, onProgress: (e) => events.push(e) });
    expect(first.stacks[0]?.diff?.added.map((g) => [g.attachedTo, g.action])).toEqual([
      ['aws_iam_role.worker', 'sqs:DeleteMessage'],
      ['aws_iam_role.worker', 'sqs:PurgeQueue'],
    ]);
    expect(
      events.filter((e) => e.type === 'synth-end').map((e) => (e.type === 'synth-end' ? e.cached : null)),
    ).toEqual([false, false]);
    events.length = 0;
    const second = await runReview({ repo: repo.dir, cacheDir, onProgress: (e) => events.push(e) });
    expect(
      events.filter((e) => e.type === 'synth-end').every((e) => e.type === 'synth-end' && e.cached),
    ).toBe(true);
    expect(second.stacks[0]?.diff?.added).toEqual(first.stacks[0]?.diff?.added);
  });

  it('reviews a stack changed through the code it imports and one changed directly, and runs no other', async () => {
    const app = json({ language: 'typescript', app: 'node main.js' });
    const repo = await repoWith(
      {
        'jobs/cdktf.json': app,
        'jobs/main.js': cdktfApp([], { actionsFrom: '../lib/actions.js' }),
        'lib/actions.js': "module.exports = ['sqs:SendMessage'];\n",
        'reports/cdktf.json': app,
        'reports/main.js': cdktfApp(['sqs:SendMessage']),
        'idle/cdktf.json': app,
        'idle/main.js': cdktfApp(['sqs:SendMessage']),
      },
      {
        'lib/actions.js': "module.exports = ['sqs:SendMessage', 'sqs:PurgeQueue'];\n",
        'reports/main.js': cdktfApp(['sqs:SendMessage', 'sqs:DeleteMessage']),
      },
    );
    const events: ReviewProgress[] = [];
    const review = await runReview({ repo: repo.dir, cacheDir: false, onProgress: (e) => events.push(e) });
    expect(review.stacks.map((s) => [s.stack.name, s.reasons, s.diff?.added.map((g) => g.action)])).toEqual([
      ['jobs', ['imports lib/actions.js (changed)'], ['sqs:PurgeQueue']],
      ['reports', ['changed: reports/main.js'], ['sqs:DeleteMessage']],
    ]);
    expect(review.untouched.map((s) => s.name)).toEqual(['idle']);
    const started = events.flatMap((e) => (e.type === 'synth-start' ? [`${e.stack} ${e.revision}`] : []));
    expect(started.sort()).toEqual(['jobs base', 'jobs head', 'reports base', 'reports head']);
  });

  it('evaluates expectations on head; one about a stack the change does not touch is not evaluated', async () => {
    const config = [
      CONFIG,
      'expect:',
      '  - principal: policies/app.json',
      '    action: s3:DeleteObject',
      '    resource: arn:aws:s3:::app-data/reports/q1.csv',
      '    decision: deny',
      '  - principal: policies/other.json',
      '    action: s3:GetObject',
      '    resource: arn:aws:s3:::x/y',
      '    decision: allow',
      '',
    ].join('\n');
    const repo = await repoWith(
      {
        '.github/iam-gate.yml': config,
        'policies/app.json': policy('s3:GetObject', 'arn:aws:s3:::app-data/*'),
        'policies/other.json': policy('s3:GetObject', 'arn:aws:s3:::x/*'),
      },
      { 'policies/app.json': policy(['s3:GetObject', 's3:DeleteObject'], 'arn:aws:s3:::app-data/*') },
    );
    const review = await runReview({ repo: repo.dir, cacheDir: false });
    expect(review.expectations.map((e) => [e.index, e.passed, e.skipped === true])).toEqual([
      [0, false, false],
      [1, true, true],
    ]);
    const failed = review.findings.find((f) => f.ruleId === 'expectation-failed');
    expect(failed).toMatchObject({
      introduced: true,
      path: 'Statement[0]',
      source: { address: 'policies/app.json' },
    });
    expect(review.verdict).toBe('fail');
    expect(review.reasons).toContain('1 expectations failed');
  });

  describe('where head is synthesized', () => {
    const jobsRepo = () =>
      repoWith(
        {
          'jobs/cdktf.json': json({ language: 'typescript', app: 'node main.js' }),
          'jobs/main.js': cdktfApp(['sqs:SendMessage']),
        },
        { 'jobs/main.js': cdktfApp(['sqs:SendMessage', 'sqs:DeleteMessage']) },
      );
    /** The real runner, noting the folder each program ran in. */
    const recordingRunner = (folders: string[]): Runner => ({
      name: 'recording',
      run(request) {
        folders.push(request.cwd);
        return localRunner.run(request);
      },
    });

    it('in the working copy when it holds exactly head (a CI checkout), base in a scratch export', async () => {
      const repo = await jobsRepo();
      const folders: string[] = [];
      const review = await runReview({ repo: repo.dir, cacheDir: false, runner: recordingRunner(folders) });
      const root = git(repo.dir, 'rev-parse', '--show-toplevel');
      expect(folders.filter((folder) => folder === join(root, 'jobs'))).toHaveLength(1);
      expect(folders.filter((folder) => !folder.startsWith(root))).toHaveLength(1);
      expect(review.stacks[0]?.diff?.added.map((g) => g.action)).toEqual(['sqs:DeleteMessage']);
    });

    it.each([
      ['an uncommitted edit', 'jobs/main.js'],
      ['an untracked file', 'jobs/notes.js'],
    ])('from the commit, not the working copy, when the working copy has %s', async (_, file) => {
      const repo = await jobsRepo();
      await writeFiles(repo.dir, { [file]: cdktfApp(['sqs:*']) });
      const folders: string[] = [];
      const review = await runReview({ repo: repo.dir, cacheDir: false, runner: recordingRunner(folders) });
      const root = git(repo.dir, 'rev-parse', '--show-toplevel');
      expect(folders.some((folder) => folder.startsWith(root))).toBe(false);
      expect(review.stacks[0]?.diff?.added.map((g) => g.action)).toEqual(['sqs:DeleteMessage']);
    });

    it('from the commit when another commit is checked out', async () => {
      const repo = await jobsRepo();
      git(repo.dir, 'checkout', '--quiet', 'main');
      const folders: string[] = [];
      const review = await runReview({
        repo: repo.dir,
        base: repo.base,
        head: repo.head,
        cacheDir: false,
        runner: recordingRunner(folders),
      });
      expect(folders).toHaveLength(2);
      const root = git(repo.dir, 'rev-parse', '--show-toplevel');
      expect(folders.some((folder) => folder.startsWith(root))).toBe(false);
      expect(review.stacks[0]?.diff?.added.map((g) => g.action)).toEqual(['sqs:DeleteMessage']);
    });
  });

  it('refuses a concurrency that is not a whole number of at least 1 (it would wait forever)', async () => {
    const repo = await repoWith({ 'README.md': 'x\n' }, {});
    for (const concurrency of [0, 1.5, Number.NaN])
      await expect(runReview({ repo: repo.dir, cacheDir: false, concurrency })).rejects.toThrow(
        /^concurrency must be a whole number of at least 1/,
      );
  });

  it('says plainly that a folder is not in a git repository, or that a head is no commit', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'iam-gate-not-git-'));
    repos.push(folder);
    await expect(runReview({ repo: folder, cacheDir: false })).rejects.toThrow(
      new RegExp(`^${folder} is not inside a git repository$`),
    );
    const repo = await repoWith({ 'README.md': 'x\n' }, {});
    await expect(runReview({ repo: repo.dir, head: 'no-such-branch', cacheDir: false })).rejects.toThrow(
      /^no-such-branch is not a commit in the repository at /,
    );
  });

  it('names an unknown base plainly', async () => {
    const repo = await repoWith({ 'README.md': 'x\n' }, {});
    await expect(runReview({ repo: repo.dir, base: 'no-such-branch', cacheDir: false })).rejects.toThrow(
      /no-such-branch/,
    );
  });
});
