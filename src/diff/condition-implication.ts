/**
 * Whether one statement's conditions imply another's: "every request the head grant admits also
 * satisfies this base condition". A base statement covers a head grant only when each of its atoms is
 * implied, so fewer or weaker conditions in head read as added access.
 *
 * Three answers: `yes` (proved), `no` (a request exists that satisfies head and fails base: a removed
 * key, a widened StringLike, a value added to a set, an added IfExists, a raised upper bound), and
 * `unknown` for what this module does not model (policy variables in values, mixed set qualifiers,
 * mixed operator families, numbers, dates or addresses it cannot read); the diff lists those grants as
 * "possibly added" instead of dropping them.
 *
 * Only implications between atoms of the same key are drawn, which is sound (a proof about one key
 * never depends on another) and loses only exotic cross-key reasoning.
 */
import { isNegatedOperator } from '../policy/condition-operators.js';
import { usesPolicyVariables } from '../policy/policy-variables.js';
import type { Condition, PolicyVersion } from '../policy/types.js';
import { parseCidr } from '../simulate/conditions/cidr.js';
import { parseDate } from '../simulate/conditions/date.js';
import { parseNumber } from '../simulate/conditions/numeric.js';
import { foldAscii } from '../util/hash.js';
import { containment, parseGlob, textTokens, tokensIntersect, type GlobToken } from './glob-sets.js';
import { type ConditionAtom, type Tri, everyTri, someTri } from './types.js';

/** Conditions of one statement with the version that decides whether `${...}` is a variable. */
export interface ConditionSet {
  conditions: readonly Condition[];
  version: PolicyVersion | undefined;
  /**
   * Worked out once per set and kept on it (a statement's conditions are asked about for every
   * action class and resource; a field costs a fraction of a weak map's entry): its atoms, and its
   * answers as the given set, by required set.
   */
  atoms?: Atom[];
  implied?: Map<ConditionSet, Tri>;
  /** The conditions as the diff's grants carry them, kept by the diff (see `GroupComparison.atoms`). */
  grantAtoms?: ConditionAtom[];
}

type Family = 'text' | 'arn' | 'ip' | 'bool' | 'exact' | 'ordering' | 'null';

export interface Atom {
  condition: Condition;
  family: Family;
  negated: boolean;
  /** Text values compare case-insensitively (`StringEqualsIgnoreCase`). */
  ignoreCase: boolean;
  /** Text values are globs (`StringLike`), not literals. */
  glob: boolean;
  variables: boolean;
}

const FAMILIES: Record<string, Family> = {
  StringEquals: 'text',
  StringNotEquals: 'text',
  StringEqualsIgnoreCase: 'text',
  StringNotEqualsIgnoreCase: 'text',
  StringLike: 'text',
  StringNotLike: 'text',
  ArnEquals: 'arn',
  ArnLike: 'arn',
  ArnNotEquals: 'arn',
  ArnNotLike: 'arn',
  IpAddress: 'ip',
  NotIpAddress: 'ip',
  Bool: 'bool',
  BinaryEquals: 'exact',
  NumericEquals: 'exact',
  NumericNotEquals: 'exact',
  DateEquals: 'exact',
  DateNotEquals: 'exact',
  Null: 'null',
};

function atomOf(condition: Condition, version: PolicyVersion | undefined): Atom {
  const base = condition.baseOperator;
  return {
    condition,
    family: FAMILIES[base] ?? 'ordering',
    negated: isNegatedOperator(base),
    ignoreCase: base.endsWith('IgnoreCase'),
    glob: base === 'StringLike' || base === 'StringNotLike',
    variables: condition.values.some((value) => usesPolicyVariables(value, version)),
  };
}

/**
 * Whether every atom of `required` holds for every request that satisfies all of `given` (several
 * sets when a request is known to satisfy more than one statement).
 */
