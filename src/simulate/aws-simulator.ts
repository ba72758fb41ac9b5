/**
 * The same question, asked of AWS: an adapter over IAM's policy simulator
 * (`SimulateCustomPolicy`, `SimulatePrincipalPolicy`) that answers in `SimulationResult`.
 *
 * `@aws-sdk/client-iam` is an optional peer dependency, loaded with `import()` on first use, so
 * nothing else in iam-gate pays for it or needs it installed. This module is the only one that
 * talks to AWS; the local simulator never does.
 */
import type {
  ContextEntry,
  ContextKeyTypeEnum,
  EvaluationResult,
  IAMClient,
  IAMClientConfig,
  PermissionsBoundaryDecisionDetail,
  Statement as AwsStatement,
} from '@aws-sdk/client-iam';
import { ACCOUNT_ID, parseArn } from '../policy/arn.js';
import { parseBool } from './conditions/bool.js';
import { parseCidr } from './conditions/cidr.js';
import { parseDate } from './conditions/date.js';
import { parseNumber } from './conditions/numeric.js';
import { describeStatements, requestPhrase } from './explain.js';
import { locateStatement } from './statement-locations.js';
import type {
  Decision,
  MatchedStatement,
  SimulationPolicyKind,
  SimulationRequest,
  SimulationResult,
} from './types.js';

/** The parts of `@aws-sdk/client-iam` the adapter uses; injectable for tests. */
export type IamSdk = Pick<
  typeof import('@aws-sdk/client-iam'),
  'IAMClient' | 'SimulateCustomPolicyCommand' | 'SimulatePrincipalPolicyCommand'
>;

export class AwsSimulatorUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super(
      'the AWS policy simulator needs the optional package @aws-sdk/client-iam: run `npm install @aws-sdk/client-iam`',
      options,
    );
    this.name = 'AwsSimulatorUnavailableError';
  }
}

/** Policies as the JSON text AWS receives; AWS takes one resource policy. */
export interface AwsPolicyTexts {
  identity?: string[];
  resource?: string;
  boundary?: string[];
}

export interface AwsSimulatorOptions {
  /** A configured client (region, credentials, retries); otherwise one is made from `clientConfig`. */
  client?: IAMClient;
  clientConfig?: IAMClientConfig;
  /**
   * Owner of the simulated resource when a resource policy is given (`arn:aws:iam::<id>:root`).
   * Defaults to the caller's account, the same-account case the local simulator models.
   */
  resourceOwner?: string;
  /** Context key types where inference would guess wrong (keys compared case-insensitively). */
  contextTypes?: Record<string, ContextKeyTypeEnum>;
  loadSdk?: () => Promise<IamSdk>;
}

const defaultLoadSdk = (): Promise<IamSdk> => import('@aws-sdk/client-iam');

async function loadSdk(options: AwsSimulatorOptions): Promise<IamSdk> {
  try {
    return await (options.loadSdk ?? defaultLoadSdk)();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      throw new AwsSimulatorUnavailableError({ cause: error });
    throw error;
  }
}

async function withClient<T>(
  options: AwsSimulatorOptions,
  sdk: IamSdk,
  run: (client: IAMClient) => Promise<T>,
): Promise<T> {
  if (options.client) return run(options.client);
  // IAM is a global service whose endpoint lives in us-east-1.
  const client = new sdk.IAMClient({ region: 'us-east-1', ...options.clientConfig });
  try {
    return await run(client);
  } finally {
    client.destroy();
  }
}

/** The request fields both operations share. */
function commonInput(policies: AwsPolicyTexts, request: SimulationRequest, options: AwsSimulatorOptions) {
  const input: {
    ActionNames: string[];
    ResourceArns: string[];
    PermissionsBoundaryPolicyInputList?: string[];
    ResourcePolicy?: string;
    ResourceOwner?: string;
    CallerArn?: string;
    ContextEntries?: ContextEntry[];
  } = { ActionNames: [request.action], ResourceArns: [request.resource] };
  if (policies.boundary?.length) input.PermissionsBoundaryPolicyInputList = policies.boundary;
  if (policies.resource !== undefined) {
    input.ResourcePolicy = policies.resource;
    const owner = options.resourceOwner ?? ownerOf(request.principal);
    if (owner !== undefined) input.ResourceOwner = owner;
  }
  // AWS accepts only an IAM user ARN as the caller.
  if (request.principal !== undefined) input.CallerArn = request.principal;
  if (request.context && Object.keys(request.context).length > 0)
    input.ContextEntries = toContextEntries(request.context, options.contextTypes);
  return input;
}

