import { listSome } from './support/describe.js';
import type { ActionInfo, Catalog } from '../catalog/index.js';
import type { PolicySource } from '../extract/types.js';
import { type Arn, parseArn } from '../policy/arn.js';
import { globToRegExp, hasWildcard } from '../policy/glob.js';
import type { Statement } from '../policy/types.js';
import { type ActionSet, PatternMemo, RecentStatements, entryActionSets } from './support/covered-actions.js';
import { ESCALATION_ACTIONS, ESCALATION_METHODS } from './support/escalation-methods.js';
import { type ActionMatch, matchAction } from './support/statement-actions.js';
import { isEffectivelyStar } from './support/statement-scope.js';
import type { ParsedSource, PrincipalRule, RuleHit } from './types.js';

const ALL_WILDCARD = /^[*?]+$/;

interface Grant {
  action: string;
  source: PolicySource;
  match: ActionMatch;
}

/**
 * ARN formats of the resources the action needs: the required resource types when it has some
 * (ssm:SendCommand's optional output bucket alone sends no command), else all of them.
 */
const resourceArnsByAction = new WeakMap<ActionInfo, Arn[]>();

function resourceArns(info: ActionInfo): Arn[] {
  let arns = resourceArnsByAction.get(info);
  if (arns === undefined) {
    arns = parseResourceArns(info);
    resourceArnsByAction.set(info, arns);
  }
  return arns;
}

function parseResourceArns(info: ActionInfo): Arn[] {
  const required = info.resourceTypes.filter((type) => type.required);
  return (required.length > 0 ? required : info.resourceTypes).flatMap((type) =>
    type.arnFormats.map((format) => parseArn(format)).filter((arn): arn is Arn => arn !== undefined),
  );
}

const isLiteral = (text: string): boolean => !hasWildcard(text) && !text.includes('${');

/**
 * Whether a resource pattern could name a resource the action acts on. Only a literal service or
 * resource type that none of the action's resource types has rules it out (`"Action": "*"` on one
 * bucket grants no IAM action, `iam:*` on `user/*` no iam:CreatePolicyVersion); everything else
 * counts, as the gate must not miss an escalation.
 */
function couldApply(info: ActionInfo | undefined, pattern: string): boolean {
  if (info === undefined || info.wildcardOnly) return true;
  const arn = parseArn(pattern);
  if (!arn || !isLiteral(arn.service)) return true;
  const service = arn.service.toLowerCase();
  const type = arn.resourceType !== undefined && isLiteral(arn.resourceType) ? arn.resourceType : undefined;
  return resourceArns(info).some(
    (format) =>
      format.service.toLowerCase() === service &&
      (type === undefined ||
        format.resourceType === undefined ||
        !isLiteral(format.resourceType) ||
        format.resourceType === type),
  );
}

function grantsOnSomeResource(statement: Statement, info: ActionInfo | undefined): boolean {
  if (statement.notResource || !statement.resource) return true;
  return statement.resource.values.some((pattern) => couldApply(info, pattern));
}

/**
 * Whether a Deny resource pattern covers every resource the action can act on. Stricter than
 * `isEffectivelyStar` alone: `arn:aws:iam::*:role/*` denies iam:PassRole but not iam:CreateAccessKey
 * (a user action), and wildcard-only actions are requested on `*`, which no ARN pattern matches.
 */
function coversEveryResource(pattern: string, info: ActionInfo | undefined): boolean {
  if (ALL_WILDCARD.test(pattern)) return true;
  if (info === undefined || info.wildcardOnly || !isEffectivelyStar(pattern)) return false;
  const arn = parseArn(pattern);
  if (!arn) return false;
  const formats = resourceArns(info);
  if (formats.length === 0) return false;
  const service = arn.service.toLowerCase();
  if (!hasWildcard(service) && !formats.every((format) => format.service.toLowerCase() === service))
    return false;
  if (arn.resourceType === undefined || ALL_WILDCARD.test(arn.resourceType)) return true;
  return formats.every((format) => format.resourceType === arn.resourceType);
}

