/**
 * The least any tool must do to run a Pulumi program offline, for the review benchmark's baseline:
 * load the program's own @pulumi/pulumi, install trivial mocks (every resource echoes its inputs and
 * gets an `arn`, every invoke echoes its arguments), run the program and wait for its registrations. Nothing is recorded.
 * The stack config arrives as Pulumi's language host passes it, in `PULUMI_CONFIG`.
 *
 *     node --import tsx bench/review-pulumi-program.ts <entry> <project> <stack>
 */
import { createRequire } from 'node:module';
import type * as PulumiModule from '@pulumi/pulumi';

const [entry, project, stack] = process.argv.slice(2);
if (!entry || !project || !stack)
  throw new Error('usage: review-pulumi-program.ts <entry> <project> <stack>');
const requireFromProgram = createRequire(entry);
const pulumi = requireFromProgram('@pulumi/pulumi') as typeof PulumiModule;
await pulumi.runtime.setMocks(
  {
    newResource: (args) => ({
      id: `${args.name}-id`,
      state: { arn: `${args.name}-arn`, ...(args.inputs as Record<string, unknown>) },
    }),
    call: (args) => args.inputs as Record<string, unknown>,
  },
  project,
  stack,
  false,
);
await pulumi.runtime.runInPulumiStack(async () => requireFromProgram(entry) as unknown);
await pulumi.runtime.disconnect();
if (pulumi.log.hasErrors()) throw new Error('the program logged errors');
