/**
 * Prints one plain closing line, `N passed, N failed`, after vitest's own summary, so that CI logs
 * state the count in a form any tool can read. A failed file or suite whose tests never ran (an
 * error in a `beforeAll`, an import that throws) counts as a failure, not as skipped tests, and so
 * does an unhandled error.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[], unhandledErrors: readonly unknown[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file or suite that failed with nothing inside it failed: its own error (a hook, an import).
      for (const group of [module, ...module.children.allSuites()]) {
        const failedInside =
          [...group.children.allTests('failed')].length +
          [...group.children.allSuites()].filter((suite) => suite.state() === 'failed').length;
        if (group.state() === 'failed' && failedInside === 0) failed++;
      }
    }
    // An error outside any test (or in reporting one) fails the run too: vitest exits 1 for it.
    failed += unhandledErrors.length;
    process.stdout.write(
      `\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
