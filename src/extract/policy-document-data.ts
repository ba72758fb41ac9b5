/**
 * Renders a Terraform `data "aws_iam_policy_document"` block into the JSON policy the AWS provider
 * would produce, so `policy = data.aws_iam_policy_document.x.json` is linted like a literal policy.
 *
 * Follows the provider: `effect` defaults to Allow, one-element lists become plain strings,
 * principals and conditions are grouped by type and by operator, `source_policy_documents` come
 * first and statements with the same non-empty `sid` in this document (and then in
 * `override_policy_documents`) replace them. Strings are Terraform templates: `$${aws:username}`
 * is the policy variable `${aws:username}`, other `${...}` stay symbolic.
 */
import { childPath } from '../policy/json-path.js';
import type { PolicyProblem } from '../policy/types.js';
import { parseJsonText } from '../policy/json-text.js';
import { soleInterpolation, unescapeTemplate } from './hcl-jsonencode.js';
import { isRecord } from '../util/is-record.js';

export interface RenderedPolicy {
  document: Record<string, unknown>;
  /** What could not be rendered before Terraform runs (dynamic blocks, list-valued expressions). */
  problems: PolicyProblem[];
}

/** Finds another `data.aws_iam_policy_document` block by name, for source and override documents. */
export type PolicyDocumentLookup = (name: string) => Record<string, unknown> | undefined;

/** Terraform JSON writes a nested block as one object or as a list of them. */
function blocks(value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter(isRecord);
}

/** `${data.aws_iam_policy_document.NAME.json}` (or `.minified_json`) -> NAME. */
export function policyDocumentReference(text: string): string | undefined {
  const expression = soleInterpolation(text.trim());
  return expression === undefined
    ? undefined
    : /^data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.(?:minified_)?json$/.exec(expression.trim())?.[1];
}

export function renderPolicyDocumentData(
  name: string,
  block: Record<string, unknown>,
  lookup: PolicyDocumentLookup,
): RenderedPolicy {
  return new Renderer(lookup).render(name, block, new Set());
}

class Renderer {
  readonly problems: PolicyProblem[] = [];

  constructor(private readonly lookup: PolicyDocumentLookup) {}

  render(name: string, block: Record<string, unknown>, seen: Set<string>): RenderedPolicy {
    const inner = new Set(seen).add(name);
    const statements: Record<string, unknown>[] = [];
    for (const source of this.documentList(
      block.source_policy_documents,
      block.source_json,
      'source_policy_documents',
      inner,
    ))
      merge(statements, source);
    if (block.dynamic !== undefined)
      this.problems.push({
        path: 'Statement',
        message: 'dynamic blocks are expanded only when Terraform runs',
      });
    merge(
      statements,
      blocks(block.statement).map((statement, i) => this.statement(statement, childPath('Statement', i))),
    );
    for (const override of this.documentList(
      block.override_policy_documents,
      block.override_json,
      'override_policy_documents',
      inner,
    ))
      merge(statements, override);

    const document: Record<string, unknown> = {
      Version: typeof block.version === 'string' ? block.version : '2012-10-17',
    };
    if (typeof block.policy_id === 'string') document.Id = this.text(block.policy_id);
    document.Statement = statements;
    return { document, problems: this.problems };
  }

  /** Statements of the documents a block builds on: rendered data blocks or literal JSON policies. */
  private documentList(
    list: unknown,
    legacy: unknown,
    what: string,
    seen: Set<string>,
  ): Record<string, unknown>[][] {
    const entries = [
      ...(Array.isArray(list) ? list : list === undefined ? [] : [list]),
      ...(legacy === undefined ? [] : [legacy]),
    ];
    return entries.map((entry) => {
      if (typeof entry !== 'string') {
        this.problems.push({ path: 'Statement', message: `${what} is not a list of policy documents` });
        return [];
      }
      const reference = policyDocumentReference(entry);
      if (reference !== undefined) {
        const block = this.lookup(reference);
        if (!block || seen.has(reference)) {
          const why = block ? 'refers back to itself' : 'is not in this file';
          this.problems.push({
            path: 'Statement',
            message: `data.aws_iam_policy_document.${reference} ${why}`,
          });
          return [];
        }
        return statementObjects(this.render(reference, block, seen).document.Statement);
      }
      if (soleInterpolation(entry.trim()) !== undefined) {
        this.problems.push({
          path: 'Statement',
          message: `${what} includes ${entry}, known only when Terraform runs`,
        });
        return [];
      }
      const parsed = parseJsonText(unescapeTemplate(entry));
      if (!parsed.ok || !isRecord(parsed.value)) {
        this.problems.push({
          path: 'Statement',
          message: `${what} includes a document that is not a JSON policy`,
        });
        return [];
      }
      return statementObjects(parsed.value.Statement);
    });
  }