/** An unconditional Deny on every resource of the action takes it away, whichever policy holds it. */
function deniedEverywhere(
  deny: Statement,
  action: string,
  info: ActionInfo | undefined,
  catalog: Catalog,
): boolean {
  if (deny.effect !== 'Deny' || deny.conditions.length > 0 || deny.notResource || !deny.resource)
    return false;
  if (!escalationMatches(deny, catalog).has(action)) return false;
  return deny.resource.values.some((pattern) => coversEveryResource(pattern, info));
}

/** The escalation actions of each service prefix, in `ESCALATION_ACTIONS` order. */
const ESCALATION_SERVICES = new Map<string, string[]>();
for (const action of ESCALATION_ACTIONS) {
  const service = action.slice(0, action.indexOf(':')).toLowerCase();
  const list = ESCALATION_SERVICES.get(service);
  if (list) list.push(action);
  else ESCALATION_SERVICES.set(service, [action]);
}
const ESCALATION_BY_LOWER_NAME = new Map<string, readonly string[]>(
  ESCALATION_ACTIONS.map((action) => [action.toLowerCase(), [action]]),
);
const matchesByStatement = new RecentStatements<ReadonlyMap<string, ActionMatch>>();

/**
 * Which escalation actions a statement names, and where: the first Action entry covering each (or
 * the NotAction element). Worked out once per statement, since every method asks about the same
 * few dozen actions, from what each pattern covers, worked out once per pattern.
 */
function escalationMatches(statement: Statement, catalog: Catalog): ReadonlyMap<string, ActionMatch> {
  let matches = matchesByStatement.get(statement);
  if (matches !== undefined) return matches;
  matches = computeEscalationMatches(statement, catalog);
  matchesByStatement.set(statement, matches);
  return matches;
}

/** Shared by the many statements that name no escalation action, to allocate nothing for them. */
const NO_MATCHES: ReadonlyMap<string, ActionMatch> = new Map();

function computeEscalationMatches(statement: Statement, catalog: Catalog): ReadonlyMap<string, ActionMatch> {
  if (!statement.notAction && !mayNameAnyService(statement, catalog)) return NO_MATCHES;
  const matches = new Map<string, ActionMatch>();
  if (statement.notAction) {
    for (const action of ESCALATION_ACTIONS) {
      const match = matchAction(statement, action);
      if (match) matches.set(action, match);
    }
  } else if (statement.action) {
    const { values, paths, path } = statement.action;
    const sets = entryActionSets(statement, catalog);
    for (let index = 0; index < values.length; index++) {
      const actions = escalationActionsOf(sets[index] as ActionSet);
      if (actions.length === 0) continue;
      const at = { pattern: values[index] as string, path: paths[index] ?? path };
      for (const action of actions) if (!matches.has(action)) matches.set(action, at);
    }
  }
  return matches;
}

const NONE: readonly string[] = [];

/**
 * The escalation actions an Action pattern names, in `ESCALATION_ACTIONS` order, read from the
 * pattern's text rather than its expansion. Once per lower-cased pattern, which its shared set
 * stands for: the parser admits only ASCII patterns, for which lower-casing is what IAM's
 * case-insensitive comparison does.
 */
function escalationActionsOf(set: ActionSet): readonly string[] {
  if (set.pattern === undefined) return NONE;
  // An exact name is one lookup, too cheap to remember per set; only wildcards are matched.
  if (!set.wildcard) return ESCALATION_BY_LOWER_NAME.get(set.pattern) ?? NONE;
  return set.memo(ESCALATION_ACTIONS_OF);
}

const ESCALATION_ACTIONS_OF = new PatternMemo((set) =>
  set.pattern === undefined ? NONE : computeEscalationActions(set.pattern),
);

function computeEscalationActions(pattern: string): readonly string[] {
  if (!hasWildcard(pattern)) return ESCALATION_BY_LOWER_NAME.get(pattern.toLowerCase()) ?? NONE;
  const colon = pattern.indexOf(':');
  const prefix = (colon < 0 ? pattern : pattern.slice(0, colon)).toLowerCase();
  const candidates = hasWildcard(prefix) ? ESCALATION_ACTIONS : ESCALATION_SERVICES.get(prefix);
  if (candidates === undefined) return NONE;
  // One RegExp for the pattern rather than a cache lookup per action: ASCII case folding, as
  // `matchesAction` does.
  const glob = globToRegExp(pattern, { caseInsensitive: true });
  const actions = candidates.filter((action) => glob.test(action));
  return actions.length === 0 ? NONE : actions;
}

