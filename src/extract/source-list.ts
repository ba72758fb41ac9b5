/** Collects the sources of one input file, giving each its id, JSON path and line. */
import { formatProblem } from '../policy/json-path.js';
import type { PolicyKind, PolicyProblem } from '../policy/types.js';
import { type InputDocument, type PathSegment, pathText } from './input-document.js';
import type { PolicySource } from './types.js';

export interface SourceFields {
  kind: PolicyKind;
  address: string;
  logicalId?: string;
  property?: string;
  principal?: string;
  document: unknown;
  /** Where the policy (or what it was synthesized from) sits in the file. */
  at: readonly PathSegment[];
  /**
   * Tells apart the copies of one policy attached to several principals, so that each keeps its
   * id when another attachment is added: `…PolicyDocument@AppRole`.
   */
  attachedTo?: string;
  /** Why the policy cannot be fully known before deployment; joined into `unresolved`. */
  problems?: readonly PolicyProblem[];
  unresolved?: string;
  /** An AWS managed policy attachment: the ARN, its document filled in later. */
  managedPolicyArn?: string;
}

export class SourceList {
  readonly sources: PolicySource[] = [];
  private readonly ids = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly input: InputDocument,
  ) {}

  add(fields: SourceFields): void {
    const { kind, address, logicalId, property, principal, document, at, attachedTo } = fields;
    let id = `${this.file}#${address}${property ? `.${property}` : ''}${attachedTo ? `@${attachedTo}` : ''}`;
    // Two resources can share a construct path (or a file can repeat itself): ids must stay unique.
    for (let n = 2; this.ids.has(id); n++) id = `${id.replace(/~\d+$/, '')}~${n}`;
    this.ids.add(id);

    const source: PolicySource = { id, kind, address, document };
    if (logicalId !== undefined && logicalId !== address) source.logicalId = logicalId;
    if (property !== undefined) source.property = property;
    if (principal !== undefined) source.principal = principal;
    if (fields.managedPolicyArn !== undefined) source.managedPolicyArn = fields.managedPolicyArn;
    source.filePath = pathText(at);
    const line = this.input.lineOf(at);
    source.location = line === undefined ? { file: this.file } : { file: this.file, line };
    const reasons = [
      ...(fields.unresolved !== undefined ? [fields.unresolved] : []),
      ...(fields.problems ?? []).map(formatProblem),
    ];
    if (reasons.length > 0) source.unresolved = unique(reasons).join('; ');
    this.sources.push(source);
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
