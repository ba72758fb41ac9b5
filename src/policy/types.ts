/**
 * The normalized IAM policy model. Every JSON shape AWS accepts (a single Statement object or an
 * array, strings or arrays for Action/Resource/Principal, scalar or list condition values) parses
 * into this one form, so rules, diff and simulator never look at raw JSON.
 */

export type Effect = 'Allow' | 'Deny';

/** `2008-10-17` (or no Version at all) treats `${...}` as literal text; `2012-10-17` substitutes it. */
export type PolicyVersion = '2012-10-17' | '2008-10-17';

/** What a policy is attached as: decides which elements are required (Principal, Resource). */
export type PolicyKind = 'identity' | 'trust' | 'resource' | 'boundary';

export type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';

/** What a principal value refers to, worked out once at parse time. */
export type PrincipalClass =
  /** `"*"` or `{"AWS": "*"}`: anyone, including anonymous callers. */
  | { kind: 'any' }
  /** A bare account id or `arn:aws:iam::123456789012:root`: any principal that account allows. */
  | { kind: 'account'; accountId: string }
  /** A role, user, assumed-role session or other IAM ARN. */
  | { kind: 'iam'; accountId: string; resourceType: string; arn: string }
  | { kind: 'service'; service: string }
  | { kind: 'federated'; provider: string }
  | { kind: 'canonical-user'; id: string }
  /** A value we cannot classify (a symbolic IaC reference, a malformed ARN). Never treated as safe. */
  | { kind: 'unknown' };

export interface Principal {
  type: PrincipalType;
  /** The value exactly as written, e.g. `123456789012` or `arn:aws:iam::123456789012:role/ci`. */
  value: string;
  class: PrincipalClass;
  /** JSON path of this value, e.g. `Statement[0].Principal.AWS[1]`. */
  path: string;
}

export type SetQualifier = 'ForAnyValue' | 'ForAllValues';

export interface Condition {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** The operator without set qualifier and IfExists suffix, e.g. `StringLike`. */
  baseOperator: string;
  setQualifier?: SetQualifier;
  ifExists: boolean;
  /** The condition key as written. Keys are case-insensitive in IAM; compare with `toLowerCase()`. */
  key: string;
  /** Values as strings: AWS compares numbers and booleans by their text. A value of one key is an OR. */
  values: string[];
  /** JSON path of the key, e.g. `Statement[0].Condition.StringEquals["aws:SourceAccount"]`. */
  path: string;
}

/** A list-valued statement element with the JSON path of each entry, for precise findings. */
export interface Entries {
  values: string[];
  /** Path of the element itself (`Statement[0].Action`). */
  path: string;
  /** Path of each value (`Statement[0].Action[2]`, or the element path when it was a single string). */
  paths: string[];
}

export interface Statement {
  sid?: string;
  effect: Effect;
  /** Exactly one of `action` / `notAction` is set. */
  action?: Entries;
  notAction?: Entries;
  /** At most one of `resource` / `notResource` is set; trust policies have neither. */
  resource?: Entries;
  notResource?: Entries;
  /** At most one of `principal` / `notPrincipal` is set; identity policies have neither. */
  principal?: Principal[];
  notPrincipal?: Principal[];
  /** Condition keys joined by AND; each entry's values joined by OR. Empty when there is none. */
  conditions: Condition[];
  /** Position in the document's Statement list. */
  index: number;
  /** JSON path of the statement: `Statement[1]`, or `Statement` when it was a single object. */
  path: string;
}

export interface PolicyDocument {
  /** Undefined when the document has no Version: AWS then applies 2008-10-17 semantics. */
  version?: PolicyVersion;
  id?: string;
  statements: Statement[];
}

/** A problem found while parsing: data, never an exception. */
export interface PolicyProblem {
  /** JSON path of the offending element, `` for the document itself. */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; policy: PolicyDocument } | { ok: false; errors: PolicyProblem[] };
