/**
 * The `.github/iam-gate.yml` schema. Strict everywhere: an unknown key is an error, because a typo
 * in an exception (`resaon`, `taget`) would otherwise silently widen or narrow what it suppresses.
 *
 * Pure: validates plain data (parsed YAML, or an object built in code) and reports problems as
 * `{path, message}`. Reading the file and pointing at lines is `load-config.ts`'s job.
 */
import { z } from 'zod';
import { closestMatch } from '../util/closest-match.js';
import type { PolicyKind } from '../policy/types.js';
import type { Severity } from '../rules/types.js';

export const SEVERITIES = ['error', 'warning', 'note'] as const satisfies readonly Severity[];
/** Higher is more serious: `failOn` blocks its own rank and above. */

export const POLICY_KINDS = [
  'identity',
  'trust',
  'resource',
  'boundary',
] as const satisfies readonly PolicyKind[];

const severity = z.enum(SEVERITIES);
const ruleSetting = z.enum([...SEVERITIES, 'off']);

const accountId = z.string().regex(/^\d{12}$/, {
  error: (issue) => `expected a 12-digit AWS account id, got ${describeValue(issue.input)}`,
});

const nonEmpty = z.string().min(1, { error: 'must not be empty' });

const accountsSchema = z
  .strictObject({
    own: z
      .array(accountId)
      .default([])
      .describe('Accounts the organisation owns: trust between them is not cross-account.'),
    trusted: z.array(accountId).default([]).describe('Third-party accounts trusted without sts:ExternalId.'),
  })
  .describe('AWS account ids (12 digits, quoted so YAML keeps leading zeros).');

const oidcSchema = z
  .strictObject({
    allowedSubjects: z
      .array(nonEmpty)
      .default([])
      .describe(
        'OIDC `sub` patterns the organisation allows, e.g. `repo:acme/infra:ref:refs/heads/main`; `*` matches any run of characters.',
      ),
  })
  .describe('Federated (OIDC) trust settings.');

const exceptionSchema = z
  .strictObject({
    rule: nonEmpty.describe("The rule id to except, or '*' for every rule."),
    target: nonEmpty
      .optional()
      .describe(
        "Glob on the policy source's address (`aws_iam_role_policy.legacy`) or id; `*` matches any run of characters, `?` one character. Omitted: every source.",
      ),
    path: nonEmpty
      .optional()
      .describe("Glob on the finding's JSON path inside the policy (`Statement[0]*`). Omitted: every path."),
    reason: z
      .string()
      .regex(/\S/, { error: 'must not be empty: say why the exception is safe' })
      .describe('Why the exception is safe; shown next to every suppressed finding.'),
    expires: z.iso
      .date({ error: (issue) => `expected a date as YYYY-MM-DD, got ${describeValue(issue.input)}` })
      .optional()
      .describe(
        'Last day (YYYY-MM-DD, UTC) the exception suppresses; afterwards the finding blocks again and a note says so.',
      ),
  })
  .describe('One accepted finding: shown, but never blocking.');

const extraPolicySchema = z
  .strictObject({
    path: nonEmpty.describe('A policy file or a glob of them, relative to the repository root.'),
    kind: z
      .enum(POLICY_KINDS)
      .optional()
      .describe('What the files hold; omitted: inferred from each document.'),
  })
  .describe('An extra policy file or template to check.');

const contextValue = z.union([z.string(), z.array(z.string())]);

export const EXPECTED_DECISIONS = ['allow', 'deny'] as const;

const expectationSchema = z
  .strictObject({
    principal: nonEmpty.describe(
      'The IaC address of the role, user or group whose policies are evaluated, as reports name it (`aws_iam_role.app`, `AppRole`, `aws:iam/role:Role::app`).',
    ),
    action: z
      .string()
      .regex(/^[A-Za-z0-9-]+:[A-Za-z0-9_-]+$/, {
        error: (issue) =>
          `expected one action such as s3:GetObject (no wildcards: a request names one action), got ${describeValue(issue.input)}`,
      })
      .describe('One action, e.g. `s3:DeleteObject`.'),
    resource: nonEmpty.describe(
      'The resource ARN of the request, or `*`. May use the symbolic references the policies hold, e.g. `${aws_s3_bucket.data.arn}/reports/q1.csv`.',
    ),
    context: z
      .record(z.string(), contextValue)
      .optional()
      .describe(
        'Request context keys and values, e.g. `aws:SourceIp: 10.0.0.1`; a list is a multi-valued key.',
      ),
    decision: z
      .enum(EXPECTED_DECISIONS)
      .describe(
        '`allow`: the request must be allowed; `deny`: it must be denied (explicitly or implicitly).',
      ),
    why: z.string().optional().describe('What the expectation protects; shown when it fails.'),
  })
  .describe(
    "A permission the principal must (or must not) have, checked with iam-gate's simulator on every run; a failed one is the blocking finding `expectation-failed`.",
  );

