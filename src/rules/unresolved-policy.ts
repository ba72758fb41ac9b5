import type { SourceRule } from './types.js';

/**
 * A policy whose content is only known at deploy time (a Pulumi unknown, a CloudFormation Fn::If)
 * cannot be judged. Reporting it keeps "no findings" from ever meaning "not looked at".
 */
export const unresolvedPolicy: SourceRule = {
  id: 'unresolved-policy',
  scope: 'source',
  defaultSeverity: 'warning',
  description: 'The policy depends on values known only at deploy time, so iam-gate could not check it.',
  check: ({ source }) =>
    source.unresolved === undefined ? [] : [{ path: '', message: `not checked: ${source.unresolved}` }],
};
