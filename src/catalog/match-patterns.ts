/**
 * Condition-key templates the catalog matches. They compile to anchored regular expressions over
 * lower-case text, because condition keys are case-insensitive in IAM and lower-casing once is
 * cheaper than an `i` flag on every test. (Action globs use policy/glob.ts, over lower-case names.)
 */

const REGEXP_SPECIALS = /[.+^${}()|[\]\\*?]/g;

function escapeRegExp(text: string): string {
  return text.replace(REGEXP_SPECIALS, '\\$&');
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
