import { describe, expect, it } from 'vitest';
import { type AppLaunch, planAppCommand } from '../../../src/synth/cdk/app-command.js';

describe('planAppCommand', () => {
  const typescript: [string, AppLaunch][] = [
    // The cdktf and cdk init templates.
    ['npx ts-node main.ts', { mode: 'typescript', entry: 'main.ts', args: [] }],
    ['npx ts-node --prefer-ts-exts bin/app.ts', { mode: 'typescript', entry: 'bin/app.ts', args: [] }],
    ['npx tsx main.ts', { mode: 'typescript', entry: 'main.ts', args: [] }],
    ['ts-node main.ts', { mode: 'typescript', entry: 'main.ts', args: [] }],
    ['npx --yes ts-node@10 src/main.ts', { mode: 'typescript', entry: 'src/main.ts', args: [] }],
    ['yarn ts-node main.ts', { mode: 'typescript', entry: 'main.ts', args: [] }],
    ['pnpm exec tsx bin/app.mts', { mode: 'typescript', entry: 'bin/app.mts', args: [] }],
    [
      'npx ts-node -P tsconfig.app.json --prefer-ts-exts bin/app.ts',
      { mode: 'typescript', entry: 'bin/app.ts', args: [], tsconfig: 'tsconfig.app.json' },
    ],
    [
      'npx ts-node --project=infra/tsconfig.json -r tsconfig-paths/register main.ts --stage dev',
      { mode: 'typescript', entry: 'main.ts', args: ['--stage', 'dev'], tsconfig: 'infra/tsconfig.json' },
    ],
    ['node -r ts-node/register bin/app.ts', { mode: 'typescript', entry: 'bin/app.ts', args: [] }],
    ['node --import tsx main.ts', { mode: 'typescript', entry: 'main.ts', args: [] }],
  ];

  it.each(typescript)('runs %s with node and tsx', (command, launch) => {
    expect(planAppCommand(command)).toEqual(launch);
  });

  const shell: [string, AppLaunch][] = [
    ['node main.js', { mode: 'shell', command: 'node main.js', entry: 'main.js' }],
    ['node bin/app.ts', { mode: 'shell', command: 'node bin/app.ts', entry: 'bin/app.ts' }],
    ['python3 app.py', { mode: 'shell', command: 'python3 app.py', entry: 'app.py' }],
    ['pipenv run python main.py', { mode: 'shell', command: 'pipenv run python main.py', entry: 'main.py' }],
    ['go run main.go', { mode: 'shell', command: 'go run main.go', entry: 'main.go' }],
    ['mvn -e -q compile exec:java', { mode: 'shell', command: 'mvn -e -q compile exec:java' }],
    [
      'npm run build && node lib/main.js',
      { mode: 'shell', command: 'npm run build && node lib/main.js', entry: 'lib/main.js' },
    ],
    ['npx ts-node "my app.ts"', { mode: 'shell', command: 'npx ts-node "my app.ts"' }],
    ['npx ts-node', { mode: 'shell', command: 'npx ts-node' }],
    ['npx ts-node -P', { mode: 'shell', command: 'npx ts-node -P' }],
    ['', { mode: 'shell', command: '' }],
  ];

  it.each(shell)('runs %s through the shell', (command, launch) => {
    expect(planAppCommand(command)).toEqual(launch);
  });
});
