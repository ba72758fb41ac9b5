/**
 * Permission expectations as code: the config's `expect:` entries ("aws_iam_role.app must not be
 * able to s3:DeleteObject on the data bucket") evaluated with the local simulator against the
 * policies of one revision. A failed expectation is a finding, `expectation-failed`, that blocks by
 * default: it is the "expect implicitDeny" check of AWS's simulator, run on every change for free.
 *
 * The caller's identity policies are the identity policies extracted for the principal's address
 * (inline and managed alike), and its permissions boundary the boundary sources for that address.
 * An expectation that cannot be decided (a policy of the principal is unresolved or malformed, the
 * principal is unknown) fails too, saying why: passing it silently would be the one wrong answer.
 */
import { principalOf, type PolicySource } from '../extract/types.js';
import type { Expectation } from '../config/schema.js';
import { closestMatch } from '../util/closest-match.js';
import { parsePolicy } from '../policy/parse-policy.js';
import type { PolicyDocument } from '../policy/types.js';
import type { Finding } from '../rules/types.js';
import { EXPECTATION_FAILED } from './expectation-failed.js';
import { simulate } from '../simulate/simulate.js';
import type { MatchedStatement, SimulationResult } from '../simulate/types.js';

export { EXPECTATION_FAILED };

export interface ExpectationContext {
  /** The config file as reports name it (relative to the repository root), for findings that point at it. */
  configFile: string;
  /** 1-based line of each entry in the config file, when known. */
  lines?: readonly (number | undefined)[];
}

export interface ExpectationResult {
  expectation: Expectation;
  index: number;
  /** Undefined when the expectation could not be evaluated (see `finding`). */
  simulation?: SimulationResult;
  passed: boolean;
  /** Set when the expectation failed. */
  finding?: Finding;
}

interface PrincipalPolicies {
  identity: ParsedPolicy[];
  boundary: ParsedPolicy[];
  /** Sources of the principal that cannot be evaluated, with why. */
  unreadable: { source: PolicySource; why: string }[];
}

interface ParsedPolicy {
  source: PolicySource;
  policy: PolicyDocument;
}

export function evaluateExpectations(
  expectations: readonly Expectation[],
  sources: readonly PolicySource[],
  context: ExpectationContext,
): ExpectationResult[] {
  if (expectations.length === 0) return [];
  const principals = new Set<string>();
  for (const source of sources) principals.add(principalOf(source));
  const cache = new Map<string, PrincipalPolicies>();
  const policiesOf = (principal: string): PrincipalPolicies => {
    let entry = cache.get(principal);
    if (entry === undefined) {
      entry = collectPolicies(principal, sources);
      cache.set(principal, entry);
    }
    return entry;
  };

  return expectations.map((expectation, index) => {
    const fail = (message: string, source: PolicySource, path: string): ExpectationResult => ({
      expectation,
      index,
      passed: false,
      finding: {
        ruleId: EXPECTATION_FAILED.id,
        severity: EXPECTATION_FAILED.defaultSeverity,
        message: withWhy(`expect[${index}]: ${message}`, expectation),
        path,
        source,
      },
    });
    const atConfig = configSource(index, expectation, context);

    if (!principals.has(expectation.principal)) {
      const suggestion = closestMatch(expectation.principal, [...principals]);
      const hint =
        suggestion !== undefined
          ? `; did you mean "${suggestion}"?`
          : principals.size > 0
            ? `; principals found: ${[...principals].sort().slice(0, 10).join(', ')}`
            : '';
      return fail(
        `cannot be checked: no policy in the checked inputs belongs to ${expectation.principal}${hint}`,
        atConfig,
        '',
      );
    }
    const policies = policiesOf(expectation.principal);
    const blocker = policies.unreadable[0];
    if (blocker !== undefined) {
      return fail(
        `cannot be checked: ${blocker.source.address} (a policy of ${expectation.principal}) ${blocker.why}`,
        blocker.source,
        '',
      );
    }

    const simulation = simulate(
      {
        identity: policies.identity.map((entry) => entry.policy),
        boundary: policies.boundary.map((entry) => entry.policy),
        names: {
          identity: policies.identity.map((entry) => policyName(entry.source)),
          boundary: policies.boundary.map((entry) => policyName(entry.source)),
        },
      },
      {
        action: expectation.action,
        resource: expectation.resource,
        ...(expectation.context === undefined ? {} : { context: expectation.context }),
      },
    );
    const allowed = simulation.decision === 'allowed';
    if (allowed === (expectation.decision === 'allow')) {
      return { expectation, index, simulation, passed: true };
    }

    const request = `${expectation.principal} ${expectation.action} on ${expectation.resource}`;
    const deciding = simulation.matched.filter((statement) => statement.deciding);
    // Point at the statement to change: the Allow that grants what must be denied, or the Deny that
    // blocks what must be allowed. A request denied for lack of any Allow has no such statement.
    const culprit = deciding.find((statement) => statement.policyKind !== 'boundary') ?? deciding[0];
    const at = culprit === undefined ? undefined : locate(culprit, policies);
    const message =
      expectation.decision === 'deny'
        ? `expected ${request} to be denied, but it is ${simulation.reason}`
        : `expected ${request} to be allowed, but it is ${
            simulation.decision === 'explicitDeny' ? simulation.reason : `denied: ${simulation.reason}`
          }`;
    return {
      ...fail(message, at?.source ?? atConfig, at?.path ?? ''),
      simulation,
    };
  });
}

function collectPolicies(principal: string, sources: readonly PolicySource[]): PrincipalPolicies {
  const result: PrincipalPolicies = { identity: [], boundary: [], unreadable: [] };
  for (const source of sources) {
    if (principalOf(source) !== principal) continue;
    if (source.kind !== 'identity' && source.kind !== 'boundary') continue;
    if (source.unresolved !== undefined) {
      result.unreadable.push({ source, why: `cannot be read before deployment: ${source.unresolved}` });
      continue;
    }
    const parsed = parsePolicy(source.document, { kind: source.kind });
    if (!parsed.ok) {
      result.unreadable.push({ source, why: 'is malformed (see malformed-policy)' });
      continue;
    }
    result[source.kind].push({ source, policy: parsed.policy });
  }
  return result;
}

function locate(
  statement: MatchedStatement,
  policies: PrincipalPolicies,
): { source: PolicySource; path: string } | undefined {
  if (statement.policyIndex === undefined) return undefined;
  const list = statement.policyKind === 'boundary' ? policies.boundary : policies.identity;
  const entry = list[statement.policyIndex];
  if (entry === undefined) return undefined;
  return { source: entry.source, path: statement.path ?? '' };
}

/** A finding about the config entry itself: the place a reader fixes a wrong address or request. */
function configSource(index: number, expectation: Expectation, context: ExpectationContext): PolicySource {
  const line = context.lines?.[index];
  return {
    id: `${context.configFile}#expect[${index}]`,
    kind: 'identity',
    address: `expect[${index}]`,
    principal: expectation.principal,
    document: undefined,
    location: { file: context.configFile, ...(line === undefined ? {} : { line }) },
  };
}

/** An inline policy is named with its property (`AppRole.Policies[0]`): the role alone is ambiguous. */
function policyName(source: PolicySource): string {
  return source.property === undefined ? source.address : `${source.address}.${source.property}`;
}

function withWhy(message: string, expectation: Expectation): string {
  return expectation.why === undefined || expectation.why.trim() === ''
    ? message
    : `${message} (${expectation.why.trim()})`;
}
