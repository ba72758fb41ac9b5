/**
 * `iam-gate check` end to end, through the built binary: what a user sees is the exit code and
 * the two output streams, so that is all these tests look at. Runs are asynchronous and tests
 * concurrent, because each spawn costs a Node start and a catalog load.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ruleIds } from '../../src/rules/index.js';
import {
  type BinaryResult,
  CAN_FAKE_TERMINAL,
  REPO_ROOT,
  runIamGate,
  runIamGateOnTerminal,
  tempProject,
} from './run-binary.js';

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

const POLICY = 'test/fixtures/policies/identity.json';
const CFN_JSON = 'test/fixtures/iac/cloudformation/app.json';
const CFN_YAML = 'test/fixtures/iac/cloudformation/app.yaml';
const CDK_SYNTH = 'test/fixtures/iac/cloudformation/cdk-synth.template.json';
const TERRAFORM = 'test/fixtures/iac/terraform/cdk.tf.json';
const PULUMI = 'test/fixtures/iac/pulumi/preview.json';
const CLEAN = 'test/fixtures/cli/clean-policy.json';
const WARNINGS_ONLY = 'test/fixtures/cli/warnings-only.json';
/** One blocking finding only: wildcard-action on a named queue. */
const QUEUE_WILDCARD = 'test/fixtures/cli/queue-wildcard.json';

const KINDS = [
  { kind: 'policy document', file: POLICY },
  { kind: 'CloudFormation JSON', file: CFN_JSON },
  { kind: 'CloudFormation YAML', file: CFN_YAML },
  { kind: 'CDK synth template', file: CDK_SYNTH },
  { kind: 'Terraform JSON', file: TERRAFORM },
  { kind: 'pulumi preview', file: PULUMI },
] as const;

/** The JSON report as a consumer reads it. */
interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  path: string;
  source: { address: string; kind: string; principal?: string; line?: number };
  suppressed?: { reason: string; expires?: string };
  blocking: boolean;
}
interface JsonOutput {
  findings: JsonFinding[];
  summary: { files: number; findings: number; blocking: number; verdict: 'pass' | 'fail' };
  notes: string[];
}

interface SarifOutput {
  version: string;
  runs: {
    results: {
      ruleId: string;
      level: string;
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        logicalLocations: { fullyQualifiedName: string }[];
      }[];
    }[];
  }[];
}

