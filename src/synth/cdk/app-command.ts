/**
 * The `app` command of a CDKTF or AWS CDK project (`cdktf.json` / `cdk.json`), read as a plan for
 * running it. A TypeScript entry run through ts-node or tsx (`npx ts-node main.ts`, `npx ts-node
 * --prefer-ts-exts bin/app.ts`, `npx tsx main.ts`) is run with node and iam-gate's own tsx: `npx`
 * would look for ts-node on the network when the project has not installed it, and a review has
 * no network. Any other command (`node main.js`, `python3 app.py`, `go run main.go`) runs through
 * `/bin/sh -c` as its author wrote it. Pure: no file is read.
 */

export type AppLaunch =
  | {
      mode: 'typescript';
      /** The entry file, relative to the project folder. */
      entry: string;
      /** Arguments after the entry file, passed on. */
      args: string[];
      /** A tsconfig the command names (`-P`, `--project`, `--tsconfig`), relative to the project folder. */
      tsconfig?: string;
    }
  | {
      mode: 'shell';
      command: string;
      /** The program file the command seems to run (`main.js`, `app.py`), for locations without a trace. */
      entry?: string;
    };

/** Package runners in front of the tool, and their own flags. */
const RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'yarn', 'pnpm']);
const RUNNER_FLAGS = new Set([
  '--no-install',
  '--yes',
  '-y',
  '--no',
  '-q',
  '--quiet',
  '--silent',
  '--prefer-offline',
]);
const TYPESCRIPT_TOOLS = new Set([
  'ts-node',
  'ts-node-script',
  'ts-node-esm',
  'ts-node-transpile-only',
  'tsx',
]);
/** Flags of ts-node, tsx and node that take a value as the next word. */
const FLAGS_WITH_VALUE = new Set([
  '-P',
  '--project',
  '--tsconfig',
  '-O',
  '--compilerOptions',
  '--compiler-options',
  '-C',
  '--compiler',
  '-I',
  '--ignore',
  '--cwd',
  '--dir',
  '--scope-dir',
  '-r',
  '--require',
  '--loader',
  '--experimental-loader',
  '--import',
]);
const TSCONFIG_FLAGS = new Set(['-P', '--project', '--tsconfig']);
/** How node loads TypeScript when a command spells it out (`node -r ts-node/register main.ts`). */
const TYPESCRIPT_HOOKS = /^(ts-node(\/.*)?|tsx(\/.*)?)$/;
const TYPESCRIPT_FILE = /\.(ts|tsx|mts|cts)$/;
const SCRIPT_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx|py|go|java|cs|fs)$/;
/** Anything a plain word split would get wrong: quoting, substitution, several commands, redirection. */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]{}~#\n]/;

export function planAppCommand(app: string): AppLaunch {
  const command = app.trim();
  const shell = (): AppLaunch => {
    const entry = command.split(/\s+/).find((word) => SCRIPT_FILE.test(word) && !word.startsWith('-'));
    return entry === undefined ? { mode: 'shell', command } : { mode: 'shell', command, entry };
  };
  if (command === '' || SHELL_SYNTAX.test(command)) return shell();

  const words = command.split(/\s+/);
  let i = 0;
  // `npx ts-node`, `yarn ts-node`, `pnpm exec tsx`: the runner only finds the tool.
  if (RUNNERS.has(words[i] ?? '')) {
    i++;
    if (words[i] === 'exec' || words[i] === 'dlx') i++;
    while (RUNNER_FLAGS.has(words[i] ?? '')) i++;
  }
  const tool = words[i];
  if (tool === undefined) return shell();
  const viaNode = tool === 'node';
  if (!viaNode && !TYPESCRIPT_TOOLS.has(tool.replace(/@[^/]*$/, ''))) return shell();
  i++;

  let tsconfig: string | undefined;
  let loadsTypescript = !viaNode;
  for (; i < words.length; i++) {
    const word = words[i] as string;
    if (!word.startsWith('-')) break;
    const [flag, inline] = splitFlag(word);
    if (!FLAGS_WITH_VALUE.has(flag)) continue;
    const value = inline ?? words[++i];
    if (value === undefined) return shell();
    if (TSCONFIG_FLAGS.has(flag)) tsconfig = value;
    if (viaNode && TYPESCRIPT_HOOKS.test(value)) loadsTypescript = true;
  }
  const entry = words[i];
  if (entry === undefined || !loadsTypescript || !TYPESCRIPT_FILE.test(entry)) return shell();
  return {
    mode: 'typescript',
    entry,
    args: words.slice(i + 1),
    ...(tsconfig !== undefined ? { tsconfig } : {}),
  };
}

/** `--project=tsconfig.json` -> [`--project`, `tsconfig.json`]. */
function splitFlag(word: string): [string, string | undefined] {
  const equals = word.indexOf('=');
  return equals > 0 ? [word.slice(0, equals), word.slice(equals + 1)] : [word, undefined];
}
