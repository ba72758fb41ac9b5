/**
 * How many stack syntheses a review runs at once by default: one per core the machine offers (a
 * synthesis is one single-threaded program), at most 8, since each program holds its SDK in memory
 * (a Pulumi program with `@pulumi/aws` takes 150 to 250 MB).
 */
import { availableParallelism } from 'node:os';

export const MAX_DEFAULT_CONCURRENCY = 8;

export function defaultConcurrency(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_DEFAULT_CONCURRENCY));
}