/**
 * The first Allow, across all of the principal's policies, granting each escalation-relevant action
 * that no unconditional Deny takes back. Conditions on the Allow are ignored: over-approximating.
 */
function grantedActions(policies: readonly ParsedSource[], catalog: Catalog): Map<string, Grant> {
  const statements = policies.flatMap(({ source, policy }) =>
    policy.statements.map((statement) => ({ source, statement })),
  );
  const grants = new Map<string, Grant>();
  // Most principals never touch a service any method uses (an S3 reader): answer them at once.
  if (
    !statements.some(({ statement }) => statement.effect === 'Allow' && mayNameAnyService(statement, catalog))
  ) {
    return grants;
  }
  // One pass over the statements, each asked only about the escalation actions it names.
  const denied = new Set<string>();
  for (const { statement } of statements) {
    if (statement.effect !== 'Deny') continue;
    for (const action of escalationMatches(statement, catalog).keys()) {
      if (deniedEverywhere(statement, action, catalog.action(action), catalog)) denied.add(action);
    }
  }
  for (const { source, statement } of statements) {
    if (statement.effect !== 'Allow') continue;
    for (const [action, match] of escalationMatches(statement, catalog)) {
      if (grants.has(action) || denied.has(action)) continue;
      const info = catalog.action(action);
      if (grantsOnSomeResource(statement, info))
        grants.set(action, { action: info?.name ?? action, source, match });
    }
  }
  return grants;
}

function mayNameAnyService(statement: Statement, catalog: Catalog): boolean {
  if (statement.notAction) return true;
  return entryActionSets(statement, catalog).some((set) => escalationActionsOf(set).length > 0);
}

function describeSource(source: PolicySource): string {
  return source.property === undefined ? source.address : `${source.address} ${source.property}`;
}

function describeGrant(grant: Grant, spread: boolean): string {
  const { pattern } = grant.match;
  const via =
    pattern === undefined
      ? ' (via NotAction)'
      : pattern.toLowerCase() === grant.action.toLowerCase()
        ? ''
        : ` (via ${JSON.stringify(pattern)})`;
  return `${grant.action}${via}${spread ? ` in ${describeSource(grant.source)}` : ''}`;
}

export const privilegeEscalation: PrincipalRule = {
  id: 'privilege-escalation',
  scope: 'principal',
  defaultSeverity: 'error',
  description:
    "A principal's identity policies together grant a published privilege-escalation method (iam:CreatePolicyVersion, iam:PassRole with a compute service, ...).",
  check({ policies, catalog }) {
    const grants = grantedActions(policies, catalog);
    if (grants.size === 0) return [];
    // One finding per granting element: `iam:*` enables a dozen methods, and a dozen findings on
    // one line would bury the others. The message names every method found there.
    const found = new Map<string, { path: string; sourceId: string; details: string[]; names: string[] }>();
    for (const method of ESCALATION_METHODS) {
      const witnesses: Grant[] = [];
      for (const group of method.requires) {
        const granted = group.map((action) => grants.get(action)).find((grant) => grant !== undefined);
        if (granted === undefined) break;
        witnesses.push(granted);
      }
      const first = witnesses[0];
      if (first === undefined || witnesses.length < method.requires.length) continue;
      const spread = new Set(witnesses.map((grant) => grant.source.id)).size > 1;
      const key = JSON.stringify([first.source.id, first.match.path]);
      const site = found.get(key) ?? {
        path: first.match.path,
        sourceId: first.source.id,
        details: [],
        names: [],
      };
      site.names.push(method.name);
      site.details.push(
        `${method.name}: the principal can ${method.explanation}; ` +
          `granted ${witnesses.map((grant) => describeGrant(grant, spread)).join(', ')}`,
      );
      found.set(key, site);
    }
    const hits: RuleHit[] = [];
    for (const site of found.values()) {
      const [detail] = site.details;
      hits.push({
        path: site.path,
        sourceId: site.sourceId,
        message:
          site.details.length === 1
            ? `privilege escalation through ${detail}`
            : `privilege escalation through ${site.names.length} methods (${listSome(site.names, 5)}); for example ${detail}`,
      });
    }
    return hits;
  },
};