const sarifSchema = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test/fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8'),
) as object;
// Both packages are CommonJS: under NodeNext the default import is `module.exports`, whose `default` is the export.
// The official schema lists properties as required inside `anyOf` branches that define them elsewhere.
const ajv = new Ajv.default({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(sarifSchema);

const ESCAPE = '\u001b[';
const TEXT_SUMMARY = /^\d+ problems? \((\d+) blocking: .+\)/m;
const MARKDOWN_FAIL_HEADING = /^## ❌ iam-gate: (\d+) blocking findings?\n/;

/**
 * Runs from the repository root are shared: the table and the per-kind tests read the same
 * `check <file> --format <format>` output instead of spawning it twice.
 */
const repoRuns = new Map<string, Promise<BinaryResult>>();
function check(file: string, format: Format): Promise<BinaryResult> {
  const key = `${file}\0${format}`;
  let run = repoRuns.get(key);
  if (run === undefined) {
    run = runIamGate(['check', file, '--format', format]);
    repoRuns.set(key, run);
  }
  return run;
}

async function checkJson(file: string): Promise<JsonOutput> {
  return JSON.parse((await check(file, 'json')).stdout) as JsonOutput;
}

function lineOf(file: string, text: string): number {
  const index = fixture(file)
    .split('\n')
    .findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${text} is not in ${file}`);
  return index + 1;
}

function at(findings: readonly JsonFinding[], ruleId: string, address: string, path: string) {
  return findings.filter((f) => f.ruleId === ruleId && f.source.address === address && f.path === path);
}

function fixture(file: string): string {
  return readFileSync(join(REPO_ROOT, file), 'utf8');
}

describe.concurrent('iam-gate check: every input kind in every format', () => {
  const cases = KINDS.flatMap(({ kind, file }) => FORMATS.map((format) => ({ kind, file, format })));

  it.each(cases)('$kind as $format exits 1 for its blocking findings', async ({ file, format }) => {
    const { status, stdout, stderr } = await check(file, format);
    expect(stderr).toBe('');
    expect(status).toBe(1);

    switch (format) {
      case 'json': {
        const report = JSON.parse(stdout) as JsonOutput;
        expect(report.findings.length).toBeGreaterThan(0);
        for (const finding of report.findings) {
          expect(finding).toMatchObject({
            ruleId: expect.any(String),
            severity: expect.stringMatching(/^(error|warning|note)$/),
            message: expect.any(String),
            file,
            path: expect.any(String),
            source: { address: expect.any(String), kind: expect.any(String) },
          });
        }
        expect(report.summary).toMatchObject({ files: 1, verdict: 'fail' });
        expect(report.summary.blocking).toBeGreaterThan(0);
        break;
      }
      case 'sarif': {
        const log = JSON.parse(stdout) as SarifOutput;
        expect(validateSarif(log), ajv.errorsText(validateSarif.errors)).toBe(true);
        expect(log.version).toBe('2.1.0');
        const results = log.runs[0]?.results ?? [];
        expect(results.length).toBeGreaterThan(0);
        for (const result of results) {
          expect(result.locations[0]?.physicalLocation.artifactLocation.uri).toBe(file);
        }
        break;
      }
      case 'markdown':
        expect(stdout).toMatch(MARKDOWN_FAIL_HEADING);
        break;
      case 'text':
        expect(stdout).toMatch(TEXT_SUMMARY);
        // Each policy's findings sit under a `file:line` header that terminals turn into a link.
        expect(stdout).toMatch(new RegExp(`^${file.replace(/\./g, '\\.')}:\\d+ `, 'm'));
        expect(stdout).not.toContain(ESCAPE);
        break;
    }
  });

  it.each(KINDS)('$kind: all four formats report the same findings', async ({ file }) => {
    const [text, json, sarif, markdown] = await Promise.all(FORMATS.map((format) => check(file, format)));
    const report = JSON.parse(json?.stdout ?? '') as JsonOutput;
    const blocking = report.findings.filter((f) => f.blocking).length;
    expect(report.summary.blocking).toBe(blocking);
    expect(TEXT_SUMMARY.exec(text?.stdout ?? '')?.[1]).toBe(String(blocking));
    expect(MARKDOWN_FAIL_HEADING.exec(markdown?.stdout ?? '')?.[1]).toBe(String(blocking));

    const results = (JSON.parse(sarif?.stdout ?? '') as SarifOutput).runs[0]?.results ?? [];
    expect(results.map((r) => r.ruleId).sort()).toEqual(report.findings.map((f) => f.ruleId).sort());
    // SARIF points at the element each finding is about: on or after the line of its policy, which
    // the JSON report names, and never before it.
    const policyLines = new Map<string, number[]>();
    for (const f of report.findings) {
      const key = `${f.ruleId} ${f.path}`;
      policyLines.set(key, [...(policyLines.get(key) ?? []), f.source.line ?? 1]);
    }
    for (const result of results) {
      const location = result.locations[0];
      const path = location?.logicalLocations[0]?.fullyQualifiedName.split('#').slice(1).join('#') ?? '';
      const line = location?.physicalLocation.region.startLine ?? 0;
      expect(Math.min(...(policyLines.get(`${result.ruleId} ${path}`) ?? [Infinity]))).toBeLessThanOrEqual(
        line,
      );
    }
  });
});

describe.concurrent('iam-gate check: what each input kind reports', () => {
  it('policy document: the s3:* statement and the unscoped PassRole, not the scoped read', async () => {
    const { findings } = await checkJson(POLICY);
    expect(at(findings, 'wildcard-action', POLICY, 'Statement[1].Action')).toHaveLength(1);
    expect(at(findings, 'pass-role-unscoped', POLICY, 'Statement[2].Resource')).toHaveLength(1);
    expect(findings.filter((f) => f.path.startsWith('Statement[0]'))).toEqual([]);
    expect(new Set(findings.map((f) => f.source.kind))).toEqual(new Set(['identity']));
  });

  it('CloudFormation JSON: findings at the logical ids, on the line of the policy document', async () => {
    const { findings } = await checkJson(CFN_JSON);
    const [s3Wildcard] = at(findings, 'wildcard-action', 'AppRole', 'Statement[0].Action');
    expect(s3Wildcard).toMatchObject({ file: CFN_JSON, severity: 'error', blocking: true });
    expect(s3Wildcard?.message).toContain('s3:*');
    // The inline policy's `PolicyDocument` key follows its `PolicyName`.
    expect(s3Wildcard?.source.line).toBe(lineOf(CFN_JSON, '"PolicyName": "everything-in-s3"') + 1);

    expect(at(findings, 'trust-any-principal', 'OpsRole', 'Statement[0].Principal.AWS')).toHaveLength(1);
    expect(at(findings, 'resource-policy-public', 'DataBucketPolicy', 'Statement[0].Principal')).toHaveLength(
      1,
    );
    // Fn::If between two documents cannot be decided before deployment: said, never silently passed.
    const [audit] = findings.filter((f) => f.source.address === 'AuditPolicy');
    expect(audit).toMatchObject({ ruleId: 'unresolved-policy', severity: 'warning', blocking: false });
    expect(audit?.message).toContain('IsProd');
    // The read-orders policy is scoped to the bucket and the queue.
    expect(findings.filter((f) => f.source.address === 'AppRole' && f.message.includes('sqs:'))).toEqual([]);
  });

  it('CloudFormation YAML: the admin user at its file and line; escaped ${!aws:username} is fine', async () => {
    const { findings } = await checkJson(CFN_YAML);
    const [admin] = at(findings, 'wildcard-action', 'AdminUser', 'Statement[0].Action');
    expect(admin).toMatchObject({ file: CFN_YAML, severity: 'error', blocking: true });
    expect(admin?.source.line).toBe(lineOf(CFN_YAML, 'PolicyName: admin') + 1);
    expect(
      at(findings, 'resource-policy-public', 'UploadsTopicPolicy', 'Statement[0].Principal.AWS'),
    ).toHaveLength(1);
    expect(findings.filter((f) => f.source.address === 'UploaderGroup')).toEqual([]);
    const imported = findings.find((f) => f.source.address === 'SharedKmsAccess');
    expect(imported).toMatchObject({ ruleId: 'unresolved-policy', blocking: false });
    expect(imported?.message).toContain('shared-kms-key-arn');

    const { stdout } = await check(CFN_YAML, 'text');
    expect(stdout).toContain(`${CFN_YAML}:${lineOf(CFN_YAML, 'PolicyName: admin') + 1}  AdminUser`);
  });

  it('CDK synth: addressed by construct path; the Deny on insecure transport is not "public"', async () => {
    const { findings } = await checkJson(CDK_SYNTH);
    const defaultPolicy = 'AppStack/AppRole/DefaultPolicy/Resource';
    expect(at(findings, 'wildcard-action', defaultPolicy, 'Statement[1].Action')[0]?.message).toContain(
      'dynamodb:*',
    );
    // CDK's grantRead prefixes (s3:GetObject*, s3:List*) warn without blocking.
    const prefixes = findings.filter((f) => f.ruleId === 'action-prefix-wildcard');
    expect(prefixes.length).toBeGreaterThan(0);
    expect(prefixes.every((f) => f.severity === 'warning' && !f.blocking)).toBe(true);

    const bucketPolicy = findings.filter((f) => f.source.address === 'AppStack/DataBucket/Policy/Resource');
    expect(bucketPolicy.map((f) => [f.ruleId, f.path])).toEqual([
      ['resource-policy-public', 'Statement[1].Principal.AWS'],
    ]);
  });

  it('Terraform JSON: jsonencode and policy_document policies, addressed by construct path', async () => {
    const { findings } = await checkJson(TERRAFORM);
    expect(at(findings, 'wildcard-action', 'orders/admin', 'Statement[0].Action')).toHaveLength(1);
    expect(at(findings, 'pass-role-unscoped', 'orders/admin', 'Statement[1].Resource')).toHaveLength(1);
    expect(at(findings, 'wildcard-action', 'orders/app-data', 'Statement[2].Action')[0]?.message).toContain(
      'sqs:*',
    );
    expect(at(findings, 'trust-any-principal', 'orders/ci-role', 'Statement[1].Principal.AWS')).toHaveLength(
      1,
    );
    expect(
      at(findings, 'resource-policy-public', 'orders/orders-public', 'Statement[0].Principal'),
    ).toHaveLength(1);
    // The admin policy is attached to the CI role: the finding says whose permissions they are.
    expect(findings.find((f) => f.source.address === 'orders/admin')?.source.principal).toBe(
      'aws_iam_role.ci-role',
    );
  });

  it('pulumi preview: a policy that is unknown until deployment is a warning, not a pass', async () => {
    const { findings } = await checkJson(PULUMI);
    const unresolved = findings.filter((f) => f.ruleId === 'unresolved-policy');
    expect(unresolved).toEqual([
      expect.objectContaining({
        severity: 'warning',
        blocking: false,
        source: expect.objectContaining({ address: 'aws:s3/bucketPolicy:BucketPolicy::assets-policy' }),
      }),
    ]);
    expect(
      at(findings, 'wildcard-action', 'aws:iam/rolePolicy:RolePolicy::app-data', 'Statement[1].Action'),
    ).toHaveLength(1);
    expect(
      at(findings, 'trust-any-principal', 'aws:iam/role:Role::ci', 'Statement[0].Principal.AWS'),
    ).toHaveLength(1);
    // The app role's own logs policy is scoped to its log groups.
    expect(findings.filter((f) => f.source.address === 'aws:iam/role:Role::app')).toEqual([]);
  });

  it('SARIF, text and markdown point at the line of the element, JSON names its path', async () => {
    const sarif = JSON.parse((await check(POLICY, 'sarif')).stdout) as SarifOutput;
    const lines = sarif.runs[0]?.results.map((r) => [
      r.ruleId,
      r.locations[0]?.logicalLocations[0]?.fullyQualifiedName.split('#')[1],
      r.locations[0]?.physicalLocation.region.startLine,
    ]);
    expect(lines).toContainEqual(['wildcard-action', 'Statement[1].Action', lineOf(POLICY, '"s3:*"')]);
    expect(lines).toContainEqual(['pass-role-unscoped', 'Statement[2].Resource', 20]);
    expect(fixture(POLICY).split('\n')[19]).toContain('"Resource": "*"');

    const { stdout: text } = await check(POLICY, 'text');
    expect(text).toMatch(/wildcard-action +Statement\[1\]\.Action \(line 13\) /);
    const { stdout: markdown } = await check(POLICY, 'markdown');
    expect(markdown).toContain(`\`${POLICY}:20\``);

    // In a CloudFormation YAML template the line is the element's, deep inside the resource.
    const yaml = JSON.parse((await check(CFN_YAML, 'sarif')).stdout) as SarifOutput;
    const admin = yaml.runs[0]?.results.find(
      (r) =>
        r.ruleId === 'wildcard-action' &&
        r.locations[0]?.logicalLocations[0]?.fullyQualifiedName ===
          'AdminUser.Policies[0].PolicyDocument#Statement[0].Action',
    );
    expect(admin?.locations[0]?.physicalLocation.region.startLine).toBe(
      lineOf(CFN_YAML, 'PolicyName: admin') + 5,
    );
    expect(fixture(CFN_YAML).split('\n')[lineOf(CFN_YAML, 'PolicyName: admin') + 4]).toContain("Action: '*'");
  });

  it('SARIF uses a relative URI even when the file is named by its absolute path', async () => {
    const { status, stdout } = await runIamGate(['check', join(REPO_ROOT, POLICY), '--format', 'sarif']);
    expect(status).toBe(1);
    const uris = (JSON.parse(stdout) as SarifOutput).runs[0]?.results.map(
      (r) => r.locations[0]?.physicalLocation.artifactLocation.uri,
    );
    expect(new Set(uris)).toEqual(new Set([POLICY]));
  });
});

