/**
 * `npm run demo:check`: the two faces that exist today on bundled examples. First the typed builder
 * refusing over-broad grants as they are written; then `iam-gate check` on a CloudFormation stack
 * (examples/check) that grants far too much, as a CI job would run it.
 */
import { runCli } from '../src/cli/run-cli.js';

await import('./builder/demo.js');

console.log('\n\u001b[1m$ iam-gate check examples/check\u001b[0m');
const code = await runCli(['check', 'examples/check'], {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: process.stdout.isTTY === true,
});
console.log(
  code === 1
    ? '\niam-gate check exited 1: the stack has blocking findings, so a CI job would fail here, as it should.'
    : `\niam-gate check exited ${code} (expected 1).`,
);
process.exitCode = code === 1 ? 0 : 1;
