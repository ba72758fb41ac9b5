import { parseArn } from '../policy/arn.js';
import { matchesAction, matchesGlob } from '../policy/glob.js';
import { isNegatedOperator } from '../policy/condition-operators.js';
import type { Condition, Statement } from '../policy/types.js';
import { eachEntry } from './support/action-pattern.js';
import type { Catalog } from '../catalog/index.js';
import { entryPath } from '../policy/parse-policy.js';
import { coveredActions } from './support/covered-actions.js';
import { isEffectivelyStar } from './support/statement-scope.js';
import { GRANTING_POLICIES } from './support/statement-scope.js';
import type { PolicyRule, RuleHit } from './types.js';

const PASS_ROLE = 'iam:PassRole';
const ONLY_WILDCARDS = /^[*?]*$/;

/**
 * iam:PassRole lets the caller hand a role to a service (Lambda, EC2, ECS, Glue, ...) that then acts
 * with the role's permissions: on every role it is a path to the account's most privileged role;
 * without `iam:PassedToService` any service, and whoever controls what runs there, receives it.
 */
export const passRoleUnscoped: PolicyRule = {
  id: 'pass-role-unscoped',
  scope: 'policy',
  appliesTo: GRANTING_POLICIES,
  defaultSeverity: 'error',
  description: 'An Allow of iam:PassRole on every role, or without an iam:PassedToService condition.',
  check: ({ policy, catalog }) => {
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      // NotResource is not-resource-allow's finding; a second one on the same line adds nothing.
      if (statement.effect !== 'Allow' || !statement.resource) continue;
      if (!coveredActions(statement, catalog).has(passRoleId(catalog))) continue;
      const resource = statement.resource;
      const roles = resource.values.flatMap((value, i) => (mayNameRole(value) ? [i] : []));
      if (roles.length === 0) continue;
      const stars = roles.filter((i) => isEffectivelyStar(resource.values[i] as string));
      for (const i of stars) {
        const value = resource.values[i] as string;
        hits.push({
          path: entryPath(resource, i),
          message: `iam:PassRole on ${JSON.stringify(value)} can hand any role, including the most privileged one, to a service the caller controls; name the roles to pass`,
        });
      }
      if (stars.length > 0) continue;
      const fence = passedToServiceFence(statement.conditions);
      if (fence === true) continue;
      hits.push({
        path: passRolePath(statement),
        severity: 'warning',
        message:
          fence === false
            ? 'iam:PassRole has no iam:PassedToService condition, so any service could receive the role; add one naming the service (e.g. "lambda.amazonaws.com")'
            : `${fence}, so any other service could receive the role; name the service with StringEquals`,
      });
    }
    return hits;
  },
};

const passRoleIds = new WeakMap<Catalog, number>();

function passRoleId(catalog: Catalog): number {
  let id = passRoleIds.get(catalog);
  if (id === undefined) {
    id = catalog.actionId(PASS_ROLE);
    passRoleIds.set(catalog, id);
  }
  return id;
}

/**
 * Resources iam:PassRole can apply to: role ARNs, `*`, and unresolved IaC references (`${AppRole.Arn}`)
 * that may well be roles. A bucket ARN in an `iam:*` statement grants PassRole nothing.
 */
function mayNameRole(resource: string): boolean {
  if (ONLY_WILDCARDS.test(resource)) return true;
  const arn = parseArn(resource);
  if (!arn) return true;
  if (!matchesGlob(arn.service, 'iam')) return false;
  return (
    matchesGlob(arn.resource, 'role/x') || arn.resource.startsWith('role/') || arn.resource.startsWith('${')
  );
}

/** True when a condition limits the receiving service; otherwise why it does not (or false if absent). */
function passedToServiceFence(conditions: readonly Condition[]): true | false | string {
  const fences = conditions.filter((c) => c.key.toLowerCase() === 'iam:passedtoservice');
  if (fences.length === 0) return false;
  for (const condition of fences) {
    const open =
      condition.baseOperator === 'Null' ||
      isNegatedOperator(condition.baseOperator) ||
      condition.values.every((value) => ONLY_WILDCARDS.test(value));
    if (!open) return true;
  }
  const first = fences[0] as Condition;
  if (first.baseOperator === 'Null') return `iam:PassedToService is only tested for presence with Null`;
  if (isNegatedOperator(first.baseOperator))
    return `iam:PassedToService uses ${first.operator}, which only excludes the listed services`;
  return `iam:PassedToService only matches ${JSON.stringify(first.values[0] ?? '*')}`;
}

/** The entry that grants PassRole, where a reviewer would look; NotAction as a whole when that is how. */
function passRolePath(statement: Statement): string {
  if (statement.notAction) return statement.notAction.path;
  const entry = eachEntry(statement.action).find(({ value }) => matchesAction(value, PASS_ROLE));
  return entry?.path ?? statement.path;
}
