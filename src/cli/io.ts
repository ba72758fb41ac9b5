/** Output channels and exit codes shared by every subcommand; injectable so tests capture output. */

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal that shows colour (TTY and no NO_COLOR, or FORCE_COLOR). */
  color?: boolean;
}

export interface ExpandedIo extends CliIo {
  color: boolean;
}

export const EXIT_OK = 0;
/** Blocking findings, a failed expectation, new access with --fail-on-new-access. */
export const EXIT_BLOCKING = 1;
/** A usage error, an input that cannot be read, or a crash (never reported as 1, "blocking findings"). */
export const EXIT_USAGE = 2;

export function terminalColor(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY === true;
}
