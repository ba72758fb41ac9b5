/**
 * The rule contract. Rules are pure: they receive parsed policies and settings and return hits
 * (data, never exceptions); the engine turns hits into findings with severity and source.
 */
import type { Catalog } from '../catalog/index.js';
import type { PolicySource } from '../extract/types.js';
import type { PolicyDocument, PolicyKind, PolicyProblem } from '../policy/types.js';

/** SARIF's levels: `error` blocks a merge by default, `warning` and `note` inform. */
export type Severity = 'error' | 'warning' | 'note';

/** What rules need to know about the organisation, from the config file. */
export interface RuleSettings {
  /** Accounts the organisation owns: trust from them is not cross-account. */
  ownAccounts: readonly string[];
  /** Third-party accounts explicitly trusted without ExternalId (still reported if `*`-like). */
  trustedAccounts: readonly string[];
  /** OIDC `sub` patterns the organisation allows (`repo:acme/infra:ref:refs/heads/main`, `repo:acme/*:environment:prod`). */
  allowedOidcSubjects: readonly string[];
}

/** One thing a rule found. `path` is the JSON path inside the policy (`Statement[0].Action[1]`). */
export interface RuleHit {
  path: string;
  message: string;
  /** For principal rules: which of the principal's policies the hit belongs to. Defaults to the checked one. */
  sourceId?: string;
  /** When one rule finds things of different weight (PassRole on `*` vs. on one role without a service fence). */
  severity?: Severity;
}

export interface ParsedSource {
  source: PolicySource;
  policy: PolicyDocument;
}

export interface PolicyRuleContext extends ParsedSource {
  catalog: Catalog;
  settings: RuleSettings;
}

export interface PrincipalRuleContext {
  /** The principal's address (`AppRole`, `aws_iam_role.app`). */
  principal: string;
  /** Every parsed identity policy attached to the principal (inline and managed). */
  policies: readonly ParsedSource[];
  catalog: Catalog;
  settings: RuleSettings;
}

export interface SourceRuleContext {
  source: PolicySource;
  /** Parse problems, empty when the policy parsed (or could not be read at all: see `source.unresolved`). */
  problems: readonly PolicyProblem[];
}

interface RuleMeta {
  /** Stable id: appears in configs, docs (`docs/rules/<id>.md`) and SARIF. */
  id: string;
  defaultSeverity: Severity;
  /** One line, shown in SARIF rule metadata and `iam-gate rules`. */
  description: string;
}

/** Runs once per parsed policy. */
export interface PolicyRule extends RuleMeta {
  scope: 'policy';
  /**
   * The policy kinds the rule judges; all when unset. Over-breadth rules leave permission
   * boundaries alone: a broad boundary grants nothing, it only caps what other policies grant.
   */
  appliesTo?: readonly PolicyKind[];
  check(context: PolicyRuleContext): RuleHit[];
}

/** Runs once per principal over all its identity policies together (privilege escalation). */
export interface PrincipalRule extends RuleMeta {
  scope: 'principal';
  check(context: PrincipalRuleContext): RuleHit[];
}

/** Runs once per extracted source, parsed or not (malformed and unresolved policies). */
export interface SourceRule extends RuleMeta {
  scope: 'source';
  check(context: SourceRuleContext): RuleHit[];
}

export type Rule = PolicyRule | PrincipalRule | SourceRule;

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** JSON path inside the policy document. */
  path: string;
  source: PolicySource;
  /**
   * 1-based line of the element at `path` in the source's file, when it is known more precisely than
   * the policy's own line (`source.location.line`). Set by `check` for the formats that show lines,
   * and by `review` for template and policy stacks (from `PolicySource.lines`).
   */
  line?: number;
  /**
   * More about the finding that is not part of what it is (a review's example request for an added
   * row): shown after the message where there is room, left out of SARIF fingerprints so that a
   * different example never reopens an alert.
   */
  detail?: string;
  /** Set by `review`: whether the base revision lacked this finding. */
  introduced?: boolean;
  /** Set when a config exception matched: the finding is shown but never blocks. */
  suppressed?: { reason: string; expires?: string };
}
