/**
 * `iam-gate review`: base against head on a local git repository, end to end. Loads the pipeline
 * (synthesizers, diff, simulator) only when the command runs, so `check` stays fast to start.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { MAX_DEFAULT_CONCURRENCY } from '../review/concurrency.js';
import type { ReviewProgress } from '../review/types.js';
import { type CliIo, EXIT_BLOCKING, EXIT_OK, EXIT_USAGE } from './io.js';
import type { CliContext } from './run-cli.js';

export const REVIEW_FORMATS = ['text', 'markdown', 'json', 'sarif'] as const;
type ReviewFormat = (typeof REVIEW_FORMATS)[number];

export interface ReviewCommandOptions {
  repo?: string;
  base?: string;
  head?: string;
  format: ReviewFormat;
  config?: string;
  cache: boolean;
  failOnExisting?: boolean;
  concurrency?: number;
  /** Reports also written to files, from the same review: `--markdown-output` and its siblings. */
  markdownOutput?: string;
  sarifOutput?: string;
  jsonOutput?: string;
  /** Where progress goes; set on a terminal only. */
  progress?: (text: string) => void;
}

export async function runReviewCommand(
  options: ReviewCommandOptions,
  io: CliIo,
  context: CliContext,
): Promise<number> {
  const { runReview, ReviewError } = await import('../review/review.js');
  const { renderReview } = await import('../report/render-review.js');
  const { GitError } = await import('../review/git.js');
  const progress = options.progress === undefined ? undefined : progressDisplay(options.progress);
  try {
    const review = await runReview({
      repo: resolve(context.cwd, options.repo ?? '.'),
      ...(options.base === undefined ? {} : { base: options.base }),
      ...(options.head === undefined ? {} : { head: options.head }),
      ...(options.config === undefined ? {} : { configPath: options.config }),
      ...(options.cache ? {} : { cacheDir: false as const }),
      ...(options.failOnExisting === true ? { failOnExisting: true } : {}),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(context.today === undefined ? {} : { today: context.today }),
      ...(progress === undefined ? {} : { onProgress: progress.update }),
    });
    progress?.clear();
    const output = renderReview(review, options.format, { color: io.color ?? false });
    // The files first: a CI step that reads them after a failing verdict must find them all.
    const files: [string | undefined, ReviewFormat][] = [
      [options.markdownOutput, 'markdown'],
      [options.sarifOutput, 'sarif'],
      [options.jsonOutput, 'json'],
    ];
    for (const [file, format] of files) {
      if (file === undefined) continue;
      try {
        await writeFile(resolve(context.cwd, file), renderReview(review, format, { color: false }));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        io.stderr(`iam-gate: cannot write the ${format} report to ${file}: ${code}\n`);
        return EXIT_USAGE;
      }
    }
    io.stdout(output);
    return review.verdict === 'fail' ? EXIT_BLOCKING : EXIT_OK;
  } catch (error) {
    progress?.clear();
    if (error instanceof ReviewError || error instanceof GitError) {
      io.stderr(`iam-gate: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/**
 * One status line on the terminal naming what is synthesizing, rewritten in place; finished
 * syntheses are printed above it, so the scrollback keeps the timings.
 */
function progressDisplay(write: (text: string) => void): {
  update: (event: ReviewProgress) => void;
  clear: () => void;
} {
  const running = new Set<string>();
  const status = () => (running.size === 0 ? '' : `synthesizing ${[...running].join(', ')}...`);
  let shown = '';
  const redraw = (above?: string) => {
    const next = status();
    write(`\r\u001b[2K${above === undefined ? '' : `${above}\n`}${next}`);
    shown = next;
  };
  return {
    update(event) {
      const label = `${event.stack} (${event.revision})`;
      if (event.type === 'synth-start') {
        running.add(label);
        redraw();
      } else {
        running.delete(label);
        const how = !event.ok
          ? 'failed'
          : event.cached
            ? 'cached'
            : `${(event.durationMs / 1000).toFixed(1)} s`;
        redraw(`  ${event.ok ? 'synthesized' : 'FAILED'} ${label}: ${how}`);
      }
    },
    clear() {
      if (shown !== '' || running.size > 0) write('\r\u001b[2K');
    },
  };
}

/** `--concurrency 0`, `abc` or `1.5` is a usage error, not a review that waits forever. */
function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError(`expected a whole number of at least 1, got ${JSON.stringify(value)}`);
  return number;
}

export function registerReview(
  program: Command,
  io: CliIo,
  context: CliContext,
  result: { code: number },
): Command {
  return program
    .command('review')
    .description(
      'review a change on a local git repository: base vs head, every touched stack synthesized and compared',
    )
    .option('--repo <dir>', 'the repository (default: the current directory)')
    .option('--base <ref>', 'the base revision (default: where head forked from main/master)')
    .option('--head <ref>', 'the head revision (default: HEAD)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(REVIEW_FORMATS).default('text'))
    .option('-c, --config <file>', "configuration file (default: the base revision's .github/iam-gate.yml)")
    .option('--no-cache', 'synthesize every stack, even a revision synthesized before')
    .option('--fail-on-existing', 'also fail on blocking findings that the base revision already had')
    .option('--markdown-output <file>', 'also write the markdown report (a pull-request comment) to a file')
    .option('--sarif-output <file>', 'also write the SARIF report (for code scanning) to a file')
    .option('--json-output <file>', 'also write the JSON report to a file')
    .option(
      '--concurrency <n>',
      `stack syntheses at once (default: the machine's cores, at most ${MAX_DEFAULT_CONCURRENCY})`,
      positiveInteger,
    )
    .action(async (options: Omit<ReviewCommandOptions, 'progress'>) => {
      // Progress only on a terminal: in CI logs a rewritten line is noise.
      const progress = process.stderr.isTTY ? io.stderr : undefined;
      result.code = await runReviewCommand({ ...options, ...(progress ? { progress } : {}) }, io, context);
    });
}