function ownerOf(principal: string | undefined): string | undefined {
  if (principal === undefined) return undefined;
  if (ACCOUNT_ID.test(principal)) return `arn:aws:iam::${principal}:root`;
  const arn = parseArn(principal);
  return arn && ACCOUNT_ID.test(arn.account) ? `arn:${arn.partition}:iam::${arn.account}:root` : undefined;
}

/** `SimulateCustomPolicy`: the given policies only, nothing attached to any principal. */
export async function simulateCustomPolicyWithAws(
  policies: AwsPolicyTexts,
  request: SimulationRequest,
  options: AwsSimulatorOptions = {},
): Promise<SimulationResult> {
  if (!policies.identity?.length) {
    throw new TypeError('SimulateCustomPolicy needs at least one identity policy (PolicyInputList)');
  }
  const sdk = await loadSdk(options);
  const command = new sdk.SimulateCustomPolicyCommand({
    PolicyInputList: policies.identity,
    ...commonInput(policies, request, options),
  });
  const response = await withClient(options, sdk, (client) => client.send(command));
  return fromEvaluation(response.EvaluationResults?.[0], policies, request);
}

/**
 * `SimulatePrincipalPolicy`: the policies attached to a user, group or role, plus `extra` ones.
 * Statements of attached policies come back with `policyId` (their name) and no `policyIndex`.
 */
export async function simulatePrincipalPolicyWithAws(
  principalArn: string,
  request: SimulationRequest,
  extra: AwsPolicyTexts = {},
  options: AwsSimulatorOptions = {},
): Promise<SimulationResult> {
  const sdk = await loadSdk(options);
  const command = new sdk.SimulatePrincipalPolicyCommand({
    PolicySourceArn: principalArn,
    ...(extra.identity?.length ? { PolicyInputList: extra.identity } : {}),
    ...commonInput(extra, request, options),
  });
  const response = await withClient(options, sdk, (client) => client.send(command));
  return fromEvaluation(response.EvaluationResults?.[0], extra, request);
}

type ScalarKeyType = 'string' | 'numeric' | 'boolean' | 'ip' | 'date';

const KNOWN_KEY_TYPES: Record<string, ScalarKeyType> = {
  'aws:sourceip': 'ip',
  'aws:vpcsourceip': 'ip',
  'aws:currenttime': 'date',
  'aws:tokenissuetime': 'date',
  'aws:securetransport': 'boolean',
  'aws:multifactorauthpresent': 'boolean',
  'aws:viaawsservice': 'boolean',
  'aws:principalisawsservice': 'boolean',
  'aws:multifactorauthage': 'numeric',
};

/**
 * The ContextKeyType for a key: known global keys by name, tag keys as strings (a tag value of
 * `true` is still text), anything else by what every value parses as.
 */
export function inferContextKeyType(
  key: string,
  values: readonly string[],
  list: boolean,
): ContextKeyTypeEnum {
  const lower = key.toLowerCase();
  const scalar = KNOWN_KEY_TYPES[lower] ?? (lower.includes('tag') ? 'string' : typeOfValues(values));
  return list ? `${scalar}List` : scalar;
}

function typeOfValues(values: readonly string[]): ScalarKeyType {
  const all = (parse: (text: string) => unknown) =>
    values.length > 0 && values.every((v) => parse(v) !== undefined);
  if (all(parseBool)) return 'boolean';
  if (all(parseNumber)) return 'numeric';
  if (all(parseCidr)) return 'ip';
  if (all(parseDate)) return 'date';
  return 'string';
}

export function toContextEntries(
  context: Record<string, string | string[]>,
  types: Record<string, ContextKeyTypeEnum> = {},
): ContextEntry[] {
  const given = new Map(Object.entries(types).map(([key, type]) => [key.toLowerCase(), type]));
  return Object.entries(context).map(([key, value]) => {
    const values = typeof value === 'string' ? [value] : value;
    return {
      ContextKeyName: key,
      ContextKeyValues: values,
      ContextKeyType:
        given.get(key.toLowerCase()) ?? inferContextKeyType(key, values, typeof value !== 'string'),
    };
  });
}

