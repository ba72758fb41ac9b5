#!/usr/bin/env node
import { runCli } from './run-cli.js';

// An error outside the command's own flow (a stream's error event, a stray rejection) must not end
// the process with Node's exit code 1, which reads as "blocking findings".
const crash = (error: unknown): void => {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`iam-gate: internal error, please report it: ${detail}\n`);
  process.exit(2);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

process.exitCode = await runCli(process.argv.slice(2));
