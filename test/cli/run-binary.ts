/**
 * Runs the built `iam-gate` binary as a user would: a child process, its exit code and its two
 * output streams. The binary is `dist/`, which `npm test` builds first (`pretest`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BINARY = join(REPO_ROOT, 'dist/cli/main.js');

export interface BinaryResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Working directory; default the repository root. */
  cwd?: string;
  /** Added to the environment after FORCE_COLOR and NO_COLOR are removed from it. */
  env?: Record<string, string>;
  /** Kill the run after this long; default 30 s (a review synthesizes real stacks: give it more). */
  timeoutMs?: number;
}

/** The parent's environment, minus what would change the output (the test runner may force colour). */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

function assertBuilt(): void {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} does not exist: run \`npm run build\` first (npm test does it in pretest)`);
  }
}

function run(file: string, args: readonly string[], options: RunOptions): Promise<BinaryResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd ?? REPO_ROOT,
        env: childEnv(options.env),
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 30_000,
      },
      (error, stdout, stderr) => {
        // A non-zero exit is an outcome under test; only a failure to run at all is an error here.
        if (error !== null && typeof error.code !== 'number') reject(error);
        else resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

/** Asynchronous, so that independent runs overlap under `it.concurrent`. */
export function runIamGate(args: readonly string[], options: RunOptions = {}): Promise<BinaryResult> {
  assertBuilt();
  return run(process.execPath, [BINARY, ...args], options);
}

/** util-linux `script` runs a command on a pseudo-terminal: the one cheap way to give the binary a TTY. */
export const CAN_FAKE_TERMINAL = process.platform === 'linux' && existsSync('/usr/bin/script');

/** Runs the binary with stdout on a terminal; stdout and stderr arrive merged, with CRLF line ends. */
export function runIamGateOnTerminal(
  args: readonly string[],
  options: RunOptions = {},
): Promise<BinaryResult> {
  assertBuilt();
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BINARY, ...args].map(quote).join(' ');
  return run('/usr/bin/script', ['--quiet', '--return', '--command', command, '/dev/null'], options);
}

/**
 * A throwaway working directory holding `files` (relative path -> content; objects are written as
 * JSON). Remove it with `cleanup()`.
 */
export function tempProject(files: Record<string, string | object>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'iam-gate-cli-'));
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
