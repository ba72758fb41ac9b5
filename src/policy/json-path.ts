/** JSON paths in the form users read in AWS's own error messages: `Statement[1].Condition.StringLike["aws:SourceArn"]`. */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Paths already built, by parent and key: every revision of a policy has the same paths
 * (`Statement[3].Condition.StringEquals["aws:ResourceTag/team"]`), and building them anew was a
 * visible share of the garbage of diffing a history. Bounded, since keys come from pull requests.
 */
const childPaths = new Map<string, Map<string | number, string>>();
let cachedPaths = 0;
const MAX_CACHED_PATHS = 100_000;

export function childPath(parent: string, key: string | number): string {
  let children = childPaths.get(parent);
  const cached = children?.get(key);
  if (cached !== undefined) return cached;
  const path =
    typeof key === 'number'
      ? `${parent}[${key}]`
      : IDENTIFIER.test(key)
        ? parent === ''
          ? key
          : `${parent}.${key}`
        : `${parent}[${JSON.stringify(key)}]`;
  if (cachedPaths >= MAX_CACHED_PATHS) {
    childPaths.clear();
    cachedPaths = 0;
    children = undefined;
  }
  if (!children) {
    children = new Map();
    childPaths.set(parent, children);
  }
  children.set(key, path);
  cachedPaths += 1;
  return path;
}

/** `Statement[1].Effect: message`, or just the message for a problem with the whole document. */
export function formatProblem(problem: { path: string; message: string }): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}
