/**
 * CloudFormation intrinsic functions inside policies, kept symbolic: `{"Ref": "Bucket"}` becomes
 * `${Bucket}`, `{"Fn::GetAtt": ["Bucket", "Arn"]}` becomes `${Bucket.Arn}`, pseudo parameters stay
 * `${AWS::AccountId}`. That is the spelling `Fn::Sub` already uses, and `parsePolicy` accepts
 * `${...}` resources and classifies `${...}` principals as unknown, so a template reads as the
 * policy it deploys with its references left open.
 *
 * Whatever cannot be written as one value before deployment (`Fn::If` between two different
 * values, `Fn::ImportValue`, `Fn::Select` over a list only known at deploy time) becomes a problem
 * with the JSON path where it sits (the path of the outermost intrinsic: paths inside a function's
 * arguments mean nothing to the policy), plus a `${Fn::...}` placeholder so the rest stays readable.
 */
import type { ScalarTag, CollectionTag } from 'yaml';
import { childPath } from '../policy/json-path.js';
import type { PolicyProblem } from '../policy/types.js';
import { isRecord } from '../util/is-record.js';

export interface IntrinsicContext {
  /** The template's `Mappings`, for `Fn::FindInMap` with literal keys. */
  mappings?: unknown;
}

export interface ResolvedValue {
  value: unknown;
  /** Where the value depends on something only known at deploy time; paths are relative to the value. */
  problems: PolicyProblem[];
}

/** `{"Ref": "AWS::NoValue"}` removes the property or list entry that holds it. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Resolved = unknown;

/** The name of the intrinsic function `value` calls, if it is one: a one-key object `Ref` or `Fn::*`. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) return undefined;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

export function resolveIntrinsics(value: unknown, context: IntrinsicContext = {}): ResolvedValue {
  const resolver = new Resolver(context);
  const resolved = resolver.value(value, '');
  return { value: resolved === NO_VALUE ? undefined : resolved, problems: resolver.problems };
}

/**
 * Resolves `value` to one string, the way a reference inside a template is read: `${Bucket}`,
 * `arn:${AWS::Partition}:s3:::${Bucket}/*`. Undefined when it is not a string at all.
 */
export function resolveToString(value: unknown, context: IntrinsicContext = {}): string | undefined {
  const resolved = resolveIntrinsics(value, context).value;
  return typeof resolved === 'string' ? resolved : undefined;
}

class Resolver {
  readonly problems: PolicyProblem[] = [];
  /** How many intrinsic functions deep the resolver is: inside one, lists are arguments, not policy lists. */
  private depth = 0;

  constructor(private readonly context: IntrinsicContext) {}

