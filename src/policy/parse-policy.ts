/**
 * Parses an IAM policy given as JSON text or as an already-parsed value into the normalized model.
 * Every problem is collected with its JSON path (`Statement[1].Effect: expected "Allow" or "Deny",
 * got "allow"`); nothing here throws at a user.
 */
import { parseConditionOperator } from './condition-operators.js';
import { childPath } from './json-path.js';
import { parseJsonText } from './json-text.js';
import { PRINCIPAL_TYPES, classifyPrincipal, principalWildcardProblem } from './principal.js';
import type {
  Condition,
  Entries,
  ParseResult,
  PolicyDocument,
  PolicyKind,
  PolicyProblem,
  PolicyVersion,
  Principal,
  PrincipalType,
  Statement,
} from './types.js';
import { isRecord } from '../util/is-record.js';

export interface ParseOptions {
  /**
   * What the policy is attached as. Identity policies and permission boundaries need Resource and
   * must not name a Principal; trust and resource policies need a Principal; trust policies have
   * no Resource. Leave unset to accept any well-formed policy.
   */
  kind?: PolicyKind;
}

const VERSIONS: readonly PolicyVersion[] = ['2012-10-17', '2008-10-17'];
const TOP_LEVEL_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

/**
 * `*`, or `service:action` where either part may hold wildcards. Whitespace around the parts is
 * tolerated because AWS accepted it: its own managed policies have shipped `"lambda:ListFunctions "`
 * and `"ec2: DescribeAccountAttributes"`. Such a name is kept as written, so `unknown-action`
 * still points at it.
 */
const ACTION_SYNTAX = /^\s*(\*|[A-Za-z0-9*?-]+\s*:\s*[A-Za-z0-9*?_-]+)\s*$/;

