/**
 * Which stacks a change touches, and why: a changed file in a stack's folder; a changed file the
 * stack's code imports, however indirectly (a change to `lib/` used by two stacks reviews both);
 * and, when the scan cannot be sure, a change that might reach it (a lockfile or package.json above
 * it, the tsconfig it compiles with, a file a computed `require()` could load, an import that no
 * longer resolves). A stack that exists only at head or only at base is touched too.
 *
 * The import graph is read at head only: an import that base had and head lost was removed by
 * changing a file that head still reaches (or that no longer resolves), so it is caught there.
 */
import { compareText } from '../util/compare-text.js';
import { type Discovery, isDiscoverable, projectDirs } from './discover-stacks.js';
import { ancestorDirs, baseName, isWithin, joinPath, parentDir, ROOT, toRepoPath } from './repo-path.js';
import type { RepoTree } from './repo-tree.js';
import {
  isRelativeSpecifier,
  readTsConfig,
  readWorkspaces,
  type ResolveContext,
  resolveModule,
  type TsConfig,
} from './resolve-modules.js';
import { SCANNED_SOURCE, type ScannedFile, scanImports } from './scan-imports.js';
import type { Stack } from './types.js';

export interface TouchedStack {
  /** The stack as found at head; as found at base when it was deleted. */
  stack: Stack;
  /**
   * The stack as found at base, when it exists there: its `app` command or Pulumi stack may differ
   * from head's, and base must be synthesized the way base describes it.
   */
  base?: Stack;
  change: 'added' | 'deleted' | 'modified';
  /** Why it is reviewed, for the report: `changed: infra/app/index.ts`, `imports lib/policies.ts (changed)`. */
  reasons: string[];
}

export interface TouchedStacksResult {
  /** In code-point order of the stack's name. */
  stacks: TouchedStack[];
  /** Files the scan could not read as expected (a malformed package.json or tsconfig). */
  warnings: string[];
}

export interface RevisionStacks {
  base: Pick<Discovery, 'stacks'>;
  head: Pick<Discovery, 'stacks' | 'skipped'>;
}

/**
 * Files that decide which packages a Node.js program gets: one in a folder above a stack (or above
 * code it imports) can change what the stack synthesizes without any of its files changing.
 */
const PACKAGE_MANIFESTS = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'bun.lock',
  'bun.lockb',
  '.npmrc',
  '.yarnrc.yml',
  '.pnpmfile.cjs',
]);

/** Documentation and images: no program reads them to build a policy, so a change to them reviews nothing. */
const DOCUMENTATION =
  /\.(?:md|markdown|mdx|rst|adoc|png|jpe?g|gif|svg|webp|ico)$|(?:^|\/)(?:LICEN[CS]E|COPYING|NOTICE|AUTHORS|CODEOWNERS)(?:\.[^/]*)?$/i;

/** What `require()` of a computed path can load. */
const LOADABLE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx|json|node)$/;

/**
 * CDK and CDKTF apps may be written in any language; only a Node.js app has imports to scan and
 * packages that a lockfile pins.
 */
export function isNodeStack(stack: Stack): boolean {
  if (stack.kind === 'pulumi') return true;
  if (stack.kind === 'template') return false;
  return /(?:^|[\s/])(?:node|npx|ts-node|tsx|npm|yarn|pnpm|bun)(?:\s|$)|\.[cm]?[jt]sx?(?:\s|$)/.test(
    stack.app ?? '',
  );
}

export async function touchedStacks(
  revisions: RevisionStacks,
  changedFiles: readonly string[],
  headTree: RepoTree,
): Promise<TouchedStacksResult> {
  const changed = [...new Set(changedFiles.map(toRepoPath))].sort(compareText);
  const baseByFile = new Map(revisions.base.stacks.map((stack) => [stack.projectFile, stack]));
  const headByFile = new Map(revisions.head.stacks.map((stack) => [stack.projectFile, stack]));
  const headFiles = new Set(headTree.files);
  const touched: TouchedStack[] = [];

  for (const stack of revisions.head.stacks) {
    if (!baseByFile.has(stack.projectFile)) {
      touched.push({ stack, change: 'added', reasons: [`new stack (${stack.projectFile})`] });
    }
  }
  for (const stack of revisions.base.stacks) {
    if (headByFile.has(stack.projectFile)) continue;
    const reason = headFiles.has(stack.projectFile)
      ? `no longer a reviewable stack at head (${stack.projectFile})`
      : `deleted (${stack.projectFile} removed)`;
    touched.push({ stack, base: stack, change: 'deleted', reasons: [reason] });
  }

  const relevant = changed.filter((path) => !DOCUMENTATION.test(path));
  const existing = revisions.head.stacks.filter((stack) => baseByFile.has(stack.projectFile));
  const warnings: string[] = [];
  if (relevant.length > 0 && existing.length > 0) {
    const scan = new ImportScan(headTree, revisions.head, warnings);
    // The import scan can only add stacks. When each stack already has a changed file of its own,
    // there is none left to add: skip it (and loading TypeScript's parser, about half a second),
    // and give each stack its own changed files as the reasons.
    const direct = existing.map((stack) => scan.directReasons(stack, relevant));
    const everyStackChanged = direct.every((reasons) => reasons.length > 0);
    for (const [index, stack] of existing.entries()) {
      const reasons = everyStackChanged ? (direct[index] ?? []) : await scan.reasonsFor(stack, relevant);
      const base = baseByFile.get(stack.projectFile);
      if (reasons.length > 0)
        touched.push({ stack, ...(base === undefined ? {} : { base }), change: 'modified', reasons });
    }
  }
  touched.sort(
    (a, b) =>
      compareText(a.stack.name, b.stack.name) || compareText(a.stack.projectFile, b.stack.projectFile),
  );
  return { stacks: touched, warnings };
}

