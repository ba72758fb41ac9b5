/**
 * One git revision of a repository as a `RepoTree`, read straight from the object database: no
 * checkout, so base and head can be scanned side by side without touching the working copy.
 */
import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { compareText } from '../util/compare-text.js';
import { type RepoTree, withoutBom } from './repo-tree.js';

const execFileAsync = promisify(execFile);

export interface GitRevisionTree extends RepoTree {
  /** The commit the revision resolved to. */
  readonly commit: string;
  /** The commit's root tree: equal trees hold equal files, which is what synthesis caches key on. */
  rootTree(): Promise<string>;
  /** Ends the `git cat-file` process that serves reads; reads after this fail. */
  close(): void;
}

/** Listing a large monorepo's tree is a few MiB of paths; the default 1 MiB buffer is not enough. */
const MAX_LISTING_BYTES = 256 * 2 ** 20;

/** A full commit id: a caller that resolved its revisions already saves a git process per tree. */
const COMMIT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The files of `revision` (any commit-ish: `main`, `HEAD~1`, a sha) in the repository at `repoDir`.
 * Symbolic links and submodules are left out, as they are from a working copy's listing.
 */
export async function gitRevisionTree(repoDir: string, revision: string): Promise<GitRevisionTree> {
  const git = (args: string[]) =>
    execFileAsync('git', ['-C', repoDir, ...args], { maxBuffer: MAX_LISTING_BYTES, encoding: 'utf8' });
  const notACommit = () => new Error(`${revision} is not a commit in the git repository at ${repoDir}`);
  let commit = revision;
  if (!COMMIT_ID.test(revision)) {
    try {
      commit = (
        await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`])
      ).stdout.trim();
    } catch {
      throw notACommit();
    }
  }
  let listing: string;
  try {
    listing = (await git(['ls-tree', '-r', '-z', '--full-tree', commit])).stdout;
  } catch {
    // A full id skipped rev-parse: one naming no object, or a blob, fails here.
    throw notACommit();
  }
  const objects = new Map<string, string>();
  for (const entry of listing.split('\0')) {
    // `<mode> <type> <object>\t<path>`; paths may hold spaces but not tabs before the first one.
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const [mode, type, object] = entry.slice(0, tab).split(' ');
    if (type !== 'blob' || mode === '120000' || object === undefined) continue;
    objects.set(entry.slice(tab + 1), object);
  }
  const files = [...objects.keys()].sort(compareText);
  const reader = new CatFileReader(repoDir);
  const texts = new Map<string, Promise<string | undefined>>();
  let rootTree: Promise<string> | undefined;
  return {
    commit,
    rootTree() {
      // The commit object starts `tree <id>`; read through the open cat-file, not a new process.
      rootTree ??= reader.read(commit).then((bytes) => {
        const tree = /^tree ([0-9a-f]+)\n/.exec(bytes.toString('utf8'))?.[1];
        if (tree === undefined) throw notACommit();
        return tree;
      });
      return rootTree;
    },
    files,
    readText(path) {
      const object = objects.get(path);
      if (object === undefined) return Promise.resolve(undefined);
      let text = texts.get(path);
      if (text === undefined) {
        text = reader.read(object).then((bytes) => withoutBom(bytes.toString('utf8')));
        texts.set(path, text);
      }
      return text;
    },
    close() {
      reader.close();
    },
  };
}

interface PendingRead {
  resolve: (bytes: Buffer) => void;
  reject: (error: Error) => void;
}

/**
 * Reads objects through one long-lived `git cat-file --batch`: a process per file would cost a few
 * milliseconds each, and the import scan of a monorepo reads hundreds. Answers come back in request
 * order, so a queue of waiting reads is enough to pair them.
 */
class CatFileReader {
  private process: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  private readonly pending: PendingRead[] = [];
  private buffered: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;
  private stderr = '';

  constructor(private readonly repoDir: string) {}

  read(object: string): Promise<Buffer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      child.stdin.write(`${object}\n`);
    });
  }

  close(): void {
    this.failure ??= new Error('git revision tree is closed');
    this.process?.stdin.end();
  }

  private start(): ChildProcessByStdio<Writable, Readable, Readable> {
    if (this.process !== undefined) return this.process;
    const child = spawn('git', ['-C', this.repoDir, 'cat-file', '--batch'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.drain();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString('utf8');
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const read of this.pending.splice(0)) read.reject(this.failure);
    };
    child.on('error', fail);
    // Writing to a process that has died raises EPIPE here rather than in read().
    child.stdin.on('error', fail);
    child.on('close', (code) => {
      const detail = this.stderr.trim();
      fail(new Error(`git cat-file exited with code ${String(code)}${detail === '' ? '' : `: ${detail}`}`));
    });
    this.process = child;
    return child;
  }

  /** Answers complete reads: `<object> blob <size>\n<content>\n`, or `<object> missing\n`. */
  private drain(): void {
    for (;;) {
      const read = this.pending[0];
      if (read === undefined) return;
      const headerEnd = this.buffered.indexOf(10);
      if (headerEnd === -1) return;
      const header = this.buffered.subarray(0, headerEnd).toString('utf8');
      const size = /^\S+ \S+ (\d+)$/.exec(header)?.[1];
      if (size === undefined) {
        this.pending.shift();
        this.buffered = this.buffered.subarray(headerEnd + 1);
        read.reject(new Error(`git cat-file: ${header}`));
        continue;
      }
      const end = headerEnd + 1 + Number(size);
      if (this.buffered.length < end + 1) return;
      this.pending.shift();
      const content = Buffer.from(this.buffered.subarray(headerEnd + 1, end));
      this.buffered = this.buffered.subarray(end + 1);
      read.resolve(content);
    }
  }
}
