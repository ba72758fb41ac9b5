import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { packageVersion } from '../src/version.js';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t) },
    out: () => out,
    err: () => err,
  };
}

describe('iam-gate CLI', () => {
  it('prints its version', async () => {
    const c = capture();
    expect(await runCli(['--version'], c.io)).toBe(0);
    expect(c.out().trim()).toBe(packageVersion);
  });

  it('prints help with no arguments', async () => {
    const c = capture();
    expect(await runCli([], c.io)).toBe(0);
    expect(c.out()).toContain('Usage: iam-gate');
  });

  it('exits 2 on a crash, never 1 (which would read as blocking findings), and says what broke', async () => {
    let err = '';
    const io = {
      stdout: () => {
        throw new Error('stdout is gone');
      },
      stderr: (t: string) => void (err += t),
    };
    expect(await runCli(['check', 'test/fixtures/cli/clean-policy.json'], io)).toBe(2);
    expect(err).toMatch(/^iam-gate: internal error, please report it: Error: stdout is gone/);
  });

  it('exits 2 on an unknown option', async () => {
    const c = capture();
    expect(await runCli(['--bogus'], c.io)).toBe(2);
    expect(c.err()).toContain("unknown option '--bogus'");
  });
});