export function parsePolicy(input: unknown, options: ParseOptions = {}): ParseResult {
  let value = input;
  if (typeof input === 'string') {
    const json = parseJsonText(input);
    if (!json.ok) return { ok: false, errors: [{ path: '', message: json.message }] };
    value = json.value;
  }
  const parser = new PolicyParser(options);
  const policy = parser.document(value);
  return parser.errors.length === 0 && policy ? { ok: true, policy } : { ok: false, errors: parser.errors };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

class PolicyParser {
  readonly errors: PolicyProblem[] = [];

  constructor(private readonly options: ParseOptions) {}

  private problem(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  document(value: unknown): PolicyDocument | undefined {
    if (!isRecord(value)) {
      this.problem('', `expected a policy object, got ${describe(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!TOP_LEVEL_KEYS.has(key)) {
        this.problem(childPath('', key), `unknown element; a policy has only Version, Id and Statement`);
      }
    }
    const version = this.version(value.Version);
    const id = this.optionalString(value.Id, 'Id');
    const statements = this.statements(value.Statement);
    // Every field present, as for statements: one object shape for every document.
    return { version, id, statements };
  }

  private version(value: unknown): PolicyVersion | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (VERSIONS as readonly string[]).includes(value))
      return value as PolicyVersion;
    this.problem('Version', `expected "2012-10-17" or "2008-10-17", got ${describe(value)}`);
    return undefined;
  }

  private optionalString(value: unknown, path: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    this.problem(path, `expected a string, got ${describe(value)}`);
    return undefined;
  }

  private statements(value: unknown): Statement[] {
    if (value === undefined) {
      this.problem('Statement', 'missing; a policy needs at least one statement');
      return [];
    }
    if (isRecord(value)) {
      const statement = this.statement(value, 0, 'Statement');
      return statement ? [statement] : [];
    }
    if (!Array.isArray(value)) {
      this.problem('Statement', `expected a statement object or an array of them, got ${describe(value)}`);
      return [];
    }
    if (value.length === 0) {
      this.problem('Statement', 'expected at least one statement, got an empty array');
      return [];
    }
    // A plain loop: `flatMap` with a callback stayed the slowest part of parsing a history.
    const statements: Statement[] = [];
    for (let index = 0; index < value.length; index++) {
      const entry: unknown = value[index];
      const path = childPath('Statement', index);
      if (!isRecord(entry)) {
        this.problem(path, `expected a statement object, got ${describe(entry)}`);
        continue;
      }
      const statement = this.statement(entry, index, path);
      if (statement) statements.push(statement);
    }
    return statements;
  }

  /** The statement, or undefined when it has a problem (recorded). */
  private statement(raw: Record<string, unknown>, index: number, path: string): Statement | undefined {
    const before = this.errors.length;
    for (const key in raw) {
      if (!STATEMENT_KEYS.has(key)) {
        this.problem(
          childPath(path, key),
          'unknown element; a statement has Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition',
        );
      }
    }
    const sid = raw.Sid === undefined ? undefined : this.optionalString(raw.Sid, childPath(path, 'Sid'));
    const effect =
      raw.Effect === 'Allow' || raw.Effect === 'Deny'
        ? raw.Effect
        : this.effect(raw.Effect, childPath(path, 'Effect'));
    const action = this.exclusivePair(raw, path, 'Action', 'NotAction', true);
    const resource = this.exclusivePair(raw, path, 'Resource', 'NotResource', false);
    const principal = this.principalPair(raw, path);
    const conditions =
      raw.Condition === undefined ? [] : this.conditions(raw.Condition, childPath(path, 'Condition'));
    this.kindRules(raw, path);

    if (this.errors.length > before || !effect) return undefined;
    // Every field present, absent ones undefined: statements of one shape whichever elements they
    // have, so that the code reading them (the diff compiles every statement of every revision) sees
    // one object layout instead of one per combination of Sid, NotAction, NotResource, Principal.
    return {
      sid,
      effect,
      principal: principal?.key === 'Principal' ? principal.principals : undefined,
      notPrincipal: principal?.key === 'NotPrincipal' ? principal.principals : undefined,
      action: raw.Action !== undefined ? action : undefined,
      notAction: raw.Action === undefined ? action : undefined,
      resource: raw.Resource !== undefined ? resource : undefined,
      notResource: raw.Resource === undefined ? resource : undefined,
      conditions,
      index,
      path,
    };
  }

  private effect(value: unknown, path: string): Statement['effect'] | undefined {
    if (value === 'Allow' || value === 'Deny') return value;
    if (value === undefined) this.problem(path, 'missing; expected "Allow" or "Deny"');
    else this.problem(path, `expected "Allow" or "Deny", got ${describe(value)}`);
    return undefined;
  }

  /**
   * Action/NotAction and Resource/NotResource: at most one of the two, each a string or string list.
   * Which one it was is left to the caller (`raw[key] !== undefined`): no object per element.
   */
  private exclusivePair<K extends string>(
    raw: Record<string, unknown>,
    path: string,
    key: K,
    notKey: `Not${K}`,
    required: boolean,
  ): Entries | undefined {
    const has = raw[key] !== undefined;
    const hasNot = raw[notKey] !== undefined;
    if (has && hasNot) {
      this.problem(path, `has both ${key} and ${notKey}; use one`);
      return undefined;
    }
    if (!has && !hasNot) {
      if (required) this.problem(path, `missing ${key} (or ${notKey})`);
      return undefined;
    }
    const which = has ? key : notKey;
    return this.stringList(raw[which], childPath(path, which), key === 'Action' ? 'action' : 'resource');
  }

  private stringList(value: unknown, path: string, what: 'action' | 'resource'): Entries | undefined {
    if (typeof value === 'string') {
      const problem = what === 'action' ? actionProblem(value) : resourceProblem(value);
      if (problem) this.problem(path, problem);
      return new EntryList([value], path, true);
    }
    if (!Array.isArray(value)) {
      this.problem(path, `expected a string or an array of strings, got ${describe(value)}`);
      return undefined;
    }
    if (value.length === 0) {
      this.problem(path, `expected at least one ${what}, got an empty array`);
      return undefined;
    }
    let strings = true;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'string') {
        this.problem(childPath(path, i), `expected a string, got ${describe(item)}`);
        strings = false;
        continue;
      }
      const problem = what === 'action' ? actionProblem(item) : resourceProblem(item);
      if (problem) this.problem(childPath(path, i), problem);
    }
    const values = (strings ? value.slice() : value.filter((item) => typeof item === 'string')) as string[];
    return new EntryList(values, path, false);
  }

  private principalPair(
    raw: Record<string, unknown>,
    path: string,
  ): { key: 'Principal' | 'NotPrincipal'; principals: Principal[] } | undefined {
    if (raw.Principal !== undefined && raw.NotPrincipal !== undefined) {
      this.problem(path, 'has both Principal and NotPrincipal; use one');
      return undefined;
    }
    const key =
      raw.Principal !== undefined ? 'Principal' : raw.NotPrincipal !== undefined ? 'NotPrincipal' : undefined;
    if (!key) return undefined;
    const principals = this.principals(raw[key], childPath(path, key));
    return principals && { key, principals };
  }

  private principals(value: unknown, path: string): Principal[] | undefined {
    if (value === '*') return [{ type: 'AWS', value: '*', class: { kind: 'any' }, path }];
    if (!isRecord(value)) {
      this.problem(path, `expected "*" or an object such as {"AWS": "123456789012"}, got ${describe(value)}`);
      return undefined;
    }
    const principals: Principal[] = [];
    const entries = Object.entries(value);
    if (entries.length === 0)
      this.problem(path, 'expected at least one of AWS, Service, Federated, CanonicalUser');
    for (const [type, values] of entries) {
      const typePath = childPath(path, type);
      if (!(PRINCIPAL_TYPES as readonly string[]).includes(type)) {
        this.problem(typePath, `unknown principal type; expected AWS, Service, Federated or CanonicalUser`);
        continue;
      }
      const list = typeof values === 'string' ? [values] : values;
      if (!Array.isArray(list) || list.length === 0) {
        this.problem(typePath, `expected a string or a non-empty array of strings, got ${describe(values)}`);
        continue;
      }
      list.forEach((item: unknown, i) => {
        const itemPath = typeof values === 'string' ? typePath : childPath(typePath, i);
        if (typeof item !== 'string' || item === '') {
          this.problem(itemPath, `expected a principal string, got ${describe(item)}`);
          return;
        }
        const wildcard = principalWildcardProblem(type as PrincipalType, item);
        if (wildcard) this.problem(itemPath, wildcard);
        principals.push({
          type: type as PrincipalType,
          value: item,
          class: classifyPrincipal(type as PrincipalType, item),
          path: itemPath,
        });
      });
    }
    return principals;
  }

  private conditions(value: unknown, path: string): Condition[] {
    if (value === undefined) return [];
    if (!isRecord(value)) {
      this.problem(path, `expected an object of condition operators, got ${describe(value)}`);
      return [];
    }
    const conditions: Condition[] = [];
    for (const written in value) {
      const block = value[written];
      const operatorPath = childPath(path, written);
      const operator = parseConditionOperator(written);
      if (!operator) {
        this.problem(operatorPath, `unknown condition operator ${JSON.stringify(written)}`);
        continue;
      }
      if (!isRecord(block)) {
        this.problem(operatorPath, `expected an object of condition keys, got ${describe(block)}`);
        continue;
      }
      for (const key in block) {
        const raw = block[key];
        const keyPath = childPath(operatorPath, key);
        const values = this.conditionValues(raw, keyPath);
        if (values) conditions.push({ ...operator, key, values, path: keyPath });
      }
    }
    return conditions;
  }

  private conditionValues(value: unknown, path: string): string[] | undefined {
    // AWS compares numbers and booleans by their text: {"Bool": {"aws:SecureTransport": true}} is "true".
    if (!Array.isArray(value)) {
      if (typeof value === 'string') return [value];
      if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
      this.problem(path, `expected a string, number or boolean, got ${describe(value)}`);
      return undefined;
    }
    let strings = true;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'string') continue;
      if (typeof item === 'number' || typeof item === 'boolean') {
        strings = false;
        continue;
      }
      this.problem(childPath(path, i), `expected a string, number or boolean, got ${describe(item)}`);
      return undefined;
    }
    // A copy of the list's length rather than one grown entry by entry.
    return strings ? (value.slice() as string[]) : value.map((item) => String(item));
  }

  private kindRules(raw: Record<string, unknown>, path: string): void {
    const kind = this.options.kind;
    if (!kind) return;
    const hasPrincipal = raw.Principal !== undefined || raw.NotPrincipal !== undefined;
    const hasResource = raw.Resource !== undefined || raw.NotResource !== undefined;
    if ((kind === 'identity' || kind === 'boundary') && hasPrincipal) {
      this.problem(
        path,
        `an ${kind} policy cannot name a Principal; it applies to the principal it is attached to`,
      );
    }
    if ((kind === 'identity' || kind === 'boundary' || kind === 'resource') && !hasResource) {
      this.problem(path, 'missing Resource (or NotResource)');
    }
    if ((kind === 'trust' || kind === 'resource') && !hasPrincipal) {
      this.problem(path, 'missing Principal (or NotPrincipal)');
    }
    if (kind === 'trust' && hasResource) {
      this.problem(path, 'a trust policy cannot have Resource; the resource is the role itself');
    }
  }
}

/**
 * Entries whose per-value paths are built only when asked for: rules read them for the few values
 * they report, and building tens of thousands of path strings per run costs more than the rest of
 * the parse. A value that was not a string is left out, as AWS would reject the policy anyway.
 */
class EntryList implements Entries {
  readonly #single: boolean;
  #paths: string[] | undefined;

  constructor(
    readonly values: string[],
    readonly path: string,
    single: boolean,
  ) {
    this.#single = single;
  }

  get paths(): string[] {
    this.#paths ??= this.values.map((_, i) => this.pathAt(i));
    return this.#paths;
  }

  pathAt(index: number): string {
    return this.#single ? this.path : childPath(this.path, index);
  }
}

/** `entries.paths[index]`, without building every path of a long list to report one entry. */
export function entryPath(entries: Entries, index: number): string {
  return entries instanceof EntryList ? entries.pathAt(index) : (entries.paths[index] ?? entries.path);
}

function actionProblem(action: string): string | undefined {
  if (action === '') return 'expected an action, got an empty string';
  // One RegExp: measured over the 761,469 actions of the managed-policy history it takes half the
  // time of a character loop in JavaScript.
  if (ACTION_SYNTAX.test(action)) return undefined;
  return `expected "service:action" such as "s3:GetObject", or "*", got ${JSON.stringify(action)}`;
}

/** Resources are `*`, ARNs, or symbolic IaC references that resolve to ARNs at deploy time. */
function resourceProblem(resource: string): string | undefined {
  if (resource === '*' || resource.startsWith('arn:') || resource.includes('${')) return undefined;
  if (resource === '') return 'expected an ARN or "*", got an empty string';
  return `expected an ARN or "*", got ${JSON.stringify(resource)}`;
}
