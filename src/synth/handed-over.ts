/**
 * Two revisions' programs run one after the other in one process (Pulumi's host, the CDKTF pair
 * host). Before the second loads, the first's output is handed over to iam-gate on stdout: a line
 * with a marker and the run's index, then the output as one line of JSON. Only the first such frame
 * of a run counts: it was complete before any later code loaded, which can only append to stdout,
 * never take back. The hosts write frames with `handOver`; the synthesizers read them back.
 */
import { createRequire } from 'node:module';

/** Room on stdout for one run's output handed over (a large stack's snapshot or Terraform JSON). */
export const HANDED_OVER_BYTES = 64 * 2 ** 20;

/** Writes run `index`'s output (JSON text: one line) and resolves once it is in the pipe. */
export function handOver(marker: string, index: number, json: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(`\n${marker} ${index}\n${json}\n`, (error) => (error ? reject(error) : resolve())),
  );
}

/**
 * In a host, before the next program: every loaded module outside `node_modules` is forgotten, so
 * that code both programs load from one place (a workspace package, linked into `node_modules` but
 * living in the repository) starts afresh, without what the first program left in it. Installed
 * packages, the SDK and its providers first of all, stay loaded: that is what the shared process is
 * for. (ES modules cannot be forgotten: the synthesizers do not pair ES module programs.)
 */
export function forgetProgramModules(): void {
  const cache = createRequire(import.meta.url).cache;
  for (const file of Object.keys(cache))
    if (!/[\\/]node_modules[\\/]/.test(file)) Reflect.deleteProperty(cache, file);
}

/** The first frame of run `index`, or undefined when the run handed nothing over. */
export function firstFrame(stdout: string, marker: string, index: number): string | undefined {
  const header = `\n${marker} ${index}\n`;
  const at = stdout.indexOf(header);
  if (at === -1) return undefined;
  const start = at + header.length;
  const end = stdout.indexOf('\n', start);
  return end === -1 ? undefined : stdout.slice(start, end);
}

/** The programs' own output, without the frames (they can be megabytes). */
export function withoutFrames(stdout: string, marker: string): string {
  return stdout.replace(new RegExp(`\\n${marker} \\d+\\n[^\\n]*(?:\\n|$)`, 'g'), '\n');
}
