import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/index.js';
import type { SimulationPolicies, SimulationRequest } from '../../src/simulate/index.js';
import {
  ACCOUNT,
  BUCKET,
  OBJECT,
  OTHER_ACCOUNT,
  ROLE,
  SESSION,
  USER,
  allow,
  boundary,
  deny,
  identity,
  parseDoc,
  resource,
} from './helpers.js';

const get = (extra: Partial<SimulationRequest> = {}): SimulationRequest => ({
  action: 's3:GetObject',
  resource: OBJECT,
  ...extra,
});

describe('explicit deny beats allow, across policies', () => {
  it.each<[string, SimulationPolicies, string]>([
    [
      'deny in the same identity policy',
      { identity: [identity(allow('s3:*'), deny('s3:GetObject'))] },
      'explicitly denied by identity policy 0, Statement[1]',
    ],
    [
      'deny in another identity policy',
      { identity: [identity(allow('s3:GetObject', OBJECT)), identity(deny('s3:Get*'))] },
      'explicitly denied by identity policy 1, Statement[0]',
    ],
    [
      'deny in the resource policy beats an identity allow',
      {
        identity: [identity(allow('s3:GetObject'))],
        resource: [resource(deny('s3:GetObject', OBJECT, { Principal: '*' }))],
      },
      'explicitly denied by resource policy 0, Statement[0]',
    ],
    [
      'deny in the boundary beats a resource-policy grant to the session',
      {
        resource: [resource(allow('s3:GetObject', OBJECT, { Principal: { AWS: SESSION } }))],
        boundary: [boundary(allow('*'), deny('s3:GetObject'))],
      },
      'explicitly denied by permissions boundary 0, Statement[1]',
    ],
    [
      'every deny is named',
      { identity: [identity(deny('s3:GetObject'), deny('s3:*'))] },
      'explicitly denied by identity policy 0, Statement[0] and identity policy 0, Statement[1]',
    ],
  ])('%s', (_name, policies, reason) => {
    const result = simulate(policies, get({ principal: SESSION }));
    expect(result.decision).toBe('explicitDeny');
    expect(result.reason).toBe(reason);
    expect(result.matched.filter((m) => m.deciding).every((m) => m.effect === 'Deny')).toBe(true);
  });

  it('a Deny whose condition does not hold does not deny', () => {
    const policies = {
      identity: [
        identity(allow('s3:*'), deny('s3:*', '*', { Condition: { Bool: { 'aws:SecureTransport': false } } })),
      ],
    };
    expect(simulate(policies, get({ context: { 'aws:SecureTransport': 'true' } })).decision).toBe('allowed');
    expect(simulate(policies, get({ context: { 'aws:SecureTransport': 'false' } })).decision).toBe(
      'explicitDeny',
    );
  });
});

describe('implicit deny', () => {
  it.each<[string, SimulationPolicies, SimulationRequest, string]>([
    ['no policies at all', {}, get(), `no statement allows s3:GetObject on ${OBJECT}`],
    [
      'another action',
      { identity: [identity(allow('s3:PutObject'))] },
      get(),
      `no statement allows s3:GetObject on ${OBJECT}`,
    ],
    [
      'another resource',
      { identity: [identity(allow('s3:GetObject', `${BUCKET}/public/*`))] },
      get(),
      `no statement allows s3:GetObject on ${OBJECT}`,
    ],
    [
      'an Allow whose condition fails is named',
      {
        identity: [
          identity(
            allow('s3:GetObject', '*', {
              Sid: 'ViaEndpoint',
              Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
            }),
          ),
        ],
      },
      get(),
      `no statement allows s3:GetObject on ${OBJECT} (identity policy 0, Statement[0] (Sid ViaEndpoint) would, but its condition StringEquals aws:SourceVpce is not met)`,
    ],
    [
      'a wildcard-only resource request against an ARN-scoped allow',
      { identity: [identity(allow('s3:ListAllMyBuckets', BUCKET))] },
      { action: 's3:ListAllMyBuckets', resource: '*' },
      'no statement allows s3:ListAllMyBuckets on *',
    ],
  ])('%s', (_name, policies, request, reason) => {
    const result = simulate(policies, request);
    expect(result).toEqual({ decision: 'implicitDeny', matched: [], reason });
  });
});

