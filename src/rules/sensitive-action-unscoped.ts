import { isResourceTagFence } from './support/condition-absence.js';
import { listSome, plural } from './support/describe.js';
import type { Catalog } from '../catalog/index.js';
import { Selection, coveredActions } from './support/covered-actions.js';
import { entryPath } from '../policy/parse-policy.js';
import { starResources } from './support/statement-scope.js';
import { GRANTING_POLICIES } from './support/statement-scope.js';
import type { PolicyRule, RuleHit } from './types.js';

/**
 * Actions that hand the caller credentials or bulk data, so that on every resource they turn one
 * compromised principal into every secret, object or table in reach. Each entry says what it
 * returns. Only actions that accept specific resources belong here: on a wildcard-only action
 * `Resource: "*"` is the only choice, so it would be noise (ecr:GetAuthorizationToken,
 * secretsmanager:BatchGetSecretValue, which still needs GetSecretValue on each secret).
 * A test checks every name against the catalog, so a renamed action cannot silently drop out.
 */
export const SENSITIVE_ACTIONS: ReadonlyMap<string, string> = new Map([
  ['secretsmanager:GetSecretValue', 'returns secret values'],
  ['ssm:GetParameter', 'returns parameter values, SecureStrings decrypted on request'],
  ['ssm:GetParameters', 'returns parameter values, SecureStrings decrypted on request'],
  ['ssm:GetParametersByPath', 'returns whole parameter trees, SecureStrings decrypted on request'],
  ['ssm:GetParameterHistory', 'returns past parameter values, including rotated-out secrets'],
  ['s3:GetObject', 'reads object data'],
  ['s3:GetObjectVersion', 'reads object data, including overwritten and deleted versions'],
  ['kms:Decrypt', 'decrypts anything encrypted under the keys, including data keys of other services'],
  ['dynamodb:GetItem', 'reads table items'],
  ['dynamodb:BatchGetItem', 'reads table items in bulk'],
  ['dynamodb:Query', 'reads table items in bulk'],
  ['dynamodb:Scan', 'reads whole tables'],
  ['dynamodb:PartiQLSelect', 'reads whole tables'],
  ['lambda:GetFunction', 'returns environment variables (often secrets) and a download link for the code'],
  ['lambda:GetFunctionConfiguration', 'returns environment variables, often secrets'],
  ['rds-db:connect', 'logs in to databases as their IAM database users'],
  ['redshift:GetClusterCredentials', 'returns database credentials'],
  ['redshift-serverless:GetCredentials', 'returns database credentials'],
  ['elasticache:Connect', 'logs in to caches as their IAM users'],
  ['sts:AssumeRole', 'returns credentials of every role that trusts this account'],
  ['ecr:BatchGetImage', 'pulls container images, with anything baked into them'],
  ['ecr:GetDownloadUrlForLayer', 'downloads container image layers, with anything baked into them'],
  ['ec2:GetPasswordData', 'returns Windows administrator passwords'],
  ['glue:GetConnection', 'returns connection passwords'],
  ['lightsail:GetInstanceAccessDetails', 'returns SSH keys and passwords for instances'],
  ['codecommit:GitPull', 'clones repositories'],
  ['codeartifact:GetAuthorizationToken', 'returns package repository tokens'],
]);

const sensitiveByCatalog = new WeakMap<Catalog, Selection>();

function sensitiveActions(catalog: Catalog): Selection {
  let selection = sensitiveByCatalog.get(catalog);
  if (selection === undefined) {
    // Compared by canonical name, as written in the table: a miscased entry matches nothing.
    const known = [...SENSITIVE_ACTIONS.keys()].filter((name) => {
      const id = catalog.actionId(name);
      return id >= 0 && catalog.actionName(id) === name;
    });
    selection = new Selection(known, catalog);
    sensitiveByCatalog.set(catalog, selection);
  }
  return selection;
}

/**
 * Credential- and data-returning actions on every resource. Covered through wildcards and NotAction
 * too: `ssm:GetParameter*` and `*` read secrets just as well. Resource policies are skipped: there
 * "*" is the resource the policy is attached to.
 */
export const sensitiveActionUnscoped: PolicyRule = {
  id: 'sensitive-action-unscoped',
  scope: 'policy',
  appliesTo: GRANTING_POLICIES,
  defaultSeverity: 'error',
  description:
    'An Allow lets credential- or data-returning actions (secrets, parameters, objects, KMS decrypt) reach every resource.',
  check: ({ policy, source, catalog }) => {
    if (source.kind === 'resource' || source.kind === 'trust') return [];
    const hits: RuleHit[] = [];
    for (const statement of policy.statements) {
      const resource = statement.resource;
      if (statement.effect !== 'Allow' || !resource) continue;
      const stars = starResources(statement);
      if (stars.length === 0 || statement.conditions.some(isResourceTagFence)) continue;
      const sensitive = coveredActions(statement, catalog)
        .among(sensitiveActions(catalog))
        .map((id) => catalog.actionName(id));
      if (sensitive.length === 0) continue;
      for (const i of stars) {
        const where = JSON.stringify(resource.values[i]);
        const first = sensitive[0] as string;
        const message =
          sensitive.length === 1
            ? `${where} lets ${first} reach every resource, and it ${SENSITIVE_ACTIONS.get(first) ?? 'returns data'}; name the resources it needs`
            : `${where} lets ${plural(sensitive.length, 'credential- or data-returning action')} (${listSome(sensitive)}) reach every resource; name the resources they need`;
        hits.push({ path: entryPath(resource, i), message });
      }
    }
    return hits;
  },
};
