import { Command, CommanderError, Option } from 'commander';
import { packageVersion } from '../version.js';
import { REPORT_FORMATS, type ReportFormat, runCheck } from './check-command.js';
import { DIFF_FORMATS, type DiffFormat, runDiff } from './diff-command.js';
import { registerReview } from './review-command.js';
import { registerSimulate } from './simulate-command.js';
import { type CliIo, EXIT_OK, EXIT_USAGE, type ExpandedIo, terminalColor } from './io.js';

export type { CliIo } from './io.js';
export { EXIT_OK, EXIT_USAGE } from './io.js';

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: terminalColor(process.env, process.stdout.isTTY),
};

export interface CliContext {
  cwd: string;
  today?: Date;
}

/** Builds the command tree; each action stores its exit code in `result` rather than exiting. */
export function buildProgram(io: ExpandedIo, context: CliContext, result: { code: number }): Command {
  const program = new Command()
    .name('iam-gate')
    .description('AWS IAM least privilege for Infrastructure-as-Code pull requests')
    .version(packageVersion, '-v, --version', 'print the iam-gate version')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  program
    .command('check')
    .description(
      'lint IAM policies in policy documents, CloudFormation templates (JSON/YAML), Terraform JSON (cdk.tf.json) and `pulumi preview --json` output',
    )
    .argument('[files...]', "files or directories to check (default: the config's policies: list)")
    .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('text'))
    .option('-c, --config <file>', 'configuration file (default: .github/iam-gate.yml if present)')
    .addHelpText('after', '\nExit codes: 0 no blocking finding, 1 blocking findings, 2 usage or input error.')
    .action(async (files: string[], options: { format: ReportFormat; config?: string }) => {
      result.code = await runCheck(files, { ...options, cwd: context.cwd, today: context.today }, io);
    });

  program
    .command('diff')
    .description(
      'the permissions <head> adds over <base>: wildcards expanded, resources by containment, conditions compared',
    )
    .argument('<base>', 'the policies before the change: a file or directory `check` accepts')
    .argument('<head>', 'the policies after the change')
    .addOption(new Option('-f, --format <format>', 'output format').choices(DIFF_FORMATS).default('text'))
    .option('--fail-on-new-access', 'exit 1 when the head grants anything the base did not')
    .addHelpText(
      'after',
      '\nExit codes: 0 done (or no new access with --fail-on-new-access), 1 new access with --fail-on-new-access, 2 usage or input error.',
    )
    .action(
      async (base: string, head: string, options: { format: DiffFormat; failOnNewAccess?: boolean }) => {
        result.code = await runDiff(base, head, options, io);
      },
    );

  registerSimulate(program, io, context, result);
  registerReview(program, io, context, result);

  program
    .command('rules')
    .description('list every rule with its default severity')
    .action(async () => {
      const { rules } = await import('../rules/index.js');
      for (const rule of rules)
        io.stdout(`${rule.id.padEnd(28)} ${rule.defaultSeverity.padEnd(8)} ${rule.description}\n`);
    });
  return program;
}

export async function runCli(
  argv: string[],
  io: CliIo = defaultIo,
  context: CliContext = { cwd: process.cwd() },
): Promise<number> {
  const expanded: ExpandedIo = { ...io, color: io.color ?? false };
  const result = { code: EXIT_OK };
  const program = buildProgram(expanded, context, result);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_OK;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander reports --help and --version as "errors" with exit code 0.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    // A bug, not a verdict: exit 1 would read as "blocking findings", so say what broke and exit 2.
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    expanded.stderr(`iam-gate: internal error, please report it: ${detail}\n`);
    return EXIT_USAGE;
  }
}
