/**
 * The HCL expressions CDKTF writes for `Fn.jsonencode(...)`:
 *
 *     ${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Action" = "s3:GetObject",
 *       "Resource" = "${aws_s3_bucket.data.arn}/*", "Condition" = {"ArnLike" = {"aws:SourceArn" = aws_sns_topic.t.arn}}}]})}
 *
 * Objects with `=` or `:` between key and value (commas or newlines between members), tuples,
 * template strings, numbers, booleans, null, and references and function calls, which stay
 * symbolic as `${aws_sns_topic.t.arn}` / `${lower(var.name)}`. Operators, conditionals, `for`
 * expressions and template directives are outside the subset and reported, never guessed at.
 */

export type HclResult = { ok: true; value: unknown } | { ok: false; message: string };

class HclSyntaxError extends Error {}

/** If `expression` (the text inside `${...}`) is `jsonencode(<value>)`, that value with references kept symbolic. */
export function parseJsonencode(expression: string): HclResult | undefined {
  const parser = new Parser(expression);
  parser.space();
  if (!parser.consumeWord('jsonencode')) return undefined;
  return parser.run(() => {
    parser.expect('(');
    const value = parser.value();
    parser.expect(')');
    return value;
  });
}

/** Parses one whole HCL expression of the supported subset. */
export function parseHclExpression(expression: string): HclResult {
  const parser = new Parser(expression);
  return parser.run(() => parser.value());
}

/**
 * Splits a Terraform string that is exactly one interpolation, `${...}`, into the expression
 * inside; undefined when the string has other text around it (`"${aws_s3_bucket.b.arn}/*"`).
 */
export function soleInterpolation(text: string): string | undefined {
  if (!text.startsWith('${')) return undefined;
  const end = interpolationEnd(text, 2);
  return end === text.length - 1 ? text.slice(2, end) : undefined;
}

