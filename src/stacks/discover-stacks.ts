/**
 * Finds the stacks of one revision of a repository: Pulumi projects (Node.js runtime), CDKTF apps,
 * AWS CDK apps, and the templates and policy files the config lists. Reads only project files, never
 * runs anything, and reports a project it cannot review (another runtime, a malformed project file)
 * instead of throwing, so one broken project never hides the others.
 */
import { loadYaml } from '../util/lazy-yaml.js';
import { isRecord } from '../util/is-record.js';
import { compareText } from '../util/compare-text.js';
import { compilePathGlobs, PathGlobError } from './path-glob.js';
import { baseName, childPath, joinPath, parentDir } from './repo-path.js';
import type { RepoTree } from './repo-tree.js';
import type { Stack, StackKind } from './types.js';

export interface DiscoverOptions {
  /**
   * The config's `policies:` globs, relative to the repository root: each matching file is a
   * `template` stack (a CloudFormation template or a policy file). `!glob` excludes.
   */
  policyGlobs?: readonly string[];
  /**
   * The Pulumi stack whose `Pulumi.<stack>.yaml` to use, keyed by project name or folder; a project
   * not listed uses its first stack config file in name order.
   */
  pulumiStacks?: Readonly<Record<string, string>>;
}

/** A project that is there but is not reviewed; it still owns its folder (see `projectDirs`). */
export interface SkippedProject {
  kind: Exclude<StackKind, 'template'>;
  dir: string;
  projectFile: string;
  reason: 'unsupported-runtime' | 'malformed';
  /** One line for the review, e.g. `python Pulumi project infra/x: not synthesized; use pulumi preview --json`. */
  message: string;
}

export interface Discovery {
  /** In code-point order of `name`. */
  stacks: Stack[];
  skipped: SkippedProject[];
  /** Things the reader should know that do not stop a stack from being reviewed. */
  warnings: string[];
}

const PROJECT_FILES: Readonly<Record<string, Exclude<StackKind, 'template'>>> = {
  'Pulumi.yaml': 'pulumi',
  'Pulumi.yml': 'pulumi',
  'cdktf.json': 'cdktf',
  'cdk.json': 'cdk',
};

/** Folders that hold installed packages or build output, never a project of the repository's own. */
const IGNORED_DIRECTORIES = new Set(['node_modules', 'cdk.out', 'cdktf.out']);

/** Whether discovery looks for project files in `path`'s folder: not in dot-folders or build output. */
export function isDiscoverable(path: string): boolean {
  const segments = path.split('/');
  segments.pop();
  return segments.every((segment) => !segment.startsWith('.') && !IGNORED_DIRECTORIES.has(segment));
}

type Found = { stack: Stack; preferredName: string } | { skipped: SkippedProject };

export async function discoverStacks(tree: RepoTree, options: DiscoverOptions = {}): Promise<Discovery> {
  const projectFiles = tree.files.filter(
    (path) => PROJECT_FILES[baseName(path)] !== undefined && isDiscoverable(path),
  );
  const warnings: string[] = [];
  const found: Found[] = [];
  const readable = projectFiles.filter((file) => {
    const dir = parentDir(file);
    const yaml = childPath(dir, 'Pulumi.yaml');
    if (baseName(file) !== 'Pulumi.yml' || !projectFiles.includes(yaml)) return true;
    warnings.push(`${file}: ignored; ${yaml} is the project file`);
    return false;
  });
  // Read together: a git revision answers many reads in one round trip.
  const texts = await Promise.all(readable.map((file) => tree.readText(file)));
  readable.forEach((file, index) => {
    const kind = PROJECT_FILES[baseName(file)];
    const text = texts[index] ?? '';
    if (kind === 'pulumi') found.push(readPulumiProject(tree, file, text, options, warnings));
    else if (kind !== undefined) found.push(readCdkProject(kind, file, text));
  });
  for (const file of matchingFiles(tree, options.policyGlobs ?? [], warnings)) {
    found.push({
      stack: { kind: 'template', dir: file, projectFile: file, name: file },
      preferredName: file,
    });
  }
  const stacks = uniqueNames(found.flatMap((entry) => ('stack' in entry ? [entry] : [])));
  const skipped = found.flatMap((entry) => ('skipped' in entry ? [entry.skipped] : []));
  skipped.sort((a, b) => compareText(a.projectFile, b.projectFile));
  return { stacks, skipped, warnings };
}

/** Folders of every project, reviewed or not: a nested project owns the files under it. */
export function projectDirs(discovery: Pick<Discovery, 'stacks' | 'skipped'>): string[] {
  const dirs = new Set<string>();
  for (const stack of discovery.stacks) if (stack.kind !== 'template') dirs.add(stack.dir);
  for (const project of discovery.skipped) dirs.add(project.dir);
  return [...dirs].sort(compareText);
}

