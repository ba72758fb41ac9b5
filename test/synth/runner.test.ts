/**
 * The local runner: the door through which synthesizers run repository code. What matters to a
 * user: the child sees only the environment it is given, a hung program is killed with its
 * children at the limit, and a chatty one cannot exhaust memory.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, localRunner, type RunRequest } from '../../src/synth/runner.js';

function node(
  script: string,
  over: Partial<RunRequest> = {},
): Promise<Awaited<ReturnType<typeof localRunner.run>>> {
  return localRunner.run({
    command: process.execPath,
    args: ['-e', script],
    cwd: process.cwd(),
    env: {},
    limits: DEFAULT_LIMITS,
    ...over,
  });
}

/** Gone, or a zombie waiting to be reaped (a container's PID 1 may never reap it): not running. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('localRunner', () => {
  it('returns exit code and both streams', async () => {
    const result = await node('console.log("out"); console.error("err"); process.exit(3)');
    expect(result).toMatchObject({
      exitCode: 3,
      signal: null,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
    });
  });

  it('passes only the environment it is given: no inherited secrets', async () => {
    process.env.IAM_GATE_TEST_SECRET = 'do-not-leak';
    try {
      const result = await node('console.log(JSON.stringify(process.env))', { env: { ONLY: 'this' } });
      const seen = JSON.parse(result.stdout) as Record<string, string>;
      expect(seen.ONLY).toBe('this');
      expect(seen.IAM_GATE_TEST_SECRET).toBeUndefined();
      expect(seen.HOME).toBeUndefined();
    } finally {
      delete process.env.IAM_GATE_TEST_SECRET;
    }
  });

  it('kills a program that runs past the limit, and the children it started', async () => {
    // The child starts a grandchild that would outlive it, prints its pid, then hangs.
    const script = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log(grandchild.pid);
      setInterval(() => {}, 1000);`;
    const result = await node(script, { limits: { ...DEFAULT_LIMITS, timeoutMs: 1500 } });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isRunning(grandchild)).toBe(false);
  });

  it('keeps output up to the limit and says how much it dropped', async () => {
    const result = await node('process.stdout.write("x".repeat(10000))', {
      limits: { ...DEFAULT_LIMITS, maxOutputBytes: 1000 },
    });
    expect(result.stdout).toBe(`${'x'.repeat(1000)}\n[9000 more bytes of output dropped]`);
  });

  it('rejects when the command cannot be started', async () => {
    await expect(
      localRunner.run({
        command: '/nonexistent/synth',
        args: [],
        cwd: process.cwd(),
        env: {},
        limits: DEFAULT_LIMITS,
      }),
    ).rejects.toThrow(/ENOENT/);
  });
});
