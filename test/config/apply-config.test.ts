import { describe, expect, it } from 'vitest';
import { applyConfig, enabledRules, isBlocking, ruleSettings } from '../../src/config/apply-config.js';
import { rules } from '../../src/rules/index.js';
import { defaultConfig, iamGateConfigSchema, type IamGateConfigInput } from '../../src/config/schema.js';
import type { PolicySource } from '../../src/extract/types.js';
import type { Finding, Severity } from '../../src/rules/types.js';

const TODAY = new Date('2026-06-15T12:00:00Z');

function config(input: IamGateConfigInput) {
  return iamGateConfigSchema.parse(input);
}

function finding(
  ruleId: string,
  options: { severity?: Severity; path?: string; address?: string; id?: string } = {},
): Finding {
  const address = options.address ?? 'aws_iam_role_policy.app';
  const source: PolicySource = {
    id: options.id ?? `main.tf.json#${address}`,
    kind: 'identity',
    address,
    document: {},
  };
  return {
    ruleId,
    severity: options.severity ?? 'error',
    message: `${ruleId} finding`,
    path: options.path ?? 'Statement[0].Resource',
    source,
  };
}

describe('severity overrides', () => {
  it('sets the severity a rule is configured with, whatever the finding had', () => {
    const findings = [
      finding('wildcard-resource', { severity: 'error' }),
      finding('pass-role-unscoped', { severity: 'warning' }),
      finding('wildcard-action', { severity: 'error' }),
    ];
    const { findings: result } = applyConfig(
      findings,
      config({ rules: { 'wildcard-resource': 'warning', 'pass-role-unscoped': 'error' } }),
      TODAY,
    );
    expect(result.map((f) => [f.ruleId, f.severity])).toEqual([
      ['wildcard-resource', 'warning'],
      ['pass-role-unscoped', 'error'],
      ['wildcard-action', 'error'],
    ]);
  });

  it('drops the findings of rules that are off', () => {
    const { findings: result } = applyConfig(
      [finding('action-prefix-wildcard'), finding('wildcard-resource')],
      config({ rules: { 'action-prefix-wildcard': 'off' } }),
      TODAY,
    );
    expect(result.map((f) => f.ruleId)).toEqual(['wildcard-resource']);
  });

  it('does not run the rules that are off at all', () => {
    const enabled = enabledRules(
      rules,
      config({ rules: { 'action-prefix-wildcard': 'off', 'wildcard-resource': 'warning' } }),
    );
    expect(enabled.map((rule) => rule.id)).toEqual(
      rules.map((rule) => rule.id).filter((id) => id !== 'action-prefix-wildcard'),
    );
    expect(enabledRules(rules, config({}))).toEqual(rules);
  });

  it('leaves its input untouched', () => {
    const input = finding('wildcard-resource');
    applyConfig(
      [input],
      config({ rules: { 'wildcard-resource': 'note' }, exceptions: [{ rule: '*', reason: 'r' }] }),
      TODAY,
    );
    expect(input.severity).toBe('error');
    expect(input.suppressed).toBeUndefined();
  });
});

