/**
 * Runs a Pulumi program without the Pulumi CLI, engine or cloud: the program's own @pulumi/pulumi
 * is put in mock mode, every resource "creation" answers with symbolic outputs
 * (`${aws:iam/role:Role::app.arn}`), and what the program registered is written to a snapshot file.
 *
 * Started by synthesize.ts through the Runner:
 *
 *     node --require <dependency-source-maps preload> [--require tsx/cjs | --import tsx] \
 *       host.js <plan.json>
 *
 * The plan (snapshot.ts, `HostPlan`) names one program, or base then head of one stack: each runs in
 * its own folder with its stack config in `PULUMI_CONFIG`, as Pulumi's language host passes it, in
 * a store of the SDK's own (`withLocalStorage`, what the Automation API uses for inline programs),
 * so the second program shares only the loaded modules with the first. Every run but the last hands
 * its snapshot over on stdout before the next program loads. Exit code 0 with every snapshot
 * written (or with the first only, when the SDK cannot keep two programs apart: synthesize.ts then
 * runs the other alone), or 1 with the reason on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as PulumiModule from '@pulumi/pulumi';
import { forgetProgramModules, handOver } from '../handed-over.js';
import { deferPulumiSdkModules } from './defer-sdk-modules.js';
import { answerInvoke, GET_POLICY_DOCUMENT, type InvokeSettings, knownInvoke } from './invokes.js';
import { droppedPaths } from './json-loss.js';
import {
  SNAPSHOT_VERSION,
  type HostPlan,
  type HostRun,
  type LossyJson,
  type PulumiSnapshot,
  type RenderedDocument,
  type SnapshotResource,
  type SourcePosition,
  symbolicInvokeResult,
  symbolicOutput,
} from './snapshot.js';

type Pulumi = typeof PulumiModule;

/** The parts of the SDK's mock monitor and of its protobuf requests that the host listens to. */
interface Monitor {
  registerResource(request: RegisterRequest, callback: (error: unknown, response: unknown) => void): unknown;
  readResource(request: ReadRequest, callback: (error: unknown, response: unknown) => void): unknown;
  supportsFeature(
    request: { getId(): string },
    callback: (error: unknown, response: { getHassupport(): boolean }) => void,
  ): unknown;
}
interface ProtoPosition {
  getUri(): string;
  getLine(): number;
  getColumn(): number;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getRemote(): boolean;
  getObject(): unknown;
  getPropertydependenciesMap(): {
    forEach(f: (deps: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getSourceposition?(): ProtoPosition | undefined;
  getStacktrace?(): { getFramesList(): { getPc(): ProtoPosition | undefined }[] } | undefined;
}
interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProperties(): unknown;
}
interface UrnResponse {
  getUrn(): string;
}

/** The key and value Pulumi marks secrets with in serialized properties. */
const SECRET_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_VALUE = '1b47061264138c4ac30d75fd1eb44270';

const stringify = JSON.stringify.bind(JSON);
let finished = false;

async function main(): Promise<void> {
  const planFile = process.argv[2];
  if (!planFile) throw new Error('usage: host.js <plan.json>');
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as HostPlan;
  for (const [index, run] of plan.runs.entries()) {
    if (index > 0) forgetProgramModules();
    process.chdir(run.cwd);
    process.env.PULUMI_CONFIG = run.config;
    process.env.PULUMI_CONFIG_SECRET_KEYS = run.secretKeys;
    const host = new Host(run);
    // One program runs in the SDK's global store, as ever; several each get a store of their own.
    const isolated = plan.runs.length > 1 ? host.isolation() : undefined;
    // Without one, a second program would see the first one's stack and settings.
    if (isolated === undefined && index > 0) return;
    const started = performance.now();
    const snapshot = await (isolated ?? ((task: () => Promise<PulumiSnapshot>) => task()))(() => host.run());
    snapshot.elapsedMs = Math.round(performance.now() - started);
    const text = stringify(snapshot);
    writeFileSync(run.snapshotFile, text);
    if (index < plan.runs.length - 1) {
      // Whole and in the pipe before any code of the next program runs (handed-over.ts).
      await handOver(plan.frameMarker, index, text);
    }
  }
}

/** Patches that wrap the SDK's own functions are applied once per copy of the SDK, not once per run. */
const patchedSdks = new WeakSet<object>();

class Host {
  private readonly pulumi: Pulumi;
  private readonly requireFromProgram: NodeJS.Require;
  private readonly resources: SnapshotResource[] = [];
  /** Output properties each resource type declares (the keys its class passes as `undefined`). */
  private readonly declaredOutputs = new Map<string, Set<string>>();
  private readonly lossyJson = new Map<string, LossyJson>();
  private readonly renderedDocuments: RenderedDocument[] = [];
  private readonly warnings = new Set<string>();
  /** Every resource the program constructed, registered or not. */
  private readonly constructed: string[] = [];
  private readonly constructedAt = new Map<string, SourcePosition | undefined>();
  private invokeSettings: InvokeSettings = {};

  private readonly project: string;
  private readonly stack: string;
  private readonly entry: string;
  private readonly moduleKind: 'cjs' | 'esm';

  constructor(run: HostRun) {
    ({ project: this.project, stack: this.stack, entry: this.entry, module: this.moduleKind } = run);
    this.requireFromProgram = createRequire(this.entry);
    deferPulumiSdkModules();
    try {
      // The program's own copy: mocks set on any other copy would not reach the program's resources.
      this.pulumi = this.requireFromProgram('@pulumi/pulumi') as Pulumi;
    } catch (error) {
      throw new Error(
        `cannot load @pulumi/pulumi from the program's folder (${(error as Error).message.split('\n')[0]}); ` +
          'install its dependencies first',
        { cause: error },
      );
    }
  }

  /**
   * Runs a task in a store of the SDK's own (settings, config, stack resource), or undefined when
   * this SDK has no such thing (`withLocalStorage` came with the Automation API's inline programs).
   */
  isolation(): ((task: () => Promise<PulumiSnapshot>) => Promise<PulumiSnapshot>) | undefined {
    let state: { withLocalStorage?: unknown };
    try {
      state = this.requireFromProgram('@pulumi/pulumi/runtime/state') as typeof state;
    } catch {
      return undefined;
    }
    const withLocalStorage = state.withLocalStorage;
    if (typeof withLocalStorage !== 'function') return undefined;
    return (task) =>
      (withLocalStorage as (callback: () => Promise<PulumiSnapshot>) => Promise<PulumiSnapshot>)(task);
  }

  async run(): Promise<PulumiSnapshot> {
    const pulumi = this.pulumi;
    this.watchJsonStringify();
    await pulumi.runtime.setMocks(
      {
        newResource: (args) =>
          this.newResource(args.type, args.name, args.inputs as Record<string, unknown>, args.id),
        call: (args) => this.call(args.token, args.inputs),
      },
      this.project,
      this.stack,
      false,
    );
    this.listenToMonitor();
    if (!patchedSdks.has(pulumi)) {
      patchedSdks.add(pulumi);
      this.makeUnknownInvokesSymbolic();
    }
    this.makeStackReferencesSymbolic();
    const region = new pulumi.Config('aws').get('region');
    this.invokeSettings = region !== undefined ? { region } : {};

    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        const address = `${args.type}::${args.name}`;
        // A resource adopted by URN is looked up, not registered.
        if (args.opts.urn === undefined) this.constructed.push(address);
        // SDKs before source positions (3.1xx) send none: the constructor's own stack says where.
        if (!this.constructedAt.has(address)) this.constructedAt.set(address, constructorPosition());
        const declared = this.declaredOutputs.get(args.type) ?? new Set<string>();
        for (const key of Object.keys(args.props)) declared.add(key);
        this.declaredOutputs.set(args.type, declared);
        return undefined;
      });
      return this.runProgram();
    });
    await pulumi.runtime.disconnect();
    // A registration that failed (an apply that threw) rejects a promise nobody awaits; Node reports
    // it only once the current chain of promises has run, which is before the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    if (pulumi.log.hasErrors()) throw new Error('the program logged errors (see above)');
    const registered = new Set(this.resources.map((r) => `${r.type}::${r.name}`));
    const missing = this.constructed.filter((address) => !registered.has(address));
    if (missing.length > 0)
      throw new Error(`these resources were created but never registered: ${missing.join(', ')}`);

    return {
      version: SNAPSHOT_VERSION,
      project: this.project,
      stack: this.stack,
      resources: this.resources,
      lossyJson: [...this.lossyJson.values()],
      renderedDocuments: this.renderedDocuments,
      warnings: [...this.warnings].sort(),
    };
  }

  /** Loads the entry the way Pulumi's language host does, and runs an exported function. */
  private async runProgram(): Promise<unknown> {
    let exported: unknown;
    if (this.moduleKind === 'esm') {
      const module = (await import(pathToFileURL(this.entry).href)) as Record<string, unknown>;
      if (Object.getOwnPropertyDescriptor(module, 'default') !== undefined) {
        if (Object.keys(module).length !== 1)
          throw new Error(
            'expected entrypoint module to have either a default export or named exports but not both',
          );
        exported = module.default;
      } else exported = module;
    } else exported = this.requireFromProgram(this.entry);
    return typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  }

  private newResource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    id: string | undefined,
  ): { id: string; state: Record<string, unknown> } {
    const state: Record<string, unknown> = { ...inputs };
    for (const key of this.declaredOutputs.get(type) ?? [])
      if (state[key] === undefined) state[key] = symbolicOutput(type, name, key);
    return { id: id !== undefined && id !== '' ? id : symbolicOutput(type, name, 'id'), state };
  }

  private call(token: string, inputs: unknown): Record<string, unknown> {
    const answer = answerInvoke(token, inputs, this.invokeSettings);
    if (!answer.known)
      this.warnings.add(
        `${token} is not called offline: its results are symbolic, e.g. ${symbolicInvokeResult(token, 'id')}`,
      );
    if (token === GET_POLICY_DOCUMENT && answer.problems) {
      for (const key of ['json', 'minifiedJson']) {
        const json = answer.result[key];
        if (typeof json === 'string') this.renderedDocuments.push({ json, problems: answer.problems });
      }
    }
    return answer.result;
  }

  /** Records every registration as the engine would receive it: inputs, dependencies, position. */
  private listenToMonitor(): void {
    const monitor = this.pulumi.runtime.getMonitor() as unknown as Monitor | undefined;
    if (!monitor) throw new Error('@pulumi/pulumi did not install the mock monitor');
    const deserialize = (struct: unknown): Record<string, unknown> =>
      this.pulumi.runtime.deserializeProperties(struct as never) as Record<string, unknown>;

    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) =>
      register(request, (error, response) => {
        if (!error) {
          const parent = request.getParent();
          const dependencies: Record<string, string[]> = {};
          request.getPropertydependenciesMap().forEach((deps, key) => {
            dependencies[key] = deps.getUrnsList();
          });
          const source =
            programPosition(request) ?? this.constructedAt.get(`${request.getType()}::${request.getName()}`);
          if (request.getRemote())
            this.warnings.add(
              `${request.getType()}::${request.getName()} is a component its provider plugin builds: ` +
                'what it creates, and any IAM in it, is not seen offline (pulumi preview --json shows it)',
            );
          this.resources.push({
            urn: (response as UrnResponse).getUrn(),
            type: request.getType(),
            name: request.getName(),
            ...(parent !== '' ? { parent } : {}),
            custom: request.getCustom(),
            inputs: plain(deserialize(request.getObject())) as Record<string, unknown>,
            dependencies,
            ...(source ? { source } : {}),
          });
        }
        callback(error, response);
      });

    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (request, callback) =>
      read(request, (error, response) => {
        if (!error) {
          const parent = request.getParent();
          this.resources.push({
            urn: (response as UrnResponse).getUrn(),
            type: request.getType(),
            name: request.getName(),
            ...(parent !== '' ? { parent } : {}),
            custom: true,
            read: true,
            inputs: plain(deserialize(request.getProperties())) as Record<string, unknown>,
            dependencies: {},
          });
        }
        callback(error, response);
      });

    // Without resource references, a resource passed where a name or ARN is expected is sent as
    // its id, as a deployment would use it, instead of as an object.
    const supports = monitor.supportsFeature.bind(monitor);
    monitor.supportsFeature = (request, callback) =>
      request.getId() === 'resourceReferences'
        ? callback(null, { getHassupport: () => false })
        : supports(request, callback);
  }

  /**
   * A function iam-gate does not know returns an empty result from the mock; its properties would
   * read as `undefined` and vanish from any policy built from them. Instead each property read from
   * such a result is a symbol naming the function and the property.
   */
  private makeUnknownInvokesSymbolic(): void {
    const runtime = this.pulumi.runtime as unknown as Record<string, unknown>;
    const unknown = (token: string): boolean => !knownInvoke(token);
    const invoke = runtime.invoke as (token: string, ...rest: unknown[]) => Promise<unknown>;
    runtime.invoke = (token: string, ...rest: unknown[]) =>
      unknown(token)
        ? invoke(token, ...rest).then((result) => symbolicResult(token, result))
        : invoke(token, ...rest);
    const invokeOutput = runtime.invokeOutput as (
      token: string,
      ...rest: unknown[]
    ) => PulumiModule.Output<unknown>;
    runtime.invokeOutput = (token: string, ...rest: unknown[]) =>
      unknown(token)
        ? invokeOutput(token, ...rest).apply((result) => symbolicResult(token, result))
        : invokeOutput(token, ...rest);
    const invokeSingle = runtime.invokeSingle as (token: string, ...rest: unknown[]) => Promise<unknown>;
    runtime.invokeSingle = (token: string, ...rest: unknown[]) =>
      unknown(token)
        ? invokeSingle(token, ...rest).then((value) => value ?? symbolicInvokeResult(token, 'result'))
        : invokeSingle(token, ...rest);
    const invokeSingleOutput = runtime.invokeSingleOutput as (
      token: string,
      ...rest: unknown[]
    ) => PulumiModule.Output<unknown>;
    runtime.invokeSingleOutput = (token: string, ...rest: unknown[]) =>
      unknown(token)
        ? invokeSingleOutput(token, ...rest).apply((value) => value ?? symbolicInvokeResult(token, 'result'))
        : invokeSingleOutput(token, ...rest);
  }

  /**
   * Another stack's outputs are not reachable offline (they live in the Pulumi backend): each one
   * the program reads is a symbol naming the reference and the output.
   */
  private makeStackReferencesSymbolic(): void {
    const pulumi = this.pulumi;
    const warnings = this.warnings;
    const prototype = pulumi.StackReference.prototype as unknown as Record<string, unknown>;
    prototype.getOutput = prototype.requireOutput = function (
      this: { __name?: string },
      name: PulumiModule.Input<string>,
    ) {
      const reference = this.__name ?? 'stack';
      return pulumi.output(name).apply((key) => {
        const symbol = symbolicOutput('pulumi:pulumi:StackReference', reference, `outputs.${key}`);
        warnings.add(`stack reference ${reference}: output ${key} is read as ${symbol}`);
        return symbol;
      });
    };
  }

  private watchJsonStringify(): void {
    const lossy = this.lossyJson;
    JSON.stringify = function (value: unknown, replacer?: unknown, space?: string | number): string {
      const text = stringify(value, replacer as never, space);
      // A replacer that returns undefined drops members on purpose; only policies matter here
      // (the SDK and the TypeScript loader stringify much else).
      if (typeof text === 'string' && typeof replacer !== 'function' && isPolicyLike(value)) {
        const dropped = droppedPaths(value);
        if (dropped.length > 0 && !lossy.has(text)) lossy.set(text, { text, dropped });
      }
      return text;
    } as typeof JSON.stringify;
  }
}

function isPolicyLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'Statement' in value;
}

/** Property names the SDK or JavaScript itself probes on values; they must stay absent. */
const PROBED = new Set(['then', 'toJSON', 'constructor', 'valueOf', 'toString', 'inspect', 'length']);

function symbolicResult(token: string, result: unknown): unknown {
  const target = typeof result === 'object' && result !== null ? result : {};
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key !== 'string' || key in object || PROBED.has(key) || !/^[a-z][A-Za-z0-9]*$/.test(key))
        return Reflect.get(object, key, receiver) as unknown;
      return symbolicInvokeResult(token, key);
    },
  });
}

/** Where the program created the resource: the first stack frame outside any installed package. */
function programPosition(request: RegisterRequest): SourcePosition | undefined {
  const frames = request.getStacktrace?.()?.getFramesList() ?? [];
  const positions = [...frames.map((frame) => frame.getPc()), request.getSourceposition?.()].filter(
    (position): position is ProtoPosition => position !== undefined && position.getUri() !== '',
  );
  for (const position of positions) {
    const uri = position.getUri();
    const file = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
    if (isProgramFile(file)) return { file, line: position.getLine(), column: position.getColumn() };
  }
  return undefined;
}

/**
 * iam-gate's own code (this host, and its TypeScript source when a stack frame is mapped through
 * dist's source maps): a checkout of iam-gate keeps it in src/ and dist/, an installed one in
 * node_modules. The host calls the program, so its frames sit under every position.
 */
