/** JSON paths in the form users read in AWS's own error messages: `Statement[1].Condition.StringLike["aws:SourceArn"]`. */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENTIFIER.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** `Statement[1].Effect: message`, or just the message for a problem with the whole document. */
export function formatProblem(problem: { path: string; message: string }): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}