describe('NotAction and NotResource', () => {
  const notAction = identity({ Effect: 'Allow', NotAction: ['iam:*', 's3:Delete*'], Resource: '*' });
  const notResource = identity({
    Effect: 'Allow',
    Action: 's3:GetObject',
    NotResource: `${BUCKET}/secret/*`,
  });
  const denyNotAction = identity(allow('*'), { Effect: 'Deny', NotAction: 's3:Get*', Resource: '*' });

  it.each([
    [notAction, 's3:GetObject', OBJECT, 'allowed'],
    // Any action not listed, including ones AWS has not invented yet.
    [notAction, 'newservice:DoSomething', '*', 'allowed'],
    [notAction, 'iam:CreateUser', '*', 'implicitDeny'],
    [notAction, 's3:DeleteObject', OBJECT, 'implicitDeny'],
    [notAction, 'S3:DELETEOBJECT', OBJECT, 'implicitDeny'],
    [notResource, 's3:GetObject', OBJECT, 'allowed'],
    [notResource, 's3:GetObject', `${BUCKET}/secret/key`, 'implicitDeny'],
    [notResource, 's3:GetObject', '*', 'allowed'],
    [denyNotAction, 's3:GetObject', OBJECT, 'allowed'],
    [denyNotAction, 's3:PutObject', OBJECT, 'explicitDeny'],
  ] as const)('%#: %s on %s -> %s', (policy, action, res, decision) => {
    expect(simulate({ identity: [policy] }, { action, resource: res }).decision).toBe(decision);
  });
});

describe('resource policies within one account', () => {
  const grant = (principal: unknown, extra: object = {}) =>
    resource(allow('s3:GetObject', `${BUCKET}/*`, { Principal: principal, ...extra }));

  it.each<[string, unknown, string | undefined, string, string]>([
    ['session ARN, caller is that session', { AWS: SESSION }, SESSION, 'allowed', 'exact'],
    ['role ARN, caller is a session of it', { AWS: ROLE }, SESSION, 'allowed', 'role'],
    ['role ARN, caller is the role', { AWS: ROLE }, ROLE, 'allowed', 'role'],
    [
      'role ARN with a path, caller is a session',
      { AWS: `arn:aws:iam::${ACCOUNT}:role/team/app` },
      SESSION,
      'allowed',
      'role',
    ],
    ['user ARN', { AWS: USER }, USER, 'allowed', 'exact'],
    ['"*"', '*', SESSION, 'allowed', 'any'],
    ['{"AWS": "*"}, anonymous caller', { AWS: '*' }, undefined, 'allowed', 'any'],
    [
      'service principal',
      { Service: 'cloudtrail.amazonaws.com' },
      'cloudtrail.amazonaws.com',
      'allowed',
      'service',
    ],
    // The account delegates to its identity policies, and there is none here.
    ['account id', { AWS: ACCOUNT }, SESSION, 'implicitDeny', 'account'],
    ['account root ARN', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, USER, 'implicitDeny', 'account'],
  ])('%s: %s', (_name, principal, caller, decision, principalMatch) => {
    const result = simulate({ resource: [grant(principal)] }, get({ principal: caller }));
    expect(result.decision).toBe(decision);
    expect(result.matched).toEqual([
      expect.objectContaining({ policyKind: 'resource', principalMatch, deciding: decision === 'allowed' }),
    ]);
  });

  it.each<[string, unknown, string | undefined]>([
    ['another session of the role', { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/app/other` }, SESSION],
    ['another role', { AWS: `arn:aws:iam::${ACCOUNT}:role/other` }, SESSION],
    ['the same role name in another account', { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/app` }, SESSION],
    ['another account', { AWS: OTHER_ACCOUNT }, SESSION],
    ['a user ARN that differs in case', { AWS: `arn:aws:iam::${ACCOUNT}:user/Alice` }, USER],
    ['another service', { Service: 'config.amazonaws.com' }, 'cloudtrail.amazonaws.com'],
    ['a named principal, anonymous caller', { AWS: ROLE }, undefined],
  ])('does not name the caller: %s', (_name, principal, caller) => {
    expect(simulate({ resource: [grant(principal)] }, get({ principal: caller }))).toMatchObject({
      decision: 'implicitDeny',
      matched: [],
    });
  });

  it('an account grant plus an identity allow allows, through the identity policy', () => {
    const result = simulate(
      { identity: [identity(allow('s3:GetObject'))], resource: [grant({ AWS: ACCOUNT })] },
      get({ principal: SESSION }),
    );
    expect(result.decision).toBe('allowed');
    expect(result.reason).toBe('allowed by identity policy 0, Statement[0]');
    expect(result.matched.map((m) => [m.policyKind, m.deciding])).toEqual([
      ['identity', true],
      ['resource', false],
    ]);
  });

  it('explains an account-only grant', () => {
    expect(simulate({ resource: [grant({ AWS: ACCOUNT })] }, get({ principal: SESSION })).reason).toBe(
      `resource policy 0, Statement[0] names only the caller's account, which leaves the decision to its identity policies, and none allows s3:GetObject on ${OBJECT}`,
    );
  });

  it('a resource-policy statement without Principal names nobody', () => {
    const policy = parseDoc({ Version: '2012-10-17', Statement: [allow('s3:GetObject')] }, 'identity');
    expect(simulate({ resource: [policy] }, get({ principal: SESSION })).decision).toBe('implicitDeny');
  });

  it('the Principal of an identity policy statement is ignored', () => {
    const policy = parseDoc(
      {
        Version: '2012-10-17',
        Statement: [allow('s3:GetObject', '*', { Principal: { AWS: OTHER_ACCOUNT } })],
      },
      'resource',
    );
    expect(simulate({ identity: [policy] }, get({ principal: SESSION })).decision).toBe('allowed');
  });
});

