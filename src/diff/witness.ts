/**
 * A witness for an added row: one concrete request (an action, a resource ARN, a request context,
 * for resource rows a caller) that head allows and base does not, checked with the local simulator
 * on both revisions. A reviewer reads "e.g. s3:DeleteObject on arn:aws:s3:::app-data/example"
 * instead of working out what a pattern admits.
 *
 * The request is built to be one AWS could receive: an action of the row whose resource type fits
 * the resource (an object ARN for an object action, `*` only for an action that takes no resource),
 * ARN fields filled as a real ARN has them, the time of the run for `aws:CurrentTime`, a caller
 * consistent with what the conditions pin (`aws:PrincipalArn`, `aws:PrincipalAccount`). It is shown
 * only when the simulator confirms both decisions, and not when a decision could turn on something
 * the request leaves open: a key every real request carries but the request lacks, or a condition
 * value with a policy variable. A row may therefore have none (see docs/diff.md).
 *
 * Identity rows, and resource rows that name one caller (`*` as a stranger's role, a role, user or
 * service as itself): what the resource policy grants on its own. Trust rows are told by the trust
 * changes.
 */
import { loadCatalog, type AccessLevel, type Catalog } from '../catalog/index.js';
import { isAlwaysPresentKey } from '../policy/always-present-keys.js';
import { formatArn, parseArn } from '../policy/arn.js';
import { parseConditionOperator } from '../policy/condition-operators.js';
import { matchesGlob, matchesResource } from '../policy/glob.js';
import { parsePolicy } from '../policy/parse-policy.js';
import { findPolicyVariables } from '../policy/policy-variables.js';
import type { PolicyDocument, Statement } from '../policy/types.js';
import { callerContext, parseCaller } from '../simulate/caller.js';
import { simulate } from '../simulate/index.js';
import { matchesActionElement } from '../simulate/statement-match.js';
import type {
  SimulationPolicies,
  SimulationPolicyKind,
  SimulationRequest,
  SimulationResult,
} from '../simulate/index.js';
import { globsIntersect } from './glob-sets.js';
import { notActionEntry } from './group-grants.js';
import type { AddedGroup, ConditionAtom, PolicyDiff, PolicySetEntry, Witness } from './types.js';

/** Rows asked about per call at most: each costs a few simulations of the principal's policies. */
export const MAX_WITNESSED_ROWS = 200;

/** Actions of a row looked at for one whose resource type fits, and requests simulated per row. */
const CANDIDATE_ACTIONS = 40;
const TRIES = 4;

/** A caller no policy names: the stranger `"Principal": "*"` lets in. */
export const ANY_CALLER = 'arn:aws:iam::999999999999:role/example';

export interface WitnessOptions {
  catalog?: Catalog;
  /** Past this many milliseconds no further row is asked about (a review shares the diff's budget). */
  timeBudgetMs?: number;
  /** The time of the requests (`aws:CurrentTime`); now by default. */
  now?: Date;
}

/**
 * The diff with a witness on each added row that has one (`AddedGroup.witness`), for the first
 * `MAX_WITNESSED_ROWS` added rows. `base` and `head` are what the diff was given. An incomplete
 * diff (its time budget ran out) gets none.
 */
export function withWitnesses(
  result: PolicyDiff,
  base: readonly PolicySetEntry[],
  head: readonly PolicySetEntry[],
  options: WitnessOptions = {},
): PolicyDiff {
  if (result.incomplete !== undefined) return result;
  const deadline =
    options.timeBudgetMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + options.timeBudgetMs;
  let asked = 0;
  const groups = result.groups.map((group) => {
    if (group.certainty !== 'added' || asked >= MAX_WITNESSED_ROWS) return group;
    if (deadline !== Number.POSITIVE_INFINITY && performance.now() >= deadline) return group;
    asked += 1;
    const witness = witnessOf(group, base, head, options);
    return witness === undefined ? group : { ...group, witness };
  });
  return { ...result, groups };
}

