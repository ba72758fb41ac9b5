/**
 * `@pulumi/pulumi` loads two large packages as it is imported that a program run against mocks
 * almost never uses: TypeScript's compiler (to serialize callback functions into Lambda code) and
 * npm's Arborist (to find the packages such a function needs). Compiling them is about a fifth of a
 * small program's whole run (docs/benchmarks.md). The host therefore hands the SDK a stand-in for
 * each that loads the real module the first time the SDK touches it: a program with a
 * `CallbackFunction` still gets both, any other never loads them.
 *
 * Only the SDK's own requests are deferred (the program's `import 'typescript'` gets the module
 * itself), and only these two, both of which the SDK uses through properties (`ts.createSourceFile`,
 * `arborist.Arborist`) in functions, never while it loads.
 */
import Module from 'node:module';

/** Requests deferred when they come from a file of `@pulumi/pulumi`. */
const DEFERRED = new Set(['../../typescript-shim', '@npmcli/arborist']);
const IN_PULUMI_SDK = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/;

type Load = (request: string, parent: { filename?: string | null } | undefined, isMain: boolean) => unknown;

let deferring = false;

/** Idempotent: a host running base then head calls it for each. */
export function deferPulumiSdkModules(): void {
  if (deferring) return;
  deferring = true;
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  loader._load = function deferringLoad(this: unknown, request, parent, isMain) {
    if (!DEFERRED.has(request) || !IN_PULUMI_SDK.test(parent?.filename ?? '')) {
      return load.call(this, request, parent, isMain);
    }
    let real: object | undefined;
    const module = () => (real ??= load.call(this, request, parent, isMain) as object);
    return new Proxy(
      {},
      {
        // Marked as an ES module so that the SDK's `__importStar` returns it as it is instead of
        // copying every property (which would load it); `default` stays what `__importStar` gives.
        get: (_, key) => {
          if (key === '__esModule') return true;
          const target = module();
          return key === 'default' && !Reflect.has(target, 'default') ? target : Reflect.get(target, key);
        },
        has: (_, key) => key === '__esModule' || Reflect.has(module(), key),
        ownKeys: () => Reflect.ownKeys(module()),
        getOwnPropertyDescriptor: (_, key) => {
          const descriptor = Reflect.getOwnPropertyDescriptor(module(), key);
          // A proxy may not report a property its (empty) target lacks as non-configurable.
          return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
        },
      },
    );
  };
}
