/** `iam-gate simulate` through `runSimulate`, on policy files in a temporary directory. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulateOptions, registerSimulate, runSimulate } from '../../src/cli/simulate-command.js';

const OBJECT = 'arn:aws:s3:::acme-data/reports/q1.csv';
const ROLE = 'arn:aws:iam::111122223333:role/app';
const SESSION = 'arn:aws:sts::111122223333:assumed-role/app/ci';

let dir: string;

const FILES: Record<string, unknown> = {
  'read.json': {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadReports', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-data/*' },
    ],
  },
  'deny-delete.json': {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Sid: 'DenyDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
    ],
  },
  'office-only.json': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: {
          IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] },
        },
      },
    ],
  },
  'bucket-policy.json': {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'App',
        Effect: 'Allow',
        Principal: { AWS: ROLE },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::acme-data/*',
      },
    ],
  },
  'boundary-ec2.json': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
  },
  'bad-effect.json': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'allow', Action: 's3:GetObject', Resource: '*' }],
  },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iam-gate-simulate-'));
  for (const [name, content] of Object.entries(FILES))
    writeFileSync(join(dir, name), JSON.stringify(content, null, 2));
  writeFileSync(join(dir, 'broken.json'), '{"Version": "2012-10-17", "Statement": [}');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(options: Partial<SimulateOptions>): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runSimulate(
    { action: 's3:GetObject', resource: OBJECT, cwd: dir, ...options },
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false },
  );
  return { code, stdout, stderr };
}

describe('text output', () => {
  it('prints the decision, the reason and the deciding statements', async () => {
    expect(await run({ policy: ['read.json'] })).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'allowed',
        'allowed by identity policy 0, Statement[0] (Sid ReadReports)',
        'deciding statements:',
        '  Allow read.json: identity policy 0, Statement[0] (Sid ReadReports)',
        '',
      ].join('\n'),
    });
  });

  it('an explicit deny exits 0 and lists the allows it overrode', async () => {
    expect(await run({ policy: ['read.json', 'deny-delete.json'], action: 's3:DeleteObject' })).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'explicitDeny',
        'explicitly denied by identity policy 1, Statement[1] (Sid DenyDelete)',
        'deciding statements:',
        '  Deny  deny-delete.json: identity policy 1, Statement[1] (Sid DenyDelete)',
        'other matching statements:',
        '  Allow deny-delete.json: identity policy 1, Statement[0]',
        '',
      ].join('\n'),
    });
  });

  it('an implicit deny exits 0 and says what is missing', async () => {
    expect(await run({ policy: ['read.json'], action: 's3:PutObject' })).toEqual({
      code: 0,
      stderr: '',
      stdout: `implicitDeny\nno statement allows s3:PutObject on ${OBJECT}\n`,
    });
  });

  it('colours the decision only when asked', async () => {
    let stdout = '';
    await runSimulate(
      { action: 's3:GetObject', resource: OBJECT, policy: ['read.json'], cwd: dir },
      { stdout: (t) => (stdout += t), stderr: () => undefined, color: true },
    );
    const first = stdout.split('\n')[0] ?? '';
    expect(first).not.toBe('allowed');
    expect(first.startsWith('\u001b[')).toBe(true);
    expect(first).toContain('allowed');
  });
});

describe('JSON output', () => {
  it('prints decision, reason and matched statements with their files', async () => {
    const result = await run({ policy: ['deny-delete.json'], action: 's3:DeleteObject', format: 'json' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      decision: 'explicitDeny',
      reason: 'explicitly denied by identity policy 0, Statement[1] (Sid DenyDelete)',
      matched: [
        {
          policyKind: 'identity',
          policyIndex: 0,
          statementIndex: 0,
          path: 'Statement[0]',
          effect: 'Allow',
          deciding: false,
          file: 'deny-delete.json',
        },
        {
          policyKind: 'identity',
          policyIndex: 0,
          statementIndex: 1,
          path: 'Statement[1]',
          sid: 'DenyDelete',
          effect: 'Deny',
          deciding: true,
          file: 'deny-delete.json',
        },
      ],
    });
  });
});

describe('policies, principal and context', () => {
  it.each<[string, Partial<SimulateOptions>, string]>([
    [
      'context satisfies the conditions',
      {
        policy: ['office-only.json'],
        context: ['aws:SourceIp=10.1.2.3', 'aws:TagKeys=team', 'aws:TagKeys=env'],
      },
      'allowed',
    ],
    // A key given twice is a list: one value outside the allowed set fails ForAllValues.
    [
      'a repeated key is a list',
      {
        policy: ['office-only.json'],
        context: ['aws:SourceIp=10.1.2.3', 'aws:TagKeys=team', 'AWS:TagKeys=owner'],
      },
      'implicitDeny',
    ],
    [
      'the IP is outside the block',
      { policy: ['office-only.json'], context: ['aws:SourceIp=192.0.2.1'] },
      'implicitDeny',
    ],
    [
      'a value may contain =',
      { policy: ['office-only.json'], context: ['aws:SourceIp=10.0.0.1', 'aws:TagKeys=team=x'] },
      'implicitDeny',
    ],
    [
      'the resource policy grants the role',
      { resourcePolicy: 'bucket-policy.json', principal: SESSION },
      'allowed',
    ],
    [
      'without a principal the resource policy names nobody',
      { resourcePolicy: 'bucket-policy.json' },
      'implicitDeny',
    ],
    [
      'the boundary limits the grant to the role',
      { resourcePolicy: 'bucket-policy.json', principal: SESSION, boundary: ['boundary-ec2.json'] },
      'implicitDeny',
    ],
    [
      'the boundary limits identity policies',
      { policy: ['read.json'], boundary: ['boundary-ec2.json'] },
      'implicitDeny',
    ],
    ['an account id is a principal', { policy: ['read.json'], principal: '111122223333' }, 'allowed'],
    ['a service is a principal', { policy: ['read.json'], principal: 'cloudtrail.amazonaws.com' }, 'allowed'],
  ])('%s', async (_name, options, decision) => {
    const result = await run({ ...options, format: 'json' });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { decision: string }).decision).toBe(decision);
  });

  it('resolves files against cwd and accepts absolute paths', async () => {
    const result = await run({ policy: [join(dir, 'read.json')], cwd: '/' });
    expect(result.stdout.split('\n')[0]).toBe('allowed');
  });
});

describe('usage and input errors exit 2', () => {
  it.each<[string, Partial<SimulateOptions>, string]>([
    ['no policy', {}, 'iam-gate: give at least one --policy or a --resource-policy\n'],
    ['a missing file', { policy: ['nope.json'] }, 'iam-gate: cannot read nope.json: ENOENT\n'],
    [
      'malformed JSON',
      { policy: ['broken.json'] },
      'iam-gate: broken.json: invalid JSON at line 1, column 41: value expected\n',
    ],
    [
      'an invalid statement, with its JSON path',
      { policy: ['bad-effect.json'] },
      'iam-gate: bad-effect.json: Statement[0].Effect: expected "Allow" or "Deny", got "allow"\n',
    ],
    [
      'an identity policy given as the resource policy',
      { resourcePolicy: 'read.json' },
      'iam-gate: read.json: Statement[0]: missing Principal (or NotPrincipal)\n',
    ],
    [
      'a wildcard action',
      { policy: ['read.json'], action: 's3:Get*' },
      'iam-gate: --action expects one action such as s3:GetObject, got "s3:Get*"\n',
    ],
    [
      'a resource that is no ARN',
      { policy: ['read.json'], resource: 'acme-data' },
      'iam-gate: --resource expects an ARN or "*", got "acme-data"\n',
    ],
    [
      'a context entry without =',
      { policy: ['read.json'], context: ['aws:SourceIp'] },
      'iam-gate: --context expects key=value such as aws:SourceIp=10.0.0.1, got "aws:SourceIp"\n',
    ],
    [
      'a principal that is none',
      { policy: ['read.json'], principal: 'alice' },
      'iam-gate: --principal expects an ARN, an account id or a service principal such as cloudtrail.amazonaws.com, got "alice"\n',
    ],
  ])('%s', async (_name, options, stderr) => {
    expect(await run(options)).toEqual({ code: 2, stdout: '', stderr });
  });

  it('lists every bad input, in command-line order', async () => {
    const result = await run({
      policy: ['nope.json', 'bad-effect.json'],
      boundary: ['broken.json'],
      context: ['x'],
    });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'iam-gate: --context expects key=value such as aws:SourceIp=10.0.0.1, got "x"',
      'iam-gate: cannot read nope.json: ENOENT',
      'iam-gate: bad-effect.json: Statement[0].Effect: expected "Allow" or "Deny", got "allow"',
      'iam-gate: broken.json: invalid JSON at line 1, column 41: value expected',
    ]);
  });

  it('warns about an unknown action but still simulates it', async () => {
    expect(await run({ policy: ['read.json'], action: 's3:GetObjekt' })).toEqual({
      code: 0,
      stderr:
        'iam-gate: warning: s3:GetObjekt is not a known action (did you mean s3:GetObject?); simulating it anyway\n',
      stdout: `implicitDeny\nno statement allows s3:GetObjekt on ${OBJECT}\n`,
    });
  });
});

describe('registerSimulate', () => {
  async function parse(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), color: false };
    const result = { code: -1 };
    const program = new Command()
      .exitOverride()
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    registerSimulate(program, io, { cwd: dir }, result);
    try {
      await program.parseAsync(argv, { from: 'user' });
    } catch {
      return { code: 2, stdout, stderr };
    }
    return { code: result.code, stdout, stderr };
  }

  it('collects repeated --policy, --boundary and --context options', async () => {
    const result = await parse([
      'simulate',
      '--policy',
      'read.json',
      '--policy',
      'office-only.json',
      '--boundary',
      'boundary-ec2.json',
      '--action',
      's3:GetObject',
      '--resource',
      OBJECT,
      '--context',
      'aws:SourceIp=10.0.0.1',
      '--context',
      'aws:TagKeys=team',
      '-f',
      'json',
    ]);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { decision: string; matched: { file: string }[] };
    expect(output.decision).toBe('implicitDeny');
    expect(output.matched.map((m) => m.file)).toEqual(['read.json', 'office-only.json']);
  });

  it('requires --action and --resource', async () => {
    const result = await parse(['simulate', '--policy', 'read.json', '--resource', OBJECT]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--action <action>' not specified");
  });

  it('rejects an unknown format', async () => {
    const result = await parse([
      'simulate',
      '--policy',
      'read.json',
      '--action',
      's3:GetObject',
      '--resource',
      OBJECT,
      '-f',
      'xml',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '-f, --format <format>' argument 'xml' is invalid");
  });
});