  private problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  value(value: unknown, path: string): Resolved {
    if (Array.isArray(value)) return this.list(value, path);
    if (!isRecord(value)) return value;
    const name = intrinsicName(value);
    if (name !== undefined) return this.intrinsic(name, value[name], path);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = this.value(item, this.depth > 0 ? path : childPath(path, key));
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  private list(items: unknown[], path: string): unknown[] {
    const out: unknown[] = [];
    items.forEach((item, index) => {
      const itemPath = this.depth > 0 ? path : childPath(path, index);
      const fnIf = isRecord(item) ? item['Fn::If'] : undefined;
      if (this.depth === 0 && intrinsicName(item) === 'Fn::If' && Array.isArray(fnIf)) {
        // In a list, both branches are what the entry can be: keep both so the reader sees everything.
        const branches = this.ifBranches(fnIf, itemPath);
        if (!branches) return;
        for (const branch of uniqueValues(branches.values)) if (branch !== NO_VALUE) out.push(branch);
        return;
      }
      const resolved = this.value(item, itemPath);
      if (resolved !== NO_VALUE) out.push(resolved);
    });
    return out;
  }

  /** An intrinsic function's argument: problems inside it are reported at the function's own path. */
  private argument(value: unknown, path: string): Resolved {
    this.depth++;
    try {
      return this.value(value, path);
    } finally {
      this.depth--;
    }
  }

  /** Resolves to a string for places that need one (a `Fn::Join` part, a `Fn::Sub` variable). */
  private string(value: unknown, path: string, what: string): string {
    const resolved = this.argument(value, path);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    this.problem(path, `${what} is not a single string`);
    return '${unknown}';
  }

  private intrinsic(name: string, arg: unknown, path: string): Resolved {
    switch (name) {
      case 'Ref':
        if (arg === 'AWS::NoValue') return NO_VALUE;
        if (typeof arg === 'string') return `\${${arg}}`;
        return this.unsupported(name, path);
      case 'Fn::GetAtt':
        return this.getAtt(arg, path);
      case 'Fn::Sub':
        return this.sub(arg, path);
      case 'Fn::Join':
        return this.join(arg, path);
      case 'Fn::If':
        return this.fnIf(arg, path);
      case 'Fn::Select':
        return this.select(arg, path);
      case 'Fn::Split':
        return this.split(arg, path);
      case 'Fn::FindInMap':
        return this.findInMap(arg, path);
      case 'Fn::ImportValue': {
        const exportName = this.string(arg, path, 'the export name');
        this.problem(
          path,
          `Fn::ImportValue ${JSON.stringify(exportName)} is another stack's output, known only at deploy time`,
        );
        return `\${Fn::ImportValue:${exportName}}`;
      }
      case 'Fn::Base64': {
        const text = this.argument(arg, path);
        if (typeof text === 'string' && !text.includes('${'))
          return Buffer.from(text, 'utf8').toString('base64');
        return this.unsupported(name, path);
      }
      case 'Fn::ToJsonString': {
        const before = this.problems.length;
        const content = this.argument(arg, path);
        return this.problems.length === before ? JSON.stringify(content) : '${Fn::ToJsonString}';
      }
      default:
        return this.unsupported(name, path);
    }
  }

  private unsupported(name: string, path: string): string {
    this.problem(path, `${name} is evaluated only at deploy time`);
    return `\${${name}}`;
  }

  private getAtt(arg: unknown, path: string): Resolved {
    // The short form `!GetAtt Bucket.Arn` and the long form `["Bucket", "Arn"]`; attribute names may
    // themselves contain dots (`Endpoint.Address`), the logical id never does.
    if (typeof arg === 'string' && arg.includes('.')) return `\${${arg}}`;
    if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string') {
      return `\${${arg[0]}.${this.string(arg[1], path, 'the attribute name')}}`;
    }
    return this.unsupported('Fn::GetAtt', path);
  }

