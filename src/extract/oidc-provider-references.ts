/**
 * Trust policies usually name their OIDC provider by reference (`${aws_iam_openid_connect_provider.github.arn}`,
 * `!GetAtt GithubProvider.Arn`), which alone says nothing about which provider it is. When the
 * provider is defined in the same input with a literal URL, the reference is rewritten to a
 * provider ARN whose account stays symbolic, so trust rules can recognise GitHub Actions (or any
 * other issuer) and check its `sub` and `aud` conditions.
 */
import type { PolicySource } from './types.js';

/** `https://token.actions.githubusercontent.com/` -> `token.actions.githubusercontent.com`. */
export function providerHost(url: string): string {
  return url.replace(/^https:\/\//i, '').replace(/\/+$/, '');
}

/** `reference text` -> the symbolic ARN it stands for. */
export function providerArn(reference: string, host: string): string {
  return `arn:aws:iam::\${${reference}.account}:oidc-provider/${host}`;
}

export function substituteProviderReferences(
  sources: PolicySource[],
  references: ReadonlyMap<string, string>,
): void {
  if (references.size === 0) return;
  for (const source of sources) {
    if (source.kind === 'trust') source.document = substitute(source.document, references);
  }
}

function substitute(value: unknown, references: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    // JSON text (Terraform's `policy = "..."`) holds the reference inside a string literal: replace
    // every occurrence, not only whole-string matches.
    let text = value;
    for (const [reference, arn] of references) text = text.split(reference).join(arn);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, references));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substitute(item, references)]),
    );
  }
  return value;
}