export function witnessOf(
  group: AddedGroup,
  base: readonly PolicySetEntry[],
  head: readonly PolicySetEntry[],
  options: WitnessOptions = {},
): Witness | undefined {
  const catalog = options.catalog ?? loadCatalog();
  const rowCaller = callerOf(group);
  if (rowCaller === null) return undefined;
  if (group.notResource !== undefined || findPolicyVariables(group.resource).length > 0) return undefined;
  const meeting = contextMeeting(group.conditions);
  if (meeting === undefined) return undefined;
  const caller = rowCaller === undefined ? undefined : pinnedCaller(rowCaller, meeting);
  if (caller === null) return undefined;
  const derived = caller === undefined ? {} : callerContext(parseCaller(caller));
  if (contradicts(meeting, derived)) return undefined;
  // What the caller already says needs no repeating in the context.
  const context = withoutKeys(meeting, derived);
  const headPolicies = policiesOf(head, group);
  const basePolicies = policiesOf(base, group);
  const row = rowAlone(group);
  if (row === undefined) return undefined;
  const region = valueOf(context, (key) => key === 'aws:requestedregion');
  Object.assign(context, runKeys(context, [headPolicies, basePolicies], options.now ?? new Date()));
  for (const { action, resource } of candidateRequests(group, catalog, region)) {
    if (
      group.resource.includes('${') &&
      decidedByTheUnknownReference(resource, [headPolicies, basePolicies], action, catalog)
    )
      continue;
    const request: SimulationRequest = { action, resource, context: { ...context } };
    if (caller !== undefined) request.principal = caller;
    // The request must be one of the row's, not one another head statement allows.
    if (simulate(row, request).decision !== 'allowed') continue;
    const headResult = simulate(headPolicies, request);
    if (headResult.decision !== 'allowed') continue;
    const decision = simulate(basePolicies, request).decision;
    if (decision === 'allowed') continue;
    if (turnsOnTheUnknown(request, derived, headPolicies, basePolicies, headResult)) continue;
    const witness: Witness = {
      action,
      resource,
      context: request.context as Record<string, string>,
      base: decision,
    };
    if (caller !== undefined) witness.principal = caller;
    return witness;
  }
  return undefined;
}

/**
 * The row as a policy of its own (its actions as listed, its resource and conditions), to check that
 * a request is one the row stands for. Undefined if it does not parse, which a row of a parsed
 * policy always does.
 */
function rowAlone(group: AddedGroup): SimulationPolicies | undefined {
  const condition: Record<string, Record<string, string[]>> = {};
  for (const atom of group.conditions) (condition[atom.operator] ??= {})[atom.key] = atom.values;
  // A NotAction's future actions are written `* except X, Y` in a row: a NotAction statement of its
  // own, next to one that lists the row's other actions.
  const actions: string[] = [];
  const notActions: string[][] = [];
  for (const action of group.actions) {
    const notAction = notActionEntry(action);
    if (notAction === undefined) actions.push(action);
    else if (notAction.pattern === '*') notActions.push(notAction.except);
    else return undefined;
  }
  const statements = [
    ...(actions.length > 0 ? [{ Action: actions }] : []),
    ...notActions.map((notAction) => ({ NotAction: notAction })),
  ].map((statement) => ({
    Effect: 'Allow',
    ...statement,
    Resource: group.resource,
    ...(group.conditions.length > 0 ? { Condition: condition } : {}),
  }));
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { kind: 'identity' });
  return parsed.ok ? { identity: [parsed.policy] } : undefined;
}

/**
 * Who calls in a row's request: nobody in particular for identity rows (undefined), the principal a
 * resource row names (`*` as `ANY_CALLER`), or `null` when there is no single one to show (trust
 * rows, a NotPrincipal, a federated or canonical-user principal, a pattern).
 */
function callerOf(group: AddedGroup): string | undefined | null {
  if (group.kind === 'identity' || group.kind === 'boundary') return undefined;
  if (group.kind !== 'resource' || group.notPrincipal !== undefined) return null;
  const principal = group.principal;
  if (principal === '*') return ANY_CALLER;
  if (principal.includes('*') || principal.includes(',')) return null;
  const looksLikeCaller =
    /^\d{12}$/.test(principal) || principal.startsWith('arn:') || principal.endsWith('.amazonaws.com');
  return looksLikeCaller && !principal.includes(':oidc-provider/') && !principal.includes(':saml-provider/')
    ? principal
    : null;
}

/**
 * A stranger stands for `*` only where the conditions do not say who calls: a row fenced by
 * `aws:PrincipalArn` is called by that principal, one fenced by `aws:PrincipalAccount` (or a
 * service's `kms:CallerAccount`) by a role of that account, `aws:username` by that user, and
 * `aws:PrincipalServiceName` or a service's `aws:SourceArn` by that service. `null` when the
 * conditions describe a caller this cannot build (`aws:userid`, `aws:SourceAccount` alone, an ARN
 * that names no principal).
 */