export function conditionsImply(given: ConditionSet | readonly ConditionSet[], required: ConditionSet): Tri {
  if (required.conditions.length === 0) return 'yes';
  if (Array.isArray(given)) return implication(given, required);
  // One statement's conditions against another's recur for every action class and resource entry.
  // Statements without conditions share one set (see `compilePolicySet`): its answers are quick and
  // not kept, or its map would hold every set it was ever asked about.
  const single = given as ConditionSet;
  if (single.conditions.length === 0) return implication([single], required);
  const answers = (single.implied ??= new Map());
  let answer = answers.get(required);
  if (answer === undefined) {
    answer = implication([single], required);
    answers.set(required, answer);
  }
  return answer;
}

function atomsOf(set: ConditionSet): Atom[] {
  return (set.atoms ??= set.conditions.map((c) => atomOf(c, set.version)));
}

function implication(sets: readonly ConditionSet[], required: ConditionSet): Tri {
  const givenAtoms = sets.length === 1 ? atomsOf(sets[0] as ConditionSet) : sets.flatMap(atomsOf);
  let result: Tri = 'yes';
  for (const atom of atomsOf(required)) {
    const answer = atomImplied(givenAtoms, atom);
    if (answer === 'no') return 'no';
    if (answer === 'unknown') result = 'unknown';
  }
  return result;
}

function atomImplied(given: readonly Atom[], required: Atom): Tri {
  const key = required.condition.key.toLowerCase();
  let result: Tri = 'no';
  for (const atom of given) {
    if (atom.condition.key.toLowerCase() !== key) continue;
    const answer = implies(atom, required);
    if (answer === 'yes') return 'yes';
    if (answer === 'unknown') result = 'unknown';
  }
  // With nothing in head on this key, any value (or none) gets through head; base rejects some.
  return required.variables ? 'unknown' : result;
}

/** Order and repetition never change what a list of values stands for. */
export function sameValueSet(a: readonly string[], b: readonly string[]): boolean {
  // Long lists (a pull request may write thousands of values) through sets, short ones directly.
  if (a.length * b.length > 1024) {
    const inA = new Set(a);
    const inB = new Set(b);
    return a.every((value) => inB.has(value)) && b.every((value) => inA.has(value));
  }
  for (let i = 0; i < a.length; i += 1) if (!b.includes(a[i] as string)) return false;
  for (let i = 0; i < b.length; i += 1) if (!a.includes(b[i] as string)) return false;
  return true;
}

/** Whether the single atom `h` (known to hold) implies `b`. Both are on the same key. */
function implies(h: Atom, b: Atom): Tri {
  const hc = h.condition;
  const bc = b.condition;
  if (hc.operator === bc.operator && h.variables === b.variables && sameValueSet(hc.values, bc.values))
    return 'yes';
  if (h.variables || b.variables) return 'unknown';

  if (h.family === 'null' || b.family === 'null') return nullImplies(h, b);
  if (hc.setQualifier !== bc.setQualifier) return 'unknown';
  if (bc.setQualifier !== undefined && (h.negated || b.negated || hc.ifExists !== bc.ifExists))
    return 'unknown';
  if (b.family === 'ordering' && (h.family === 'ordering' || h.family === 'exact')) {
    // Negated operators hold when the key is absent, so only a positive base without IfExists cares.
    if (!bc.ifExists && !h.negated && hc.ifExists) return 'no';
    return orderingImplies(h, b);
  }
  const headOrdering = ORDERINGS[hc.baseOperator];
  if (headOrdering !== undefined && EQUALS_KIND[bc.baseOperator] === headOrdering.kind) {
    // A bound admits endless values, an Equals a few of them; a bound that cannot be read is unknown.
    const readable =
      hc.values.length > 0 && hc.values.every((v) => orderValue(headOrdering.kind, v) !== undefined);
    return readable ? 'no' : 'unknown';
  }
  if (h.family !== b.family) return 'unknown';

  // Negated operators hold when the key is absent, so only a positive base without IfExists cares.
  if (!b.negated && !bc.ifExists && !h.negated && hc.ifExists) return 'no';

  switch (b.family) {
    case 'text':
    case 'arn':
      return textImplies(h, b);
    case 'ip':
      return ipImplies(h, b);
    case 'bool': {
      if (h.negated) return 'unknown';
      const allowed = new Set(bc.values.map((v) => v.toLowerCase()));
      return hc.values.every((v) => allowed.has(v.toLowerCase())) ? 'yes' : 'no';
    }
    case 'exact': {
      // Number and date spellings vary (`1` vs `1.0`), so only a subset of the text is a proof.
      if (h.negated !== b.negated || hc.baseOperator !== bc.baseOperator) return 'unknown';
      const [inner, outer] = b.negated ? [bc.values, hc.values] : [hc.values, bc.values];
      const outerSet = new Set(outer);
      return inner.every((v) => outerSet.has(v)) ? 'yes' : 'unknown';
    }
    default:
      return 'unknown';
  }
}

