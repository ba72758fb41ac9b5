/**
 * Renders built statements as a `2012-10-17` policy with a fixed key order (Sid, Effect, Principal,
 * Action, Resource, Condition; operators and keys sorted), so IaC state never churns between runs.
 */
import type * as pulumiModule from '@pulumi/pulumi';
import { loadCatalog } from '../catalog/index.js';
import { PolicyError } from '../policy/policy-error.js';
import type { Effect, PrincipalType } from '../policy/types.js';
import type { ConditionEntry, ConditionScalar } from './conditions.js';
import { type Input, requirePulumi } from './inputs.js';
import { type BuiltStatement, checkResources } from './statement.js';

/** What a document renders: permission statements from `statement()`, trust statements from `trustPolicy()`. */
export interface RenderableStatement {
  readonly sid: string;
  readonly effect: Effect;
  readonly principal?: Partial<Record<PrincipalType, readonly Input<string>[]>>;
  readonly actions: readonly string[];
  readonly resources?: readonly Input<string>[];
  readonly conditions: readonly ConditionEntry[];
  /** Re-runs the construction-time checks once deferred values (Pulumi Outputs) are known. */
  checkResolved?(resolved: StatementJson): void;
}

export type JsonList = string | string[];

export interface StatementJson {
  Sid: string;
  Effect: Effect;
  Principal?: Partial<Record<PrincipalType, JsonList>>;
  Action: JsonList;
  Resource?: JsonList;
  Condition?: Record<string, Record<string, JsonList>>;
}

export interface PolicyJson {
  Version: '2012-10-17';
  Statement: StatementJson[];
}

export interface PolicyDocumentBuilder {
  readonly statements: readonly RenderableStatement[];
  /** The policy as an object. Throws when a value is only known at deploy time: use `toPulumiJSON()`. */
  toObject(): PolicyJson;
  /** The policy as a JSON string, ready for an IaC `policy` property. */
  toJSON(): string;
  /** The policy as a `pulumi.Output<string>`, resolving Output values and re-checking them when known. */
  toPulumiJSON(): pulumiModule.Output<string>;
}

const PRINCIPAL_ORDER: readonly PrincipalType[] = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

export function policyDocument(
  statements: readonly (BuiltStatement | RenderableStatement)[],
): PolicyDocumentBuilder {
  return createDocument(statements.map((s) => ('coveredActions' in s ? permissionStatement(s) : s)));
}

/** Adds the resolved-value check to a permission statement: a `*` may hide inside an Output. */
function permissionStatement(built: BuiltStatement): RenderableStatement {
  return {
    ...built,
    checkResolved: (resolved) => {
      const resources = resolved.Resource === undefined ? [] : asList(resolved.Resource);
      checkResources(loadCatalog(), built.sid, built.effect, built.coveredActions, resources);
    },
  };
}

export function createDocument(statements: readonly RenderableStatement[]): PolicyDocumentBuilder {
  if (statements.length === 0) throw new PolicyError('a policy document needs at least one statement');
  const seen = new Set<string>();
  for (const s of statements) {
    if (seen.has(s.sid)) {
      throw new PolicyError(`statement "${s.sid}" appears twice; Sids must be unique within a policy`, {
        sid: s.sid,
        value: s.sid,
      });
    }
    seen.add(s.sid);
  }

  const toObject = (): PolicyJson => {
    const document = render(statements, (value) => {
      if (typeof value === 'string') return value;
      throw new PolicyError(
        'the policy holds values known only at deploy time (Pulumi Outputs or promises); use toPulumiJSON()',
      );
    });
    checkAll(statements, document);
    return document;
  };

  return {
    statements,
    toObject,
    toJSON: () => JSON.stringify(toObject()),
    toPulumiJSON: () => {
      const pulumi = requirePulumi();
      // Collect the leaves in render order, resolve them together, then render again with the values.
      const leaves: Input<string>[] = [];
      render(statements, (value) => {
        leaves.push(value);
        return '';
      });
      return pulumi
        .all(leaves.map((leaf) => pulumi.output(leaf as pulumiModule.Input<string>)))
        .apply((values) => {
          let next = 0;
          const document = render(statements, () => values[next++] ?? '');
          checkAll(statements, document);
          return JSON.stringify(document);
        });
    },
  };
}

function checkAll(statements: readonly RenderableStatement[], document: PolicyJson): void {
  statements.forEach((s, i) => {
    const resolved = document.Statement[i];
    if (resolved) s.checkResolved?.(resolved);
  });
}

type Resolve = (value: Input<string>) => string;

function render(statements: readonly RenderableStatement[], resolve: Resolve): PolicyJson {
  return { Version: '2012-10-17', Statement: statements.map((s) => renderStatement(s, resolve)) };
}

function renderStatement(s: RenderableStatement, resolve: Resolve): StatementJson {
  return {
    Sid: s.sid,
    Effect: s.effect,
    ...(s.principal ? { Principal: renderPrincipal(s.principal, resolve) } : {}),
    Action: scalarIfSingle([...s.actions]),
    ...(s.resources ? { Resource: scalarIfSingle(s.resources.map(resolve)) } : {}),
    ...(s.conditions.length > 0 ? { Condition: renderConditions(s.conditions, resolve) } : {}),
  };
}

function renderPrincipal(
  principal: NonNullable<RenderableStatement['principal']>,
  resolve: Resolve,
): Partial<Record<PrincipalType, JsonList>> {
  const out: Partial<Record<PrincipalType, JsonList>> = {};
  for (const type of PRINCIPAL_ORDER) {
    const values = principal[type];
    if (values && values.length > 0) out[type] = scalarIfSingle(values.map(resolve));
  }
  return out;
}

function renderConditions(
  conditions: readonly ConditionEntry[],
  resolve: Resolve,
): Record<string, Record<string, JsonList>> {
  const byOperator = new Map<string, ConditionEntry[]>();
  for (const c of conditions) byOperator.set(c.operator, [...(byOperator.get(c.operator) ?? []), c]);
  const out: Record<string, Record<string, JsonList>> = {};
  for (const operator of [...byOperator.keys()].sort()) {
    const block: Record<string, JsonList> = {};
    const entries = [...(byOperator.get(operator) ?? [])].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
    );
    for (const entry of entries)
      block[entry.key] = scalarIfSingle(entry.values.map((v) => scalar(v, resolve)));
    out[operator] = block;
  }
  return out;
}

/** AWS stores condition numbers and booleans as text; rendering them as text keeps state stable. */
function scalar(value: ConditionScalar, resolve: Resolve): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return resolve(value);
}

function scalarIfSingle(values: string[]): JsonList {
  return values.length === 1 ? (values[0] as string) : values;
}

export function asList(value: JsonList): string[] {
  return typeof value === 'string' ? [value] : value;
}
