/**
 * IAM policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, `${*}`).
 *
 * `${...}` is also how Terraform, Pulumi, CDK and CloudFormation write their own references, and
 * those can reach us unresolved. So a `${...}` counts as a policy variable only when its name is
 * shaped like an IAM condition key; everything else stays literal text, as AWS itself would treat
 * it. The rule:
 *
 * - `${*}`, `${?}`, `${$}`: the literal characters `*`, `?`, `$`.
 * - Otherwise `prefix:key`, where
 *   - `prefix` is a service or identity-provider name (`aws`, `s3`, `saml`,
 *     `token.actions.githubusercontent.com`), optionally with a path as in EKS OIDC providers
 *     (`oidc.eks.us-east-1.amazonaws.com/id/ABC`): letters, digits, `.` and `-`, then `/`-separated
 *     segments;
 *   - `key` is letters, digits, `_`, `.` and `-` (`username`, `x-amz-acl`);
 *   - a key ending in `tag` (case-insensitive: `PrincipalTag`, `ResourceTag`, `ExistingObjectTag`,
 *     `rds:db-tag`) may be followed by `/` and a tag key made of the characters AWS allows in tag
 *     keys (letters, digits, spaces, `_ . : / = + - @`), which is where `aws:PrincipalTag/team` and
 *     `aws:ResourceTag/aws:cloudformation:stack-name` come from. Restricting `/` to tag keys is what
 *     keeps `${aws:iam/role:Role::app.arn}` literal.
 * - Then optionally `, 'default'`: a comma (spaces around it are tolerated) and a single-quoted
 *   default that cannot itself contain `'`.
 *
 * Not recognised, therefore literal: `${aws_iam_role.app.arn}` (no `:`), `${AWS::AccountId}`
 * (empty key), `${Token[TOKEN.12]}`, whitespace inside the braces.
 *
 * Names are reported as written. IAM compares condition keys case-insensitively, so a `lookup`
 * must too (`aws:UserName` and `aws:username` are the same variable).
 */

import type { PolicyVersion } from './types.js';

export interface PolicyVariableRef {
  /** The whole reference as written, e.g. `${aws:username}`. */
  text: string;
  /** `aws:username`, `aws:PrincipalTag/team`, or `*` / `?` / `$` for the three specials. */
  name: string;
  /** The unquoted default of `${name, 'default'}`. */
  defaultValue?: string;
  /** Offset of `$` in the searched text. */
  start: number;
  /** Offset just past the closing `}`, so `text === source.slice(start, end)`. */
  end: number;
}

const SPECIALS = '[*?$]';
const PREFIX = String.raw`[A-Za-z0-9][A-Za-z0-9.\-]*(?:\/[A-Za-z0-9._\-]+)*`;
const TAG_KEY_CHAR = String.raw`[\p{L}\p{N}_.:\/=+\-@]`;
// Spaces only between other characters, so the space before `, 'default'` is not part of the tag.
const TAG_KEY = `${TAG_KEY_CHAR}+(?: +${TAG_KEY_CHAR}+)*`;
const TAGGED_KEY = String.raw`[A-Za-z0-9_.\-]*[Tt][Aa][Gg]\/${TAG_KEY}`;
const PLAIN_KEY = String.raw`[A-Za-z0-9_.\-]+`;
const NAME = `${PREFIX}:(?:${TAGGED_KEY}|${PLAIN_KEY})`;
const DEFAULT = String.raw`\s*,\s*'([^']*)'`;

/** Group 1: a special; group 2: a key name; group 3: the default. */
const POLICY_VARIABLE = new RegExp(String.raw`\$\{(?:(${SPECIALS})|(${NAME})(?:${DEFAULT})?)\}`, 'gu');

/** Only 2012-10-17 has policy variables; without a Version AWS applies 2008-10-17. */
function substitutes(version: PolicyVersion | undefined): boolean {
  return version === '2012-10-17';
}

/** Finds the policy variables in `text`, whatever the policy version; see the module comment for the rule. */
export function findPolicyVariables(text: string): PolicyVariableRef[] {
  if (!text.includes('${')) return [];
  const refs: PolicyVariableRef[] = [];
  for (const match of text.matchAll(POLICY_VARIABLE)) {
    const [whole, special, name, defaultValue] = match;
    const ref: PolicyVariableRef = {
      text: whole,
      name: special ?? name ?? '',
      start: match.index,
      end: match.index + whole.length,
    };
    if (defaultValue !== undefined) ref.defaultValue = defaultValue;
    refs.push(ref);
  }
  return refs;
}

/** Whether `text` would be substituted at request time, i.e. is not what AWS compares verbatim. */
export function usesPolicyVariables(text: string, version: PolicyVersion | undefined): boolean {
  return substitutes(version) && findPolicyVariables(text).length > 0;
}

/** The literal character a special stands for, or undefined for an ordinary variable. */
export function specialVariableValue(name: string): string | undefined {
  return name === '*' || name === '?' || name === '$' ? name : undefined;
}

/**
 * Substitute with values from a request context; returns undefined when a variable has no value
 * and no default (AWS then treats the element as not matching). With 2008-10-17 or no version the
 * text is returned unchanged. `lookup` receives names as written and should compare them
 * case-insensitively; it is not called for `${*}`, `${?}`, `${$}`.
 */
export function substitutePolicyVariables(
  text: string,
  lookup: (name: string) => string | undefined,
  version: PolicyVersion | undefined,
): string | undefined {
  if (!substitutes(version)) return text;
  const refs = findPolicyVariables(text);
  if (refs.length === 0) return text;
  let out = '';
  let last = 0;
  for (const ref of refs) {
    const value = specialVariableValue(ref.name) ?? lookup(ref.name) ?? ref.defaultValue;
    if (value === undefined) return undefined;
    out += text.slice(last, ref.start) + value;
    last = ref.end;
  }
  return out + text.slice(last);
}
