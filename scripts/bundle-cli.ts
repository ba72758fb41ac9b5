/**
 * Bundles the `iam-gate` command into `dist/cli/main.js`, over the file tsc wrote there; part of
 * `npm run build`, after tsc. Loading the CLI as ~70 ES modules, each resolved, read and compiled
 * on its own, cost ~90 ms of every `iam-gate check`; one file costs a fraction of that.
 *
 * What the command loads only on demand (config parsing, `review`, the rules listing) becomes
 * chunks in `dist/chunks/`, loaded when used. Packages stay external, loaded from the user's
 * node_modules as before, except the two every command loads at start-up. Every module keeps the
 * `import.meta.url` of the file tsc emitted for it, so relative reads (`data/catalog.json`,
 * `package.json`) and files handed to child processes resolve exactly as in the unbundled build.
 */
import { build, type Plugin } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
/** Entries and chunks sit one directory below dist/, as every tsc-emitted module of src/cli does. */
const OUT_DIRECTORY = join(DIST, 'cli');

/** Loaded by every command at start-up, so worth bundling; the rest load lazily or not at all. */
const BUNDLED_PACKAGES = new Set(['commander', 'jsonc-parser']);

const externalPackages: Plugin = {
  name: 'external-packages',
  setup(bundle) {
    bundle.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@')
        ? args.path.split('/').slice(0, 2).join('/')
        : (args.path.split('/')[0] ?? args.path);
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

/** `import.meta.url` of src/x/y.ts becomes the URL of dist/x/y.js, relative to the bundle file. */
const moduleUrls: Plugin = {
  name: 'module-urls',
  setup(bundle) {
    bundle.onLoad({ filter: /\.ts$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8');
      if (args.path.startsWith(SRC + sep) && contents.includes('import.meta.url')) {
        const emitted = join(DIST, relative(SRC, args.path)).replace(/\.ts$/, '.js');
        const url = relative(OUT_DIRECTORY, emitted).split(sep).join('/');
        contents = contents.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(url.startsWith('.') ? url : `./${url}`)}, import.meta.url).href`,
        );
      }
      return { contents, loader: 'ts' };
    });
  },
};

export async function bundleCli(): Promise<{ bytes: number }> {
  // Chunk names carry content hashes: clear the old ones so that none is left behind.
  await rm(join(DIST, 'chunks'), { recursive: true, force: true });
  const result = await build({
    entryPoints: { main: join(SRC, 'cli', 'main.ts') },
    outdir: DIST,
    entryNames: 'cli/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    // commander is CommonJS and requires Node built-ins; an ES module has no `require` of its own.
    banner: {
      js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);",
    },
    plugins: [externalPackages, moduleUrls],
    allowOverwrite: true,
    metafile: true,
    logLevel: 'warning',
  });
  const main = result.metafile.outputs[relative(process.cwd(), join(OUT_DIRECTORY, 'main.js'))];
  await vendorYaml();
  return { bytes: main?.bytes ?? 0 };
}

/**
 * The yaml package as one file, `dist/vendor/yaml.cjs`, which util/lazy-yaml.ts loads in its stead:
 * the package's two dozen modules take ~14 ms to resolve and compile, one file ~5 ms, and every
 * review reads YAML (Pulumi.yaml) before its first synthesis can start. Same code, same version.
 */
async function vendorYaml(): Promise<void> {
  await build({
    entryPoints: [createRequire(import.meta.url).resolve('yaml')],
    outfile: join(DIST, 'vendor', 'yaml.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    allowOverwrite: true,
    logLevel: 'warning',
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const started = performance.now();
  const { bytes } = await bundleCli();
  const ms = (performance.now() - started).toFixed(0);
  console.log(`bundled dist/cli/main.js (${(bytes / 1024).toFixed(0)} KiB) in ${ms} ms`);
}
