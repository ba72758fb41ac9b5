/** Literal policies for simulator tests. */
import { formatProblem } from '../../src/policy/json-path.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { PolicyDocument, PolicyKind } from '../../src/policy/types.js';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
export const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/build-42`;
export const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const BUCKET = 'arn:aws:s3:::acme-data';
export const OBJECT = 'arn:aws:s3:::acme-data/reports/q1.csv';

export function doc(kind: PolicyKind, ...statements: object[]): PolicyDocument {
  return parseDoc({ Version: '2012-10-17', Statement: statements }, kind);
}

export function parseDoc(document: unknown, kind: PolicyKind): PolicyDocument {
  const result = parsePolicy(document, { kind });
  if (!result.ok)
    throw new Error(`test policy does not parse:\n${result.errors.map(formatProblem).join('\n')}`);
  return result.policy;
}

export const identity = (...statements: object[]) => doc('identity', ...statements);
export const resource = (...statements: object[]) => doc('resource', ...statements);
export const boundary = (...statements: object[]) => doc('boundary', ...statements);

export const allow = (action: string | string[], res: string | string[] = '*', extra: object = {}) => ({
  Effect: 'Allow',
  Action: action,
  Resource: res,
  ...extra,
});
export const deny = (action: string | string[], res: string | string[] = '*', extra: object = {}) => ({
  Effect: 'Deny',
  Action: action,
  Resource: res,
  ...extra,
});