interface Reach {
  /** The file whose import reached it. */
  from: string;
  /** Set when reached as part of a whole package folder (a workspace package imported by name). */
  folder?: string;
}

interface StackGraph {
  reached: Map<string, Reach>;
  /** Package folders imported whole: folder -> how it was imported (`@acme/policies`). */
  folders: Map<string, string>;
  unresolved: { from: string; specifier: string; candidates: string[] }[];
  /** Computed loads; `prefix` is the repository path a load's literal start narrows it to. */
  computed: { file: string; line: number; prefix?: string }[];
  tsconfig: TsConfig;
}

/** The import graph of each stack at head, sharing parsed files and settings between stacks. */
class ImportScan {
  private readonly files: ReadonlySet<string>;
  private readonly projectDirs: ReadonlySet<string>;
  private readonly scanned = new Map<string, Promise<ScannedFile>>();
  private readonly tsconfigs = new Map<string, Promise<TsConfig>>();
  private context: Promise<Omit<ResolveContext, 'aliases'>> | undefined;
  private sourcesByOwner: Map<string | undefined, string[]> | undefined;

  constructor(
    private readonly tree: RepoTree,
    head: Pick<Discovery, 'stacks' | 'skipped'>,
    private readonly warnings: string[],
  ) {
    this.files = new Set(tree.files);
    this.projectDirs = new Set(projectDirs(head));
  }

  /** The stack's own changed files (or, for a listed template, the file itself): no import scan. */
  directReasons(stack: Stack, changed: readonly string[]): string[] {
    if (stack.kind === 'template')
      return changed.includes(stack.projectFile) ? [`changed: ${stack.projectFile}`] : [];
    return changed.filter((path) => this.ownerOf(path) === stack.dir).map((path) => `changed: ${path}`);
  }

  async reasonsFor(stack: Stack, changed: readonly string[]): Promise<string[]> {
    if (stack.kind === 'template')
      return changed.includes(stack.projectFile) ? [`changed: ${stack.projectFile}`] : [];
    const explained = new Set<string>();
    const reasons: string[] = [];
    const explain = (path: string, reason: string) => {
      if (explained.has(path)) return;
      explained.add(path);
      reasons.push(reason);
    };
    for (const path of changed) {
      if (this.ownerOf(path) === stack.dir) explain(path, `changed: ${path}`);
    }
    if (!isNodeStack(stack)) return reasons;

    const graph = await this.graphOf(stack);
    for (const path of changed) {
      const reach = graph.reached.get(path);
      if (reach !== undefined) {
        explain(
          path,
          reach.folder === undefined
            ? `imports ${path} (changed)`
            : `imports ${reach.folder} (${path} changed)`,
        );
        continue;
      }
      for (const [dir, label] of graph.folders) {
        if (isWithin(path, dir) && this.ownerOf(path) === this.ownerOf(dir))
          explain(path, `imports ${label} (${path} changed)`);
      }
    }
    const usedDirs = new Set<string>([stack.dir, ...graph.folders.keys()]);
    for (const path of graph.reached.keys()) usedDirs.add(parentDir(path));
    const aboveUsed = new Set<string>();
    for (const dir of usedDirs) for (const folder of [dir, ...ancestorDirs(dir)]) aboveUsed.add(folder);
    for (const path of changed) {
      if (PACKAGE_MANIFESTS.has(baseName(path)) && aboveUsed.has(parentDir(path)))
        explain(path, `${path} changed`);
      else if (graph.tsconfig.files.includes(path)) explain(path, `${path} changed`);
    }
    for (const { from, specifier, candidates } of graph.unresolved) {
      for (const path of changed) {
        if (candidates.includes(path))
          explain(path, `${from} imports ${specifier}, which does not resolve (${path} changed)`);
      }
    }
    for (const load of graph.computed) {
      for (const path of changed) {
        if (!LOADABLE.test(path)) continue;
        const owner = this.ownerOf(path);
        const couldLoad =
          load.prefix === undefined
            ? owner === undefined || owner === stack.dir
            : path.startsWith(load.prefix);
        if (couldLoad)
          explain(path, `${load.file}:${load.line} loads a computed module path (${path} changed)`);
      }
    }
    return reasons;
  }