function pinnedCaller(caller: string, context: Readonly<Record<string, string>>): string | null {
  if (caller !== ANY_CALLER) return caller;
  const pinned = (...keys: string[]) =>
    valueOf(
      context,
      (key) => keys.includes(key) || (keys.includes('*:calleraccount') && key.endsWith(':calleraccount')),
    );
  if (pinned('aws:userid', 'aws:sourceidentity') !== undefined) return null;
  const arn = pinned('aws:principalarn');
  if (arn !== undefined) return ['user', 'role', 'session'].includes(parseCaller(arn).kind) ? arn : null;
  const service = pinned('aws:principalservicename');
  if (service !== undefined) return service.endsWith('.amazonaws.com') ? service : null;
  const source = pinned('aws:sourcearn');
  if (source !== undefined) {
    const from = parseArn(source)?.service;
    return from !== undefined && /^[a-z0-9-]+$/.test(from) ? `${from}.amazonaws.com` : null;
  }
  if (pinned('aws:sourceaccount', 'aws:sourceorgid', 'aws:sourceorgpaths') !== undefined) return null;
  const account = pinned('aws:principalaccount', '*:calleraccount');
  const name = pinned('aws:username');
  if (account !== undefined && !/^\d{12}$/.test(account)) return null;
  if (name !== undefined)
    return /^[\w+=,.@-]+$/.test(name) ? `arn:aws:iam::${account ?? '999999999999'}:user/${name}` : null;
  return account === undefined ? caller : `arn:aws:iam::${account}:role/example`;
}

function valueOf(
  context: Readonly<Record<string, string>>,
  wanted: (lowerKey: string) => boolean,
): string | undefined {
  for (const [key, value] of Object.entries(context)) if (wanted(key.toLowerCase())) return value;
  return undefined;
}

/** Whether the context says of the caller something other than the caller itself does. */
function contradicts(
  context: Readonly<Record<string, string>>,
  derived: Readonly<Record<string, string>>,
): boolean {
  const account = derived['aws:PrincipalAccount'];
  for (const [key, value] of Object.entries(context)) {
    const lower = key.toLowerCase();
    const said = Object.entries(derived).find(([k]) => k.toLowerCase() === lower)?.[1];
    if (said !== undefined && said !== value) return true;
    if (lower.endsWith(':calleraccount') && account !== undefined && value !== account) return true;
  }
  return false;
}

function withoutKeys(
  context: Readonly<Record<string, string>>,
  derived: Readonly<Record<string, string>>,
): Record<string, string> {
  const lower = new Set(Object.keys(derived).map((key) => key.toLowerCase()));
  return Object.fromEntries(Object.entries(context).filter(([key]) => !lower.has(key.toLowerCase())));
}

/**
 * Requests to try, best first: an action of the row and a resource its resource type has. For a
 * row on `*`, an action that takes no resource on `*` or an instance of another's ARN format; for an
 * ARN pattern, the pattern with its wildcards filled as the action's ARN format has those fields,
 * preferring the most specific format that fits (an object action for `bucket/*`).
 */
