/**
 * What the Pulumi host (host.ts, inside the user's program's process) hands back to iam-gate: every
 * resource the program registered, with the inputs it gave it, and the facts the host saw that make
 * a policy less than fully known. Plain JSON, written to a file the synthesizer names.
 */

export const SNAPSHOT_VERSION = 1;

export interface SourcePosition {
  /** Absolute path of the program file (after source maps: the `.ts` file, not its transpiled form). */
  file: string;
  line: number;
  column?: number;
}

export interface SnapshotResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource (a component, or the stack itself). */
  parent?: string;
  /** False for components and the stack: they hold no policies of their own. */
  custom: boolean;
  /** Read with `Resource.get(...)`: it exists already and the stack does not manage it. */
  read?: boolean;
  /** The inputs as the program set them, secrets unwrapped; resource outputs are symbolic text. */
  inputs: Record<string, unknown>;
  /** Input name -> URNs of the resources its value came from. */
  dependencies: Record<string, string[]>;
  /** Where the program created the resource: the first frame outside any `node_modules`. */
  source?: SourcePosition;
}

export interface LossyJson {
  /** What `JSON.stringify` returned. */
  text: string;
  /** Paths whose value was `undefined`, a function or a symbol, and so was left out (or became `null`). */
  dropped: string[];
}

export interface RenderedDocument {
  /** The policy JSON the mock returned for an `aws.iam.getPolicyDocument` call. */
  json: string;
  /** What could not be rendered, as `path: message`. */
  problems: string[];
}

export interface PulumiSnapshot {
  version: typeof SNAPSHOT_VERSION;
  project: string;
  stack: string;
  resources: SnapshotResource[];
  /** Every `JSON.stringify` in the program that silently lost a value. */
  lossyJson: LossyJson[];
  /** Every `getPolicyDocument` rendering that had problems. */
  renderedDocuments: RenderedDocument[];
  warnings: string[];
  /** How long the program took, loading included, as the host measured it. */
  elapsedMs?: number;
}

/** `${aws:iam/role:Role::app.arn}`: what stands for an output of a resource that does not exist yet. */
export function symbolicOutput(type: string, name: string, property: string): string {
  return `\${${type}::${name}.${property}}`;
}

/** `${aws:ec2/getVpc:getVpc.id}`: what stands for a result of a function iam-gate does not call. */
export function symbolicInvokeResult(token: string, property: string): string {
  return `\${${token}.${property}}`;
}

/** `${config:app:dbPassword}`: an encrypted config value, which iam-gate cannot and must not decrypt. */
export function symbolicConfig(key: string): string {
  return `\${config:${key}}`;
}

/**
 * What synthesize.ts asks of one host process (a JSON file, the host's only argument): one program
 * to run, or base then head of one stack in one process, so that they load the SDK once.
 */
export interface HostPlan {
  runs: HostRun[];
  /**
   * Written on its own line before each snapshot the host puts on stdout: every run but the last
   * also hands its snapshot over there, completely, before the next program's code is loaded, so
   * that nothing the next program does can change it (see synthesize.ts).
   */
  frameMarker: string;
}

export interface HostRun {
  /** Where the snapshot is written. */
  snapshotFile: string;
  project: string;
  stack: string;
  /** The program's entry file, absolute. */
  entry: string;
  module: 'cjs' | 'esm';
  /** The program's folder: its working directory, as under `pulumi up`. */
  cwd: string;
  /** `PULUMI_CONFIG` and `PULUMI_CONFIG_SECRET_KEYS`, as Pulumi's language host passes them. */
  config: string;
  secretKeys: string;
}