  /** The innermost project folder holding `path`, if any. */
  private ownerOf(path: string): string | undefined {
    if (this.projectDirs.has(path)) return path;
    for (const dir of [parentDir(path), ...ancestorDirs(parentDir(path))]) {
      if (this.projectDirs.has(dir)) return dir;
    }
    return undefined;
  }

  private async graphOf(stack: Stack): Promise<StackGraph> {
    const context = await this.resolveContext();
    const tsconfig = await this.tsconfigOf(stack.dir, context);
    const resolveContext: ResolveContext =
      tsconfig.aliases === undefined ? context : { ...context, aliases: tsconfig.aliases };
    const graph: StackGraph = {
      reached: new Map(),
      folders: new Map(),
      unresolved: [],
      computed: [],
      tsconfig,
    };
    let queue = this.sourcesOwnedBy(stack.dir, stack.dir);
    for (const path of queue) graph.reached.set(path, { from: path });
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      const scans = await Promise.all(batch.map((path) => this.scan(path)));
      batch.forEach((from, index) => {
        const scanned = scans[index];
        if (scanned === undefined) return;
        for (const load of scanned.computed) {
          const reach = computedLoad(from, load, context.workspaces);
          if (reach !== undefined) graph.computed.push(reach);
        }
        for (const specifier of scanned.specifiers) {
          const resolved = resolveModule(from, specifier, resolveContext);
          if (resolved.kind === 'file') {
            if (graph.reached.has(resolved.path)) continue;
            graph.reached.set(resolved.path, { from });
            if (SCANNED_SOURCE.test(resolved.path)) queue.push(resolved.path);
          } else if (resolved.kind === 'folder') {
            if (graph.folders.has(resolved.dir)) continue;
            graph.folders.set(resolved.dir, resolved.label);
            for (const path of this.sourcesOwnedBy(resolved.dir, this.ownerOf(resolved.dir))) {
              if (graph.reached.has(path)) continue;
              graph.reached.set(path, { from, folder: resolved.label });
              queue.push(path);
            }
          } else if (resolved.kind === 'unresolved') {
            graph.unresolved.push({ from, specifier, candidates: resolved.candidates });
          }
        }
      });
    }
    return graph;
  }

  /** TypeScript and JavaScript files under `dir` that belong to the project `owner` (none nested deeper). */
  private sourcesOwnedBy(dir: string, owner: string | undefined): string[] {
    if (this.sourcesByOwner === undefined) {
      this.sourcesByOwner = new Map();
      for (const path of this.tree.files) {
        if (!SCANNED_SOURCE.test(path) || !isDiscoverable(path)) continue;
        const key = this.ownerOf(path);
        const list = this.sourcesByOwner.get(key);
        if (list === undefined) this.sourcesByOwner.set(key, [path]);
        else list.push(path);
      }
    }
    return (this.sourcesByOwner.get(owner) ?? []).filter((path) => isWithin(path, dir));
  }

  private scan(path: string): Promise<ScannedFile> {
    let scanned = this.scanned.get(path);
    if (scanned === undefined) {
      scanned = this.tree
        .readText(path)
        .then((text) => (text === undefined ? { specifiers: [], computed: [] } : scanImports(path, text)));
      this.scanned.set(path, scanned);
    }
    return scanned;
  }

  private resolveContext(): Promise<Omit<ResolveContext, 'aliases'>> {
    this.context ??= (async () => {
      const packageDirs = new Set(
        this.tree.files
          .filter((path) => baseName(path) === 'package.json' && isDiscoverable(path))
          .map(parentDir),
      );
      const workspaces = await readWorkspaces(this.tree, packageDirs);
      this.warnings.push(...workspaces.warnings);
      return { files: this.files, packageDirs, workspaces: workspaces.packages };
    })();
    return this.context;
  }

  private tsconfigOf(dir: string, context: Omit<ResolveContext, 'aliases'>): Promise<TsConfig> {
    let tsconfig = this.tsconfigs.get(dir);
    if (tsconfig === undefined) {
      tsconfig = readTsConfig(this.tree, dir, context, this.warnings);
      this.tsconfigs.set(dir, tsconfig);
    }
    return tsconfig;
  }
}

/**
 * Where a computed load can reach: under its literal start when that is a relative path or names a
 * workspace package, anywhere when it has none, and nowhere in the repository when its literal start
 * names an installed package (`require('@aws-sdk/' + name)`).
 */
function computedLoad(
  file: string,
  load: { line: number; prefix?: string },
  workspaces: ReadonlyMap<string, string>,
): StackGraph['computed'][number] | undefined {
  const { line, prefix } = load;
  if (prefix === undefined) return { file, line };
  if (isRelativeSpecifier(prefix)) {
    const path = joinPath(parentDir(file), prefix);
    return path === undefined || path === ROOT ? { file, line } : { file, line, prefix: path };
  }
  const workspace = [...workspaces].find(
    ([name]) => name.startsWith(prefix) || prefix.startsWith(`${name}/`),
  );
  return workspace === undefined ? undefined : { file, line, prefix: workspace[1] };
}
