/** The one error type the builder throws: it always names the statement and the offending value. */
import { formatProblem } from './json-path.js';
import type { PolicyProblem } from './types.js';

export interface PolicyErrorDetails {
  /** The Sid of the statement at fault, when there is one. */
  sid?: string;
  /** The offending value exactly as given (`s3:*`, `*`, `kms:ViaServices`). */
  value?: string;
  /** Every problem when several were found at once, e.g. a malformed document. */
  problems?: PolicyProblem[];
}

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly sid: string | undefined;
  readonly value: string | undefined;
  readonly problems: readonly PolicyProblem[];

  constructor(message: string, details: PolicyErrorDetails = {}) {
    super(message);
    this.sid = details.sid;
    this.value = details.value;
    this.problems = details.problems ?? [];
  }

  /** Raised when a document fails to parse: one message listing every problem with its JSON path. */
  static fromProblems(problems: PolicyProblem[]): PolicyError {
    const lines = problems.map((p) => `  ${formatProblem(p)}`);
    return new PolicyError(`invalid policy:\n${lines.join('\n')}`, { problems });
  }
}