function readPulumiProject(
  tree: RepoTree,
  file: string,
  text: string,
  options: DiscoverOptions,
  warnings: string[],
): Found {
  const dir = parentDir(file);
  const malformed = (message: string): Found => ({
    skipped: { kind: 'pulumi', dir, projectFile: file, reason: 'malformed', message: `${file}: ${message}` },
  });
  const document = loadYaml().parseDocument(text);
  const error = document.errors[0];
  if (error !== undefined) return malformed(`malformed YAML: ${firstLine(error.message)}`);
  const project: unknown = document.toJS();
  if (!isRecord(project)) return malformed('expected a map with name and runtime');
  const { name, runtime } = project;
  if (typeof name !== 'string' || name.trim() === '') return malformed('no project name (name:)');
  const runtimeName = typeof runtime === 'string' ? runtime : isRecord(runtime) ? runtime.name : undefined;
  if (typeof runtimeName !== 'string')
    return malformed('no runtime (runtime: nodejs, or runtime: {name: nodejs})');
  if (runtimeName !== 'nodejs') {
    return {
      skipped: {
        kind: 'pulumi',
        dir,
        projectFile: file,
        reason: 'unsupported-runtime',
        message: `${runtimeName} Pulumi project ${dir}: not synthesized; use pulumi preview --json`,
      },
    };
  }
  const stack: Stack = { kind: 'pulumi', dir, projectFile: file, name };
  const configDir = stackConfigDir(dir, project.stackConfigDir);
  const available = tree.files
    .filter((path) => parentDir(path) === configDir)
    .map((path) => /^Pulumi\.(.+)\.ya?ml$/.exec(baseName(path))?.[1])
    .filter((stackName): stackName is string => stackName !== undefined)
    .sort(compareText);
  const chosen = options.pulumiStacks?.[name] ?? options.pulumiStacks?.[dir];
  if (chosen !== undefined) {
    if (!available.includes(chosen)) {
      warnings.push(`${file}: stack ${chosen} has no Pulumi.${chosen}.yaml; its config is empty`);
    }
    stack.pulumiStack = chosen;
  } else if (available[0] !== undefined) {
    stack.pulumiStack = available[0];
  }
  return { stack, preferredName: name };
}

/** Where `Pulumi.<stack>.yaml` files live: the project folder unless `stackConfigDir` moves them. */
function stackConfigDir(projectDir: string, configured: unknown): string {
  if (typeof configured !== 'string' || configured === '') return projectDir;
  return joinPath(projectDir, configured) ?? projectDir;
}

function readCdkProject(kind: 'cdktf' | 'cdk', file: string, text: string): Found {
  const dir = parentDir(file);
  const malformed = (message: string): Found => ({
    skipped: { kind, dir, projectFile: file, reason: 'malformed', message: `${file}: ${message}` },
  });
  let project: unknown;
  try {
    project = JSON.parse(text);
  } catch (error) {
    return malformed(`malformed JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(project)) return malformed('expected a JSON object');
  const { app } = project;
  if (typeof app !== 'string' || app.trim() === '') return malformed('no app command ("app")');
  return { stack: { kind, dir, projectFile: file, name: dir, app }, preferredName: dir };
}

/** Files the globs list; a glob that cannot be read is reported and the others still apply. */
function matchingFiles(tree: RepoTree, globs: readonly string[], warnings: string[]): string[] {
  const readable = globs.filter((glob) => {
    try {
      compilePathGlobs([glob.startsWith('!') ? glob.slice(1) : glob]);
      return true;
    } catch (error) {
      if (!(error instanceof PathGlobError)) throw error;
      warnings.push(`policies: ${error.message}; ignored`);
      return false;
    }
  });
  if (!readable.some((glob) => !glob.startsWith('!'))) return [];
  return tree.files.filter(compilePathGlobs(readable));
}

/**
 * Names unique within the repository: the preferred name (a Pulumi project's own name, otherwise
 * the folder), then the folder for every stack whose name collides, then the project file, which
 * no two stacks share.
 */
function uniqueNames(found: readonly { stack: Stack; preferredName: string }[]): Stack[] {
  const entries = found.map(({ stack, preferredName }) => ({
    stack,
    candidates: [...new Set([preferredName, stack.dir, stack.projectFile])],
    level: 0,
  }));
  const nameOf = (entry: (typeof entries)[number]) =>
    entry.candidates[entry.level] ?? entry.stack.projectFile;
  for (let round = 0; round < 3; round += 1) {
    const counts = new Map<string, number>();
    for (const entry of entries) counts.set(nameOf(entry), (counts.get(nameOf(entry)) ?? 0) + 1);
    const colliding = entries.filter(
      (entry) => (counts.get(nameOf(entry)) ?? 0) > 1 && entry.level < entry.candidates.length - 1,
    );
    if (colliding.length === 0) break;
    for (const entry of colliding) entry.level += 1;
  }
  const stacks = entries.map((entry) => ({ ...entry.stack, name: nameOf(entry) }));
  return stacks.sort((a, b) => compareText(a.name, b.name) || compareText(a.projectFile, b.projectFile));
}

/** yaml's messages end in a code frame introduced by `:`; the review shows one line. */
function firstLine(text: string): string {
  return (text.split('\n', 1)[0] ?? text).trim().replace(/:$/, '');
}
