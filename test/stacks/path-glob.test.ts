import { describe, expect, it } from 'vitest';
import { compilePathGlobs, PathGlobError } from '../../src/stacks/path-glob.js';

function matching(globs: string[], paths: string[]): string[] {
  const matches = compilePathGlobs(globs);
  return paths.filter(matches);
}

describe('compilePathGlobs', () => {
  const paths = [
    'policies/a.json',
    'policies/b.yaml',
    'policies/team/c.json',
    'policies/team/deep/d.json',
    'policies/.hidden/e.json',
    'policies/.f.json',
    'other/a.json',
  ];

  it('keeps * and ? within one segment', () => {
    expect(matching(['policies/*.json'], paths)).toEqual(['policies/a.json']);
    expect(matching(['policies/?.yaml'], paths)).toEqual(['policies/b.yaml']);
    expect(matching(['*/a.json'], paths)).toEqual(['policies/a.json', 'other/a.json']);
  });

  it('lets ** span any number of segments, but not hidden ones', () => {
    expect(matching(['policies/**/*.json'], paths)).toEqual([
      'policies/a.json',
      'policies/team/c.json',
      'policies/team/deep/d.json',
    ]);
    expect(matching(['**'], ['a', 'a/b', '.git/config'])).toEqual(['a', 'a/b']);
    expect(matching(['policies/.hidden/*.json', 'policies/.*.json'], paths)).toEqual([
      'policies/.hidden/e.json',
      'policies/.f.json',
    ]);
  });

  it('expands {a,b} alternatives, nested too', () => {
    expect(matching(['policies/*.{json,yaml}'], paths)).toEqual(['policies/a.json', 'policies/b.yaml']);
    expect(matching(['{policies/{team,x},other}/*.json'], paths)).toEqual([
      'policies/team/c.json',
      'other/a.json',
    ]);
  });

  it('excludes with !, wherever it appears in the list, and ignores a leading ./', () => {
    expect(matching(['!**/deep/**', './policies/**/*.json'], paths)).toEqual([
      'policies/a.json',
      'policies/team/c.json',
    ]);
  });

  it('answers for many stars against a long name (patterns come from pull requests)', () => {
    const matches = compilePathGlobs(['*a*a*a*a*a*a*a*a*a*a*b']);
    expect(matches('a'.repeat(5000))).toBe(false);
    expect(matches(`${'a'.repeat(5000)}b`)).toBe(true);
  });

  it('refuses globs it cannot read', () => {
    expect(() => compilePathGlobs(['policies/{a,b'])).toThrow(PathGlobError);
    expect(() => compilePathGlobs(['/etc/*.json'])).toThrow('must be relative to the repository root');
    expect(() => compilePathGlobs(['{a,b}'.repeat(9)])).toThrow('expands to more than 256 patterns');
  });
});
