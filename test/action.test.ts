/**
 * action.yml, the GitHub Action: its review step's script run as the Actions runner would run it
 * (inputs as environment variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP), with `npx`
 * standing in for the published package by the built binary, on a real git repository.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BINARY, REPO_ROOT } from './cli/run-binary.js';
import { git, json, writeFiles } from './stacks/temp-repo.js';

interface Action {
  inputs: Record<string, { default?: string }>;
  runs: {
    using: string;
    steps: { id?: string; run?: string; uses?: string; env?: Record<string, string> }[];
  };
}

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as Action;
const work = mkdtempSync(join(tmpdir(), 'iam-gate-action-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the review step's script with the inputs given, as the runner would. */
function runStep(repo: string, inputs: Record<string, string>) {
  const step = action.runs.steps.find((s) => s.id === 'review');
  if (step?.run === undefined) throw new Error('no review step');
  const shim = join(work, 'npx');
  const calls = join(work, `calls-${Math.random()}`);
  // npx --yes --package iam-gate@<version> iam-gate <args>: run the built binary with <args>.
  writeFileSync(
    shim,
    `#!/bin/bash\nshift 4\necho "$*" >> "${calls}"\nexec "${process.execPath}" "${BINARY}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  const env: Record<string, string> = {
    PATH: `${work}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? work,
    XDG_CACHE_HOME: join(work, 'cache'),
    RUNNER_TEMP: mkdtempSync(join(work, 'runner-')),
    GITHUB_OUTPUT: join(work, `output-${Math.random()}`),
    GITHUB_STEP_SUMMARY: join(work, `summary-${Math.random()}`),
  };
  // The step's env maps inputs to variables through `${{ inputs.x }}`: resolve those here.
  for (const [name, value] of Object.entries(step.env ?? {})) {
    const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(value)?.[1];
    if (input === undefined) throw new Error(`unexpected env value ${value}`);
    env[name] = inputs[input] ?? action.inputs[input]?.default ?? '';
  }
  writeFileSync(env.GITHUB_OUTPUT as string, '');
  const result = spawnSync('bash', ['-c', step.run], { cwd: repo, env, encoding: 'utf8' });
  const outputs = Object.fromEntries(
    readFileSync(env.GITHUB_OUTPUT as string, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const summary = spawnSync('cat', [env.GITHUB_STEP_SUMMARY as string], { encoding: 'utf8' }).stdout;
  const invocations = spawnSync('cat', [calls], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return { ...result, outputs, summary, invocations };
}

describe('action.yml', () => {
  it('is a composite action whose expressions name only declared inputs', () => {
    expect(action.runs.using).toBe('composite');
    const text = readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8');
    const used = [...text.matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1]);
    for (const name of used) expect(Object.keys(action.inputs)).toContain(name);
    expect(action.runs.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))).toBe(
      true,
    );
  });

  it('reviews a pull request: fails on a widened policy, writes the summary and the SARIF file', async () => {
    const repo = join(work, 'repo');
    git(work, 'init', '--quiet', '--initial-branch=main', repo);
    const policy = (action: string) =>
      json({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: action, Resource: 'arn:aws:s3:::data/*' }],
      });
    await writeFiles(repo, {
      '.github/iam-gate.yml': 'policies:\n  - path: policies/*.json\n',
      'policies/app.json': policy('s3:GetObject'),
    });
    git(repo, 'add', '--all');
    git(repo, 'commit', '--quiet', '-m', 'base');
    const base = git(repo, 'rev-parse', 'HEAD');
    await writeFiles(repo, { 'policies/app.json': policy('s3:*') });
    git(repo, 'commit', '--quiet', '-am', 'head');
    const head = git(repo, 'rev-parse', 'HEAD');

    const failing = runStep(repo, { base, head });
    expect(failing.status).toBe(0);
    // One review writes the log, the summary and the SARIF file: nothing is synthesized twice.
    expect(failing.invocations).toHaveLength(1);
    expect(failing.stdout).toContain('FAIL: ');
    expect(failing.outputs.verdict).toBe('fail');
    expect(failing.summary.startsWith('## ❌ iam-gate: ')).toBe(true);
    const sarif = JSON.parse(readFileSync(failing.outputs['sarif-file'] as string, 'utf8')) as {
      runs: { results: { ruleId: string; baselineState: string }[] }[];
    };
    expect(sarif.runs[0]?.results).toContainEqual(
      expect.objectContaining({ ruleId: 'wildcard-action', baselineState: 'new' }),
    );

    // The same commit against itself: nothing touched, a pass.
    const passing = runStep(repo, { base: head, head });
    expect(passing.outputs.verdict).toBe('pass');

    // A bad ref is an error of the step itself, not a verdict.
    const broken = runStep(repo, { base: 'no-such-ref', head });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('no-such-ref');
    expect(broken.outputs.verdict).toBeUndefined();
  });
});
