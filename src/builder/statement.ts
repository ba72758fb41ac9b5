/**
 * `statement()`: a permission statement that refuses over-broad grants when it is constructed,
 * before anything reaches AWS. Every refusal is a `PolicyError` naming the Sid and the value.
 */
import { type Catalog, loadCatalog } from '../catalog/index.js';
import { hasWildcard } from '../policy/glob.js';
import { PolicyError } from '../policy/policy-error.js';
import type { Effect } from '../policy/types.js';
import { type ConditionBlock, type ConditionEntry, flattenConditions } from './conditions.js';
import { type Input, isDeferred } from './inputs.js';

export interface StatementInput {
  /** Required: it names the statement in every error and in the rendered policy. Letters and digits only. */
  sid: string;
  effect?: Effect;
  actions: string[];
  resources: Input<string>[];
  conditions?: ConditionBlock | ConditionBlock[];
  /**
   * Opt in to a wildcard inside an action name (`ec2:Describe*`) by saying why. `*` and `svc:*`
   * are refused regardless.
   */
  allowActionWildcard?: string;
}

export interface BuiltStatement {
  readonly sid: string;
  readonly effect: Effect;
  /** Canonical action names (`s3:GetObject`), deduplicated and sorted so rendered JSON never churns. */
  readonly actions: readonly string[];
  readonly resources: readonly Input<string>[];
  readonly conditions: readonly ConditionEntry[];
  /** Every concrete action the statement covers, wildcards expanded. */
  readonly coveredActions: readonly string[];
}

const SID = /^[A-Za-z0-9]+$/;
const MAX_LISTED = 5;

export function statement(input: StatementInput): BuiltStatement {
  const sid = validateSid(input.sid);
  const effect = input.effect ?? 'Allow';
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new PolicyError(`statement "${sid}": effect must be "Allow" or "Deny", got "${String(effect)}"`, {
      sid,
      value: String(effect),
    });
  }
  const catalog = loadCatalog();
  if (input.actions.length === 0)
    throw new PolicyError(`statement "${sid}": needs at least one action`, { sid });
  if (input.resources.length === 0) {
    throw new PolicyError(`statement "${sid}": needs at least one resource`, { sid });
  }
  const covered = new Set<string>();
  const actions = new Set<string>();
  for (const action of input.actions) {
    const expanded = checkAction(catalog, sid, effect, action, input.allowActionWildcard);
    expanded.forEach((a) => covered.add(a));
    actions.add(hasWildcard(action) ? action : (expanded[0] ?? action));
  }
  const coveredActions = [...covered].sort();
  const resources = [...input.resources];
  checkResources(catalog, sid, effect, coveredActions, resources);
  const conditions = flattenConditions(input.conditions, sid);
  checkConditionKeys(catalog, sid, coveredActions, conditions);
  return { sid, effect, actions: [...actions].sort(), resources, conditions, coveredActions };
}

function validateSid(sid: unknown): string {
  if (typeof sid !== 'string' || !SID.test(sid)) {
    throw new PolicyError(
      `statement sid must be letters and digits only (IAM rejects anything else), got ${JSON.stringify(sid)}`,
      { value: String(sid) },
    );
  }
  return sid;
}