const DECISIONS = new Set<string>(['allowed', 'explicitDeny', 'implicitDeny']);
const INPUT_LIST_ID = /^(PolicyInputList|PermissionsBoundaryPolicyInputList)\.(\d+)$/;

/** Maps one EvaluationResult (preferring its entry for our resource) into a SimulationResult. */
export function fromEvaluation(
  evaluation: EvaluationResult | undefined,
  policies: AwsPolicyTexts,
  request: SimulationRequest,
): SimulationResult {
  if (!evaluation) throw new Error('the AWS policy simulator returned no evaluation result');
  const specific = evaluation.ResourceSpecificResults?.find((r) => r.EvalResourceName === request.resource);
  const written = specific?.EvalResourceDecision ?? evaluation.EvalDecision;
  if (written === undefined || !DECISIONS.has(written)) {
    throw new Error(`the AWS policy simulator returned an unknown decision ${JSON.stringify(written)}`);
  }
  const decision = written as Decision;
  const statements = specific ? (specific.MatchedStatements ?? []) : (evaluation.MatchedStatements ?? []);
  const matched = statements.map((statement) => fromAwsStatement(statement, policies, decision));
  const missing = (specific ? specific.MissingContextValues : evaluation.MissingContextValues) ?? [];
  const boundaryDetail =
    specific?.PermissionsBoundaryDecisionDetail ?? evaluation.PermissionsBoundaryDecisionDetail;

  const result: SimulationResult = {
    decision,
    matched,
    reason: reasonFor(decision, matched, request, boundaryDetail, missing),
  };
  if (missing.length > 0) result.missingContextValues = missing;
  return result;
}

function fromAwsStatement(
  statement: AwsStatement,
  policies: AwsPolicyTexts,
  decision: Decision,
): MatchedStatement {
  const id = statement.SourcePolicyId ?? '';
  let kind: SimulationPolicyKind = statement.SourcePolicyType === 'resource' ? 'resource' : 'identity';
  let index: number | undefined;
  let text: string | undefined;
  const input = INPUT_LIST_ID.exec(id);
  if (input) {
    kind = input[1] === 'PolicyInputList' ? 'identity' : 'boundary';
    index = Number(input[2]) - 1;
    text = (kind === 'identity' ? policies.identity : policies.boundary)?.[index];
  } else if (kind === 'resource' || /^resource ?policy$/i.test(id)) {
    kind = 'resource';
    index = 0;
    text = policies.resource;
  }

  // AWS only reports the statements that decided: the denies, or the allows.
  const entry: MatchedStatement = {
    policyKind: kind,
    effect: decision === 'explicitDeny' ? 'Deny' : 'Allow',
    deciding: true,
  };
  if (index !== undefined && text !== undefined) entry.policyIndex = index;
  else entry.policyId = id;
  const start = statement.StartPosition;
  const location =
    text !== undefined && start?.Line !== undefined && start.Column !== undefined
      ? locateStatement(text, start.Line, start.Column)
      : undefined;
  if (location) {
    entry.statementIndex = location.index;
    entry.path = location.path;
    if (location.sid !== undefined) entry.sid = location.sid;
    if (location.effect !== undefined) entry.effect = location.effect;
  }
  return entry;
}

function reasonFor(
  decision: Decision,
  matched: MatchedStatement[],
  request: SimulationRequest,
  boundary: PermissionsBoundaryDecisionDetail | undefined,
  missing: readonly string[],
): string {
  const what = requestPhrase(request.action, request.resource);
  const named = matched.length > 0 ? ` by ${describeStatements(matched)}` : '';
  if (decision === 'explicitDeny') return `explicitly denied${named}`;
  if (decision === 'allowed') return `allowed${named}`;
  const base =
    boundary?.AllowedByPermissionsBoundary === false
      ? `the permissions boundary does not allow ${what}`
      : `no statement allows ${what}`;
  return missing.length > 0
    ? `${base}; the request lacks context keys the policies use: ${missing.join(', ')}`
    : base;
}
