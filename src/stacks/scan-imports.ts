/**
 * The modules a TypeScript or JavaScript file loads, read with TypeScript's own pre-processor (the
 * scanner the compiler uses to find a program's files): static imports and re-exports,
 * `import x = require()`, `require()`, dynamic `import()`, `import('x')` types and
 * `/// <reference path>`. A load whose module is computed (`require(name)`) is reported as such,
 * since the import scan cannot follow it and the stack must then be reviewed when unsure.
 */
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';

let typescript: typeof TypeScript | undefined;

/**
 * TypeScript takes about half a second to load, so it is loaded only when a stack's imports are
 * scanned, not when iam-gate starts.
 */
function loadTypeScript(): typeof TypeScript {
  typescript ??= createRequire(import.meta.url)('typescript') as typeof TypeScript;
  return typescript;
}

export interface ComputedLoad {
  /** 1-based line of the `require(...)` or `import(...)` call. */
  line: number;
  /**
   * The literal start of the module path when there is one (`./handlers/` in
   * `require(\`./handlers/${name}\`)`), which narrows what it can load.
   */
  prefix?: string;
}

export interface ScannedFile {
  /** Module specifiers written as literals, imports in source order then references, without duplicates. */
  specifiers: string[];
  computed: ComputedLoad[];
}

/** File names whose imports are scanned: TypeScript and JavaScript sources, declaration files included. */
export const SCANNED_SOURCE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;

/** A member call such as Pulumi's `config.require('key')`, which the pre-processor also reports. */
const MEMBER_CALL_BEFORE = /(?:\.|\?\.)\s*(?:require|import)\s*\(\s*$/;
/**
 * A `require(` or `import(` whose argument may not be a plain literal. Only then is the file parsed
 * in full (about five times slower than the pre-processor) to find computed loads exactly.
 */
const MAYBE_COMPUTED = /\b(?:require|import)\s*\(\s*(?!['"]|`[^`$]*`\s*\))[^\s)]/;

export function scanImports(path: string, text: string): ScannedFile {
  const ts = loadTypeScript();
  const info = ts.preProcessFile(text, true, true);
  const specifiers = new Set<string>();
  for (const imported of info.importedFiles) {
    if (MEMBER_CALL_BEFORE.test(text.slice(Math.max(0, imported.pos - 100), imported.pos))) continue;
    specifiers.add(imported.fileName);
  }
  // `/// <reference path="x.d.ts" />` names a file next to this one, not a package.
  for (const reference of info.referencedFiles) {
    const name = reference.fileName;
    specifiers.add(name.startsWith('.') ? name : `./${name}`);
  }
  const computed = MAYBE_COMPUTED.test(text) ? computedLoads(ts, path, text) : [];
  return { specifiers: [...specifiers], computed };
}

function computedLoads(ts: typeof TypeScript, path: string, text: string): ComputedLoad[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, scriptKind(ts, path));
  const computed: ComputedLoad[] = [];
  const visit = (node: TypeScript.Node): void => {
    if (ts.isCallExpression(node) && isModuleLoad(ts, node)) {
      const argument = node.arguments[0];
      if (
        argument !== undefined &&
        !ts.isStringLiteral(argument) &&
        !ts.isNoSubstitutionTemplateLiteral(argument)
      ) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        const prefix = literalPrefix(ts, argument);
        computed.push(prefix === undefined || prefix === '' ? { line } : { line, prefix });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return computed;
}

/** `require(x)` and `import(x)`; not `obj.require(x)` or `require.resolve(x)`, which load nothing. */
function isModuleLoad(ts: typeof TypeScript, call: TypeScript.CallExpression): boolean {
  const callee = call.expression;
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return true;
  return ts.isIdentifier(callee) && callee.text === 'require' && call.arguments.length >= 1;
}

/** The literal text a computed module path starts with: a template's head, or `'lit' + x`. */
function literalPrefix(ts: typeof TypeScript, node: TypeScript.Expression): string | undefined {
  if (ts.isTemplateExpression(node)) return node.head.text;
  if (ts.isParenthesizedExpression(node)) return literalPrefix(ts, node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    if (ts.isStringLiteral(node.left) || ts.isNoSubstitutionTemplateLiteral(node.left)) return node.left.text;
    return literalPrefix(ts, node.left);
  }
  return undefined;
}

function scriptKind(ts: typeof TypeScript, path: string): TypeScript.ScriptKind {
  if (/\.[cm]?ts$/.test(path)) return ts.ScriptKind.TS;
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}
