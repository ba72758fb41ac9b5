/** Parses JSON text; on failure reports the line and column an editor shows, never a stack trace. */
import { type ParseError, parse as parseTolerant, printParseErrorCode } from 'jsonc-parser';

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJsonText(text: string): JsonTextResult {
  try {
    // The native parser is the fast path; jsonc-parser only runs to locate an error precisely,
    // since V8's messages omit the position for some errors ("Unexpected token ']'").
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    if (!first) {
      const detail = error instanceof Error ? error.message : String(error);
      return { ok: false, message: `invalid JSON: ${detail}` };
    }
    const { line, column } = lineAndColumn(text, first.offset);
    return { ok: false, message: `invalid JSON at line ${line}, column ${column}: ${describe(first)}` };
  }
}

function describe(error: ParseError): string {
  const code = printParseErrorCode(error.error);
  // "PropertyNameExpected" -> "property name expected"
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
