/**
 * The diff's guarantee, checked against the local simulator: for random small policies and every
 * request of a small universe, whenever head allows a request that base does not, `added` or
 * `possiblyAdded` holds a grant that covers the request (and conversely `removed` for requests base
 * allowed and head does not). "Covers" is decided by the simulator too: the grant, written back as a
 * one-statement policy with its conditions, must allow the request.
 *
 * `SOUND_RUNS=20000 npx vitest run test/diff/soundness.test.ts --testTimeout=0` searches harder.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG_URL, createCatalog, type CatalogData } from '../../src/catalog/index.js';
import { diff } from '../../src/diff/diff.js';
import type { Grant, PolicySetEntry } from '../../src/diff/types.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { PolicyDocument, PolicyKind } from '../../src/policy/types.js';
import { simulate } from '../../src/simulate/simulate.js';

/**
 * The catalog cut down to the services the policies name: `*` then expands to a few hundred actions
 * instead of 22,000, which keeps each diff cheap. Nothing in the guarantee depends on the catalog's
 * size.
 */
const fullData = JSON.parse(readFileSync(CATALOG_URL, 'utf8')) as CatalogData;
const catalog = createCatalog({
  ...fullData,
  services: fullData.services.filter((service) => service.prefix === 's3' || service.prefix === 'iam'),
});

const ACTION_PATTERNS = [
  's3:GetObject',
  's3:PutObject',
  's3:ListBucket',
  'iam:PassRole',
  's3:Get*',
  's3:*',
  '*',
  's3:?etObject',
  'S3:PUTOBJECT',
];
const RESOURCE_PATTERNS = [
  'arn:aws:s3:::app-data/*',
  'arn:aws:s3:::app-data/uploads/*',
  'arn:aws:s3:::app-?ata/*',
  'arn:aws:s3:::app-data',
  'arn:aws:s3:::app-*/u*',
  'arn:aws:s3:::*',
  '*',
  'arn:aws:iam::111122223333:role/*',
];
const KEY = 'aws:PrincipalTag/team';
const OPERATORS = [
  'StringEquals',
  'StringLike',
  'StringNotEquals',
  'StringNotLike',
  'StringEqualsIfExists',
  'StringLikeIfExists',
  'StringNotEqualsIfExists',
];
const CONDITION_VALUES = ['dev', 'ops', 'd*', '*', 'o?s', 'dev*'];

const REQUEST_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:ListBucket',
  'iam:PassRole',
  's3:GetBucketPolicy',
  's3:DeleteObject',
];
const REQUEST_RESOURCES = [
  'arn:aws:s3:::app-data/uploads/a.txt',
  'arn:aws:s3:::app-data/x',
  'arn:aws:s3:::app-data',
  'arn:aws:s3:::app-Data/x',
  'arn:aws:s3:::app-cata/u',
  'arn:aws:s3:::other/x',
  'arn:aws:iam::111122223333:role/ci',
];
const CONTEXTS: (string | undefined)[] = [undefined, 'dev', 'ops', 'd*', 'devops', 'x'];

const nonEmpty = <T>(items: readonly T[], max: number) =>
  fc.uniqueArray(fc.constantFrom(...items), { minLength: 1, maxLength: max });

const statement = fc.record(
  {
    Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
    actions: nonEmpty(ACTION_PATTERNS, 2),
    notAction: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    resources: nonEmpty(RESOURCE_PATTERNS, 2),
    notResource: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    condition: fc.option(fc.tuple(fc.constantFrom(...OPERATORS), nonEmpty(CONDITION_VALUES, 2)), {
      nil: undefined,
    }),
  },
  { requiredKeys: ['Effect', 'actions', 'notAction', 'resources', 'notResource'] },
);

type RandomStatement = typeof statement extends fc.Arbitrary<infer T> ? T : never;

function toJson(s: RandomStatement): Record<string, unknown> {
  const json: Record<string, unknown> = { Effect: s.Effect };
  json[s.notAction ? 'NotAction' : 'Action'] = s.actions;
  json[s.notResource ? 'NotResource' : 'Resource'] = s.resources;
  if (s.condition) json.Condition = { [s.condition[0]]: { [KEY]: s.condition[1] } };
  return json;
}

function document(
  statements: readonly Record<string, unknown>[],
  kind: PolicyKind = 'identity',
): PolicyDocument {
  // AWS rejects an empty Statement list; an empty revision is a policy with no statements.
  if (statements.length === 0) return { version: '2012-10-17', statements: [] };
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { kind });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.policy;
}

const statements = fc.array(statement, { minLength: 0, maxLength: 3 });

/** Head is either unrelated to base or base with one statement changed, dropped or added. */
const policyPair = statements.chain((base) =>
  fc.oneof(
    statements.map((head) => [base, head] as const),
    fc.tuple(fc.nat(), statement).map(([i, replacement]) => {
      const head = [...base];
      if (head.length > 0) head[i % head.length] = replacement;
      else head.push(replacement);
      return [base, head] as const;
    }),
    fc.nat().map((i) => [base, base.filter((_, k) => base.length === 0 || k !== i % base.length)] as const),
    statement.map((extra) => [base, [...base, extra]] as const),
  ),
);