const OWN_CODE = ['src', 'dist'].map(
  (folder) => join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', folder) + sep,
);

function isProgramFile(file: string): boolean {
  return (
    !/[\\/]node_modules[\\/]/.test(file) &&
    !file.startsWith('node:') &&
    !OWN_CODE.some((folder) => file.startsWith(folder))
  );
}

/** The first frame of the current stack in the program: `at new X (/path/file.ts:12:3)` or `at /path/file.ts:12:3`. */
function constructorPosition(): SourcePosition | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  for (const line of stack.split('\n').slice(1)) {
    const match = /at (?:.*\()?(.+?):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!match?.[1]) continue;
    const file = match[1].startsWith('file:') ? fileURLToPath(match[1]) : match[1];
    if (isProgramFile(file)) return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

/** Secrets unwrapped, and only what JSON can hold. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_KEY] === SECRET_VALUE) return plain(record.value);
  // Assets and archives are class instances whose contents are promises: their marker fields remain.
  return Object.fromEntries(
    Object.entries(record).flatMap(([key, item]) => (item instanceof Promise ? [] : [[key, plain(item)]])),
  );
}

function fail(error: unknown): void {
  if (finished) return;
  finished = true;
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${text}\n`);
  process.exit(1);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
// The event loop ran dry while the program was still waiting: nothing will ever finish it.
process.on('beforeExit', () => {
  if (!finished)
    fail(new Error('the program never finished: it waited on something that nothing will complete'));
});

main().then(() => {
  finished = true;
  // Timers the program left behind must not keep it alive once everything is recorded.
  process.exit(0);
}, fail);