  private statement(raw: Record<string, unknown>, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (typeof raw.sid === 'string' && raw.sid !== '') out.Sid = this.text(raw.sid);
    out.Effect = typeof raw.effect === 'string' ? this.text(raw.effect) : 'Allow';
    this.list(out, 'Action', raw.actions, path);
    this.list(out, 'NotAction', raw.not_actions, path);
    this.list(out, 'Resource', raw.resources, path);
    this.list(out, 'NotResource', raw.not_resources, path);
    this.principals(out, 'Principal', raw.principals, path);
    this.principals(out, 'NotPrincipal', raw.not_principals, path);
    this.conditions(out, raw.condition, path);
    if (raw.dynamic !== undefined)
      this.problems.push({ path, message: 'dynamic blocks are expanded only when Terraform runs' });
    return out;
  }

  private text(value: string): string {
    return unescapeTemplate(value);
  }

  /** A string list; a whole-list expression (`"${var.actions}"`) cannot be read before Terraform runs. */
  private strings(value: unknown, path: string): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') {
      this.problems.push({
        path,
        message: `the list is the Terraform expression ${value}, known only when Terraform runs`,
      });
      return [value];
    }
    if (!Array.isArray(value)) return undefined;
    return value.map((item) => (typeof item === 'string' ? this.text(item) : String(item)));
  }

  private list(out: Record<string, unknown>, key: string, value: unknown, path: string): void {
    const values = this.strings(value, childPath(path, key));
    if (values && values.length > 0) out[key] = collapse(values);
  }

  private principals(out: Record<string, unknown>, key: string, value: unknown, path: string): void {
    const entries = blocks(value);
    if (entries.length === 0) return;
    const grouped: Record<string, string[]> = {};
    for (const entry of entries) {
      const type = typeof entry.type === 'string' ? entry.type : '?';
      const identifiers = this.strings(entry.identifiers, childPath(childPath(path, key), type)) ?? [];
      grouped[type] = [...(grouped[type] ?? []), ...identifiers];
    }
    // `principals { type = "*", identifiers = ["*"] }` is how the provider writes `"Principal": "*"`.
    const star = grouped['*'];
    if (star && Object.keys(grouped).length === 1 && star.every((id) => id === '*')) {
      out[key] = '*';
      return;
    }
    out[key] = Object.fromEntries(Object.entries(grouped).map(([type, ids]) => [type, collapse(ids)]));
  }

  private conditions(out: Record<string, unknown>, value: unknown, path: string): void {
    const entries = blocks(value);
    if (entries.length === 0) return;
    const grouped: Record<string, Record<string, string[]>> = {};
    for (const entry of entries) {
      if (typeof entry.test !== 'string' || typeof entry.variable !== 'string') {
        this.problems.push({
          path: childPath(path, 'Condition'),
          message: 'a condition block needs test and variable',
        });
        continue;
      }
      const test = this.text(entry.test);
      const variable = this.text(entry.variable);
      const values =
        this.strings(entry.values, childPath(childPath(childPath(path, 'Condition'), test), variable)) ?? [];
      const byVariable = (grouped[test] ??= {});
      byVariable[variable] = [...(byVariable[variable] ?? []), ...values];
    }
    out.Condition = Object.fromEntries(
      Object.entries(grouped).map(([test, byVariable]) => [
        test,
        Object.fromEntries(
          Object.entries(byVariable).map(([variable, values]) => [variable, collapse(values)]),
        ),
      ]),
    );
  }
}

function collapse(values: string[]): string | string[] {
  return values.length === 1 && values[0] !== undefined ? values[0] : values;
}

function statementObjects(value: unknown): Record<string, unknown>[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(isRecord);
}

/** Adds statements, a non-empty Sid replacing the earlier statement with the same Sid. */
function merge(into: Record<string, unknown>[], statements: Record<string, unknown>[]): void {
  for (const statement of statements) {
    const sid = statement.Sid;
    const existing = typeof sid === 'string' && sid !== '' ? into.findIndex((s) => s.Sid === sid) : -1;
    if (existing >= 0) into[existing] = statement;
    else into.push(statement);
  }
}