export const iamGateConfigSchema = z
  .strictObject({
    rules: z
      .record(z.string(), ruleSetting)
      .default({})
      .describe('Per-rule severity (`error`, `warning`, `note`) or `off`; keys are rule ids.'),
    accounts: accountsSchema.default({ own: [], trusted: [] }),
    oidc: oidcSchema.default({ allowedSubjects: [] }),
    failOn: severity
      .default('error')
      .describe('The lowest severity that blocks (exit code 1, failing check). Default: error.'),
    exceptions: z
      .array(exceptionSchema)
      .default([])
      .describe('Accepted findings. Each needs a reason; an expired one stops suppressing.'),
    policies: z.array(extraPolicySchema).default([]).describe('Extra policy files or templates to check.'),
    expect: z
      .array(expectationSchema)
      .default([])
      .describe('Permission expectations, evaluated with the local simulator on every run.'),
  })
  .describe('iam-gate configuration (.github/iam-gate.yml).');

/** The configuration with defaults applied: every list and map present, `failOn` set. */
export type IamGateConfig = z.output<typeof iamGateConfigSchema>;
/** What a config file may contain: every key optional. */
export type IamGateConfigInput = z.input<typeof iamGateConfigSchema>;
export type ConfigException = IamGateConfig['exceptions'][number];
export type Expectation = IamGateConfig['expect'][number];
export type RuleSetting = z.output<typeof ruleSetting>;

/**
 * The configuration used when there is no config file (shared and frozen: derive a variant with
 * spreads, `{ ...defaultConfig, failOn: 'warning' }`). Written out in defaults.ts so that a run
 * without a config file never loads zod; test/config/schema.test.ts holds it equal to
 * `iamGateConfigSchema.parse({})`.
 */
export { defaultConfig } from './defaults.js';

export { severityRank } from './severity.js';

/** A problem in a config, at a path of keys and list indexes from the document root. */
export interface ConfigProblem {
  path: readonly (string | number)[];
  message: string;
}

const PLAIN_KEY = /^[A-Za-z_][\w-]*$/;

/** `exceptions[0].reason`, `rules.wildcard-resorce`; odd keys are quoted (`rules["a b"]`). */
export function formatConfigPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (PLAIN_KEY.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}

/** `exceptions[0].reason: required: ...`, or just the message for a problem with the whole file. */
export function formatConfigProblem(problem: ConfigProblem): string {
  const path = formatConfigPath(problem.path);
  return path === '' ? problem.message : `${path}: ${problem.message}`;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return `the number ${String(value)}`;
  return String(value);
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  array: 'a list',
  object: 'a map',
  record: 'a map',
  number: 'a number',
  boolean: 'true or false',
};

/** What to write when a required key is missing, by key name (only required keys are listed). */
const REQUIRED_HINTS: Record<string, string> = {
  rule: "a rule id, or '*' for every rule",
  reason: 'say why the exception is safe',
  path: 'a policy file or glob',
  principal: 'the IaC address of a role, user or group',
  action: 'one action, e.g. s3:DeleteObject',
  resource: 'a resource ARN or *',
  decision: 'allow or deny',
};

function orList(values: readonly unknown[]): string {
  const texts = values.map(String);
  if (texts.length <= 1) return texts.join('');
  return `${texts.slice(0, -1).join(', ')} or ${texts[texts.length - 1] ?? ''}`;
}

