import { describe, expect, it } from 'vitest';
import { scanImports } from '../../src/stacks/scan-imports.js';

describe('scanImports', () => {
  it('finds every static and dynamic form of loading a module, once each', () => {
    const text = [
      // Read only at the top of a file, as TypeScript does.
      '/// <reference path="globals.d.ts" />',
      "import fs from 'node:fs';",
      "import type { Role } from './types';",
      "import './side-effect.js';",
      "export * from './a';",
      "export { b } from './b';",
      "import c = require('./c');",
      "const d = require('./d');",
      'const e = await import(`./e`);',
      "type F = typeof import('./f');",
      "const again = require('./d');",
      '',
    ].join('\n');
    expect(scanImports('stack/index.ts', text)).toEqual({
      specifiers: [
        'node:fs',
        './types',
        './side-effect.js',
        './a',
        './b',
        './c',
        './d',
        './e',
        './f',
        './globals.d.ts',
      ],
      computed: [],
    });
  });

  it('reads TypeScript syntax that a JavaScript lexer trips over', () => {
    const text = [
      'const size = <T,>(items: T[]): number => items.length / 2;',
      "const ratio = size([1]) / 3; import('./after-division');",
      'enum Kind { A = 1 / 2 }',
      "export default class X<T extends Record<string, unknown>> { y = require('./in-class') as T; }",
      '',
    ].join('\n');
    expect(scanImports('x.ts', text).specifiers).toEqual(['./after-division', './in-class']);
  });

  it('reports computed loads with their line and literal start', () => {
    const text = [
      'const name = process.env.STAGE;',
      'require(`./stages/${name}`);',
      "require('./handlers/' + name + '.js');",
      'await import(name!);',
      'require(`${name}/x`);',
      '',
    ].join('\n');
    expect(scanImports('app.ts', text).computed).toEqual([
      { line: 2, prefix: './stages/' },
      { line: 3, prefix: './handlers/' },
      { line: 4 },
      { line: 5 },
    ]);
  });

  it('ignores comments, strings, and calls that load nothing', () => {
    const text = [
      "// import './commented';",
      "/* require('./block') */",
      'const s = "import x from \'./in-string\'";',
      "const r = require.resolve('./resolved');",
      "config.require('key');",
      "const secret = config?.require('password');",
      'const stage = config.require(name);',
      '',
    ].join('\n');
    expect(scanImports('app.js', text)).toEqual({ specifiers: [], computed: [] });
  });

  it('parses JSX in .tsx files', () => {
    expect(
      scanImports('ui.tsx', "import { A } from './a';\nconst el = <A prop={1 / 2} />;\n").specifiers,
    ).toEqual(['./a']);
  });
});
