/** Wording shared by rule messages, so that lists and counts read the same in every finding. */

/** `22,091`. Not Intl: loading ICU for one separator costs ~30 ms of start-up. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1 action`, `63 actions`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** `a`, `a and b`, `a, b and c`, `a, b, c and 4 more`: long lists stay one readable line. */
export function listSome(items: readonly string[], max = 3): string {
  return listFirst(items.length, items.slice(0, max), max);
}

/** `listSome` of a list known by its length and its first `max` items. */
export function listFirst(count: number, first: readonly string[], max = 3): string {
  if (count <= 1) return first[0] ?? '';
  if (count <= max) return `${first.slice(0, count - 1).join(', ')} and ${first[count - 1] ?? ''}`;
  return `${first.slice(0, max).join(', ')} and ${formatCount(count - max)} more`;
}

/** Values as written in the policy, quoted so that `*` and spaces stay visible. */
export function quoted(values: readonly string[]): string[] {
  return values.map((value) => JSON.stringify(value));
}

/** `s3:GetObject`, or `3 actions (s3:GetObject, s3:PutObject and s3:DeleteObject)`. */
export function describeActions(actions: readonly string[]): string {
  return describeFirstActions(actions.length, actions.slice(0, 3));
}

/** `describeActions` of a list known by its length and its first three names. */
export function describeFirstActions(count: number, first: readonly string[]): string {
  if (count === 1) return first[0] ?? '';
  return `${plural(count, 'action')} (${listFirst(count, first)})`;
}
