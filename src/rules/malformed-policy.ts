import type { SourceRule } from './types.js';

/** Parse problems are findings like any other, so a malformed policy fails the check instead of crashing it. */
export const malformedPolicy: SourceRule = {
  id: 'malformed-policy',
  scope: 'source',
  defaultSeverity: 'error',
  description:
    'The policy is not a valid IAM policy document: AWS would reject it, and nothing in it can be checked.',
  check: ({ problems }) => problems.map((problem) => ({ path: problem.path, message: problem.message })),
};
