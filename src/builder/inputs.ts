/**
 * Values the builder accepts: plain strings, or values known only at deploy time (Pulumi Outputs,
 * promises). Pulumi is an optional peer: nothing here imports it at runtime, so the builder works
 * in a project that has never installed it.
 */
import { createRequire } from 'node:module';
import type * as pulumiModule from '@pulumi/pulumi';
import { PolicyError } from '../policy/policy-error.js';

/** Structural stand-in for `pulumi.Output<T>`, so the builder's types do not depend on Pulumi. */
export interface OutputLike<T> {
  apply<U>(func: (value: T) => U): unknown;
}

/** Mirrors `pulumi.Input<T>`: a value, a promise of it, or a Pulumi Output. */
export type Input<T> = T | Promise<T> | OutputLike<T>;

/** True for a value that is not known until deploy time (an Output or a promise). */
export function isDeferred(value: unknown): value is Promise<unknown> | OutputLike<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Promise) return true;
  // Pulumi marks its Outputs with this flag; checking it works across copies of @pulumi/pulumi.
  return (value as { __pulumiOutput?: unknown }).__pulumiOutput === true;
}

export function containsDeferred(value: unknown): boolean {
  if (isDeferred(value)) return true;
  if (Array.isArray(value)) return value.some(containsDeferred);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsDeferred);
  return false;
}

let pulumi: typeof pulumiModule | undefined;

/** Loads the program's own @pulumi/pulumi on first use; a clear error when it is not installed. */
export function requirePulumi(): typeof pulumiModule {
  if (pulumi) return pulumi;
  try {
    pulumi = createRequire(import.meta.url)('@pulumi/pulumi') as typeof pulumiModule;
    return pulumi;
  } catch (error) {
    throw new PolicyError(
      `toPulumiJSON() needs @pulumi/pulumi, which could not be loaded (${(error as Error).message}); install it or use toJSON()`,
    );
  }
}
