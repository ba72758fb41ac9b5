import { describe, expect, it } from 'vitest';
import { userLocation } from '../../../src/synth/cdk/creation-stack.js';

describe('userLocation', () => {
  const roots = ['/work/repo'];

  it('is the first frame in the repository outside node_modules', () => {
    expect(
      userLocation(
        [
          'new IamRole (/work/repo/node_modules/@cdktf/provider-aws/lib/iam-role/index.js:120:9)',
          '...new Role2 in aws-cdk-lib...',
          'new AppStack (/work/repo/infra/lib/app-stack.ts:14:5)',
          '<anonymous> (/work/repo/infra/main.ts:30:1)',
        ],
        roots,
      ),
    ).toEqual({ file: 'infra/lib/app-stack.ts', line: 14, column: 5 });
  });

  it('reads frames without a function name and ES module URLs', () => {
    expect(userLocation(['/work/repo/main.ts:3:7'], roots)).toEqual({ file: 'main.ts', line: 3, column: 7 });
    expect(userLocation(['Stack.build (file:///work/repo/app%20v2/main.mts:9:2)'], roots)).toEqual({
      file: 'app v2/main.mts',
      line: 9,
      column: 2,
    });
  });

  it('matches the repository by its real path too, as node reports it', () => {
    expect(
      userLocation(['x (/private/tmp/checkout/main.ts:1:1)'], ['/tmp/checkout', '/private/tmp/checkout']),
    ).toEqual({ file: 'main.ts', line: 1, column: 1 });
  });

  it('is undefined when no frame is in the repository', () => {
    expect(
      userLocation(
        [
          '...aws-cdk-lib...',
          '(no user code in 10 frames, use --stack-trace-limit to capture more)',
          'Module._compile (node:internal/modules/cjs/loader:1521:14)',
          'x (/elsewhere/main.ts:1:1)',
          'y (/work/repository-next-door/main.ts:1:1)',
          42,
        ],
        roots,
      ),
    ).toBeUndefined();
  });
});
