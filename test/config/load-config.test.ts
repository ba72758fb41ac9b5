import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { defaultConfig, type IamGateConfig } from '../../src/config/schema.js';

/** Stands in for the rule registry's ids, which these tests must not depend on. */
const RULE_IDS = ['wildcard-action', 'action-prefix-wildcard', 'wildcard-resource', 'trust-oidc-unscoped'];

const FILE = '.github/iam-gate.yml';

const FULL = `# yaml-language-server: $schema=../schema/iam-gate.schema.json
rules:
  wildcard-resource: warning
  action-prefix-wildcard: off
accounts:
  own: ['111111111111']
  trusted: ['222222222222']
oidc:
  allowedSubjects: ['repo:acme/infra:ref:refs/heads/main', 'repo:acme/*:environment:production']
failOn: warning
exceptions:
  - rule: wildcard-resource
    target: 'aws_iam_role_policy.legacy'
    path: 'Statement[0]*'
    reason: 'legacy role, removal tracked in SEC-123'
    expires: 2027-01-31
  - rule: '*'
    reason: everything in the sandbox account is disposable
policies:
  - path: policies/*.json
    kind: identity
  - path: templates/bucket-policy.json
expect:
  - principal: aws_iam_role.app
    action: s3:DeleteObject
    resource: \${aws_s3_bucket.reports.arn}/*
    decision: deny
    why: reports are append-only
  - principal: aws_iam_role.app
    action: sqs:SendMessage
    resource: arn:aws:sqs:eu-west-1:111111111111:orders
    context:
      aws:SourceVpce: vpce-1a2b3c
      aws:TagKeys: [team, env]
    decision: allow
`;
/** The line of the first `expect` entry in FULL. */
const FULL_EXPECT_LINE = 24;

function parseOk(text: string): IamGateConfig {
  const result = parseConfig(text, FILE, RULE_IDS);
  if (!result.ok) throw new Error(`expected a valid config:\n${result.errors.join('\n')}`);
  return result.config;
}

function parseErrors(text: string): string[] {
  const result = parseConfig(text, FILE, RULE_IDS);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.errors;
}

describe('parseConfig: valid configs', () => {
  it('reads every key of a full config', () => {
    expect(parseOk(FULL)).toEqual({
      rules: { 'wildcard-resource': 'warning', 'action-prefix-wildcard': 'off' },
      accounts: { own: ['111111111111'], trusted: ['222222222222'] },
      oidc: {
        allowedSubjects: ['repo:acme/infra:ref:refs/heads/main', 'repo:acme/*:environment:production'],
      },
      failOn: 'warning',
      exceptions: [
        {
          rule: 'wildcard-resource',
          target: 'aws_iam_role_policy.legacy',
          path: 'Statement[0]*',
          reason: 'legacy role, removal tracked in SEC-123',
          // Unquoted: YAML 1.2 has no timestamp type, so the date stays the text it was written as.
          expires: '2027-01-31',
        },
        { rule: '*', reason: 'everything in the sandbox account is disposable' },
      ],
      policies: [{ path: 'policies/*.json', kind: 'identity' }, { path: 'templates/bucket-policy.json' }],
      expect: [
        {
          principal: 'aws_iam_role.app',
          action: 's3:DeleteObject',
          resource: '${aws_s3_bucket.reports.arn}/*',
          decision: 'deny',
          why: 'reports are append-only',
        },
        {
          principal: 'aws_iam_role.app',
          action: 'sqs:SendMessage',
          resource: 'arn:aws:sqs:eu-west-1:111111111111:orders',
          context: { 'aws:SourceVpce': 'vpce-1a2b3c', 'aws:TagKeys': ['team', 'env'] },
          decision: 'allow',
        },
      ],
    });
  });

  it('knows the line of each expectation, for findings that point at it', () => {
    const result = parseConfig(FULL, FILE, RULE_IDS);
    expect(result.ok && result.expectLines).toEqual([FULL_EXPECT_LINE, FULL_EXPECT_LINE + 5]);
  });

  it('fills in defaults for a minimal config', () => {
    expect(parseOk('failOn: note\n')).toEqual({ ...defaultConfig, failOn: 'note' });
    expect(parseOk('accounts:\n  own: ["012345678901"]\n').accounts).toEqual({
      own: ['012345678901'],
      trusted: [],
    });
  });

  it('accepts an expiry written as a YAML date', () => {
    const tagged = parseOk(
      'exceptions:\n  - rule: "*"\n    reason: r\n    expires: !!timestamp 2027-01-31\n',
    );
    expect(tagged.exceptions[0]?.expires).toBe('2027-01-31');
    // YAML 1.1 reads every unquoted date as a timestamp.
    const yaml11 = parseOk(
      '%YAML 1.1\n---\nexceptions:\n  - rule: "*"\n    reason: r\n    expires: 2027-01-31\n',
    );
    expect(yaml11.exceptions[0]?.expires).toBe('2027-01-31');
  });

  it('treats an empty file, or one with only comments, as the defaults', () => {
    expect(parseOk('')).toEqual(defaultConfig);
    expect(parseOk('# nothing configured yet\n')).toEqual(defaultConfig);
  });

  it('returns a fresh config, not the frozen defaults', () => {
    const config = parseOk('');
    config.exceptions.push({ rule: '*', reason: 'test' });
    expect(defaultConfig.exceptions).toEqual([]);
    expect(Object.isFrozen(defaultConfig.exceptions)).toBe(true);
  });
});