describe('trust policies as resource policies', () => {
  const oidc = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
  const trust = parseDoc(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: oidc },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/infra:ref:refs/heads/*' },
          },
        },
      ],
    },
    'trust',
  );
  const assume = (sub: string, principal = oidc): SimulationRequest => ({
    action: 'sts:AssumeRoleWithWebIdentity',
    resource: ROLE,
    principal,
    principalType: 'Federated',
    context: {
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': sub,
    },
  });

  it.each<[string, SimulationRequest, string]>([
    ['a branch of the repository', assume('repo:acme/infra:ref:refs/heads/main'), 'allowed'],
    ['a pull request of the repository', assume('repo:acme/infra:pull_request'), 'implicitDeny'],
    ['another repository', assume('repo:evil/infra:ref:refs/heads/main'), 'implicitDeny'],
    [
      'another identity provider',
      assume('repo:acme/infra:ref:refs/heads/main', `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`),
      'implicitDeny',
    ],
  ])('%s', (_name, request, decision) => {
    expect(simulate({ resource: [trust] }, request).decision).toBe(decision);
  });
});

describe('NotPrincipal', () => {
  const denyAllBut = (...principals: string[]) =>
    resource(
      allow('s3:GetObject', `${BUCKET}/*`, { Principal: '*' }),
      deny('s3:GetObject', `${BUCKET}/*`, { NotPrincipal: { AWS: principals } }),
    );

  it.each<[string, string[], string, string]>([
    ['session, role and account listed', [SESSION, ROLE, ACCOUNT], SESSION, 'allowed'],
    // AWS may check the caller as its account or its role: each must be excluded.
    ['only the session listed', [SESSION], SESSION, 'explicitDeny'],
    ['session and role, no account', [SESSION, ROLE], SESSION, 'explicitDeny'],
    // AWS: a NotPrincipal must name the specific session; no role ARN stands for all of them.
    ['role and account, no session', [ROLE, ACCOUNT], SESSION, 'explicitDeny'],
    ['user and account', [USER, ACCOUNT], USER, 'allowed'],
    ['another user', [`arn:aws:iam::${ACCOUNT}:user/bob`, ACCOUNT], USER, 'explicitDeny'],
    ['account only, caller is the account', [ACCOUNT], ACCOUNT, 'allowed'],
  ])('%s', (_name, principals, caller, decision) => {
    expect(simulate({ resource: [denyAllBut(...principals)] }, get({ principal: caller })).decision).toBe(
      decision,
    );
  });

  it('a Deny with NotPrincipal always denies a principal that has a permissions boundary', () => {
    const policies = {
      resource: [denyAllBut(SESSION, ROLE, ACCOUNT)],
      boundary: [boundary(allow('s3:*'))],
    };
    expect(simulate(policies, get({ principal: SESSION })).decision).toBe('explicitDeny');
  });

  it('an Allow with NotPrincipal grants everyone not excluded', () => {
    const policy = resource(allow('s3:GetObject', `${BUCKET}/*`, { NotPrincipal: { AWS: [USER, ACCOUNT] } }));
    expect(simulate({ resource: [policy] }, get({ principal: SESSION })).matched).toEqual([
      expect.objectContaining({ principalMatch: 'not-principal', deciding: true }),
    ]);
    expect(simulate({ resource: [policy] }, get({ principal: USER })).decision).toBe('implicitDeny');
  });
});

describe('permissions boundaries', () => {
  const s3Boundary = boundary(allow(['s3:GetObject', 's3:ListBucket']));

  it.each<[string, SimulationPolicies, string, string]>([
    [
      'identity allow inside the boundary',
      { identity: [identity(allow('s3:*'))], boundary: [s3Boundary] },
      'allowed',
      'allowed by identity policy 0, Statement[0], within permissions boundary 0, Statement[0]',
    ],
    [
      'identity allow outside the boundary',
      { identity: [identity(allow('s3:*'))], boundary: [boundary(allow('s3:ListBucket'))] },
      'implicitDeny',
      'identity policy 0, Statement[0] allows s3:GetObject on ' +
        OBJECT +
        ', but no statement of the permissions boundary does',
    ],
    [
      'the boundary alone grants nothing',
      { boundary: [s3Boundary] },
      'implicitDeny',
      `no statement allows s3:GetObject on ${OBJECT}`,
    ],
    [
      'a resource grant to the role is limited by the boundary',
      {
        resource: [resource(allow('s3:GetObject', OBJECT, { Principal: { AWS: ROLE } }))],
        boundary: [boundary(allow('s3:ListBucket'))],
      },
      'implicitDeny',
      `resource policy 0, Statement[0] names the caller's role, but no statement of the permissions boundary allows s3:GetObject on ${OBJECT}`,
    ],
    [
      'a resource grant to the role inside the boundary',
      {
        resource: [resource(allow('s3:GetObject', OBJECT, { Principal: { AWS: ROLE } }))],
        boundary: [s3Boundary],
      },
      'allowed',
      "allowed by resource policy 0, Statement[0], which names the caller's role, within permissions boundary 0, Statement[0]",
    ],
    [
      'a resource grant to the session is not limited by the boundary',
      {
        resource: [resource(allow('s3:GetObject', OBJECT, { Principal: { AWS: SESSION } }))],
        boundary: [boundary(allow('ec2:*'))],
      },
      'allowed',
      'allowed by resource policy 0, Statement[0], which names the caller',
    ],
    [
      'an empty boundary list is no boundary',
      { identity: [identity(allow('s3:*'))], boundary: [] },
      'allowed',
      'allowed by identity policy 0, Statement[0]',
    ],
  ])('%s', (_name, policies, decision, reason) => {
    const result = simulate(policies, get({ principal: SESSION }));
    expect(result.decision).toBe(decision);
    expect(result.reason).toBe(reason);
  });

  it('marks the identity and boundary statements that allowed as deciding', () => {
    const result = simulate(
      {
        identity: [identity(allow('s3:*'), allow('s3:GetObject', OBJECT, { Sid: 'Exact' }))],
        boundary: [s3Boundary],
      },
      get({ principal: SESSION }),
    );
    expect(result.matched.map((m) => [m.policyKind, m.statementIndex, m.sid, m.deciding])).toEqual([
      ['identity', 0, undefined, true],
      ['identity', 1, 'Exact', true],
      ['boundary', 0, undefined, true],
    ]);
  });
});

describe('case rules', () => {
  it.each([
    ['s3:getobject', 's3:GetObject', OBJECT, OBJECT, 'allowed'],
    ['S3:GET*', 's3:getObject', OBJECT, OBJECT, 'allowed'],
    ['s3:Get?bject', 'S3:GETOBJECT', OBJECT, OBJECT, 'allowed'],
    // ARNs compare case-sensitively, in patterns and requests alike.
    ['s3:GetObject', 's3:GetObject', 'arn:aws:s3:::ACME-data/*', OBJECT, 'implicitDeny'],
    ['s3:GetObject', 's3:GetObject', `${BUCKET}/Reports/*`, OBJECT, 'implicitDeny'],
    ['s3:GetObject', 's3:GetObject', `${BUCKET}/reports/*`, OBJECT, 'allowed'],
  ])(
    'Action %s, request %s; Resource %s, request %s -> %s',
    (pattern, action, resourcePattern, res, decision) => {
      const policies = { identity: [identity(allow(pattern, resourcePattern))] };
      expect(simulate(policies, { action, resource: res }).decision).toBe(decision);
    },
  );

  it.each([
    ['aws:SourceVpce', 'AWS:SOURCEVPCE'],
    ['AWS:SourceVPCE', 'aws:sourcevpce'],
  ])('condition key %s in the policy finds %s in the context', (policyKey, contextKey) => {
    const policies = {
      identity: [identity(allow('s3:*', '*', { Condition: { StringEquals: { [policyKey]: 'vpce-1' } } }))],
    };
    expect(simulate(policies, get({ context: { [contextKey]: 'vpce-1' } })).decision).toBe('allowed');
  });

  it('condition values stay case-sensitive under StringEquals', () => {
    const policies = {
      identity: [
        identity(allow('s3:*', '*', { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } })),
      ],
    };
    expect(simulate(policies, get({ context: { 'aws:SourceVpce': 'VPCE-1' } })).decision).toBe(
      'implicitDeny',
    );
  });
});

describe('policy variables in Resource', () => {
  const mine = (version?: string) =>
    parseDoc(
      {
        ...(version ? { Version: version } : {}),
        Statement: [allow('s3:GetObject', `${BUCKET}/home/\${aws:username}/*`)],
      },
      'identity',
    );

  it.each<[string, string | undefined, string, SimulationRequest['context'], string]>([
    [
      '2012-10-17 substitutes from the caller',
      '2012-10-17',
      `${BUCKET}/home/alice/notes`,
      undefined,
      'allowed',
    ],
    ['2012-10-17: not another user', '2012-10-17', `${BUCKET}/home/bob/notes`, undefined, 'implicitDeny'],
    [
      '2012-10-17: the context wins',
      '2012-10-17',
      `${BUCKET}/home/carol/x`,
      { 'aws:username': 'carol' },
      'allowed',
    ],
    // A literal `${aws:username}` in the key only matches under 2008-10-17.
    ['2008-10-17 is literal', '2008-10-17', `${BUCKET}/home/\${aws:username}/x`, undefined, 'allowed'],
    ['2008-10-17 does not substitute', '2008-10-17', `${BUCKET}/home/alice/notes`, undefined, 'implicitDeny'],
    ['no Version means 2008-10-17', undefined, `${BUCKET}/home/alice/notes`, undefined, 'implicitDeny'],
    [
      '2012-10-17: the literal text does not match',
      '2012-10-17',
      `${BUCKET}/home/\${aws:username}/x`,
      undefined,
      'implicitDeny',
    ],
  ])('%s', (_name, version, res, context, decision) => {
    const request: SimulationRequest = { action: 's3:GetObject', resource: res, principal: USER };
    if (context) request.context = context;
    expect(simulate({ identity: [mine(version)] }, request).decision).toBe(decision);
  });

  it('an unresolvable variable makes the pattern match nothing', () => {
    const policies = { identity: [identity(allow('s3:GetObject', `${BUCKET}/\${aws:PrincipalTag/team}/*`))] };
    expect(simulate(policies, get({ resource: `${BUCKET}/data/x`, principal: SESSION })).decision).toBe(
      'implicitDeny',
    );
    expect(
      simulate(policies, get({ resource: `${BUCKET}/data/x`, context: { 'aws:PrincipalTag/team': 'data' } }))
        .decision,
    ).toBe('allowed');
  });

  it('an unresolvable variable under NotResource excludes nothing', () => {
    const policies = {
      identity: [
        identity({
          Effect: 'Allow',
          Action: 's3:GetObject',
          NotResource: `${BUCKET}/\${aws:PrincipalTag/x}/*`,
        }),
      ],
    };
    expect(simulate(policies, get()).decision).toBe('allowed');
  });

  it('a substituted value is literal: a * in a tag does not widen the pattern', () => {
    const policies = { identity: [identity(allow('s3:GetObject', `${BUCKET}/\${aws:PrincipalTag/team}/*`))] };
    const request = get({ resource: `${BUCKET}/data/x`, context: { 'aws:PrincipalTag/team': '*' } });
    expect(simulate(policies, request).decision).toBe('implicitDeny');
  });

  it('defaults apply when the key is absent', () => {
    const policies = {
      identity: [identity(allow('s3:GetObject', `${BUCKET}/\${aws:PrincipalTag/team, 'shared'}/*`))],
    };
    expect(simulate(policies, get({ resource: `${BUCKET}/shared/x` })).decision).toBe('allowed');
  });
});

describe('derived request context', () => {
  const byArn = (operator: string, value: string) =>
    identity(allow('s3:*', '*', { Condition: { [operator]: { 'aws:PrincipalArn': value } } }));

  it.each([
    ['a session is its role', SESSION, ROLE, 'allowed'],
    ['a role is itself', ROLE, ROLE, 'allowed'],
    ['a user is itself', USER, USER, 'allowed'],
    ['an account is its root', ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`, 'allowed'],
    ['another principal', USER, ROLE, 'implicitDeny'],
  ])('aws:PrincipalArn: %s', (_name, principal, expected, decision) => {
    expect(simulate({ identity: [byArn('ArnEquals', expected)] }, get({ principal })).decision).toBe(
      decision,
    );
  });

  it('aws:PrincipalAccount, aws:PrincipalType and aws:PrincipalIsAWSService', () => {
    const policy = identity(
      allow('s3:*', '*', {
        Condition: {
          StringEquals: { 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalType': 'AssumedRole' },
          Bool: { 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    expect(simulate({ identity: [policy] }, get({ principal: SESSION })).decision).toBe('allowed');
    expect(simulate({ identity: [policy] }, get({ principal: USER })).decision).toBe('implicitDeny');
  });

  it('the given context overrides derived keys', () => {
    const request = get({
      principal: SESSION,
      context: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/team/app` },
    });
    expect(
      simulate({ identity: [byArn('ArnLike', `arn:aws:iam::${ACCOUNT}:role/team/*`)] }, request).decision,
    ).toBe('allowed');
  });

  it('a service caller gets aws:PrincipalServiceName', () => {
    const policy = resource(
      allow('s3:PutObject', `${BUCKET}/*`, {
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com',
            'aws:SourceAccount': ACCOUNT,
          },
        },
      }),
    );
    const request = { action: 's3:PutObject', resource: OBJECT, principal: 'cloudtrail.amazonaws.com' };
    expect(simulate({ resource: [policy] }, request).decision).toBe('implicitDeny');
    expect(
      simulate({ resource: [policy] }, { ...request, context: { 'aws:SourceAccount': ACCOUNT } }).decision,
    ).toBe('allowed');
    expect(
      simulate(
        { resource: [policy] },
        {
          ...request,
          principalType: 'Service',
          principal: 'CloudTrail.amazonaws.com',
          context: { 'aws:SourceAccount': ACCOUNT },
        },
      ).decision,
    ).toBe('implicitDeny');
  });
});

describe('the explanation', () => {
  it('lists every matched statement with policy kind, indexes, path, sid and effect', () => {
    const policies: SimulationPolicies = {
      identity: [
        identity(allow('s3:*', '*', { Sid: 'S3' }), deny('ec2:*')),
        identity(allow('s3:Get*', OBJECT)),
      ],
      resource: [
        parseDoc(
          {
            Version: '2012-10-17',
            Statement: {
              Sid: 'Team',
              Effect: 'Allow',
              Principal: { AWS: ROLE },
              Action: 's3:GetObject',
              Resource: `${BUCKET}/*`,
            },
          },
          'resource',
        ),
      ],
      boundary: [boundary(allow('s3:*'))],
    };
    const result = simulate(policies, get({ principal: SESSION }));
    expect(result).toEqual({
      decision: 'allowed',
      reason:
        "allowed by resource policy 0, Statement (Sid Team), which names the caller's role, within permissions boundary 0, Statement[0]",
      matched: [
        {
          policyKind: 'identity',
          policyIndex: 0,
          statementIndex: 0,
          path: 'Statement[0]',
          sid: 'S3',
          effect: 'Allow',
          deciding: false,
        },
        {
          policyKind: 'identity',
          policyIndex: 1,
          statementIndex: 0,
          path: 'Statement[0]',
          effect: 'Allow',
          deciding: false,
        },
        {
          policyKind: 'resource',
          policyIndex: 0,
          statementIndex: 0,
          path: 'Statement',
          sid: 'Team',
          effect: 'Allow',
          principalMatch: 'role',
          deciding: true,
        },
        {
          policyKind: 'boundary',
          policyIndex: 0,
          statementIndex: 0,
          path: 'Statement[0]',
          effect: 'Allow',
          deciding: true,
        },
      ],
    });
  });

  it('names the Sid of a deny', () => {
    const result = simulate(
      { identity: [identity(allow('s3:*'), deny('s3:DeleteObject', '*', { Sid: 'DenyDelete' }))] },
      { action: 's3:DeleteObject', resource: OBJECT },
    );
    expect(result.reason).toBe('explicitly denied by identity policy 0, Statement[1] (Sid DenyDelete)');
    expect(result.matched.map((m) => [m.effect, m.deciding])).toEqual([
      ['Allow', false],
      ['Deny', true],
    ]);
  });
});