/** What an ordering operator admits: values below (`upper`) or above its bound, the bound itself or not. */
interface Ordering {
  kind: 'numeric' | 'date';
  upper: boolean;
  inclusive: boolean;
}

const ORDERINGS: Record<string, Ordering> = {
  NumericLessThan: { kind: 'numeric', upper: true, inclusive: false },
  NumericLessThanEquals: { kind: 'numeric', upper: true, inclusive: true },
  NumericGreaterThan: { kind: 'numeric', upper: false, inclusive: false },
  NumericGreaterThanEquals: { kind: 'numeric', upper: false, inclusive: true },
  DateLessThan: { kind: 'date', upper: true, inclusive: false },
  DateLessThanEquals: { kind: 'date', upper: true, inclusive: true },
  DateGreaterThan: { kind: 'date', upper: false, inclusive: false },
  DateGreaterThanEquals: { kind: 'date', upper: false, inclusive: true },
};

/** `NumericEquals` and `DateEquals` (non-negated) compare one value of the same kind. */
const EQUALS_KIND: Record<string, Ordering['kind']> = { NumericEquals: 'numeric', DateEquals: 'date' };

/**
 * A condition value as a number to order by, read as the simulator reads it (a decimal number; a
 * date as ISO 8601 or epoch seconds, in milliseconds). Undefined for anything else, which leaves the
 * answer unknown.
 */
function orderValue(kind: Ordering['kind'], text: string): number | undefined {
  return kind === 'numeric' ? parseNumber(text) : parseDate(text);
}

/**
 * Orderings over one key, read over the real numbers (a head bound of `< 11` does not imply a base
 * `<= 10` even for a count, which only ever reports more). Values of one key are alternatives, so an
 * upper bound is the largest value written and a lower bound the smallest. A head `NumericEquals`
 * implies a base bound when every one of its values lies within it.
 */
function orderingImplies(h: Atom, b: Atom): Tri {
  const base = ORDERINGS[b.condition.baseOperator];
  if (!base) return 'unknown';
  const bounds = (atom: Atom, ordering: Ordering): number[] | undefined => {
    const values = atom.condition.values.map((v) => orderValue(ordering.kind, v));
    return values.every((v) => v !== undefined) ? (values as number[]) : undefined;
  };
  const baseValues = bounds(b, base);
  if (!baseValues || baseValues.length === 0) return 'unknown';
  const limit = base.upper ? Math.max(...baseValues) : Math.min(...baseValues);
  const admits = (x: number): boolean =>
    base.upper ? x < limit || (base.inclusive && x === limit) : x > limit || (base.inclusive && x === limit);

  const equalsKind = EQUALS_KIND[h.condition.baseOperator];
  if (equalsKind !== undefined) {
    if (h.negated || equalsKind !== base.kind) return 'unknown';
    const values = bounds(h, base);
    if (!values) return 'unknown';
    return values.every(admits) ? 'yes' : 'no';
  }
  const head = ORDERINGS[h.condition.baseOperator];
  if (!head || head.kind !== base.kind) return 'unknown';
  const headValues = bounds(h, head);
  if (!headValues || headValues.length === 0) return 'unknown';
  // An upper bound admits values without end below it, a lower one above it.
  if (head.upper !== base.upper) return 'no';
  const edge = head.upper ? Math.max(...headValues) : Math.min(...headValues);
  if (edge === limit) return head.inclusive && !base.inclusive ? 'no' : 'yes';
  const inside = head.upper ? edge < limit : edge > limit;
  return inside ? 'yes' : 'no';
}

