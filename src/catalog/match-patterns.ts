/**
 * String patterns the catalog matches: IAM action globs and condition-key templates. Both compile to
 * anchored regular expressions over lower-case text, because action names and condition keys are
 * case-insensitive in IAM and lower-casing once is cheaper than an `i` flag on every test.
 */

const REGEXP_SPECIALS = /[.+^${}()|[\]\\*?]/g;

function escapeRegExp(text: string): string {
  return text.replace(REGEXP_SPECIALS, '\\$&');
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * IAM action glob semantics: `*` is any run of characters (including none), `?` exactly one.
 * Expects a lower-case glob and is meant to be tested against lower-case names.
 */
export function actionGlobToRegExp(lowerGlob: string): RegExp {
  let source = '';
  for (const ch of lowerGlob) {
    source += ch === '*' ? '.*' : ch === '?' ? '.' : escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 's');
}

/**
 * Placeholders in catalog keys: `${TagKey}` (AWS's documentation style) and `<key>` (a few S3 keys,
 * `s3:ExistingObjectTag/<key>`).
 */
const KEY_PLACEHOLDER = /\$\{[^}]*\}|<[^>]*>/g;

export function isKeyTemplate(key: string): boolean {
  KEY_PLACEHOLDER.lastIndex = 0;
  return KEY_PLACEHOLDER.test(key);
}

/**
 * A template such as `aws:RequestTag/${TagKey}` matches the concrete keys a policy author writes
 * (`aws:requesttag/team`). A placeholder stands for at least one character of any kind, because tag
 * keys may contain `/`, `:` and `.`.
 */
export function keyTemplateToRegExp(template: string): RegExp {
  const parts = template.toLowerCase().split(KEY_PLACEHOLDER);
  return new RegExp(`^${parts.map(escapeRegExp).join('.+')}$`, 's');
}

/**
 * Lower-case keys that are either listed exactly or match a template. Built once per action or key
 * list and reused, since the diff engine asks the same action about many keys.
 */
export class KeyMatcher {
  private readonly exact = new Set<string>();
  private readonly templates: RegExp[] = [];

  constructor(keys: Iterable<string>, compile: (template: string) => RegExp = keyTemplateToRegExp) {
    for (const key of keys) {
      if (isKeyTemplate(key)) this.templates.push(compile(key));
      else this.exact.add(key.toLowerCase());
    }
  }

  /** Expects a lower-case key. */
  matches(lowerKey: string): boolean {
    if (this.exact.has(lowerKey)) return true;
    for (const template of this.templates) if (template.test(lowerKey)) return true;
    return false;
  }
}
