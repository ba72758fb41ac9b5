import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.js';
import { runCli } from '../../src/cli/run-cli.js';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), color: false },
    out: () => out,
    err: () => err,
  };
}

function files(tree: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'iam-gate-diff-'));
  for (const [name, content] of Object.entries(tree)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

const policy = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const narrow = policy({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::app-data/uploads/*',
});
const wide = policy({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::app-data/*' });

async function diff(...args: string[]) {
  const c = capture();
  const code = await runCli(['diff', ...args], c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('iam-gate diff', () => {
  it('lists what a widened policy adds, with canonical action names, as JSON', async () => {
    const dir = files({
      'base.json': narrow,
      'head.json': policy({
        Effect: 'Allow',
        Action: ['S3:getobject', 's3:DeleteObject'],
        Resource: 'arn:aws:s3:::app-data/*',
      }),
    });
    const { code, out } = await diff(join(dir, 'base.json'), join(dir, 'head.json'), '--format', 'json');
    expect(code).toBe(0);
    const json = JSON.parse(out) as {
      verdict: string;
      added: { action: string; resource: string; effect: string }[];
      removed: unknown[];
    };
    expect(json.verdict).toBe('new-access');
    expect(json.added.map((g) => [g.effect, g.action, g.resource])).toEqual([
      ['Allow', 's3:DeleteObject', 'arn:aws:s3:::app-data/*'],
      ['Allow', 's3:GetObject', 'arn:aws:s3:::app-data/*'],
    ]);
    expect(json.removed).toEqual([]);
  });

  it('shows under each added row a request head allows and base refused, checked by the simulator', async () => {
    const dir = files({ 'base.json': narrow, 'head.json': wide });
    const text = await diff(join(dir, 'base.json'), join(dir, 'head.json'));
    expect(text.out).toContain(
      '  + s3:* (ALL_S3 actions today, and any AWS adds later) on arn:aws:s3:::app-data/*\n      e.g. s3:BypassGovernanceRetention on arn:aws:s3:::app-data/example (base: implicitDeny)\n'.replace(
        'ALL_S3',
        String(text.out.match(/s3:\* \((\d+) actions/)?.[1]),
      ),
    );
    const json = JSON.parse(
      (await diff(join(dir, 'base.json'), join(dir, 'head.json'), '--format', 'json')).out,
    ) as {
      witnesses: unknown[];
    };
    expect(json.witnesses).toEqual([
      {
        kind: 'identity',
        // Two files compared with each other are one policy, whatever their names.
        attachedTo: 'policy',
        principal: 'policy',
        resource: 'arn:aws:s3:::app-data/*',
        conditions: [],
        request: {
          action: 's3:BypassGovernanceRetention',
          resource: 'arn:aws:s3:::app-data/example',
          context: {},
        },
        base: 'implicitDeny',
      },
    ]);
  });

  it('counts the actions a NotAction grants under it instead of listing twenty thousand names', async () => {
    const dir = files({
      'base.json': narrow,
      'head.json': policy(
        { Effect: 'Allow', NotAction: ['iam:*', 'sts:*'], Resource: '*' },
        { Effect: 'Allow', Action: ['iam:ListRoles'], Resource: '*' },
      ),
    });
    const { out } = await diff(join(dir, 'base.json'), join(dir, 'head.json'));
    const all = loadCatalog().allActions();
    const granted = all.filter((name) => !name.startsWith('iam:') && !name.startsWith('sts:'));
    expect(out).toContain(
      `  + * except iam:*, sts:* (${granted.length} actions today, and any AWS adds later), iam:ListRoles on *\n`,
    );
    expect(out.length).toBeLessThan(2000);
    // With a request head allows and base refused, outside the NotAction's exceptions.
    const example = out.match(/\n {6}e\.g\. (\S+) on \S+ \(base: implicitDeny\)\n/);
    expect(example?.[1]).toMatch(/^[a-z0-9-]+:\w+$/);
    expect(example?.[1]).not.toMatch(/^(iam|sts):/);
  });

  it('exits 1 with --fail-on-new-access only when access is added', async () => {
    const dir = files({ 'base.json': wide, 'head.json': narrow, 'same.json': wide });
    expect((await diff(join(dir, 'base.json'), join(dir, 'same.json'), '--fail-on-new-access')).code).toBe(0);
    expect((await diff(join(dir, 'head.json'), join(dir, 'base.json'), '--fail-on-new-access')).code).toBe(1);
    const narrowed = await diff(join(dir, 'base.json'), join(dir, 'head.json'), '--fail-on-new-access');
    expect(narrowed.code).toBe(0);
    expect(narrowed.out).toContain('no new access');
  });

  it('matches policy files by their path when given two directories', async () => {
    const base = files({ 'app.json': narrow, 'ops/reader.json': narrow });
    const head = files({
      'app.json': narrow,
      'ops/reader.json': policy({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::app-data/*',
      }),
    });
    const { out } = await diff(base, head);
    expect(out).toContain('ops/reader.json\n  + s3:GetObject on arn:aws:s3:::app-data/*');
    expect(out).not.toContain('app.json\n');
  });

  it('compares CloudFormation templates role by role, trust included', async () => {
    const template = (sub: string, actions: string[]) => ({
      Resources: {
        DeployRole: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: policy({
              Effect: 'Allow',
              Principal: {
                Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
              },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': sub } },
            }),
            Policies: [
              {
                PolicyName: 'deploy',
                PolicyDocument: policy({
                  Effect: 'Allow',
                  Action: actions,
                  Resource: 'arn:aws:s3:::artifacts/*',
                }),
              },
            ],
          },
        },
      },
    });
    const dir = files({
      'base.json': template('repo:acme/infra:ref:refs/heads/main', ['s3:PutObject']),
      'head.json': template('repo:acme/*', ['s3:PutObject', 's3:DeleteObject']),
    });
    const { code, out } = await diff(
      join(dir, 'base.json'),
      join(dir, 'head.json'),
      '--format',
      'json',
      '--fail-on-new-access',
    );
    expect(code).toBe(1);
    const json = JSON.parse(out) as {
      added: { action: string; attachedTo: string }[];
      trust: { role: string; message: string }[];
    };
    // The widened sub is added access too: more workflows may now call sts:AssumeRoleWithWebIdentity.
    expect(json.added.map((g) => [g.attachedTo, g.action])).toEqual([
      ['DeployRole', 's3:DeleteObject'],
      ['DeployRole', 'sts:AssumeRoleWithWebIdentity'],
    ]);
    expect(json.trust.map((t) => t.role)).toContain('DeployRole');
    expect(json.trust.map((t) => t.message).join('\n')).toContain('repo:acme/*');
  });

  it('renders markdown for a pull-request comment', async () => {
    const dir = files({ 'base.json': narrow, 'head.json': wide });
    const { out } = await diff(join(dir, 'base.json'), join(dir, 'head.json'), '--format', 'markdown');
    expect(out.startsWith('## ❌ iam-gate: this change adds access')).toBe(true);
    expect(out).toContain('| + | `policy` |');
  });

  it('exits 2 on a malformed policy or a missing file, naming the problem', async () => {
    const dir = files({
      'base.json': narrow,
      'bad.json': policy({ Effect: 'allow', Action: 's3:GetObject', Resource: '*' }),
    });
    const bad = await diff(join(dir, 'base.json'), join(dir, 'bad.json'));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Statement[0].Effect: expected "Allow" or "Deny", got "allow"');
    const missing = await diff(join(dir, 'base.json'), join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('nope.json');
  });
});
