import { Command, CommanderError } from 'commander';
import { packageVersion } from '../version.js';

/** Writers are injectable so tests can capture output without spawning a process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes shared by every subcommand: 0 ok, 1 blocking findings, 2 usage or input error. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 2;

export function buildProgram(io: CliIo = defaultIo): Command {
  const program = new Command()
    .name('iam-gate')
    .description('AWS IAM least privilege for Infrastructure-as-Code pull requests')
    .version(packageVersion, '-v, --version', 'print the iam-gate version')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  return program;
}

export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_OK;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander reports --help and --version as "errors" with exit code 0.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    throw error;
  }
}