/** Index of the `}` that closes an interpolation whose body starts at `start`, skipping nested braces and strings. */
function interpolationEnd(text: string, start: number): number | undefined {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = stringEnd(text, i);
      if (i < 0) return undefined;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

/** Index of the closing quote of the template string opening at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if (c === '$' && text[i + 1] === '{' && text[i - 1] !== '$') {
      const end = interpolationEnd(text, i + 2);
      if (end === undefined) return -1;
      i = end;
    }
  }
  return -1;
}

/**
 * Terraform template escapes in a string that is not parsed further: `$${` is a literal `${`
 * (how IAM policy variables are written in Terraform) and `%%{` a literal `%{`.
 */
export function unescapeTemplate(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  run(body: () => unknown): HclResult {
    try {
      const value = body();
      this.space();
      if (this.pos < this.text.length) this.fail(`unexpected ${this.describeHere()}`);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof HclSyntaxError) return { ok: false, message: error.message };
      throw error;
    }
  }

  private fail(message: string): never {
    throw new HclSyntaxError(`${message} at offset ${this.pos}`);
  }

  private describeHere(): string {
    const rest = this.text.slice(this.pos, this.pos + 12);
    return rest === '' ? 'end of expression' : JSON.stringify(rest);
  }

  /** Skips whitespace, newlines and comments. */
  space(): void {
    for (;;) {
      const rest = this.text.slice(this.pos);
      const skipped = /^(?:\s+|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\/)/.exec(rest);
      if (!skipped) return;
      this.pos += skipped[0].length;
    }
  }

  consumeWord(word: string): boolean {
    IDENTIFIER.lastIndex = this.pos;
    const match = IDENTIFIER.exec(this.text);
    if (match?.[0] !== word) return false;
    this.pos += word.length;
    return true;
  }

  expect(char: string): void {
    this.space();
    if (this.text[this.pos] !== char) this.fail(`expected "${char}", got ${this.describeHere()}`);
    this.pos++;
  }

  value(): unknown {
    this.space();
    const c = this.text[this.pos];
    let value: unknown;
    if (c === '{') value = this.object();
    else if (c === '[') value = this.tuple();
    else if (c === '"') value = this.string();
    else if (c !== undefined && /[-\d]/.test(c)) value = this.number();
    else value = this.wordOrReference();
    this.space();
    const next = this.text[this.pos];
    if (
      next !== undefined &&
      /[?+*/%<>=!&|-]/.test(next) &&
      !(next === '=' && this.text[this.pos + 1] !== '=')
    )
      this.fail(`operators and conditionals are not supported, got ${this.describeHere()}`);
    return value;
  }

  private object(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.space();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.key();
      this.space();
      const separator = this.text[this.pos];
      if (separator !== '=' && separator !== ':') this.fail(`expected "=" or ":" after key "${key}"`);
      this.pos++;
      out[key] = this.value();
    }
  }

  private key(): string {
    const c = this.text[this.pos];
    if (c === '"') {
      const key = this.string();
      if (key.includes('${')) this.fail('object keys computed from references are not supported');
      return key;
    }
    IDENTIFIER.lastIndex = this.pos;
    const match = IDENTIFIER.exec(this.text);
    if (!match) this.fail(`expected an object key, got ${this.describeHere()}`);
    this.pos += match[0].length;
    return match[0];
  }

  private tuple(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    for (;;) {
      this.space();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return out;
      }
      if (this.text.startsWith('for', this.pos) && /\s/.test(this.text[this.pos + 3] ?? ''))
        this.fail('for expressions are not supported');
      out.push(this.value());
      this.space();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== ']') this.fail(`expected "," or "]", got ${this.describeHere()}`);
    }
  }

  /** A quoted template: escapes decoded, `$${` -> literal `${`, interpolations kept verbatim. */
  private string(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) {
        this.pos = start;
        this.fail('unterminated string');
      }
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += this.escape();
        continue;
      }
      if (this.text.startsWith('$${', this.pos) || this.text.startsWith('%%{', this.pos)) {
        out += `${c}{`;
        this.pos += 3;
        continue;
      }
      if (this.text.startsWith('%{', this.pos)) this.fail('template directives (%{...}) are not supported');
      if (this.text.startsWith('${', this.pos)) {
        const end = interpolationEnd(this.text, this.pos + 2);
        if (end === undefined) this.fail('unterminated interpolation');
        out += this.text.slice(this.pos, end + 1);
        this.pos = end + 1;
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  private escape(): string {
    const c = this.text[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '"':
      case '\\':
        return c;
      case 'u':
      case 'U': {
        const length = c === 'u' ? 4 : 8;
        const hex = this.text.slice(this.pos, this.pos + length);
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== length) this.fail('invalid unicode escape');
        this.pos += length;
        return String.fromCodePoint(parseInt(hex, 16));
      }
      default:
        this.pos -= 2;
        return this.fail(`invalid escape "\\${c ?? ''}"`);
    }
  }

  private number(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail(`expected a value, got ${this.describeHere()}`);
    this.pos += match[0].length;
    return Number(match[0]);
  }

  /** `true`/`false`/`null`, or a reference / function call kept symbolic as `${...}`. */
  private wordOrReference(): unknown {
    const start = this.pos;
    IDENTIFIER.lastIndex = this.pos;
    const word = IDENTIFIER.exec(this.text)?.[0];
    if (word === undefined) this.fail(`expected a value, got ${this.describeHere()}`);
    this.pos += word.length;
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    if (this.text[this.pos] === '(') {
      this.skipBalanced('(', ')');
      return `\${${this.text.slice(start, this.pos)}}`;
    }
    // Attribute access and indexing: `aws_s3_bucket.data.arn`, `var.arns[0]`, `aws_iam_role.r[*].arn`.
    for (;;) {
      if (this.text[this.pos] === '.') {
        this.pos++;
        IDENTIFIER.lastIndex = this.pos;
        const part = IDENTIFIER.exec(this.text)?.[0] ?? /^(\d+|\*)/.exec(this.text.slice(this.pos))?.[0];
        if (part === undefined) this.fail(`expected an attribute name, got ${this.describeHere()}`);
        this.pos += part.length;
      } else if (this.text[this.pos] === '[') {
        this.skipBalanced('[', ']');
      } else {
        break;
      }
    }
    return `\${${this.text.slice(start, this.pos)}}`;
  }

  /** Moves past a bracketed group, strings and nesting included. */
  private skipBalanced(open: string, close: string): void {
    let depth = 0;
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos];
      if (c === '"') {
        const end = stringEnd(this.text, this.pos);
        if (end < 0) this.fail('unterminated string');
        this.pos = end;
      } else if (c === open) depth++;
      else if (c === close && --depth === 0) {
        this.pos++;
        return;
      }
    }
    this.fail(`missing "${close}"`);
  }
}