function candidateRequests(
  group: AddedGroup,
  catalog: Catalog,
  region: string | undefined,
): { action: string; resource: string }[] {
  const pattern = group.resource;
  const anyResource = /^\*+$/.test(pattern);
  // A reference of the IaC program to a resource not yet created (`${aws_s3_bucket.logs.arn}`) is
  // kept in the request as written, as the diff compares it; the fit of an action is judged on the
  // pattern with an ARN of the referenced type in its place, and without a known type there is none.
  const symbolic = pattern.includes('${');
  const standIn = symbolic ? withReferences(pattern, catalog, (format) => instanceOf(format)) : pattern;
  if (standIn === undefined) return [];
  const patternService = parseArn(standIn)?.service;
  const service = patternService === undefined || /[*?]/.test(patternService) ? undefined : patternService;
  // Only actions of the resource's service can fit it: filtered before the cap, so that `*` on an
  // S3 ARN is asked about S3's actions, not the first forty of the catalog.
  const names =
    service === undefined
      ? group.actions
      : group.actions.filter((name) => name.toLowerCase().startsWith(`${service.toLowerCase()}:`));
  // Per action, the resources that fit, best first; actions ranked by their best one.
  const ranked: { action: string; resources: string[]; score: number; order: number }[] = [];
  for (const name of bySignificance(names, catalog).slice(0, CANDIDATE_ACTIONS)) {
    const info = catalog.action(name);
    if (info === undefined) continue;
    const order = ranked.length;
    if (info.wildcardOnly) {
      // On `*` in an identity policy; a resource policy's `*` is the resource it protects, which an
      // action without resources never names.
      if (anyResource && group.kind !== 'resource')
        ranked.push({ action: info.name, resources: ['*'], score: 0, order });
      continue;
    }
    // The resource types an action requires come first (an instance for StartInstances, not the
    // license configuration it may also name).
    const types = [...info.resourceTypes].sort((a, b) => Number(b.required) - Number(a.required));
    const fits: { resource: string; score: number; at: number }[] = [];
    for (const [at, format] of types.flatMap((type) => type.arnFormats).entries()) {
      // A format of another service than the pattern's literal one cannot fit: no glob needed.
      if (service !== undefined && !format.startsWith(`arn:\${Partition}:${service}:`)) continue;
      const shaped = anyResource ? instanceOf(format, region) : filledAs(standIn, format, region);
      if (shaped === undefined || !strictFormat(format).test(shaped)) continue;
      const resource = symbolic ? fill(pattern) : shaped;
      if (!matchesResource(pattern, resource)) continue;
      // On `*` every action fits equally (the most significant is shown) with its plainest format
      // first (a bucket's object before an access point's); on a pattern, the most specific format
      // that fits ranks the action. Ties keep the catalog's order.
      const literal = format.replace(/\$\{[^}]*\}/g, '').length;
      fits.push({ resource, score: anyResource ? 0 : literal, at: anyResource ? literal * 1000 + at : at });
    }
    fits.sort((x, y) => y.score - x.score || x.at - y.at);
    const [best] = fits;
    if (best !== undefined)
      ranked.push({ action: info.name, resources: fits.map((f) => f.resource), score: best.score, order });
  }
  // Stable: among equals, the row's order (alphabetical) decides. The best action is tried again with
  // other text in the wildcards, in case base grants the first text (`bucket/example*`), and with its
  // next resource type (base may grant the object but not the access point it is reached through).
  ranked.sort((x, y) => y.score - x.score || x.order - y.order);
  const [top, ...rest] = ranked;
  if (top === undefined) return [];
  const [first, second] = top.resources as [string, ...string[]];
  const again = anyResource ? undefined : refilled(first, pattern);
  return [
    { action: top.action, resource: first },
    ...(again === undefined ? [] : [{ action: top.action, resource: again }]),
    ...(second === undefined ? [] : [{ action: top.action, resource: second }]),
    ...rest.map((entry) => ({ action: entry.action, resource: entry.resources[0] as string })),
  ].slice(0, TRIES);
}

/** Which kinds of access a reviewer most needs to see first: who may change permissions, then write. */
const SIGNIFICANCE: Record<AccessLevel, number> = {
  'Permissions management': 4,
  Write: 3,
  Tagging: 2,
  Read: 1,
  List: 0,
};

/**
 * The row's catalog actions, the most significant kinds first (alphabetical within one): the example
 * is one of the first that fits, and `s3:PutBucketPolicy` says more about `s3:*` than
 * `s3:AbortMultipartUpload` does.
 */
function bySignificance(actions: readonly string[], catalog: Catalog): string[] {
  return actions
    .flatMap((name) => {
      const level = catalog.accessLevel(name);
      return level === undefined ? [] : [{ name, rank: SIGNIFICANCE[level] }];
    })
    .sort((a, b) => b.rank - a.rank)
    .map((entry) => entry.name);
}

/** The filled resource with `other` where the pattern's wildcards took `example`; undefined if none. */
function refilled(resource: string, pattern: string): string | undefined {
  if (!/[*?]/.test(pattern)) return undefined;
  const other = resource.replaceAll(FILLER, OTHER_FILLER);
  return other !== resource && matchesResource(pattern, other) ? other : undefined;
}

/** What a real ARN has in the fields a format leaves to its variables. */
const VARIABLE_VALUES: Record<string, string> = {
  Partition: 'aws',
  Region: 'us-east-1',
  Account: '123456789012',
};