describe('exceptions', () => {
  it('suppresses findings on sources whose address matches the target glob', () => {
    const findings = [
      finding('wildcard-resource', { address: 'aws_iam_role_policy.legacy' }),
      finding('wildcard-resource', { address: 'aws_iam_role_policy.legacy_reports' }),
      finding('wildcard-resource', { address: 'aws_iam_role_policy.app' }),
    ];
    const { findings: result, notes } = applyConfig(
      findings,
      config({
        exceptions: [{ rule: 'wildcard-resource', target: 'aws_iam_role_policy.legacy*', reason: 'SEC-123' }],
      }),
      TODAY,
    );
    expect(result.map((f) => f.suppressed)).toEqual([
      { reason: 'SEC-123' },
      { reason: 'SEC-123' },
      undefined,
    ]);
    expect(notes).toEqual([]);
  });

  it('matches the target against the source id too', () => {
    const { findings: result } = applyConfig(
      [finding('wildcard-resource', { id: 'stacks/legacy/main.tf.json#aws_iam_role_policy.app' })],
      config({ exceptions: [{ rule: 'wildcard-resource', target: 'stacks/legacy/*', reason: 'r' }] }),
      TODAY,
    );
    expect(result[0]?.suppressed).toEqual({ reason: 'r' });
  });

  it('only suppresses the rule it names, unless it names *', () => {
    const findings = [finding('wildcard-resource'), finding('wildcard-action')];
    const one = applyConfig(
      findings,
      config({ exceptions: [{ rule: 'wildcard-action', reason: 'r' }] }),
      TODAY,
    );
    expect(one.findings.map((f) => f.suppressed !== undefined)).toEqual([false, true]);
    const every = applyConfig(findings, config({ exceptions: [{ rule: '*', reason: 'r' }] }), TODAY);
    expect(every.findings.map((f) => f.suppressed !== undefined)).toEqual([true, true]);
  });

  it('suppresses only findings whose JSON path matches the path glob', () => {
    const findings = [
      finding('wildcard-resource', { path: 'Statement[0].Resource' }),
      finding('wildcard-resource', { path: 'Statement[0].Resource[1]' }),
      finding('wildcard-resource', { path: 'Statement[1].Resource' }),
      // `[` is literal, not a character class: Statement[10] is not Statement[1].
      finding('wildcard-resource', { path: 'Statement[10].Resource' }),
    ];
    const { findings: result } = applyConfig(
      findings,
      config({
        exceptions: [
          { rule: 'wildcard-resource', path: 'Statement[0]*', reason: 'r', expires: '2027-01-31' },
        ],
      }),
      TODAY,
    );
    expect(result.map((f) => f.suppressed)).toEqual([
      { reason: 'r', expires: '2027-01-31' },
      { reason: 'r', expires: '2027-01-31' },
      undefined,
      undefined,
    ]);
  });

  it('requires target and path to match together', () => {
    const findings = [
      finding('wildcard-resource', { address: 'legacy', path: 'Statement[0].Resource' }),
      finding('wildcard-resource', { address: 'legacy', path: 'Statement[1].Resource' }),
      finding('wildcard-resource', { address: 'app', path: 'Statement[0].Resource' }),
    ];
    const { findings: result } = applyConfig(
      findings,
      config({
        exceptions: [{ rule: 'wildcard-resource', target: 'legacy', path: 'Statement[0]*', reason: 'r' }],
      }),
      TODAY,
    );
    expect(result.map((f) => f.suppressed !== undefined)).toEqual([true, false, false]);
  });

  it('keeps the first matching exception as the reason', () => {
    const { findings: result, notes } = applyConfig(
      [finding('wildcard-resource')],
      config({
        exceptions: [
          { rule: 'wildcard-resource', reason: 'first' },
          { rule: '*', reason: 'second' },
        ],
      }),
      TODAY,
    );
    expect(result[0]?.suppressed).toEqual({ reason: 'first' });
    // Both matched, so neither is reported as unused.
    expect(notes).toEqual([]);
  });

  it('still suppresses on its expiry day', () => {
    const { findings: result, notes } = applyConfig(
      [finding('wildcard-resource')],
      config({ exceptions: [{ rule: 'wildcard-resource', reason: 'r', expires: '2026-06-15' }] }),
      TODAY,
    );
    expect(result[0]?.suppressed).toEqual({ reason: 'r', expires: '2026-06-15' });
    expect(notes).toEqual([]);
  });

  it('no longer suppresses after it expires, and says so with what it would have matched', () => {
    const exception = {
      rule: 'wildcard-resource',
      target: 'aws_iam_role_policy.legacy',
      reason: 'legacy role, removal tracked in SEC-123',
      expires: '2026-01-31',
    };
    const legacy = finding('wildcard-resource', { address: 'aws_iam_role_policy.legacy' });
    const { findings: result, notes } = applyConfig([legacy], config({ exceptions: [exception] }), TODAY);
    expect(result[0]?.suppressed).toBeUndefined();
    expect(isBlocking(result[0] as Finding, defaultConfig)).toBe(true);
    expect(notes).toEqual([
      {
        kind: 'exception-expired',
        message:
          'exception for wildcard-resource on aws_iam_role_policy.legacy expired on 2026-01-31 and no longer ' +
          'suppresses: legacy role, removal tracked in SEC-123 ' +
          '(would have matched aws_iam_role_policy.legacy Statement[0].Resource)',
        exceptionIndex: 0,
        exception,
        findings: [result[0]],
      },
    ]);
  });

  it('compares expiry with the UTC day', () => {
    const lateEvening = new Date('2026-01-31T23:30:00-05:00'); // already 1 February in UTC
    const { notes } = applyConfig(
      [finding('wildcard-resource')],
      config({ exceptions: [{ rule: '*', reason: 'r', expires: '2026-01-31' }] }),
      lateEvening,
    );
    expect(notes.map((note) => note.kind)).toEqual(['exception-expired']);
  });

  it('lists at most five findings in an expired note', () => {
    const findings = Array.from({ length: 7 }, (_, i) =>
      finding(i % 2 === 0 ? 'wildcard-resource' : 'wildcard-action', { path: `Statement[${i}].Resource` }),
    );
    const { notes } = applyConfig(
      findings,
      config({ exceptions: [{ rule: '*', path: 'Statement*', reason: 'sandbox', expires: '2026-01-31' }] }),
      TODAY,
    );
    expect(notes[0]?.message).toBe(
      'exception for every rule on every source at Statement* expired on 2026-01-31 and no longer suppresses: ' +
        'sandbox (would have matched wildcard-resource on aws_iam_role_policy.app Statement[0].Resource, ' +
        'wildcard-action on aws_iam_role_policy.app Statement[1].Resource, ' +
        'wildcard-resource on aws_iam_role_policy.app Statement[2].Resource, ' +
        'wildcard-action on aws_iam_role_policy.app Statement[3].Resource, ' +
        'wildcard-resource on aws_iam_role_policy.app Statement[4].Resource and 2 more)',
    );
    expect(notes[0]?.findings).toHaveLength(7);
  });

  it('says when an expired exception matches nothing any more', () => {
    const { notes } = applyConfig(
      [],
      config({
        exceptions: [{ rule: 'wildcard-resource', target: 'old', reason: 'r', expires: '2026-01-31' }],
      }),
      TODAY,
    );
    expect(notes.map((note) => note.message)).toEqual([
      'exception for wildcard-resource on old expired on 2026-01-31 and no longer suppresses: r ' +
        '(it matches nothing now, so remove it)',
    ]);
  });

  it('reports live exceptions that matched nothing, so stale ones get removed', () => {
    const exceptions = [
      { rule: 'wildcard-resource', target: 'aws_iam_role_policy.app', reason: 'used' },
      { rule: 'wildcard-action', target: 'aws_iam_role_policy.gone', reason: 'role deleted in SEC-9' },
    ];
    const { notes } = applyConfig([finding('wildcard-resource')], config({ exceptions }), TODAY);
    expect(notes).toEqual([
      {
        kind: 'exception-unused',
        message:
          'exception for wildcard-action on aws_iam_role_policy.gone matches no finding, so remove it: ' +
          'role deleted in SEC-9',
        exceptionIndex: 1,
        exception: exceptions[1],
        findings: [],
      },
    ]);
  });

  it('counts an exception for a rule that is off as unused', () => {
    const { findings: result, notes } = applyConfig(
      [finding('wildcard-resource')],
      config({
        rules: { 'wildcard-resource': 'off' },
        exceptions: [{ rule: 'wildcard-resource', reason: 'r' }],
      }),
      TODAY,
    );
    expect(result).toEqual([]);
    expect(notes.map((note) => note.kind)).toEqual(['exception-unused']);
  });
});

