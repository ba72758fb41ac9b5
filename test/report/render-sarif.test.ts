import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { PolicySource } from '../../src/extract/types.js';
import {
  FINGERPRINT_KEY,
  SARIF_SCHEMA,
  type SarifLog,
  artifactLocation,
  fingerprint,
  pascalCase,
  renderSarif,
  toSarifLog,
} from '../../src/report/render-sarif.js';
import type { CheckReport } from '../../src/report/types.js';
import type { Finding } from '../../src/rules/types.js';
import {
  makeReport,
  roleInlinePolicy,
  suppressedPrefix,
  trustAnyPrincipal,
  wildcardAction,
  wildcardResource,
} from './report-fixtures.js';

const schema = JSON.parse(
  readFileSync(new URL('../fixtures/schemas/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
) as object;
// Both packages are CommonJS: under NodeNext the default import is `module.exports`, whose `default` is the export.
// The official schema lists properties as required inside `anyOf` branches that define them elsewhere.
const ajv = new Ajv.default({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(schema);

function sarif(report: CheckReport = makeReport(), srcRoot?: string): SarifLog {
  const log = JSON.parse(renderSarif(report, { srcRoot })) as SarifLog;
  if (!validateSarif(log)) throw new Error(`invalid SARIF: ${ajv.errorsText(validateSarif.errors)}`);
  return log;
}

function run(report?: CheckReport, srcRoot?: string) {
  return sarif(report, srcRoot).runs[0];
}

describe('renderSarif', () => {
  it('is valid SARIF 2.1.0 by the official schema', () => {
    expect(validateSarif(JSON.parse(renderSarif(makeReport())))).toBe(true);
    expect(validateSarif(JSON.parse(renderSarif(makeReport({ findings: [], notes: [] }))))).toBe(true);
    expect(validateSarif(JSON.parse(renderSarif(makeReport(), { srcRoot: '/home/ci/work/repo' })))).toBe(
      true,
    );
  });

  it('is checked by a validator that does reject invalid SARIF', () => {
    const log = toSarifLog(makeReport());
    const broken = {
      ...log,
      runs: [{ ...log.runs[0], results: [{ ...log.runs[0].results[0], level: 'fatal' }] }],
    };
    expect(validateSarif(broken)).toBe(false);
    expect(validateSarif({ ...log, $schema: 'not a uri' })).toBe(false);
  });

  it('has the document header and run-level properties GitHub reads', () => {
    const log = sarif();
    expect(log.$schema).toBe(SARIF_SCHEMA);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].columnKind).toBe('utf16CodeUnits');
    expect(log.runs[0].tool.driver).toMatchObject({
      name: 'iam-gate',
      version: '1.4.2',
      semanticVersion: '1.4.2',
      informationUri: 'https://github.com/iam-gate/iam-gate',
    });
  });

  it('describes every rule that ran, with help, default level and security severity', () => {
    const { rules } = run().tool.driver;
    expect(rules.map((rule) => rule.id)).toEqual([
      'wildcard-action',
      'action-prefix-wildcard',
      'wildcard-resource',
      'trust-any-principal',
      'malformed-policy',
    ]);
    expect(rules[0]).toStrictEqual({
      id: 'wildcard-action',
      name: 'WildcardAction',
      shortDescription: {
        text: 'An Allow grants every action of a service ("s3:*") or of all services ("*").',
      },
      fullDescription: {
        text: 'An Allow grants every action of a service ("s3:*") or of all services ("*").',
      },
      helpUri: 'https://github.com/iam-gate/iam-gate/blob/main/docs/rules/wildcard-action.md',
      help: {
        text: 'An Allow grants every action of a service ("s3:*") or of all services ("*").\n\nDocumentation: https://github.com/iam-gate/iam-gate/blob/main/docs/rules/wildcard-action.md',
        markdown:
          'An Allow grants every action of a service ("s3:\\*") or of all services ("\\*").\n\n[Documentation for wildcard-action](https://github.com/iam-gate/iam-gate/blob/main/docs/rules/wildcard-action.md)',
      },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'iam'], 'security-severity': '8.0', precision: 'high' },
    });
    expect(
      rules.map((rule) => [rule.defaultConfiguration.level, rule.properties['security-severity']]),
    ).toEqual([
      ['error', '8.0'],
      ['warning', '5.0'],
      ['warning', '5.0'],
      ['error', '8.0'],
      ['note', '2.0'],
    ]);
  });

  it('points each result at its rule by index and uses the finding severity as level', () => {
    const { tool, results } = run();
    expect(results.map((result) => [result.ruleId, result.ruleIndex, result.level])).toEqual([
      ['trust-any-principal', 3, 'error'],
      ['wildcard-action', 0, 'error'],
      ['wildcard-resource', 2, 'warning'],
      // The config turned this warning rule's finding into a note: the result says so, the rule keeps its default.
      ['action-prefix-wildcard', 1, 'note'],
    ]);
    for (const result of results) expect(tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
  });

  it('adds a rule that a finding names but the report did not list, so ruleIndex is never dangling', () => {
    const stray: Finding = { ...wildcardAction, ruleId: 'added-permissions', severity: 'note' };
    const { tool, results } = run(makeReport({ findings: [stray] }));
    expect(tool.driver.rules).toHaveLength(6);
    expect(tool.driver.rules[5]).toMatchObject({
      id: 'added-permissions',
      name: 'AddedPermissions',
      defaultConfiguration: { level: 'note' },
    });
    expect(results[0]?.ruleIndex).toBe(5);
  });

  it('locates results by relative URI, line and column, and names the policy and path logically', () => {
    const [trust, action, , bare] = run().results;
    expect(action?.locations).toStrictEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'infra/template.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 14, startColumn: 9 },
        },
        logicalLocations: [
          { fullyQualifiedName: 'AppRole.Policies[0]#Statement[0].Action', kind: 'resource' },
        ],
      },
    ]);
    expect(trust?.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toBe(
      'AppRole.AssumeRolePolicyDocument#Statement[0].Principal.AWS',
    );
    // No line known: GitHub needs one, and 1 is the file itself.
    expect(bare?.locations[0]?.physicalLocation).toStrictEqual({
      artifactLocation: { uri: 'policies/ci.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    expect(bare?.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toBe(
      'policies/ci.json#Statement[0].Action[1]',
    );
  });

  it('gives messages as plain text', () => {
    const [, action] = run().results;
    expect(action?.message).toStrictEqual({
      text: '"s3:*" grants all 180 s3 actions, including s3:DeleteBucket and s3:PutBucketPolicy',
    });
  });

  it('records suppressions as external, with the reason as justification', () => {
    const results = run().results;
    expect(
      results.filter((result) => result.suppressions !== undefined).map((result) => result.ruleId),
    ).toEqual(['action-prefix-wildcard']);
    expect(results[3]?.suppressions).toStrictEqual([
      {
        kind: 'external',
        justification: 'inventory job reads every instance',
        properties: { expires: '2026-12-31' },
      },
    ]);
    const noExpiry: Finding = { ...wildcardAction, suppressed: { reason: 'legacy role' } };
    expect(run(makeReport({ findings: [noExpiry] })).results[0]?.suppressions).toStrictEqual([
      { kind: 'external', justification: 'legacy role' },
    ]);
  });

  it('records config notes as tool configuration notifications, and leaves invocations out without notes', () => {
    expect(run().invocations).toStrictEqual([
      {
        executionSuccessful: true,
        toolConfigurationNotifications: [
          {
            level: 'warning',
            message: {
              text: 'The exception for wildcard-resource on LegacyRole expired on 2026-01-31 and no longer applies.',
            },
          },
        ],
      },
    ]);
    expect(run(makeReport({ notes: [] }))).not.toHaveProperty('invocations');
  });

  it('declares %SRCROOT%, as a file URI ending in a slash when the root is known', () => {
    expect(run().originalUriBaseIds).toStrictEqual({
      '%SRCROOT%': { description: { text: 'The directory the checked file paths are relative to.' } },
    });
    expect(run(makeReport(), '/home/ci/work/my repo').originalUriBaseIds).toStrictEqual({
      '%SRCROOT%': { uri: 'file:///home/ci/work/my%20repo/' },
    });
  });
});