/** Returns the concrete actions the pattern covers, or throws why it is refused. */
function checkAction(
  catalog: Catalog,
  sid: string,
  effect: Effect,
  action: string,
  allowActionWildcard: string | undefined,
): readonly string[] {
  const refuse = (reason: string): never => {
    throw new PolicyError(`statement "${sid}": action "${action}" ${reason}`, { sid, value: action });
  };
  const colon = action.indexOf(':');
  const service = colon < 0 ? action : action.slice(0, colon);
  const name = colon < 0 ? '' : action.slice(colon + 1);
  if (action !== '*' && (colon <= 0 || name === '' || name.includes(':'))) {
    refuse('is not of the form "service:Action", e.g. "s3:GetObject"');
  }
  const expanded = catalog.expand(action);
  // A Deny statement is a guardrail: a broad Deny narrows access, so only Allow wildcards are refused.
  if (effect === 'Allow') {
    if (action === '*')
      refuse(`grants all ${expanded.length} actions of every AWS service; list the actions you need`);
    if (hasWildcard(service)) refuse('spans several services; name one service and its actions');
    if (/^\*+$/.test(name)) {
      refuse(
        `grants all ${expanded.length} actions of ${service}, and any it gains later; list the actions you need`,
      );
    }
    if (hasWildcard(name) && !isReason(allowActionWildcard)) {
      const examples = expanded.slice(0, MAX_LISTED).join(', ');
      refuse(
        `is a wildcard covering ${expanded.length} actions today (${examples}${expanded.length > MAX_LISTED ? ', ...' : ''}) and any added later; ` +
          `list the actions, or opt in with allowActionWildcard: '<reason>'`,
      );
    }
  }
  if (expanded.length === 0) {
    if (!catalog.hasService(service)) {
      const suggestion = catalog.suggest(action);
      refuse(`names an unknown service "${service}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
    }
    if (hasWildcard(name)) refuse(`matches no ${service} action`);
    const suggestion = catalog.suggest(action);
    refuse(`is not a known ${service} action${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
  }
  return expanded;
}

function isReason(value: string | undefined): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/**
 * `Resource: "*"` is refused on an Allow unless every action only accepts `*` (sts:GetCallerIdentity):
 * flagging those is the false positive that trains people to ignore linters. Conversely, a scoped
 * ARN on an action that only accepts `*` grants nothing, which is refused too.
 */
export function checkResources(
  catalog: Catalog,
  sid: string,
  effect: Effect,
  coveredActions: readonly string[],
  resources: readonly Input<string>[],
): void {
  if (effect !== 'Allow') return;
  const known = resources.filter((r): r is string => !isDeferred(r));
  const scopable = coveredActions.filter((a) => !catalog.action(a)?.wildcardOnly);
  const starOnly = coveredActions.filter((a) => catalog.action(a)?.wildcardOnly);
  if (known.includes('*') && scopable.length > 0) {
    throw new PolicyError(
      `statement "${sid}": resource "*" grants ${list(scopable)} on every resource in the account; ` +
        `name the ARNs` +
        (starOnly.length > 0
          ? ` (and move ${list(starOnly)}, which only ${accept(starOnly)} "*", to a statement of their own)`
          : ''),
      { sid, value: '*' },
    );
  }
  const scoped = resources.filter((r) => r !== '*');
  if (starOnly.length > 0 && scoped.length > 0) {
    throw new PolicyError(
      `statement "${sid}": ${list(starOnly)} only ${accept(starOnly)} resource "*"; with ${describeResource(scoped[0])} the grant does nothing. ` +
        `Put ${starOnly.length === 1 ? 'it' : 'them'} in a statement with resources: ['*']`,
      { sid, value: typeof scoped[0] === 'string' ? scoped[0] : undefined },
    );
  }
}

function accept(actions: readonly string[]): string {
  return actions.length === 1 ? 'accepts' : 'accept';
}

function describeResource(resource: Input<string> | undefined): string {
  return typeof resource === 'string' ? `"${resource}"` : 'a scoped resource';
}

function list(actions: readonly string[]): string {
  const shown = actions.slice(0, MAX_LISTED).join(', ');
  return actions.length > MAX_LISTED ? `${shown} and ${actions.length - MAX_LISTED} more` : shown;
}

/**
 * A key that none of the statement's actions supply is absent at evaluation: AWS does not reject
 * the policy, it just never matches (or, negated, always matches). Either way the fence is gone.
 */
function checkConditionKeys(
  catalog: Catalog,
  sid: string,
  coveredActions: readonly string[],
  conditions: readonly ConditionEntry[],
): void {
  for (const { key } of conditions) {
    if (coveredActions.some((action) => catalog.supportsConditionKey(action, key))) continue;
    const global = key.toLowerCase().startsWith('aws:');
    throw new PolicyError(
      global
        ? `statement "${sid}": condition key "${key}" is not a known global condition key; AWS would ignore it, leaving the grant open`
        : `statement "${sid}": condition key "${key}" is not supported by ${list(coveredActions)}; ` +
            `AWS silently ignores unsupported keys, so this condition cannot fence the grant`,
      { sid, value: key },
    );
  }
}
