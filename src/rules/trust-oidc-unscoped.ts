import { isNegatedOperator } from '../policy/condition-operators.js';
import { hasWildcard, matchesGlob } from '../policy/glob.js';
import type { Condition, Principal, Statement } from '../policy/types.js';
import { type OidcProviderProfile, oidcProviderProfile } from './support/oidc-providers.js';
import { orList } from './support/restricting-conditions.js';
import { grantsAction } from './support/statement-actions.js';
import type { PolicyRule, RuleHit, RuleSettings } from './types.js';

const CONFIG_FILE = '.github/iam-gate.yml';
const LITERAL_OPERATORS = new Set(['StringEquals', 'StringEqualsIgnoreCase']);
const OPEN_VALUE = /^[*?]/;

/**
 * A condition that admits only tokens whose claim matches its values. `...IfExists` is accepted:
 * OIDC tokens always carry `sub` and `aud`, so it changes nothing. Negated operators are true for
 * every other subject, and `ForAllValues:` is true when the claim is absent.
 */
function binds(condition: Condition): boolean {
  return (
    (LITERAL_OPERATORS.has(condition.baseOperator) || condition.baseOperator === 'StringLike') &&
    condition.setQualifier !== 'ForAllValues'
  );
}

function whyLoose(condition: Condition): string {
  if (condition.setQualifier === 'ForAllValues') return 'ForAllValues is true when the claim is absent';
  if (isNegatedOperator(condition.baseOperator)) {
    return 'a negated operator is true for every subject outside its values';
  }
  return `${condition.baseOperator} does not compare the claim with named subjects`;
}

function claimOf(condition: Condition, provider: string): string | undefined {
  const key = condition.key.toLowerCase();
  const prefix = `${provider.toLowerCase()}:`;
  return key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
}

interface ProviderContext {
  statement: Statement;
  principal: Principal;
  provider: string;
  profile: OidcProviderProfile;
  settings: RuleSettings;
}

function isAllowedSubject(value: string, settings: RuleSettings): boolean {
  return settings.allowedOidcSubjects.some((pattern) => matchesGlob(pattern, value));
}

function subjectHits({ statement, principal, provider, profile, settings }: ProviderContext): RuleHit[] {
  const hits: RuleHit[] = [];
  const subjectKeys = profile.subjectClaims.map((claim) => `${provider}:${claim}`);
  const subjects = statement.conditions.filter((condition) => {
    const claim = claimOf(condition, provider);
    return claim !== undefined && profile.subjectClaims.includes(claim);
  });
  const bound = subjects.filter(binds);

  if (bound.length === 0) {
    const loose = subjects[0];
    hits.push(
      loose === undefined
        ? {
            path: principal.path,
            message:
              `no condition on ${orList(subjectKeys)}: ${profile.everyone} can assume this role; ` +
              `add StringEquals (or StringLike) on ${subjectKeys[0] as string} naming who needs it`,
          }
        : {
            path: loose.path,
            message:
              `${loose.operator} on ${loose.key} does not say who may assume the role: ${whyLoose(loose)}` +
              `, so ${profile.everyone} can assume it; use StringEquals or StringLike with the subjects that need it`,
          },
    );
    return hits;
  }

  // Conditions are ANDed: one whose every value stays within one repository or workload scopes
  // the statement, however wide the others are.
  const spanOf = (condition: Condition, value: string): string | undefined => {
    if (LITERAL_OPERATORS.has(condition.baseOperator) || !hasWildcard(value)) return undefined;
    if (isAllowedSubject(value, settings)) return undefined;
    return profile.wildcardSpan(claimOf(condition, provider) ?? '', value);
  };
  const scoped = bound.some((condition) =>
    condition.values.every((value) => spanOf(condition, value) === undefined),
  );
  if (!scoped) {
    for (const condition of bound) {
      for (const value of condition.values) {
        const span = spanOf(condition, value);
        if (span === undefined) continue;
        hits.push({
          path: condition.path,
          message:
            `${JSON.stringify(value)} admits ${span}, so any of them can assume this role; ` +
            `name the repository or workload (a wildcard within one is fine), or allow the pattern ` +
            `under oidc.allowedSubjects in ${CONFIG_FILE}`,
        });
      }
    }
  }

  for (const condition of bound) {
    const claim = claimOf(condition, provider) ?? '';
    for (const value of condition.values) {
      const risk = profile.riskySubject?.(claim, value);
      if (risk === undefined || isAllowedSubject(value, settings)) continue;
      hits.push({ path: condition.path, severity: 'warning', message: `${JSON.stringify(value)} ${risk}` });
    }
  }
  return hits;
}

/** StringEquals compares a `*` literally: the condition matches no real token and the role is unusable. */
function literalStarHits({ statement, provider }: ProviderContext): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const condition of statement.conditions) {
    if (!LITERAL_OPERATORS.has(condition.baseOperator) || claimOf(condition, provider) === undefined)
      continue;
    const starred = condition.values.filter(hasWildcard);
    if (starred.length === 0) continue;
    hits.push({
      path: condition.path,
      message:
        `${condition.operator} compares the wildcard in ${starred.map((value) => JSON.stringify(value)).join(', ')} ` +
        `literally, so it matches no token and nobody can assume the role this way; ` +
        `use StringLike for a pattern, and keep it within one repository or workload`,
    });
  }
  return hits;
}

function audienceHits({ statement, principal, provider, profile }: ProviderContext): RuleHit[] {
  const claim = profile.audienceClaim;
  if (claim === undefined) return [];
  const key = `${provider}:${claim}`;
  const bound = statement.conditions.some(
    (condition) =>
      claimOf(condition, provider) === claim &&
      binds(condition) &&
      !condition.values.some(
        (value) => !LITERAL_OPERATORS.has(condition.baseOperator) && OPEN_VALUE.test(value),
      ),
  );
  if (bound) return [];
  const fix =
    profile.expectedAudience === undefined
      ? `add StringEquals on ${key} with the audience your tokens are requested for`
      : `add "StringEquals": {"${key}": "${profile.expectedAudience}"}`;
  return [
    {
      path: principal.path,
      message: `no condition on ${key}: tokens issued for any audience of this provider are accepted; ${fix}`,
    },
  ];
}

export const trustOidcUnscoped: PolicyRule = {
  id: 'trust-oidc-unscoped',
  scope: 'policy',
  defaultSeverity: 'error',
  description:
    'A role trust policy lets an OIDC provider (GitHub Actions, EKS, ...) assume the role without pinning sub and aud to your workloads.',
  check({ source, policy, settings }) {
    if (source.kind !== 'trust') return [];
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow' || !grantsAction(statement, 'sts:AssumeRoleWithWebIdentity')) continue;
      for (const principal of statement.principal ?? []) {
        if (principal.class.kind !== 'federated' || principal.class.provider === 'saml') continue;
        const provider = principal.class.provider;
        const context: ProviderContext = {
          statement,
          principal,
          provider,
          profile: oidcProviderProfile(provider),
          settings,
        };
        hits.push(...subjectHits(context), ...literalStarHits(context), ...audienceHits(context));
      }
    }
    return hits;
  },
};
