/**
 * The one narrow door through which iam-gate runs code from a repository (a Pulumi program, a CDKTF
 * or CDK app): a command, a working directory, an environment and limits in; exit status and
 * output out. The review pipeline only ever talks to a `Runner`, so the sandbox for untrusted
 * pull-request code (bubblewrap, Docker) plugs in here without touching the pipeline.
 */
import { spawn } from 'node:child_process';

export interface RunLimits {
  /** Wall-clock limit; the process group is killed when it is reached. */
  timeoutMs: number;
  /** Output kept per stream; the rest is dropped (and said so), never buffered without bound. */
  maxOutputBytes: number;
  /** Address-space cap for sandboxes that can enforce one; the local runner cannot and ignores it. */
  memoryMiB?: number;
}

export interface RunRequest {
  command: string;
  args: readonly string[];
  cwd: string;
  /**
   * The complete environment of the child. Nothing is inherited: a synthesizer must not see the
   * reviewer's credentials or tokens, so callers list every variable the command needs.
   */
  env: Readonly<Record<string, string>>;
  limits: RunLimits;
}

export interface RunResult {
  /** Exit code, or null when a signal ended the process. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface Runner {
  /** A short name for reports: `local`, `bubblewrap`, `docker`. */
  readonly name: string;
  run(request: RunRequest): Promise<RunResult>;
}

export const DEFAULT_LIMITS: RunLimits = { timeoutMs: 5 * 60_000, maxOutputBytes: 4 * 2 ** 20 };

/** How a run that did not exit 0 ended, for messages: `exited with code 1`, `was killed by SIGKILL`. */
export function howItExited(run: Pick<RunResult, 'exitCode' | 'signal'>): string {
  return run.exitCode === null
    ? `was killed by ${run.signal ?? 'a signal'}`
    : `exited with code ${run.exitCode}`;
}

/**
 * Runs the command directly on this machine, with only the given environment. For trusted code
 * (a developer's own checkout, CI on the default branch); untrusted code goes through a sandbox runner.
 */
export const localRunner: Runner = {
  name: 'local',
  run(request) {
    return new Promise((resolvePromise, reject) => {
      const started = performance.now();
      const child = spawn(request.command, [...request.args], {
        cwd: request.cwd,
        env: { ...request.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so a timeout kills the synthesizer's children too.
        detached: true,
      });
      const stdout = new BoundedText(request.limits.maxOutputBytes);
      const stderr = new BoundedText(request.limits.maxOutputBytes);
      child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, request.limits.timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        resolvePromise({
          exitCode,
          signal,
          stdout: stdout.text(),
          stderr: stderr.text(),
          timedOut,
          durationMs: performance.now() - started,
        });
      });
    });
  },
};

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Collects a stream's output up to a byte limit and notes how much was dropped. */
class BoundedText {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
    this.dropped += chunk.length - part.length;
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `${text}\n[${this.dropped} more bytes of output dropped]` : text;
  }
}