/** The keys the schema allows for the object at `path`, by walking the schema along it. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = iamGateConfigSchema;
  const unwrap = (): void => {
    for (;;) {
      if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional)
        schema = schema.unwrap() as z.ZodType;
      else return;
    }
  };
  for (const key of path) {
    unwrap();
    if (schema instanceof z.ZodObject && typeof key === 'string') {
      const next = (schema.shape as Record<string, z.ZodType | undefined>)[key];
      if (next === undefined) return [];
      schema = next;
    } else if (schema instanceof z.ZodArray) {
      schema = schema.element as z.ZodType;
    } else if (schema instanceof z.ZodRecord) {
      schema = schema.valueType as z.ZodType;
    } else {
      return [];
    }
  }
  unwrap();
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function toPath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((key) => (typeof key === 'number' ? key : String(key)));
}

function problemsFromIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
  const path = toPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(issue.path);
      return issue.keys.map((key) => {
        const suggestion = closestMatch(key, known);
        const message =
          suggestion === undefined
            ? `unknown key; expected one of ${known.join(', ')}`
            : `unknown key; did you mean "${suggestion}"?`;
        return { path: [...path, key], message };
      });
    }
    case 'invalid_type': {
      if (issue.input === undefined) {
        const last = path[path.length - 1];
        const hint = typeof last === 'string' ? REQUIRED_HINTS[last] : undefined;
        return [{ path, message: hint === undefined ? 'required' : `required: ${hint}` }];
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      let message = `expected ${expected}, got ${describeValue(issue.input)}`;
      // Unquoted digits are a YAML number, and an account id's leading zeros are already gone.
      if (issue.expected === 'string' && typeof issue.input === 'number') {
        message += '; put it in quotes, or YAML reads it as a number (dropping leading zeros)';
      }
      return [{ path, message }];
    }
    case 'invalid_value': {
      let message = `expected ${orList(issue.values)}, got ${describeValue(issue.input)}`;
      if (typeof issue.input === 'string') {
        const suggestion = closestMatch(issue.input, issue.values.map(String));
        if (suggestion !== undefined) message += `; did you mean "${suggestion}"?`;
      }
      return [{ path, message }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

type RuleIdCheckInput = { rules?: unknown; exceptions?: unknown };

/**
 * Rule ids in `rules` keys and in `exceptions[].rule` that the registry does not know. Reads the
 * input defensively, so it also runs on a config that failed the schema: one mistake does not hide
 * another.
 */
export function ruleIdProblems(config: unknown, knownIds: readonly string[]): ConfigProblem[] {
  if (typeof config !== 'object' || config === null) return [];
  const { rules, exceptions } = config as RuleIdCheckInput;
  const known = new Set(knownIds);
  const problems: ConfigProblem[] = [];
  const unknownId = (id: string, named: boolean): string => {
    const subject = named ? `unknown rule id ${JSON.stringify(id)}` : 'unknown rule id';
    const suggestion = closestMatch(id, knownIds);
    return suggestion === undefined
      ? `${subject}; known ids: ${[...knownIds].sort().join(', ')}`
      : `${subject}; did you mean "${suggestion}"?`;
  };
  if (typeof rules === 'object' && rules !== null && !Array.isArray(rules)) {
    for (const id of Object.keys(rules)) {
      if (!known.has(id)) problems.push({ path: ['rules', id], message: unknownId(id, false) });
    }
  }
  if (Array.isArray(exceptions)) {
    exceptions.forEach((exception: unknown, index) => {
      if (typeof exception !== 'object' || exception === null) return;
      const rule = (exception as { rule?: unknown }).rule;
      if (typeof rule !== 'string' || rule === '' || rule === '*' || known.has(rule)) return;
      problems.push({ path: ['exceptions', index, 'rule'], message: unknownId(rule, true) });
    });
  }
  return problems;
}

/**
 * Checks the rule ids a config names against the rule registry's ids. Returns one line per problem,
 * e.g. `rules.wildcard-resorce: unknown rule id; did you mean "wildcard-resource"?`.
 */
export function validateRuleIds(config: IamGateConfigInput, knownIds: readonly string[]): string[] {
  return ruleIdProblems(config, knownIds).map(formatConfigProblem);
}

export type ValidateConfigResult =
  { ok: true; config: IamGateConfig } | { ok: false; problems: ConfigProblem[] };

/**
 * Dates as the text they were written as. YAML yields a Date for an explicit `!!timestamp` and, in a
 * `%YAML 1.1` file, for any unquoted date; `expires: 2027-01-31` should mean the same either way.
 * A timestamp with a time of day keeps it, so that `expires` rejects it instead of dropping the time.
 */
function datesAsText(value: unknown): unknown {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return value;
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (Array.isArray(value)) return value.map(datesAsText);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, datesAsText(child)]));
  }
  return value;
}

/**
 * Validates plain data as a config: the schema, then the rule ids. `null` or `undefined` (an empty
 * file) is the default config.
 */
export function validateConfig(data: unknown, knownRuleIds: readonly string[]): ValidateConfigResult {
  const input = datesAsText(data ?? {});
  const parsed = iamGateConfigSchema.safeParse(input, { reportInput: true });
  const problems = [...(parsed.success ? [] : parsed.error.issues.flatMap(problemsFromIssue))];
  problems.push(...ruleIdProblems(input, knownRuleIds));
  if (parsed.success && problems.length === 0) return { ok: true, config: parsed.data };
  return { ok: false, problems };
}
