/**
 * Applies a config to lint findings: severity overrides, `off`, and exceptions. Pure: `today` is
 * passed in so expiry is testable and one review uses one date throughout.
 */
import { matchesGlob } from '../policy/glob.js';
import type { Finding, Rule, RuleSettings } from '../rules/types.js';
import type { ConfigException, IamGateConfig } from './schema.js';
import { severityRank } from './severity.js';

export interface ConfigNote {
  /** `exception-expired`: past its date, so no longer suppressing. `exception-unused`: matched nothing. */
  kind: 'exception-expired' | 'exception-unused';
  message: string;
  /** Index in `config.exceptions`, to point at the entry (`exceptions[2]`). */
  exceptionIndex: number;
  exception: ConfigException;
  /** For an expired exception, the findings it would have suppressed; empty for an unused one. */
  findings: Finding[];
}

export interface ApplyConfigResult {
  findings: Finding[];
  notes: ConfigNote[];
}

/** How many matched findings an expired-exception note names before summarising the rest. */
const MAX_LISTED_FINDINGS = 5;

function exceptionMatches(exception: ConfigException, finding: Finding): boolean {
  if (exception.rule !== '*' && exception.rule !== finding.ruleId) return false;
  if (
    exception.target !== undefined &&
    !matchesGlob(exception.target, finding.source.address) &&
    !matchesGlob(exception.target, finding.source.id)
  ) {
    return false;
  }
  return exception.path === undefined || matchesGlob(exception.path, finding.path);
}

function describeException(exception: ConfigException): string {
  const rule = exception.rule === '*' ? 'every rule' : exception.rule;
  const at = exception.path === undefined ? '' : ` at ${exception.path}`;
  return `exception for ${rule} on ${exception.target ?? 'every source'}${at}`;
}

function describeFindings(exception: ConfigException, findings: readonly Finding[]): string {
  const listed = findings.slice(0, MAX_LISTED_FINDINGS).map((finding) => {
    const where = finding.path === '' ? finding.source.address : `${finding.source.address} ${finding.path}`;
    // With a `*` rule the location alone does not say which finding it is.
    return exception.rule === '*' ? `${finding.ruleId} on ${where}` : where;
  });
  const rest = findings.length - listed.length;
  return rest > 0 ? `${listed.join(', ')} and ${rest} more` : listed.join(', ');
}

/** The UTC calendar day, `YYYY-MM-DD`: the form of `expires`, so string order is date order. */
function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Sets each finding's severity from `config.rules` (dropping rules set to `off`) and marks findings
 * that a live exception matches as suppressed: they stay in the output, shown with the reason, but
 * never block.
 *
 * An exception is live through its `expires` day (UTC). Once expired it suppresses nothing and
 * yields a note naming what it would have matched, so the finding blocks again loudly rather than
 * silently. A live exception that matches no finding yields a note too, so stale exceptions get
 * removed; callers that lint only part of a repository (changed stacks) may want to drop those.
 */
export function applyConfig(
  findings: readonly Finding[],
  config: IamGateConfig,
  today: Date,
): ApplyConfigResult {
  const day = isoDay(today);
  const exceptions = config.exceptions.map((exception, index) => ({
    exception,
    index,
    expired: exception.expires !== undefined && exception.expires < day,
    matched: [] as Finding[],
  }));

  const result: Finding[] = [];
  for (const finding of findings) {
    const setting = config.rules[finding.ruleId];
    if (setting === 'off') continue;
    const updated: Finding = setting === undefined ? { ...finding } : { ...finding, severity: setting };
    for (const entry of exceptions) {
      if (!exceptionMatches(entry.exception, updated)) continue;
      entry.matched.push(updated);
      // The first live exception gives the reason; later ones still count as used.
      if (!entry.expired && updated.suppressed === undefined) {
        const { reason, expires } = entry.exception;
        updated.suppressed = expires === undefined ? { reason } : { reason, expires };
      }
    }
    result.push(updated);
  }

  const notes: ConfigNote[] = [];
  for (const { exception, index, expired, matched } of exceptions) {
    const described = describeException(exception);
    if (expired) {
      const consequence =
        matched.length === 0
          ? 'it matches nothing now, so remove it'
          : `would have matched ${describeFindings(exception, matched)}`;
      notes.push({
        kind: 'exception-expired',
        message: `${described} expired on ${exception.expires ?? ''} and no longer suppresses: ${exception.reason} (${consequence})`,
        exceptionIndex: index,
        exception,
        findings: matched,
      });
    } else if (matched.length === 0) {
      notes.push({
        kind: 'exception-unused',
        message: `${described} matches no finding, so remove it: ${exception.reason}`,
        exceptionIndex: index,
        exception,
        findings: [],
      });
    }
  }
  return { findings: result, notes };
}

/** Whether a finding fails the run: at or above `failOn`, and not suppressed by an exception. */
export function isBlocking(finding: Finding, config: Pick<IamGateConfig, 'failOn'>): boolean {
  return finding.suppressed === undefined && severityRank(finding.severity) >= severityRank(config.failOn);
}

/**
 * The rules a config leaves on. A rule set to `off` would only have its findings dropped by
 * `applyConfig`, so it is not run at all: turning off a costly rule makes the check faster.
 */
export function enabledRules<R extends Pick<Rule, 'id'>>(
  rules: readonly R[],
  config: Pick<IamGateConfig, 'rules'>,
): R[] {
  return rules.filter((rule) => config.rules[rule.id] !== 'off');
}

/** The organisation facts rules read (owned and trusted accounts, allowed OIDC subjects). */
export function ruleSettings(config: IamGateConfig): RuleSettings {
  return {
    ownAccounts: config.accounts.own,
    trustedAccounts: config.accounts.trusted,
    allowedOidcSubjects: config.oidc.allowedSubjects,
  };
}