interface Request {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

const REQUESTS: Request[] = REQUEST_ACTIONS.flatMap((action) =>
  REQUEST_RESOURCES.flatMap((resource) =>
    CONTEXTS.map((team): Request => ({
      action,
      resource,
      context: team === undefined ? {} : { [KEY]: team },
    })),
  ),
);

function allowed(
  policies: { identity: PolicyDocument[]; boundary?: PolicyDocument[] },
  request: Request,
): boolean {
  return simulate(policies, request).decision === 'allowed';
}

/** Future-action grants stand for actions the catalog does not have yet; requests here are all known. */
function isFuture(grant: Grant): boolean {
  return grant.why?.includes('also actions AWS adds later') === true;
}

/** The grant as one Allow statement, without its principal. */
function grantStatement(grant: Grant): Record<string, unknown> {
  const json: Record<string, unknown> = { Effect: 'Allow' };
  json[grant.notAction ? 'NotAction' : 'Action'] = grant.notAction ?? grant.action;
  json[grant.notResource ? 'NotResource' : 'Resource'] = grant.notResource ?? grant.resource;
  if (grant.conditions.length > 0) {
    const condition: Record<string, Record<string, string[]>> = {};
    for (const atom of grant.conditions) (condition[atom.operator] ??= {})[atom.key] = atom.values;
    json.Condition = condition;
  }
  return json;
}

const grantPolicies = new WeakMap<Grant, PolicyDocument>();

function coversRequest(grant: Grant, request: Request): boolean {
  if (isFuture(grant)) return false;
  let policy = grantPolicies.get(grant);
  if (!policy) {
    policy = document([grantStatement(grant)]);
    grantPolicies.set(grant, policy);
  }
  return allowed({ identity: [policy] }, request);
}

/** Grants by lower-case action name; patterns (lifted Deny scopes, NotAction) under `''`. */
function byAction(grants: readonly Grant[]): Map<string, Grant[]> {
  const index = new Map<string, Grant[]>();
  for (const grant of grants) {
    const key = grant.notAction || /[*?]/.test(grant.action) ? '' : grant.action.toLowerCase();
    const list = index.get(key);
    if (list) list.push(grant);
    else index.set(key, [grant]);
  }
  return index;
}

function candidates(index: Map<string, Grant[]>, request: Request): Grant[] {
  return [...(index.get(request.action.toLowerCase()) ?? []), ...(index.get('') ?? [])];
}

function entries(policy: PolicyDocument, boundary?: PolicyDocument): PolicySetEntry[] {
  const list: PolicySetEntry[] = [{ principal: 'AppRole', kind: 'identity', policy }];
  if (boundary) list.push({ principal: 'AppRole', kind: 'boundary', policy: boundary });
  return list;
}

type Json = Record<string, unknown>;

function describeCase(base: unknown, head: unknown, request: unknown): string {
  return JSON.stringify({ base, head, request }, null, 1);
}

function checkPair(
  base: { identity: PolicyDocument; boundary?: PolicyDocument },
  head: { identity: PolicyDocument; boundary?: PolicyDocument },
  json: { base: unknown; head: unknown },
): void {
  const result = diff(entries(base.identity, base.boundary), entries(head.identity, head.boundary), catalog);
  const gained = byAction([...result.added, ...result.possiblyAdded]);
  const lost = byAction(result.removed);
  const simulation = (side: typeof base) => ({
    identity: [side.identity],
    ...(side.boundary ? { boundary: [side.boundary] } : {}),
  });
  for (const request of REQUESTS) {
    const before = allowed(simulation(base), request);
    const after = allowed(simulation(head), request);
    if (after && !before) {
      const covered = candidates(gained, request).some((g) => coversRequest(g, request));
      if (!covered)
        expect.fail(
          `head allows, base does not, diff is silent:\n${describeCase(json.base, json.head, request)}`,
        );
    }
    if (before && !after) {
      const covered = candidates(lost, request).some((g) => coversRequest(g, request));
      if (!covered)
        expect.fail(
          `base allows, head does not, removed is silent:\n${describeCase(json.base, json.head, request)}`,
        );
    }
  }
  if (result.verdict === 'no-new-access') expect([...result.added, ...result.possiblyAdded]).toEqual([]);
}

describe('soundness against the simulator', () => {
  it('reports every request head newly allows, and every request it no longer allows', () => {
    fc.assert(
      fc.property(policyPair, ([base, head]) => {
        const baseJson = base.map(toJson);
        const headJson = head.map(toJson);
        checkPair(
          { identity: document(baseJson) },
          { identity: document(headJson) },
          { base: baseJson, head: headJson },
        );
      }),
      { numRuns: Number(process.env.SOUND_RUNS ?? 600) },
    );
  });

  it('holds with permissions boundaries on either side', () => {
    const boundary = fc.option(fc.array(statement, { minLength: 1, maxLength: 2 }), { nil: undefined });
    fc.assert(
      fc.property(policyPair, boundary, boundary, ([base, head], baseBoundary, headBoundary) => {
        const json = {
          base: { identity: base.map(toJson), boundary: baseBoundary?.map(toJson) },
          head: { identity: head.map(toJson), boundary: headBoundary?.map(toJson) },
        };
        const side = (identity: Record<string, unknown>[], bound?: Record<string, unknown>[]) =>
          bound
            ? { identity: document(identity), boundary: document(bound, 'boundary') }
            : { identity: document(identity) };
        checkPair(
          side(json.base.identity, json.base.boundary),
          side(json.head.identity, json.head.boundary),
          json,
        );
      }),
      { numRuns: Number(process.env.SOUND_RUNS ?? 300) },
    );
  });

  it('holds for resource policies and their principals', () => {
    const ACCOUNT = '111122223333';
    const roleA = `arn:aws:iam::${ACCOUNT}:role/a`;
    const roleB = `arn:aws:iam::${ACCOUNT}:role/b`;
    const outsider = 'arn:aws:iam::444455556666:role/x';
    const principals: unknown[] = [
      '*',
      { AWS: ACCOUNT },
      { AWS: roleA },
      { AWS: [roleA, roleB] },
      { AWS: 'arn:aws:iam::444455556666:root' },
      { Service: 'cloudtrail.amazonaws.com' },
    ];
    const callers = [roleA, roleB, outsider, 'cloudtrail.amazonaws.com'];
    // Fewer contexts than the identity tests: each request is simulated once per caller.
    const RESOURCE_POLICY_REQUESTS = REQUESTS.filter((r) =>
      [undefined, 'dev', 'd*'].includes(r.context[KEY] as string),
    );
    const resourceStatement = fc
      .tuple(statement, fc.constantFrom(...principals), fc.integer({ min: 0, max: 5 }))
      .map(([s, principal, not]) => ({
        ...toJson(s),
        [not === 0 ? 'NotPrincipal' : 'Principal']: principal,
      }));
    const resourcePolicies = fc.array(resourceStatement, { maxLength: 3 });
    const accountOf = (arn: string) => /^arn:aws:iam::(\d{12}):/.exec(arn)?.[1];
    // A NotPrincipal grant means what AWS makes of that NotPrincipal: ask the simulator.
    const notPrincipalCovers = (grant: Grant, request: Request, caller: string): boolean => {
      const json = grantStatement(grant);
      json.NotPrincipal = { AWS: grant.notPrincipal };
      return (
        simulate({ resource: [document([json], 'resource')] }, { ...request, principal: caller }).decision ===
        'allowed'
      );
    };
    const principalCovers = (grant: Grant, caller: string): boolean => {
      if (grant.principal === '*' || grant.principal === caller) return true;
      const account = accountOf(caller);
      return (
        account !== undefined &&
        (grant.principal === account || grant.principal === `arn:aws:iam::${account}:root`)
      );
    };
    const policyEntries = (statements: Json[]): PolicySetEntry[] =>
      statements.length === 0
        ? []
        : [{ principal: 'AppBucket', kind: 'resource', policy: document(statements, 'resource') }];
    const allowedFor = (statements: Json[], request: Request, caller: string) =>
      statements.length > 0 &&
      simulate({ resource: [document(statements, 'resource')] }, { ...request, principal: caller })
        .decision === 'allowed';

    fc.assert(
      fc.property(resourcePolicies, resourcePolicies, (base, head) => {
        const result = diff(policyEntries(base), policyEntries(head), catalog);
        const gained = byAction([...result.added, ...result.possiblyAdded]);
        const lost = byAction(result.removed);
        for (const caller of callers) {
          for (const request of RESOURCE_POLICY_REQUESTS) {
            const before = allowedFor(base, request, caller);
            const after = allowedFor(head, request, caller);
            const check = (index: Map<string, Grant[]>, what: string) => {
              const covered = candidates(index, request).some((g) =>
                g.notPrincipal
                  ? !isFuture(g) && notPrincipalCovers(g, request, caller)
                  : principalCovers(g, caller) && coversRequest(g, request),
              );
              if (!covered) expect.fail(`${what}:\n${describeCase(base, head, { ...request, caller })}`);
            };
            if (after && !before) check(gained, 'head allows, base does not, diff is silent');
            if (before && !after) check(lost, 'base allows, head does not, removed is silent');
          }
        }
      }),
      { numRuns: Number(process.env.SOUND_RUNS ?? 120) },
    );
  });

  it('finds nothing when head equals base, whatever the statement order', () => {
    fc.assert(
      fc.property(statements, (base) => {
        const baseJson = base.map(toJson);
        const result = diff(entries(document(baseJson)), entries(document([...baseJson].reverse())), catalog);
        expect(result.verdict).toBe('no-new-access');
        expect(result.added).toEqual([]);
        expect(result.possiblyAdded).toEqual([]);
        expect(result.removed).toEqual([]);
      }),
      { numRuns: Number(process.env.SOUND_RUNS ?? 300) },
    );
  });
});