/** Null: {key: true} means absent, {key: false} present. Negated operators and IfExists hold when absent. */
function nullImplies(h: Atom, b: Atom): Tri {
  const hc = h.condition;
  const bc = b.condition;
  const nullValue = (atom: Atom): boolean | undefined => {
    const values = new Set(atom.condition.values.map((v) => v.toLowerCase()));
    if (values.size !== 1) return undefined;
    return values.has('true') ? true : values.has('false') ? false : undefined;
  };
  if (h.family === 'null') {
    const absent = nullValue(h);
    if (absent === undefined) return 'unknown';
    if (b.family === 'null') return nullValue(b) === absent ? 'yes' : 'no';
    // A present key with any value: base's value test rejects some.
    if (!absent) return 'no';
    if (bc.setQualifier === 'ForAllValues') return 'yes';
    return b.negated || bc.ifExists ? 'yes' : 'no';
  }
  const absent = nullValue(b);
  if (absent === undefined) return 'unknown';
  // Base wants the key present: a positive head atom without IfExists requires it too. Base wants it
  // absent: every head atom but Null admits some present value.
  const requiresPresence = !h.negated && !hc.ifExists && hc.setQualifier !== 'ForAllValues';
  return !absent && requiresPresence ? 'yes' : 'no';
}

/** The language of one condition value: a glob for `*Like`/`Arn*`, the literal text otherwise. */
function valueTokens(atom: Atom, value: string): GlobToken[] {
  return isLiteral(atom) ? textTokens(value) : parseGlob(value);
}

/** Whether an atom's values are read as literal text, each admitting that one string. */
function isLiteral(atom: Atom): boolean {
  return !atom.glob && atom.family !== 'arn';
}

/**
 * Whether two literal values are the same string, ASCII letters folded when `ignoreCase`: what
 * comparing their one-string languages answers (see `valueContains`), without building them.
 */
function sameText(a: string, b: string, ignoreCase: boolean): boolean {
  if (a === b) return true;
  if (!ignoreCase || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y && foldAscii(x) !== foldAscii(y)) return false;
  }
  return true;
}

/**
 * ARN operators match each of the six `:`-separated parts on its own, so `*` never crosses the first
 * five colons. Compare part by part; an ARN value without six parts is compared as one glob only when
 * both sides are alike (as AWS would then compare the whole text).
 */