/** `arn:${Partition}:s3:::${BucketName}` as `arn:aws:s3:::example`. */
function instanceOf(format: string, region?: string): string {
  return format.replace(
    /\$\{([^}]*)\}/g,
    (_, name: string) => (name === 'Region' ? region : undefined) ?? VARIABLE_VALUES[name] ?? 'example',
  );
}

const strictFormats = new Map<string, RegExp>();

/**
 * An ARN format as a strict test of a resource's shape: a variable is one or more characters other
 * than `/`, except a last variable after a `/`, which may hold a path (`${ObjectName}`,
 * `${RoleNameWithPath}`). So `arn:aws:s3:::b/x` is an object, not a bucket.
 */
function strictFormat(format: string): RegExp {
  let test = strictFormats.get(format);
  if (test === undefined) {
    const parts = format.split(/(\$\{[^}]*\})/);
    const last = parts.length - 2;
    const source = parts
      .map((part, i) => {
        if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return i === last && parts[i - 1]?.endsWith('/') && parts[i + 1] === '' ? '.+' : '[^/]+';
      })
      .join('');
    test = new RegExp(`^${source}$`);
    strictFormats.set(format, test);
  }
  return test;
}

/**
 * The text with each IaC reference to an ARN replaced by what `render` makes of the ARN format of
 * the referenced type (an instance, a glob): Terraform's `${aws_s3_bucket.logs.arn}` and Pulumi's
 * `${aws:s3/bucket:Bucket::logs.arn}` name their service and type. Undefined when a reference names
 * neither, or no catalog type matches.
 */
function withReferences(
  text: string,
  catalog: Catalog,
  render: (format: string) => string,
): string | undefined {
  let unknown = false;
  const replaced = text.replace(/\$\{([^}]*)\}/g, (_, reference: string) => {
    const format = referencedFormat(reference, catalog);
    if (format === undefined) unknown = true;
    return format === undefined ? '' : render(format);
  });
  return unknown ? undefined : replaced;
}

const TERRAFORM_ARN = /^aws_([a-z0-9]+)_([a-z0-9_]+)\.[^.]+\.arn$/;
const PULUMI_ARN = /^aws:([a-z0-9]+)\/([a-zA-Z0-9]+):[A-Za-z0-9]+::.+\.arn$/;

const referencedFormats = new Map<string, string | undefined>();

/** The ARN format of the type a reference names (`s3` and `bucket`), found among its service's actions. */
function referencedFormat(reference: string, catalog: Catalog): string | undefined {
  const named = TERRAFORM_ARN.exec(reference) ?? PULUMI_ARN.exec(reference);
  if (named === null) return undefined;
  const service = (named[1] as string).toLowerCase();
  const type = (named[2] as string).toLowerCase().replace(/_/g, '');
  const key = `${service}:${type}`;
  if (!referencedFormats.has(key)) {
    let found: string | undefined;
    for (const action of catalog.expand(`${service}:*`)) {
      const match = catalog
        .action(action)
        ?.resourceTypes.find((t) => t.name.toLowerCase().replace(/[-_]/g, '') === type);
      found = match?.arnFormats[0];
      if (found !== undefined) break;
    }
    referencedFormats.set(key, found);
  }
  return referencedFormats.get(key);
}

/**
 * An ARN pattern with its wildcards filled: in the partition, service, region and account fields as
 * the format has them there (`aws`, `us-east-1`, `123456789012`, or nothing where the format has
 * nothing, as S3's region), in the resource `*` as `example` and `?` as `x`.
 */
function filledAs(pattern: string, format: string, region?: string): string | undefined {
  const arn = parseArn(pattern);
  if (arn === undefined) return fill(pattern);
  const real = parseArn(instanceOf(format, region));
  const field = (written: string, wanted: string | undefined) =>
    !/[*?]/.test(written)
      ? written
      : wanted !== undefined && matchesGlob(written, wanted)
        ? wanted
        : fill(written);
  return formatArn({
    partition: field(arn.partition, real?.partition),
    service: field(arn.service, real?.service),
    region: field(arn.region, real?.region),
    account: field(arn.account, real?.account),
    resource: fill(arn.resource),
  });
}

/** What wildcards are filled with, and the second try's text. */
const FILLER = 'example';
const OTHER_FILLER = 'other';

/** `app-data/*` as `app-data/example`. */
function fill(pattern: string): string {
  return pattern.replace(/\*+/g, FILLER).replace(/\?/g, 'x');
}