  private sub(arg: unknown, path: string): Resolved {
    let template: unknown = arg;
    const variables = new Map<string, string>();
    if (Array.isArray(arg)) {
      template = arg[0];
      const map: unknown = arg[1];
      if (isRecord(map)) {
        for (const [name, value] of Object.entries(map)) {
          const before = this.problems.length;
          const resolved = this.argument(value, path);
          // A variable that cannot be read stays `${Name}`: still symbolic, and the problem is recorded.
          if (this.problems.length > before) continue;
          if (typeof resolved === 'string' || typeof resolved === 'number' || typeof resolved === 'boolean')
            variables.set(name, String(resolved));
        }
      }
    }
    if (typeof template !== 'string') return this.unsupported('Fn::Sub', path);
    // `${!Literal}` is Fn::Sub's escape for a literal `${Literal}`: that is how IAM policy variables
    // such as `${!aws:username}` get through Fn::Sub untouched.
    return template.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      return variables.get(name.trim()) ?? whole;
    });
  }

  private join(arg: unknown, path: string): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string')
      return this.unsupported('Fn::Join', path);
    const delimiter = arg[0];
    const list = this.argument(arg[1], path);
    if (!Array.isArray(list)) {
      if (typeof list !== 'string' || !list.startsWith('${Fn::'))
        this.problem(path, 'Fn::Join over a list known only at deploy time');
      return '${Fn::Join}';
    }
    return list.map((part) => this.string(part, path, 'a Fn::Join part')).join(delimiter);
  }

  private ifBranches(arg: unknown, path: string): { values: Resolved[] } | undefined {
    if (!Array.isArray(arg) || arg.length !== 3) {
      this.unsupported('Fn::If', path);
      return undefined;
    }
    const condition = typeof arg[0] === 'string' ? arg[0] : '?';
    const yes = this.value(arg[1], path);
    const no = this.value(arg[2], path);
    if (!sameValue(yes, no)) {
      const choice =
        path === '' && this.depth === 0
          ? 'chooses between two policies'
          : yes === NO_VALUE || no === NO_VALUE
            ? 'decides whether this is present'
            : 'chooses between two values';
      this.problem(path, `Fn::If on condition ${condition} ${choice} at deploy time`);
    }
    return { values: [yes, no] };
  }

  private fnIf(arg: unknown, path: string): Resolved {
    const branches = this.ifBranches(arg, path);
    if (!branches) return '${Fn::If}';
    // Outside a list only one value fits: the one used when the condition holds, unless it is
    // AWS::NoValue, in which case the other one (the policy with the element present).
    const [yes, no] = branches.values;
    return yes === NO_VALUE ? no : yes;
  }

  private select(arg: unknown, path: string): Resolved {
    if (Array.isArray(arg) && arg.length === 2) {
      const index = this.argument(arg[0], path);
      const before = this.problems.length;
      const list = this.argument(arg[1], path);
      const i = typeof index === 'number' ? index : typeof index === 'string' ? Number(index) : NaN;
      if (
        Array.isArray(list) &&
        this.problems.length === before &&
        Number.isInteger(i) &&
        i >= 0 &&
        i < list.length
      )
        return list[i];
      // The inner problem already says why the list is unknown; one message per cause is enough.
      this.problems.length = before;
    }
    this.problem(path, 'Fn::Select picks from a list known only at deploy time');
    return '${Fn::Select}';
  }

  private split(arg: unknown, path: string): Resolved {
    if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && arg[0] !== '') {
      const text = this.argument(arg[1], path);
      // A symbolic part (`${Bucket}`) might itself contain the delimiter, so only literal text splits.
      if (typeof text === 'string' && !text.includes('${')) return text.split(arg[0]);
    }
    return this.unsupported('Fn::Split', path);
  }

  private findInMap(arg: unknown, path: string): Resolved {
    if (Array.isArray(arg) && arg.length >= 3) {
      const keys = arg.slice(0, 3).map((key) => this.argument(key, path));
      let node: unknown = this.context.mappings;
      for (const key of keys) node = typeof key === 'string' && isRecord(node) ? node[key] : undefined;
      if (node !== undefined) return node;
      const shown = keys.map((key) => (typeof key === 'string' ? key : '?')).join('.');
      this.problem(path, `Fn::FindInMap ${shown} depends on values known only at deploy time`);
      return `\${Fn::FindInMap:${shown}}`;
    }
    return this.unsupported('Fn::FindInMap', path);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === NO_VALUE || b === NO_VALUE) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

function uniqueValues(values: Resolved[]): Resolved[] {
  return values.filter((value, i) => values.findIndex((other) => sameValue(value, other)) === i);
}

/** The short-form tags of CloudFormation YAML and the long-form key each stands for. */
const SHORT_TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!ImportValue': 'Fn::ImportValue',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!GetAZs': 'Fn::GetAZs',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Transform': 'Fn::Transform',
  '!ToJsonString': 'Fn::ToJsonString',
  '!Length': 'Fn::Length',
};

/** `yaml` custom tags that parse `!Sub "..."` into `{"Fn::Sub": "..."}`, for scalars, sequences and maps. */
export const CLOUDFORMATION_YAML_TAGS: (ScalarTag | CollectionTag)[] = Object.entries(SHORT_TAGS).flatMap(
  ([tag, key]): (ScalarTag | CollectionTag)[] => [
    {
      tag,
      resolve: (value: string) => ({ [key]: key === 'Fn::GetAtt' ? splitGetAtt(value) : value }),
    },
    { tag, collection: 'seq', resolve: (value) => ({ [key]: value.toJSON() }) },
    { tag, collection: 'map', resolve: (value) => ({ [key]: value.toJSON() }) },
  ],
);

function splitGetAtt(value: string): unknown {
  const dot = value.indexOf('.');
  return dot < 0 ? value : [value.slice(0, dot), value.slice(dot + 1)];
}