function arnParts(value: string): string[] | undefined {
  const parts = value.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function valueContains(
  outerAtom: Atom,
  outer: string,
  innerAtom: Atom,
  inner: string,
  ignoreCase: boolean,
): Tri {
  if (outerAtom.family === 'arn') {
    const o = arnParts(outer);
    const i = arnParts(inner);
    if (!o || !i) return outer === inner ? 'yes' : 'unknown';
    let result: Tri = 'yes';
    for (let k = 0; k < 6; k += 1) {
      const answer = containment(parseGlob(o[k] ?? ''), parseGlob(i[k] ?? ''));
      if (answer === 'no') return 'no';
      if (answer === 'unknown') result = 'unknown';
    }
    return result;
  }
  // Two literal values (StringEquals against StringEquals, the common case): one string each.
  if (isLiteral(outerAtom) && isLiteral(innerAtom)) return sameText(outer, inner, ignoreCase) ? 'yes' : 'no';
  const answer = containment(valueTokens(outerAtom, outer), valueTokens(innerAtom, inner), {
    caseInsensitive: ignoreCase,
  });
  return answer;
}

function valuesMeet(a: Atom, av: string, b: Atom, bv: string, ignoreCase: boolean): boolean {
  if (a.family === 'arn') {
    const x = arnParts(av);
    const y = arnParts(bv);
    if (!x || !y) return true;
    return x.every((part, k) => tokensIntersect(parseGlob(part), parseGlob(y[k] ?? '')));
  }
  if (isLiteral(a) && isLiteral(b)) return sameText(av, bv, ignoreCase);
  return tokensIntersect(valueTokens(a, av), valueTokens(b, bv), { caseInsensitive: ignoreCase });
}

function textImplies(h: Atom, b: Atom): Tri {
  const hv = h.condition.values;
  const bv = b.condition.values;
  if (!b.negated && !h.negated) {
    // Every value head admits must be admitted by base. A case-insensitive head admits case variants
    // that a case-sensitive base may not.
    if (h.ignoreCase && !b.ignoreCase) return 'unknown';
    return everyTri(hv, (v) => someTri(bv, (w) => valueContains(b, w, h, v, b.ignoreCase)));
  }
  if (b.negated && h.negated) {
    // Head must exclude at least what base excludes.
    if (b.ignoreCase && !h.ignoreCase) return 'unknown';
    return everyTri(bv, (w) => someTri(hv, (v) => valueContains(h, v, b, w, h.ignoreCase)));
  }
  if (b.negated) {
    // Head admits only its values: none of them may be one base excludes.
    const meets = hv.some((v) => bv.some((w) => valuesMeet(h, v, b, w, h.ignoreCase || b.ignoreCase)));
    return meets ? 'no' : 'yes';
  }
  // Head admits every value but its own, and no value at all: only a universal base value with
  // IfExists admits all of that.
  if (!b.condition.ifExists || !(b.glob || b.family === 'arn')) return 'no';
  return bv.some((w) => valueContains(b, w, b, '*', false) === 'yes') ? 'yes' : 'no';
}

/**
 * An IPv4 or IPv6 CIDR block (or single address) as an inclusive range, parsed as the simulator
 * parses it; undefined for malformed text. The two families never share an address.
 */
function ipRange(text: string): { version: 4 | 6; start: bigint; end: bigint } | undefined {
  const block = parseCidr(text);
  if (!block) return undefined;
  const hostBits = BigInt((block.version === 4 ? 32 : 128) - block.prefix);
  return { version: block.version, start: block.network, end: block.network + (1n << hostBits) - 1n };
}

function ipWithin(inner: string, outer: string): Tri {
  if (inner === outer) return 'yes';
  const i = ipRange(inner);
  const o = ipRange(outer);
  if (!i || !o) return 'unknown';
  return i.version === o.version && o.start <= i.start && i.end <= o.end ? 'yes' : 'no';
}

function ipMeet(a: string, b: string): boolean {
  const x = ipRange(a);
  const y = ipRange(b);
  if (!x || !y) return true;
  return x.version === y.version && x.start <= y.end && y.start <= x.end;
}

function ipImplies(h: Atom, b: Atom): Tri {
  const hv = h.condition.values;
  const bv = b.condition.values;
  if (!b.negated && !h.negated) return everyTri(hv, (v) => someTri(bv, (w) => ipWithin(v, w)));
  if (b.negated && h.negated) return everyTri(bv, (w) => someTri(hv, (v) => ipWithin(w, v)));
  if (b.negated) {
    const parsed = [...hv, ...bv].every((v) => ipRange(v) !== undefined);
    const meets = hv.some((v) => bv.some((w) => ipMeet(v, w)));
    if (!meets) return 'yes';
    return parsed ? 'no' : 'unknown';
  }
  return 'no';
}