describe('isBlocking', () => {
  it('blocks at or above failOn', () => {
    const cases: [Severity, Severity, boolean][] = [
      ['error', 'error', true],
      ['warning', 'error', false],
      ['note', 'error', false],
      ['error', 'warning', true],
      ['warning', 'warning', true],
      ['note', 'warning', false],
      ['note', 'note', true],
    ];
    for (const [severity, failOn, blocking] of cases) {
      expect(
        isBlocking(finding('wildcard-resource', { severity }), { failOn }),
        `${severity} / ${failOn}`,
      ).toBe(blocking);
    }
  });

  it('never blocks on a suppressed finding', () => {
    const suppressed = { ...finding('wildcard-resource'), suppressed: { reason: 'r' } };
    expect(isBlocking(suppressed, { failOn: 'note' })).toBe(false);
  });

  it('uses the overridden severity', () => {
    const { findings: result } = applyConfig(
      [finding('wildcard-resource', { severity: 'error' })],
      config({ rules: { 'wildcard-resource': 'warning' } }),
      TODAY,
    );
    expect(isBlocking(result[0] as Finding, defaultConfig)).toBe(false);
    expect(isBlocking(result[0] as Finding, { failOn: 'warning' })).toBe(true);
  });
});

describe('ruleSettings', () => {
  it('passes accounts and OIDC subjects to the rules', () => {
    expect(
      ruleSettings(
        config({
          accounts: { own: ['111111111111'], trusted: ['222222222222'] },
          oidc: { allowedSubjects: ['repo:acme/infra:ref:refs/heads/main'] },
        }),
      ),
    ).toEqual({
      ownAccounts: ['111111111111'],
      trustedAccounts: ['222222222222'],
      allowedOidcSubjects: ['repo:acme/infra:ref:refs/heads/main'],
    });
    expect(ruleSettings(defaultConfig)).toEqual({
      ownAccounts: [],
      trustedAccounts: [],
      allowedOidcSubjects: [],
    });
  });
});
