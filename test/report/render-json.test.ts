import { describe, expect, it } from 'vitest';
import { renderJson, toJsonReport } from '../../src/report/render-json.js';
import type { Finding } from '../../src/rules/types.js';
import {
  bareFilePolicy,
  makeReport,
  roleInlinePolicy,
  suppressedPrefix,
  trustAnyPrincipal,
  wildcardAction,
  wildcardResource,
} from './report-fixtures.js';

describe('renderJson', () => {
  it('renders the documented structure, findings sorted by file, line and path', () => {
    expect(JSON.parse(renderJson(makeReport()))).toStrictEqual({
      findings: [
        {
          ruleId: 'trust-any-principal',
          severity: 'error',
          message: 'Principal "*" lets anyone on AWS assume AppRole',
          file: 'infra/template.yaml',
          path: 'Statement[0].Principal.AWS',
          source: { address: 'AppRole', kind: 'trust', principal: 'AppRole', line: 8 },
          blocking: true,
        },
        {
          ruleId: 'wildcard-action',
          severity: 'error',
          message: '"s3:*" grants all 180 s3 actions, including s3:DeleteBucket and s3:PutBucketPolicy',
          file: 'infra/template.yaml',
          path: 'Statement[0].Action',
          source: { address: 'AppRole', kind: 'identity', principal: 'AppRole', line: 14 },
          blocking: true,
        },
        {
          ruleId: 'wildcard-resource',
          severity: 'warning',
          message: '"dynamodb:PutItem" applies to every table in every account',
          file: 'infra/template.yaml',
          path: 'Statement[1].Resource',
          source: { address: 'AppRole', kind: 'identity', principal: 'AppRole', line: 14 },
          blocking: false,
        },
        {
          ruleId: 'action-prefix-wildcard',
          severity: 'note',
          message: '"ec2:Describe*" covers 194 actions',
          file: 'policies/ci.json',
          path: 'Statement[0].Action[1]',
          // A bare policy file: no principal, no line, so neither key.
          source: { address: 'policies/ci.json', kind: 'identity' },
          suppressed: { reason: 'inventory job reads every instance', expires: '2026-12-31' },
          blocking: false,
        },
      ],
      summary: {
        files: 2,
        findings: 4,
        blocking: 2,
        bySeverity: { error: 2, warning: 1, note: 1 },
        byRule: {
          'action-prefix-wildcard': 1,
          'trust-any-principal': 1,
          'wildcard-action': 1,
          'wildcard-resource': 1,
        },
        verdict: 'fail',
      },
      notes: [
        'The exception for wildcard-resource on LegacyRole expired on 2026-01-31 and no longer applies.',
      ],
    });
  });

  it('prints with a 2-space indent, a trailing newline and a stable key order', () => {
    const output = renderJson(makeReport({ policies: 3 }));
    const parsed = JSON.parse(output) as ReturnType<typeof toJsonReport>;
    expect(output).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
    expect(output).toMatch(/^\{\n {2}"findings": \[\n {4}\{\n {6}"ruleId"/);
    expect(Object.keys(parsed)).toEqual(['findings', 'summary', 'notes']);
    expect(Object.keys(parsed.summary)).toEqual([
      'files',
      'policies',
      'findings',
      'blocking',
      'bySeverity',
      'byRule',
      'verdict',
    ]);
    expect(Object.keys(parsed.summary.bySeverity)).toEqual(['error', 'warning', 'note']);
    expect(parsed.findings.map((finding) => Object.keys(finding))).toEqual([
      ['ruleId', 'severity', 'message', 'file', 'path', 'source', 'blocking'],
      ['ruleId', 'severity', 'message', 'file', 'path', 'source', 'blocking'],
      ['ruleId', 'severity', 'message', 'file', 'path', 'source', 'blocking'],
      ['ruleId', 'severity', 'message', 'file', 'path', 'source', 'suppressed', 'blocking'],
    ]);
    expect(Object.keys(parsed.findings[0]?.source ?? {})).toEqual(['address', 'kind', 'principal', 'line']);
    expect(parsed.summary.policies).toBe(3);
  });

  it('renders the same bytes whatever order the findings arrive in', () => {
    const shuffled = makeReport({
      findings: [wildcardResource, trustAnyPrincipal, suppressedPrefix, wildcardAction],
    });
    expect(renderJson(shuffled)).toBe(renderJson(makeReport()));
  });

  it('orders JSON paths numerically: Statement[2] before Statement[10]', () => {
    const at = (path: string): Finding => ({ ...wildcardAction, path });
    const report = makeReport({ findings: [at('Statement[10].Action'), at('Statement[2].Action')] });
    expect(toJsonReport(report).findings.map((finding) => finding.path)).toEqual([
      'Statement[2].Action',
      'Statement[10].Action',
    ]);
  });

  it('sets file to null when the policy has no file, and leaves expires out when the exception has none', () => {
    const pulumi: Finding = {
      ...wildcardAction,
      source: {
        id: 'rolePolicy',
        kind: 'identity',
        address: 'aws:iam/rolePolicy:RolePolicy::app',
        document: {},
      },
      suppressed: { reason: 'migration in progress' },
    };
    const [finding] = toJsonReport(makeReport({ findings: [pulumi] })).findings;
    expect(finding).toStrictEqual({
      ruleId: 'wildcard-action',
      severity: 'error',
      message: wildcardAction.message,
      file: null,
      path: 'Statement[0].Action',
      source: { address: 'aws:iam/rolePolicy:RolePolicy::app', kind: 'identity' },
      suppressed: { reason: 'migration in progress' },
      blocking: false,
    });
  });

  it('takes the verdict from the blocking predicate, not from severities', () => {
    expect(toJsonReport(makeReport({ blocking: () => false })).summary).toMatchObject({
      blocking: 0,
      verdict: 'pass',
      bySeverity: { error: 2, warning: 1, note: 1 },
    });
    const warningsBlock = makeReport({
      findings: [wildcardResource],
      blocking: (f) => f.severity === 'warning',
    });
    expect(toJsonReport(warningsBlock).summary).toMatchObject({ blocking: 1, verdict: 'fail' });
    expect(toJsonReport(warningsBlock).findings[0]?.blocking).toBe(true);
  });

  it('asks the predicate once per finding', () => {
    let calls = 0;
    renderJson(makeReport({ blocking: () => (calls++, false) }));
    expect(calls).toBe(4);
  });

  it('renders an empty report as a pass with zero counts', () => {
    const report = makeReport({ findings: [], notes: [], files: ['policies/ci.json'] });
    expect(JSON.parse(renderJson(report))).toStrictEqual({
      findings: [],
      summary: {
        files: 1,
        findings: 0,
        blocking: 0,
        bySeverity: { error: 0, warning: 0, note: 0 },
        byRule: {},
        verdict: 'pass',
      },
      notes: [],
    });
  });

  it('counts two findings of one rule under one byRule key', () => {
    const second: Finding = { ...wildcardAction, path: 'Statement[3].Action', source: bareFilePolicy };
    const report = makeReport({
      findings: [wildcardAction, second, { ...wildcardAction, source: roleInlinePolicy }],
    });
    expect(toJsonReport(report).summary.byRule).toEqual({ 'wildcard-action': 3 });
  });
});