describe('partialFingerprints', () => {
  const fingerprints = (report: CheckReport) =>
    Object.fromEntries(
      run(report).results.map((result) => [
        result.locations[0]?.logicalLocations[0]?.fullyQualifiedName ?? '',
        result.partialFingerprints[FINGERPRINT_KEY],
      ]),
    );

  it('are sha256 hex digests under iamGate/v2', () => {
    for (const result of run().results) {
      expect(Object.keys(result.partialFingerprints)).toEqual(['iamGate/v2']);
      expect(result.partialFingerprints['iamGate/v2']).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('are the same across two renders and whatever the finding order', () => {
    const first = fingerprints(makeReport());
    expect(fingerprints(makeReport())).toEqual(first);
    expect(
      fingerprints(
        makeReport({ findings: [wildcardAction, suppressedPrefix, trustAnyPrincipal, wildcardResource] }),
      ),
    ).toEqual(first);
    expect(renderSarif(makeReport())).toBe(renderSarif(makeReport()));
  });

  it('survive the policy moving to another line', () => {
    const moved: PolicySource = { ...roleInlinePolicy, location: { file: 'infra/template.yaml', line: 40 } };
    expect(fingerprint({ ...wildcardAction, source: moved })).toBe(fingerprint(wildcardAction));
  });

  it('survive a catalog update that changes the counts in the message', () => {
    const counted = (count: string) => ({
      ...wildcardAction,
      message: `"ec2:Describe*" covers ${count} actions today, e.g. ec2:DescribeAddresses`,
    });
    expect(fingerprint(counted('1,024'))).toBe(fingerprint(counted('63')));
    expect(fingerprint(counted('63'))).not.toBe(
      fingerprint({ ...counted('63'), message: '"ec2:Get*" covers 63 actions today, e.g. ec2:GetConsole' }),
    );
  });

  it('differ between findings, including one rule at one path in two policies of one resource', () => {
    const otherPolicy: PolicySource = {
      ...roleInlinePolicy,
      id: 'x#AppRole.Policies[1]',
      property: 'Policies[1]',
    };
    const all = [
      wildcardAction,
      wildcardResource,
      trustAnyPrincipal,
      suppressedPrefix,
      { ...wildcardAction, source: otherPolicy },
      { ...wildcardAction, path: 'Statement[1].Action' },
      { ...wildcardAction, message: '"ec2:*" grants all ec2 actions' },
    ].map(fingerprint);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('artifact locations', () => {
  it('uses forward slashes and drops a leading ./', () => {
    expect(artifactLocation('infra\\stacks\\app.template.json')).toEqual({
      uri: 'infra/stacks/app.template.json',
      uriBaseId: '%SRCROOT%',
    });
    expect(artifactLocation('./policies/ci.json')).toEqual({
      uri: 'policies/ci.json',
      uriBaseId: '%SRCROOT%',
    });
  });

  it('percent-encodes characters that are not allowed in a URI', () => {
    expect(artifactLocation('policies/my policy#1.json').uri).toBe('policies/my%20policy%231.json');
  });

  it('makes absolute paths inside the source root relative to it', () => {
    expect(artifactLocation('/home/ci/repo/infra/app.yaml', '/home/ci/repo')).toEqual({
      uri: 'infra/app.yaml',
      uriBaseId: '%SRCROOT%',
    });
    expect(artifactLocation('C:\\src\\repo\\infra\\app.yaml', 'C:\\src\\repo')).toEqual({
      uri: 'infra/app.yaml',
      uriBaseId: '%SRCROOT%',
    });
  });

  it('keeps absolute paths outside the root as file URIs without a base', () => {
    expect(artifactLocation('/tmp/policy.json', '/home/ci/repo')).toEqual({ uri: 'file:///tmp/policy.json' });
    expect(artifactLocation('/tmp/policy.json')).toEqual({ uri: 'file:///tmp/policy.json' });
    expect(artifactLocation('C:/temp/policy.json')).toEqual({ uri: 'file:///C:/temp/policy.json' });
  });

  it('falls back to the only input file for a finding whose policy lost its location', () => {
    const lost: Finding = {
      ...wildcardAction,
      source: { id: 'app', kind: 'identity', address: 'aws:iam/rolePolicy:RolePolicy::app', document: {} },
    };
    const single = run(makeReport({ findings: [lost], files: ['preview.json'] })).results[0];
    expect(single?.locations[0]?.physicalLocation).toStrictEqual({
      artifactLocation: { uri: 'preview.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    // With several inputs there is no honest guess: the result keeps only its logical location.
    const several = run(makeReport({ findings: [lost] })).results[0];
    expect(several?.locations).toStrictEqual([
      {
        logicalLocations: [
          { fullyQualifiedName: 'aws:iam/rolePolicy:RolePolicy::app#Statement[0].Action', kind: 'resource' },
        ],
      },
    ]);
  });
});

describe('pascalCase', () => {
  it('turns rule ids into SARIF names', () => {
    expect(pascalCase('wildcard-action')).toBe('WildcardAction');
    expect(pascalCase('trust-oidc-unscoped')).toBe('TrustOidcUnscoped');
    expect(pascalCase('pass-role-unscoped')).toBe('PassRoleUnscoped');
  });
});

describe('toSarifLog', () => {
  it('is what renderSarif prints', () => {
    expect(renderSarif(makeReport())).toBe(`${JSON.stringify(toSarifLog(makeReport()), null, 2)}\n`);
  });
});
