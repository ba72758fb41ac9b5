/**
 * Output one revision's program hands over to iam-gate on stdout before the next revision's
 * program runs in the same process (Pulumi's host, the CDKTF pair host): a line with a marker and
 * the run's index, then the output as one line of JSON. Only the first such frame of a run counts:
 * it was complete before any later code loaded, which can only append to stdout, never take back.
 */

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
