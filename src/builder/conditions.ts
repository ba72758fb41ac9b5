/**
 * Condition blocks as the builder takes them, and helpers for the fences IaC authors need most.
 * A block has the shape of IAM's own JSON (`{ StringEquals: { 'kms:ViaService': '...' } }`) so
 * nothing new has to be learned, but values may be Pulumi Inputs.
 */
import { parseConditionOperator } from '../policy/condition-operators.js';
import { PolicyError } from '../policy/policy-error.js';
import type { Input } from './inputs.js';

export type ConditionScalar = Input<string> | number | boolean;
export type ConditionValue = ConditionScalar | ConditionScalar[];
export type ConditionBlock = Record<string, Record<string, ConditionValue>>;

/** One (operator, key) pair with its values, operator canonicalized. */
export interface ConditionEntry {
  operator: string;
  key: string;
  values: ConditionScalar[];
}

/** Flattens one or more blocks; the same operator and key twice would silently overwrite in JSON, so it is refused. */
export function flattenConditions(
  blocks: ConditionBlock | ConditionBlock[] | undefined,
  sid: string,
): ConditionEntry[] {
  const list = blocks === undefined ? [] : Array.isArray(blocks) ? blocks : [blocks];
  const entries: ConditionEntry[] = [];
  const seen = new Set<string>();
  for (const block of list) {
    for (const [written, keys] of Object.entries(block)) {
      const operator = parseConditionOperator(written);
      if (!operator) {
        throw new PolicyError(`statement "${sid}": unknown condition operator "${written}"`, {
          sid,
          value: written,
        });
      }
      for (const [key, value] of Object.entries(keys)) {
        const id = `${operator.operator}\u0000${key.toLowerCase()}`;
        if (seen.has(id)) {
          throw new PolicyError(
            `statement "${sid}": condition ${operator.operator} "${key}" is given twice; combine the values into one list`,
            { sid, value: key },
          );
        }
        seen.add(id);
        const values = Array.isArray(value) ? value : [value];
        if (values.length === 0) {
          throw new PolicyError(`statement "${sid}": condition ${operator.operator} "${key}" has no values`, {
            sid,
            value: key,
          });
        }
        entries.push({ operator: operator.operator, key, values });
      }
    }
  }
  return entries;
}

/** `kms:ViaService`: the KMS key may only be used through the named service (e.g. `s3.eu-west-1.amazonaws.com`). */
export function viaService(...services: [string, ...string[]]): ConditionBlock {
  return { StringEquals: { 'kms:ViaService': services } };
}

/** `aws:SourceArn`: a service acting on the caller's behalf only for this resource (confused-deputy fence). */
export function sourceArn(...arns: [Input<string>, ...Input<string>[]]): ConditionBlock {
  return { ArnLike: { 'aws:SourceArn': arns } };
}

/** `aws:SourceAccount`: a service acting on the caller's behalf only for this account. */
export function sourceAccount(...accounts: [string, ...string[]]): ConditionBlock {
  return { StringEquals: { 'aws:SourceAccount': accounts } };
}

/** `aws:PrincipalOrgID`: only principals of this AWS Organization. */
export function principalOrgId(orgId: string): ConditionBlock {
  return { StringEquals: { 'aws:PrincipalOrgID': orgId } };
}

/** `aws:RequestedRegion`: only API calls to these regions. */
export function requestedRegion(...regions: [string, ...string[]]): ConditionBlock {
  return { StringEquals: { 'aws:RequestedRegion': regions } };
}

/** `aws:ResourceTag/<key>`: only resources carrying this tag value. */
export function resourceTag(key: string, value: Input<string>): ConditionBlock {
  return { StringEquals: { [`aws:ResourceTag/${key}`]: value } };
}

/** `aws:SecureTransport`: only requests over TLS. */
export function secureTransport(): ConditionBlock {
  return { Bool: { 'aws:SecureTransport': 'true' } };
}
