/**
 * `iam-gate simulate`: evaluate one request (action, resource, caller, context) against policy
 * files with the local simulator and print the decision with the statements behind it. The
 * decision is data: a simulation that ran exits 0 whether it allowed or denied.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { styleText } from 'node:util';
import { type Command, Option } from 'commander';
import { loadCatalog } from '../catalog/index.js';
import { ACCOUNT_ID, parseArn } from '../policy/arn.js';
import { formatProblem } from '../policy/json-path.js';
import { parsePolicy } from '../policy/parse-policy.js';
import type { PolicyDocument, PolicyKind } from '../policy/types.js';
import { printable } from '../report/render-text.js';
import { describeStatement } from '../simulate/explain.js';
import { simulate } from '../simulate/simulate.js';
import type {
  Decision,
  MatchedStatement,
  SimulationPolicyKind,
  SimulationResult,
} from '../simulate/types.js';
import { type CliIo, EXIT_OK, EXIT_USAGE } from './io.js';
import type { CliContext } from './run-cli.js';

export const SIMULATE_FORMATS = ['text', 'json'] as const;
export type SimulateFormat = (typeof SIMULATE_FORMATS)[number];

export interface SimulateOptions {
  /** Identity policy files of the caller. */
  policy?: string[];
  resourcePolicy?: string;
  boundary?: string[];
  action: string;
  resource: string;
  principal?: string;
  /** `key=value` entries; a key given twice becomes a list. */
  context?: string[];
  format?: SimulateFormat;
  /** Relative file names resolve against it; default the process's working directory. */
  cwd?: string;
}

/** One concrete action: a request has no wildcards, those belong in policies. */
const REQUEST_ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9_-]+$/;

interface LoadedPolicy {
  file: string;
  policy: PolicyDocument;
}

type Loaded = Record<SimulationPolicyKind, LoadedPolicy[]>;

export async function runSimulate(options: SimulateOptions, io: CliIo): Promise<number> {
  const errors: string[] = [];
  const usage = (message: string) => errors.push(message);

  if (!REQUEST_ACTION.test(options.action))
    usage(`--action expects one action such as s3:GetObject, got ${JSON.stringify(options.action)}`);
  if (options.resource !== '*' && parseArn(options.resource) === undefined)
    usage(`--resource expects an ARN or "*", got ${JSON.stringify(options.resource)}`);
  if (options.principal !== undefined && !isPrincipal(options.principal))
    usage(
      `--principal expects an ARN, an account id or a service principal such as cloudtrail.amazonaws.com, got ${JSON.stringify(options.principal)}`,
    );
  const context = parseContext(options.context ?? [], usage);
  const identityFiles = options.policy ?? [];
  if (identityFiles.length === 0 && options.resourcePolicy === undefined)
    usage('give at least one --policy or a --resource-policy');

  const loaded: Loaded = { identity: [], resource: [], boundary: [] };
  const files: [SimulationPolicyKind, string][] = [
    ...identityFiles.map((file): [SimulationPolicyKind, string] => ['identity', file]),
    ...(options.resourcePolicy === undefined
      ? []
      : [['resource', options.resourcePolicy] as [SimulationPolicyKind, string]]),
    ...(options.boundary ?? []).map((file): [SimulationPolicyKind, string] => ['boundary', file]),
  ];
  // Read in parallel, report in command-line order: every bad input is listed, not just the first.
  const reads = await Promise.all(files.map(([kind, file]) => loadPolicy(kind, file, options.cwd)));
  reads.forEach((read, i) => {
    const [kind] = files[i] ?? ['identity'];
    if ('errors' in read) errors.push(...read.errors);
    else loaded[kind].push(read);
  });

  if (errors.length > 0) {
    io.stderr(errors.map((e) => `iam-gate: ${e}\n`).join(''));
    return EXIT_USAGE;
  }

  const warning = unknownActionWarning(options.action);
  if (warning) io.stderr(`iam-gate: warning: ${warning}\n`);

  const request = { action: options.action, resource: options.resource, context };
  const result = simulate(
    {
      identity: loaded.identity.map((l) => l.policy),
      resource: loaded.resource.map((l) => l.policy),
      boundary: loaded.boundary.map((l) => l.policy),
    },
    options.principal === undefined ? request : { ...request, principal: options.principal },
  );
  const fileOf = (m: MatchedStatement) =>
    m.policyIndex === undefined ? undefined : loaded[m.policyKind][m.policyIndex]?.file;
  io.stdout(
    options.format === 'json' ? renderJson(result, fileOf) : renderText(result, fileOf, io.color === true),
  );
  return EXIT_OK;
}

function isPrincipal(value: string): boolean {
  return (
    ACCOUNT_ID.test(value) || parseArn(value) !== undefined || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)
  );
}