/**
 * Keys of the run itself, for the policies that test them: the time (never chosen by a caller), and
 * a request sent over TLS unless the row's context says otherwise.
 */
function runKeys(
  context: Readonly<Record<string, string>>,
  revisions: readonly SimulationPolicies[],
  now: Date,
): Record<string, string> {
  const mentioned = new Set<string>();
  for (const policies of revisions)
    for (const { statement } of statementsOf(policies))
      for (const condition of statement.conditions) mentioned.add(condition.key.toLowerCase());
  const keys: Record<string, string> = {};
  if (mentioned.has('aws:currenttime')) keys['aws:CurrentTime'] = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (mentioned.has('aws:epochtime')) keys['aws:EpochTime'] = String(Math.floor(now.getTime() / 1000));
  if (
    mentioned.has('aws:securetransport') &&
    valueOf(context, (key) => key === 'aws:securetransport') === undefined
  )
    keys['aws:SecureTransport'] = 'true';
  return keys;
}

function statementsOf(
  policies: SimulationPolicies,
): { kind: SimulationPolicyKind; index: number; statement: Statement }[] {
  const out: { kind: SimulationPolicyKind; index: number; statement: Statement }[] = [];
  for (const kind of ['identity', 'resource', 'boundary'] as const)
    (policies[kind] ?? []).forEach((policy, index) => {
      for (const statement of policy.statements) out.push({ kind, index, statement });
    });
  return out;
}

/**
 * Whether a decision could turn on what the request leaves open: a statement that may apply has a
 * condition on a key every real request carries (`aws:PrincipalAccount`, `aws:RequestedRegion`...)
 * or usually does (`aws:ResourceAccount`, `aws:PrincipalOrgID`) that the request lacks, or a
 * condition value with a policy variable. Head's Allows that did not
 * match are left out: allowing more cannot undo "allowed". Policy variables in resources are not
 * resolved here, so a pattern with one counts as applying.
 */
function turnsOnTheUnknown(
  request: SimulationRequest,
  derived: Readonly<Record<string, string>>,
  head: SimulationPolicies,
  base: SimulationPolicies,
  headResult: SimulationResult,
): boolean {
  const given = new Set(
    [...Object.keys(request.context ?? {}), ...Object.keys(derived)].map((key) => key.toLowerCase()),
  );
  const matchedInHead = new Set(
    headResult.matched.map((m) => `${m.policyKind}/${m.policyIndex ?? -1}/${m.statementIndex ?? -1}`),
  );
  // Only a pattern without a variable surely matches; one with a variable may.
  const surely = (pattern: string) => !pattern.includes('${') && matchesResource(pattern, request.resource);
  const maybe = (pattern: string) => pattern.includes('${') || matchesResource(pattern, request.resource);
  const applies = (statement: Statement) =>
    matchesActionElement(statement, request.action) &&
    (statement.resource
      ? statement.resource.values.some(maybe)
      : !statement.notResource?.values.some(surely));
  for (const [revision, policies] of [
    ['head', head],
    ['base', base],
  ] as const) {
    for (const { kind, index, statement } of statementsOf(policies)) {
      if (!applies(statement)) continue;
      if (
        revision === 'head' &&
        statement.effect === 'Allow' &&
        !matchedInHead.has(`${kind}/${index}/${statement.index}`)
      ) {
        continue;
      }
      const open = statement.conditions.some(
        (c) =>
          ((isAlwaysPresentKey(c.key) || USUALLY_PRESENT.has(c.key.toLowerCase())) &&
            !given.has(c.key.toLowerCase())) ||
          c.values.some((value) => findPolicyVariables(value).length > 0),
      );
      if (open) return true;
    }
  }
  return false;
}

/**
 * Keys AWS does not document as always present but that a request usually carries, and that say who
 * owns the resource or the caller (a data perimeter's keys): a decision resting on their absence says
 * little about the requests a reviewer cares for.
 */
const USUALLY_PRESENT = new Set(
  [
    'aws:ResourceAccount',
    'aws:ResourceOrgID',
    'aws:ResourceOrgPaths',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
  ].map((key) => key.toLowerCase()),
);

/**
 * Whether a policy could decide a request on an IaC reference differently once the reference is a
 * real ARN: the simulator compares the reference as text, which a concrete pattern never matches,
 * yet `arn:aws:s3:::*` in a Deny matches every real bucket. So a statement that may apply by its
 * action and has a pattern without references that misses the text but meets the ARNs the
 * reference can stand for (its type's format) leaves the witness unproven.
 */