describe.concurrent('iam-gate check: exit 0', () => {
  it('a tightly scoped policy: no problems', async () => {
    const { status, stdout, stderr } = await runIamGate(['check', CLEAN]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toBe('No problems found in 1 file\n');
  });

  it('a tightly scoped policy in JSON and markdown: a passing verdict', async () => {
    const [json, markdown] = await Promise.all([
      runIamGate(['check', CLEAN, '--format', 'json']),
      runIamGate(['check', CLEAN, '--format', 'markdown']),
    ]);
    expect(json?.status).toBe(0);
    expect(JSON.parse(json?.stdout ?? '')).toMatchObject({ findings: [], summary: { verdict: 'pass' } });
    expect(markdown?.status).toBe(0);
    expect(markdown?.stdout).toMatch(/^## ✅ iam-gate: no blocking findings\n/);
  });

  it('warnings only (an action prefix wildcard, PassRole on a named role): shown, not blocking', async () => {
    const { status, stdout, stderr } = await runIamGate(['check', WARNINGS_ONLY]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toMatch(/^\s+warning\s+action-prefix-wildcard\s+Statement\[0\]\.Action\s/m);
    expect(stdout).toMatch(/^\s+warning\s+pass-role-unscoped\s+Statement\[1\]/m);
    expect(stdout).toContain('2 problems (none blocking), 2 warnings\n');
  });
});

describe.concurrent('iam-gate check: exit 2 for usage and input errors', () => {
  /** Exit 2, nothing on stdout (a pipe to a SARIF upload must not get half a report), stderr returned. */
  async function usageError(args: string[], files: Record<string, string> = {}): Promise<string> {
    const project = tempProject(files);
    try {
      const { status, stdout, stderr } = await runIamGate(args, { cwd: project.dir });
      expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
      return stderr;
    } finally {
      project.cleanup();
    }
  }

  it('a missing file', async () => {
    expect(await usageError(['check', 'missing.json'])).toBe(
      'iam-gate: cannot read missing.json: no such file or directory\n',
    );
  });

  it('JSON that is none of the input kinds', async () => {
    const stderr = await usageError(['check', 'hello.json'], { 'hello.json': '{"hello": 1}\n' });
    expect(stderr).toMatch(/^iam-gate: hello\.json: not a policy document, CloudFormation template/);
  });

  it('invalid JSON: the message names line and column', async () => {
    const stderr = await usageError(['check', 'broken.json'], {
      'broken.json': '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow",, }\n  ]\n}\n',
    });
    expect(stderr).toMatch(/^iam-gate: broken\.json: invalid JSON at line 4, column \d+: .+\n$/);
  });

  it('invalid YAML: the message names the line', async () => {
    const stderr = await usageError(['check', 'template.yaml'], {
      'template.yaml': 'Resources:\n  Role: [1, 2\n  Other: x: y\n',
    });
    expect(stderr).toMatch(/^iam-gate: template\.yaml: invalid YAML at line \d+, column \d+: .+\n$/);
  });

  it('several bad inputs: every one is listed, not just the first', async () => {
    const stderr = await usageError(['check', 'missing.json', 'broken.json', 'hello.json', 'gone/'], {
      'broken.json': '{"Statement": [}\n',
      'hello.json': '{"hello": 1}\n',
    });
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines).toEqual(
      expect.arrayContaining([
        'iam-gate: cannot read missing.json: no such file or directory',
        'iam-gate: cannot read gone/: no such file or directory',
        expect.stringMatching(/^iam-gate: broken\.json: invalid JSON at line 1/),
        expect.stringMatching(/^iam-gate: hello\.json: not a policy document/),
      ]),
    );
  });

  it('a good file next to a bad one: no report at all', async () => {
    const stderr = await usageError(['check', 'good.json', 'hello.json'], {
      'good.json': fixture(POLICY),
      'hello.json': '{"hello": 1}\n',
    });
    expect(stderr).toMatch(/^iam-gate: hello\.json: not a policy document/);
  });

  it('a --config file with an unknown key: file, line and a suggestion', async () => {
    const stderr = await usageError(['check', '--config', 'iam-gate.yml', 'policy.json'], {
      'iam-gate.yml': 'failOn: error\nrulez:\n  wildcard-action: off\n',
      'policy.json': fixture(CLEAN),
    });
    expect(stderr).toBe(
      'iam-gate: invalid configuration:\n  iam-gate.yml:2:1: rulez: unknown key; did you mean "rules"?\n',
    );
  });

  it('an invalid .github/iam-gate.yml in the working directory is not ignored', async () => {
    const stderr = await usageError(['check', 'policy.json'], {
      '.github/iam-gate.yml': 'failOn: warnings\n',
      'policy.json': fixture(CLEAN),
    });
    expect(stderr).toMatch(/^iam-gate: invalid configuration:\n {2}\.github\/iam-gate\.yml:1:1: failOn: /);
    expect(stderr).toContain('"warning"');
  });

  it('--config naming a missing file', async () => {
    const stderr = await usageError(['check', '--config', 'nope.yml', 'policy.json'], {
      'policy.json': fixture(CLEAN),
    });
    expect(stderr).toBe('iam-gate: invalid configuration:\n  nope.yml: config file not found\n');
  });

  it('an unknown --format: the allowed ones are listed', async () => {
    const stderr = await usageError(['check', '--format', 'xml', 'policy.json'], {
      'policy.json': fixture(CLEAN),
    });
    expect(stderr).toContain("argument 'xml' is invalid. Allowed choices are text, json, sarif, markdown.");
  });

  it('check with no files and no policies: in the config', async () => {
    const stderr = await usageError(['check']);
    expect(stderr).toBe(
      'iam-gate: nothing to check: name files or directories, or list them under policies: in .github/iam-gate.yml\n',
    );
  });

  it('check with no files and policies: that match nothing', async () => {
    const stderr = await usageError(['check'], {
      '.github/iam-gate.yml': 'policies:\n  - path: iam/*.json\n',
    });
    expect(stderr).toBe('iam-gate: no file matches policies: iam/*.json\n');
  });

  it('a directory without a single policy file', async () => {
    const stderr = await usageError(['check', 'docs'], { 'docs/readme.md': '# nothing here\n' });
    expect(stderr).toBe('iam-gate: no policy files found in docs\n');
  });
});

describe.concurrent('iam-gate check: configuration', () => {
  async function checkIn(
    files: Record<string, string>,
    args: string[],
  ): Promise<BinaryResult & { json: () => JsonOutput }> {
    const project = tempProject(files);
    try {
      const result = await runIamGate(args, { cwd: project.dir });
      return { ...result, json: () => JSON.parse(result.stdout) as JsonOutput };
    } finally {
      project.cleanup();
    }
  }

  it('.github/iam-gate.yml turning the blocking rules off: exit 0, those findings gone', async () => {
    const config = [
      'rules:',
      '  wildcard-action: off',
      '  wildcard-resource: off',
      '  sensitive-action-unscoped: off',
      '  pass-role-unscoped: off',
      '',
    ].join('\n');
    const { status, stdout, stderr } = await checkIn(
      { '.github/iam-gate.yml': config, 'identity.json': fixture(POLICY) },
      ['check', 'identity.json'],
    );
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toBe('No problems found in 1 file\n');
  });

  it("check with no files checks the config's policies: list, and nothing in node_modules", async () => {
    const { status, json } = await checkIn(
      {
        '.github/iam-gate.yml': 'policies:\n  - path: "**/*.json"\n  - path: "!fixtures/**"\n',
        'iam/identity.json': fixture(POLICY),
        'fixtures/queue.json': fixture(QUEUE_WILDCARD),
        'node_modules/some-package/policy.json': fixture(POLICY),
      },
      ['check', '--format', 'json'],
    );
    expect(status).toBe(1);
    expect([...new Set(json().findings.map((finding) => finding.file))]).toEqual(['iam/identity.json']);
  });

  it('a rule set to warning no longer blocks', async () => {
    const { status, stdout } = await checkIn(
      {
        '.github/iam-gate.yml': 'rules:\n  wildcard-action: warning\n',
        'queue.json': fixture(QUEUE_WILDCARD),
      },
      ['check', 'queue.json'],
    );
    expect(status).toBe(0);
    expect(stdout).toMatch(/^\s+warning\s+wildcard-action\s/m);
  });

  it('an exception with a reason suppresses the finding: shown with the reason, exit 0', async () => {
    const reason = 'the orders queue belongs to this service alone';
    const config = `exceptions:\n  - rule: wildcard-action\n    target: queue.json\n    reason: ${reason}\n`;
    const files = { '.github/iam-gate.yml': config, 'queue.json': fixture(QUEUE_WILDCARD) };
    const [json, text] = await Promise.all([
      checkIn(files, ['check', 'queue.json', '--format', 'json']),
      checkIn(files, ['check', 'queue.json']),
    ]);
    expect(json.status).toBe(0);
    expect(json.json()).toMatchObject({
      findings: [{ ruleId: 'wildcard-action', suppressed: { reason }, blocking: false }],
      summary: { blocking: 0, verdict: 'pass' },
      notes: [],
    });
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`(suppressed: ${reason})`);
    expect(text.stdout).toContain('No problems found in 1 file (1 suppressed)');
  });

  it('an expired exception suppresses nothing, and the output says it expired', async () => {
    const config = [
      'exceptions:',
      '  - rule: wildcard-action',
      '    target: queue.json',
      '    reason: migrating to per-action grants',
      '    expires: 2020-01-01',
      '',
    ].join('\n');
    const files = { '.github/iam-gate.yml': config, 'queue.json': fixture(QUEUE_WILDCARD) };
    const [text, json] = await Promise.all([
      checkIn(files, ['check', 'queue.json']),
      checkIn(files, ['check', 'queue.json', '--format', 'json']),
    ]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('1 problem (1 blocking: 1 error)');
    expect(text.stdout).toMatch(
      /^Notes:\n {2}exception for wildcard-action on queue\.json expired on 2020-01-01/m,
    );

    expect(json.status).toBe(1);
    const report = json.json();
    expect(report.findings).toEqual([expect.objectContaining({ ruleId: 'wildcard-action', blocking: true })]);
    expect(report.findings[0]?.suppressed).toBeUndefined();
    expect(report.notes).toEqual([expect.stringContaining('expired on 2020-01-01')]);
  });

  it('expect: a failed permission expectation blocks, pointing at the statement or the config line', async () => {
    const config = [
      'rules:',
      '  wildcard-action: off',
      'expect:',
      '  - principal: queue.json',
      '    action: sqs:DeleteQueue',
      '    resource: arn:aws:sqs:eu-west-1:123456789012:orders',
      '    decision: deny',
      '    why: the queue outlives deployments',
      '  - principal: queue.json',
      '    action: sqs:SendMessage',
      '    resource: arn:aws:sqs:eu-west-1:123456789012:payments',
      '    decision: allow',
      '',
    ].join('\n');
    const files = { '.github/iam-gate.yml': config, 'queue.json': fixture(QUEUE_WILDCARD) };
    const [json, passing] = await Promise.all([
      checkIn(files, ['check', 'queue.json', '--format', 'json']),
      checkIn(
        {
          ...files,
          '.github/iam-gate.yml':
            config.split('  - principal: queue.json\n    action: sqs:SendMessage')[0] ?? '',
        },
        ['check', 'queue.json', '--format', 'json'],
      ),
    ]);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(1);
    const failed = json.json().findings.filter((f) => f.ruleId === 'expectation-failed');
    const [atStatement, atConfig] = [
      failed.find((f) => f.file === 'queue.json'),
      failed.find((f) => f.file !== 'queue.json'),
    ];
    expect(failed).toHaveLength(2);
    expect(atStatement).toMatchObject({ path: 'Statement[0]', blocking: true });
    expect(atStatement?.message).toMatch(
      /^expect\[0\]: expected queue\.json sqs:DeleteQueue on arn:aws:sqs:eu-west-1:123456789012:orders to be denied, but it is allowed by identity policy queue\.json, Statement\[0\] \(Sid OwnQueue\) \(the queue outlives deployments\)$/,
    );
    expect(atConfig).toMatchObject({
      file: join('.github', 'iam-gate.yml'),
      source: { address: 'expect[1]', line: 9 },
      blocking: true,
    });
    expect(atConfig?.message).toContain(
      'to be allowed, but it is denied: no statement allows sqs:SendMessage',
    );
    // Only the first expectation fails the same file.
    expect(passing.json().findings.map((f) => f.ruleId)).toEqual(['expectation-failed']);
  });

  it('expect: every expectation holding, and its severity configurable like a rule', async () => {
    const config = [
      'rules:',
      '  wildcard-action: off',
      '  expectation-failed: warning',
      'expect:',
      '  - principal: queue.json',
      '    action: sqs:SendMessage',
      '    resource: arn:aws:sqs:eu-west-1:123456789012:orders',
      '    decision: allow',
      '  - principal: queue.json',
      '    action: s3:GetObject',
      '    resource: arn:aws:s3:::anything/x',
      '    decision: allow',
      '',
    ].join('\n');
    const { status, stdout, stderr } = await checkIn(
      { '.github/iam-gate.yml': config, 'queue.json': fixture(QUEUE_WILDCARD) },
      ['check', 'queue.json'],
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^\s+warning\s+expectation-failed\s+expect\[1\]: expected queue\.json s3:GetObject/m,
    );
  });

  it('expect: a wildcard action is a config error with the line', async () => {
    const { status, stdout, stderr } = await checkIn(
      {
        '.github/iam-gate.yml':
          'expect:\n  - principal: queue.json\n    action: sqs:*\n    resource: "*"\n    decision: deny\n',
        'queue.json': fixture(QUEUE_WILDCARD),
      },
      ['check', 'queue.json'],
    );
    expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
    expect(stderr).toBe(
      'iam-gate: invalid configuration:\n  .github/iam-gate.yml:3:5: expect[0].action: expected one action such as s3:GetObject (no wildcards: a request names one action), got "sqs:*"\n',
    );
  });

  it('failOn: warning (from --config) makes a warnings-only file exit 1', async () => {
    const { status, stdout } = await checkIn(
      { 'strict.yml': 'failOn: warning\n', 'warnings.json': fixture(WARNINGS_ONLY) },
      ['check', '--config', 'strict.yml', 'warnings.json'],
    );
    expect(status).toBe(1);
    expect(stdout).toContain('2 problems (2 blocking: 2 warnings)');
  });
});

describe.concurrent('iam-gate check: a directory argument', () => {
  it('checks every policy-like file under it, and skips what is not one', async () => {
    const project = tempProject({
      'infra/policies/identity.json': fixture(POLICY),
      'infra/policies/clean.json': fixture(CLEAN),
      'infra/stacks/app.yaml': fixture(CFN_YAML),
      'infra/stacks/orders.template': fixture(CFN_JSON),
      // Not policies: skipped by extension, by directory, or because they are other data.
      'infra/README.md': '# infra\n',
      'infra/node_modules/dep/policy.json': '{"Statement": "not even a list"}\n',
      'infra/package.json': '{"name": "infra", "version": "1.0.0"}\n',
      'infra/.github/workflows/ci.yml': 'name: ci\non: push\njobs: {}\n',
    });
    try {
      const { status, stdout, stderr } = await runIamGate(['check', 'infra', '--format', 'json'], {
        cwd: project.dir,
      });
      expect(stderr).toBe('');
      expect(status).toBe(1);
      const report = JSON.parse(stdout) as JsonOutput;
      expect(report.summary.files).toBe(4);
      expect(new Set(report.findings.map((f) => f.file))).toEqual(
        new Set([
          join('infra', 'policies', 'identity.json'),
          join('infra', 'stacks', 'app.yaml'),
          join('infra', 'stacks', 'orders.template'),
        ]),
      );
    } finally {
      project.cleanup();
    }
  });

  it('a file that does not parse is still an error: it may be a broken policy', async () => {
    const project = tempProject({
      'infra/identity.json': fixture(POLICY),
      'infra/broken.json': '{"Statement": [\n',
    });
    try {
      const { status, stdout, stderr } = await runIamGate(['check', 'infra'], { cwd: project.dir });
      expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
      expect(stderr).toMatch(/^iam-gate: infra\/broken\.json: invalid JSON/);
    } finally {
      project.cleanup();
    }
  });
});

describe.concurrent('iam-gate check: colour', () => {
  it('none when stdout is not a terminal; FORCE_COLOR turns it on for text only', async () => {
    const [plain, forced, forcedJson, disabled] = await Promise.all([
      check(POLICY, 'text'),
      runIamGate(['check', POLICY], { env: { FORCE_COLOR: '1' } }),
      runIamGate(['check', POLICY, '--format', 'json'], { env: { FORCE_COLOR: '1' } }),
      runIamGate(['check', POLICY], { env: { NO_COLOR: '1' } }),
    ]);
    expect(plain.stdout).not.toContain(ESCAPE);
    expect(disabled.stdout).not.toContain(ESCAPE);
    expect(forced.stdout).toContain(ESCAPE);
    // Colour never leaks into a format a program reads.
    expect(forcedJson.stdout).not.toContain(ESCAPE);
    expect(() => JSON.parse(forcedJson.stdout) as unknown).not.toThrow();
    // Same words, only painted.
    // eslint-disable-next-line no-control-regex -- removing escape sequences is the point
    expect(forced.stdout.replace(/\u001b\[[\d;]*m/g, '')).toBe(plain.stdout);
  });

  it.skipIf(!CAN_FAKE_TERMINAL)('on a terminal by default; NO_COLOR wins over the terminal', async () => {
    const [terminal, noColor] = await Promise.all([
      runIamGateOnTerminal(['check', QUEUE_WILDCARD]),
      runIamGateOnTerminal(['check', QUEUE_WILDCARD], { env: { NO_COLOR: '1' } }),
    ]);
    expect(terminal.status).toBe(1);
    expect(terminal.stdout).toContain(ESCAPE);
    expect(noColor.status).toBe(1);
    expect(noColor.stdout).toContain('1 problem (1 blocking: 1 error)');
    expect(noColor.stdout).not.toContain(ESCAPE);
  });
});

describe('iam-gate rules', () => {
  it('lists every rule in the registry with its default severity', async () => {
    const { status, stdout, stderr } = await runIamGate(['rules']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const listed = stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s+/));
    expect(listed.map(([id]) => id)).toEqual([...ruleIds]);
    expect(listed.every(([, severity]) => ['error', 'warning', 'note'].includes(severity ?? ''))).toBe(true);
  });
});