describe('parseConfig: invalid configs', () => {
  it('reports YAML syntax errors with line and column', () => {
    expect(parseErrors('rules:\n  wildcard-resource: [warning\nfailOn: error\n')).toEqual([
      `${FILE}:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  it('reports duplicate keys as syntax errors', () => {
    expect(parseErrors('failOn: error\nfailOn: note\n')).toEqual([`${FILE}:2:1: Map keys must be unique`]);
  });

  it('rejects unknown keys, suggesting the key that was meant', () => {
    expect(parseErrors('failon: error\n')).toEqual([
      `${FILE}:1:1: failon: unknown key; did you mean "failOn"?`,
    ]);
    expect(
      parseErrors('exceptions:\n  - rule: wildcard-resource\n    resaon: legacy\n    reason: legacy\n'),
    ).toEqual([`${FILE}:3:5: exceptions[0].resaon: unknown key; did you mean "reason"?`]);
    expect(parseErrors('colour: blue\n')).toEqual([
      `${FILE}:1:1: colour: unknown key; expected one of rules, accounts, oidc, failOn, exceptions, policies, expect`,
    ]);
  });

  it('rejects a severity that does not exist', () => {
    expect(parseErrors('rules:\n  wildcard-resource: critical\n')).toEqual([
      `${FILE}:2:3: rules.wildcard-resource: expected error, warning, note or off, got "critical"`,
    ]);
    expect(parseErrors('failOn: warn\n')).toEqual([
      `${FILE}:1:1: failOn: expected error, warning or note, got "warn"; did you mean "warning"?`,
    ]);
    // `off` blocks nothing, which is not what failOn means: turn rules off instead.
    expect(parseErrors('failOn: off\n')).toEqual([
      `${FILE}:1:1: failOn: expected error, warning or note, got "off"`,
    ]);
  });

  it('rejects an account id that is not 12 digits', () => {
    expect(parseErrors("accounts:\n  own: ['111111111111', '11111111111']\n")).toEqual([
      `${FILE}:2:25: accounts.own[1]: expected a 12-digit AWS account id, got "11111111111"`,
    ]);
  });

  it('rejects an unquoted account id, whose leading zeros YAML has already dropped', () => {
    expect(parseErrors('accounts:\n  trusted:\n    - 012345678901\n')).toEqual([
      `${FILE}:3:7: accounts.trusted[0]: expected text, got the number 12345678901; ` +
        'put it in quotes, or YAML reads it as a number (dropping leading zeros)',
    ]);
  });

  it('requires a reason on every exception', () => {
    expect(parseErrors('exceptions:\n  - rule: wildcard-resource\n    target: legacy\n')).toEqual([
      `${FILE}:2:5: exceptions[0].reason: required: say why the exception is safe`,
    ]);
    expect(parseErrors("exceptions:\n  - rule: wildcard-resource\n    reason: '  '\n")).toEqual([
      `${FILE}:3:5: exceptions[0].reason: must not be empty: say why the exception is safe`,
    ]);
    expect(parseErrors('exceptions:\n  - reason: legacy\n')).toEqual([
      `${FILE}:2:5: exceptions[0].rule: required: a rule id, or '*' for every rule`,
    ]);
  });

  it('rejects an expiry that is not a calendar date', () => {
    expect(parseErrors('exceptions:\n  - rule: "*"\n    reason: r\n    expires: 2027-02-30\n')).toEqual([
      `${FILE}:4:5: exceptions[0].expires: expected a date as YYYY-MM-DD, got "2027-02-30"`,
    ]);
    expect(parseErrors('exceptions:\n  - rule: "*"\n    reason: r\n    expires: 31/01/2027\n')).toEqual([
      `${FILE}:4:5: exceptions[0].expires: expected a date as YYYY-MM-DD, got "31/01/2027"`,
    ]);
    // A time of day would be dropped silently: expiry is by UTC day.
    expect(
      parseErrors(
        'exceptions:\n  - rule: "*"\n    reason: r\n    expires: !!timestamp 2027-01-31T10:00:00Z\n',
      ),
    ).toEqual([
      `${FILE}:4:5: exceptions[0].expires: expected a date as YYYY-MM-DD, got "2027-01-31T10:00:00.000Z"`,
    ]);
  });

  it('rejects unknown rule ids, in rules and in exceptions, with a did-you-mean', () => {
    expect(parseErrors('rules:\n  wildcard-resorce: warning\n')).toEqual([
      `${FILE}:2:3: rules.wildcard-resorce: unknown rule id; did you mean "wildcard-resource"?`,
    ]);
    expect(parseErrors('exceptions:\n  - rule: wildcard-actoin\n    reason: r\n')).toEqual([
      `${FILE}:2:5: exceptions[0].rule: unknown rule id "wildcard-actoin"; did you mean "wildcard-action"?`,
    ]);
    expect(parseErrors('rules:\n  no-such-thing: off\n')).toEqual([
      `${FILE}:2:3: rules.no-such-thing: unknown rule id; known ids: ` +
        'action-prefix-wildcard, trust-oidc-unscoped, wildcard-action, wildcard-resource',
    ]);
  });

  it('rejects values of the wrong type', () => {
    expect(parseErrors('exceptions:\n')).toEqual([
      `${FILE}:1:1: exceptions: expected a list, got an empty value`,
    ]);
    expect(parseErrors('- rules\n')).toEqual([`${FILE}:1:1: expected a map, got a list`]);
    expect(parseErrors('policies:\n  - kind: trust\n')).toEqual([
      `${FILE}:2:5: policies[0].path: required: a policy file or glob`,
    ]);
  });

  it('reports every problem at once, in file order', () => {
    const text = [
      'failOn: fatal',
      'rules:',
      '  wildcard-resorce: warning',
      'exceptions:',
      '  - rule: wildcard-resource',
      '    expires: 2027-13-01',
      'colour: blue',
    ].join('\n');
    expect(parseErrors(text)).toEqual([
      `${FILE}:1:1: failOn: expected error, warning or note, got "fatal"`,
      `${FILE}:3:3: rules.wildcard-resorce: unknown rule id; did you mean "wildcard-resource"?`,
      `${FILE}:5:5: exceptions[0].reason: required: say why the exception is safe`,
      `${FILE}:6:5: exceptions[0].expires: expected a date as YYYY-MM-DD, got "2027-13-01"`,
      `${FILE}:7:1: colour: unknown key; expected one of rules, accounts, oidc, failOn, exceptions, policies, expect`,
    ]);
  });
});

describe('loadConfig', () => {
  let cwd: string;

  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'iam-gate-config-'));
  });

  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  async function write(name: string, text: string): Promise<string> {
    const path = join(cwd, name);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text);
    return path;
  }

  it('uses the defaults when there is no config file', async () => {
    expect(await loadConfig({ cwd, knownRuleIds: RULE_IDS })).toEqual({ ok: true, config: defaultConfig });
  });

  it('reads .github/iam-gate.yml', async () => {
    const path = await write('.github/iam-gate.yml', 'failOn: warning\n');
    expect(await loadConfig({ cwd, knownRuleIds: RULE_IDS })).toEqual({
      ok: true,
      config: { ...defaultConfig, failOn: 'warning' },
      path,
    });
  });

  it('reads .github/iam-gate.yaml', async () => {
    const path = await write('.github/iam-gate.yaml', 'failOn: note\n');
    expect(await loadConfig({ cwd, knownRuleIds: RULE_IDS })).toEqual({
      ok: true,
      config: { ...defaultConfig, failOn: 'note' },
      path,
    });
  });

  it('refuses to guess when both .yml and .yaml exist', async () => {
    await write('.github/iam-gate.yml', 'failOn: warning\n');
    await write('.github/iam-gate.yaml', 'failOn: note\n');
    const result = await loadConfig({ cwd, knownRuleIds: RULE_IDS });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      '.github/iam-gate.yml and .github/iam-gate.yaml both exist; keep one of them',
    ]);
  });

  it('names the file it read in errors', async () => {
    await write('.github/iam-gate.yml', 'failOn: fatal\n');
    const result = await loadConfig({ cwd, knownRuleIds: RULE_IDS });
    expect(!result.ok && result.errors).toEqual([
      '.github/iam-gate.yml:1:1: failOn: expected error, warning or note, got "fatal"',
    ]);
  });

  it('reads an explicit --config relative to cwd, ignoring the default location', async () => {
    await write('.github/iam-gate.yml', 'failOn: note\n');
    const path = await write('ci/iam.yml', 'failOn: warning\n');
    expect(await loadConfig({ cwd, configPath: 'ci/iam.yml', knownRuleIds: RULE_IDS })).toEqual({
      ok: true,
      config: { ...defaultConfig, failOn: 'warning' },
      path,
    });
  });

  it('fails when an explicit --config file is missing', async () => {
    const result = await loadConfig({ cwd, configPath: 'ci/missing.yml', knownRuleIds: RULE_IDS });
    expect(result).toEqual({
      ok: false,
      errors: ['ci/missing.yml: config file not found'],
      path: join(cwd, 'ci/missing.yml'),
    });
  });

  it('fails when --config names a directory', async () => {
    await mkdir(join(cwd, 'ci'));
    const result = await loadConfig({ cwd, configPath: 'ci', knownRuleIds: RULE_IDS });
    expect(!result.ok && result.errors).toEqual(['ci: is a directory, not a config file']);
  });
});
