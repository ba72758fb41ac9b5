/** The request context keyed case-insensitively, as both conditions and policy variables read it. */
import { type Caller, callerContext } from './caller.js';
import type { ConditionContext } from './conditions/index.js';

export interface RequestContext extends ConditionContext {
  /** A policy variable's value: single-valued keys only, as AWS allows no multi-valued variable. */
  variable(name: string): string | undefined;
}

export function buildRequestContext(
  context: Record<string, string | string[]> | undefined,
  caller: Caller,
): RequestContext {
  const byKey = new Map<string, readonly string[]>();
  const put = (key: string, value: string | readonly string[]) => {
    const values = typeof value === 'string' ? [value] : value;
    const lower = key.toLowerCase();
    // An empty list is an absent key; see conditions/index.ts.
    if (values.length === 0) byKey.delete(lower);
    else byKey.set(lower, values);
  };
  for (const [key, value] of Object.entries(callerContext(caller))) put(key, value);
  for (const [key, value] of Object.entries(context ?? {})) put(key, value);

  return {
    values: (key) => byKey.get(key.toLowerCase()),
    variable: (name) => {
      const values = byKey.get(name.toLowerCase());
      return values?.length === 1 ? values[0] : undefined;
    },
  };
}