/** `key=value`, split at the first `=`; keys compare case-insensitively, so `Aws:SourceIp` repeats `aws:SourceIp`. */
function parseContext(
  entries: readonly string[],
  usage: (message: string) => void,
): Record<string, string | string[]> {
  const byKey = new Map<string, { key: string; values: string[] }>();
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    const key = equals === -1 ? '' : entry.slice(0, equals).trim();
    if (key === '') {
      usage(`--context expects key=value such as aws:SourceIp=10.0.0.1, got ${JSON.stringify(entry)}`);
      continue;
    }
    const value = entry.slice(equals + 1);
    const known = byKey.get(key.toLowerCase());
    if (known) known.values.push(value);
    else byKey.set(key.toLowerCase(), { key, values: [value] });
  }
  const context: Record<string, string | string[]> = {};
  for (const { key, values } of byKey.values())
    context[key] = values.length === 1 ? (values[0] ?? '') : values;
  return context;
}

const PARSE_KIND: Record<SimulationPolicyKind, PolicyKind> = {
  identity: 'identity',
  resource: 'resource',
  boundary: 'boundary',
};

async function loadPolicy(
  kind: SimulationPolicyKind,
  file: string,
  cwd: string | undefined,
): Promise<LoadedPolicy | { errors: string[] }> {
  let text: string;
  try {
    text = await readFile(resolve(cwd ?? process.cwd(), file), 'utf8');
  } catch (error) {
    return { errors: [`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`] };
  }
  const parsed = parsePolicy(text, { kind: PARSE_KIND[kind] });
  if (!parsed.ok) return { errors: parsed.errors.map((problem) => `${file}: ${formatProblem(problem)}`) };
  return { file, policy: parsed.policy };
}

/** A typo in the action name makes every simulation an implicit deny; say so rather than let it pass. */
function unknownActionWarning(action: string): string | undefined {
  let catalog;
  try {
    catalog = loadCatalog();
  } catch {
    // Without the catalog the simulation still works; only the typo check is lost.
    return undefined;
  }
  if (catalog.action(action)) return undefined;
  const suggestion = catalog.suggest(action);
  const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
  return `${action} is not a known action${hint}; simulating it anyway`;
}

type FileOf = (statement: MatchedStatement) => string | undefined;

function renderJson(result: SimulationResult, fileOf: FileOf): string {
  const matched = result.matched.map((statement) => {
    const file = fileOf(statement);
    return file === undefined ? statement : { ...statement, file };
  });
  return `${JSON.stringify({ decision: result.decision, reason: result.reason, matched }, null, 2)}\n`;
}

const DECISION_STYLE: Record<Decision, Parameters<typeof styleText>[0]> = {
  allowed: ['green', 'bold'],
  explicitDeny: ['red', 'bold'],
  implicitDeny: ['yellow', 'bold'],
};

function renderText(result: SimulationResult, fileOf: FileOf, color: boolean): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string) =>
    color ? styleText(style, text, { validateStream: false }) : text;
  const line = (statement: MatchedStatement) => {
    const file = fileOf(statement);
    const where = file === undefined ? '' : `${printable(file)}: `;
    return `  ${statement.effect.padEnd(5)} ${where}${printable(describeStatement(statement))}`;
  };
  const deciding = result.matched.filter((m) => m.deciding);
  const others = result.matched.filter((m) => !m.deciding);
  const lines = [paint(DECISION_STYLE[result.decision], result.decision), printable(result.reason)];
  if (deciding.length > 0) lines.push('deciding statements:', ...deciding.map(line));
  if (others.length > 0) lines.push('other matching statements:', ...others.map(line));
  return `${lines.join('\n')}\n`;
}

/** No default list: commander would print `(default: [])` in the help. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds `simulate` to the program; its action stores the exit code in `result`, as the others do. */
export function registerSimulate(
  program: Command,
  io: CliIo,
  context: CliContext,
  result: { code: number },
): Command {
  return program
    .command('simulate')
    .description('evaluate one request against IAM policies the way AWS decides it, locally')
    .option('--policy <file>', 'an identity policy of the caller (repeatable)', collect)
    .option('--resource-policy <file>', "the resource's resource-based policy")
    .option('--boundary <file>', "the caller's permissions boundary (repeatable)", collect)
    .requiredOption('--action <action>', 'the action, e.g. s3:GetObject')
    .requiredOption('--resource <arn>', 'the resource ARN, or "*"')
    .option(
      '--principal <arn>',
      'the caller: role, user or assumed-role session ARN, account id, or service principal',
    )
    .option(
      '--context <key=value>',
      'a request context value, e.g. aws:SourceIp=10.0.0.1; repeat a key for a list',
      collect,
      [],
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(SIMULATE_FORMATS).default('text'))
    .addHelpText('after', '\nExit codes: 0 the simulation ran, whatever it decided; 2 usage or input error.')
    .action(async (options: Omit<SimulateOptions, 'cwd'>) => {
      result.code = await runSimulate({ ...options, cwd: context.cwd }, io);
    });
}