function decidedByTheUnknownReference(
  resource: string,
  revisions: readonly SimulationPolicies[],
  action: string,
  catalog: Catalog,
): boolean {
  const standIn = withReferences(resource, catalog, (format) => format.replace(/\$\{[^}]*\}/g, '*'));
  if (standIn === undefined) return true;
  for (const policies of revisions) {
    for (const { statement } of statementsOf(policies)) {
      if (!matchesActionElement(statement, action)) continue;
      const patterns = [...(statement.resource?.values ?? []), ...(statement.notResource?.values ?? [])];
      for (const pattern of patterns) {
        if (pattern.includes('${') || matchesResource(pattern, resource)) continue;
        if (globsIntersect(pattern, standIn)) return true;
      }
    }
  }
  return false;
}

/**
 * What a row's request is decided by in a revision: the identity policies and boundary of the
 * principal of an identity row; the resource policies of the resource of a resource row (the
 * caller's own identity policies are not in the diff, so only what the resource policy grants on
 * its own is shown).
 */
function policiesOf(entries: readonly PolicySetEntry[], group: AddedGroup): SimulationPolicies {
  const identity: PolicyDocument[] = [];
  const boundary: PolicyDocument[] = [];
  const resource: PolicyDocument[] = [];
  for (const entry of entries) {
    if (entry.principal !== group.attachedTo) continue;
    if (group.kind === 'resource') {
      if (entry.kind === 'resource') resource.push(entry.policy);
    } else if (entry.kind === 'identity') identity.push(entry.policy);
    else if (entry.kind === 'boundary') boundary.push(entry.policy);
  }
  return { identity, boundary, resource };
}

/** Keys whose value is the run's, never taken from a condition: the time of the request. */
const RUN_KEYS = new Set(['aws:currenttime', 'aws:epochtime']);

/**
 * Request context that meets every atom of a row, or undefined when an atom is beyond this simple
 * construction. A negated operator holds when the key is absent, so it adds nothing; the simulator
 * checks the result in any case. The time is the run's (`addRunKeys`).
 */
function contextMeeting(conditions: readonly ConditionAtom[]): Record<string, string> | undefined {
  const context: Record<string, string> = {};
  const present: string[] = [];
  for (const atom of conditions) {
    if (RUN_KEYS.has(atom.key.toLowerCase())) continue;
    const parsed = parseConditionOperator(atom.operator);
    const first = atom.values[0];
    if (parsed === undefined || first === undefined) return undefined;
    // A value with a policy variable depends on the request itself: no simple value meets it.
    if (atom.values.some((v) => findPolicyVariables(v).length > 0)) return undefined;
    const value = valueMeeting(parsed.baseOperator, first);
    if (value === null) {
      if (parsed.baseOperator === 'Null' && first.toLowerCase() === 'false') present.push(atom.key);
      continue;
    }
    if (value === undefined) return undefined;
    context[atom.key] = value;
  }
  for (const key of present) context[key] ??= 'example';
  return context;
}

/**
 * A value of a key that meets the operator against `value`; `null` when leaving the key out does
 * (negated operators, `Null`), undefined when this construction has none.
 */
function valueMeeting(operator: string, value: string): string | null | undefined {
  switch (operator) {
    case 'StringEquals':
    case 'StringEqualsIgnoreCase':
    case 'ArnEquals':
    case 'Bool':
    case 'BinaryEquals':
    case 'NumericEquals':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThanEquals':
    case 'DateEquals':
    case 'DateLessThanEquals':
    case 'DateGreaterThanEquals':
      return value;
    case 'StringLike':
    case 'ArnLike':
      return parseArn(value) === undefined
        ? fill(value)
        : filledAs(value, 'arn:${Partition}:example:${Region}:${Account}:example');
    case 'NumericLessThan':
    case 'NumericGreaterThan': {
      const bound = Number(value);
      if (!Number.isFinite(bound)) return undefined;
      return String(operator === 'NumericLessThan' ? bound - 1 : bound + 1);
    }
    case 'IpAddress':
      return value.split('/')[0];
    case 'StringNotEquals':
    case 'StringNotEqualsIgnoreCase':
    case 'StringNotLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
    case 'NotIpAddress':
    case 'NumericNotEquals':
    case 'DateNotEquals':
    case 'Null':
      return null;
    default:
      return undefined;
  }
}
