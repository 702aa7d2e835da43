/**
 * Bundles the `reprov` command (dist/src/cli/main.js, after tsc) into dist/cli/: an entry and chunks
 * for what commands import on demand, so that a command opens a few files instead of ~300 (issue 16:
 * module loading was the largest part of a small `check`). Run by `npm run build`; package.json's
 * bin is dist/cli/reprov.cjs (tools/cli-entry.cjs).
 *
 * esbuild splits only ES modules; each output file is then turned into CommonJS, so that Node's
 * CommonJS loader (cheaper than its ES-module loader for a chain of small files) loads them and
 * tools/cli-entry.cjs can compile them with the V8 code cache written at the end of this script.
 * The library entry (dist/src/index.js) is not bundled.
 *
 * Each bundled module's `import.meta.url` is rewritten to the URL its unbundled file has in the
 * installed package, so that what it finds from there (the package root with schemas/ and shapes/,
 * worker scripts, WASM files resolved with createRequire) is found as before.
 * Packages that find files beside themselves at run time (WASM, worker scripts, `__dirname`) or
 * are loaded with createRequire stay external: Node loads them from node_modules when used.
 */
import { build, transform } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/cli');

const EXTERNAL = [
  'web-tree-sitter', 'tree-sitter-python', 'oxigraph', 'elkjs', 'h5wasm', 'ts-morph', 'typescript',
  'jsonld', 'protobufjs', 'ajv', 'zarrita',
];

/**
 * The worker threads' scripts, bundled as entries of their own (each thread has its own module
 * loader: unbundled, a check worker loaded ~300 files, 0.4 s of CPU before its first bundle). The
 * module that starts a pool names its worker as `new URL('./worker.js', import.meta.url)`; in the
 * bundle that becomes the entry's output, beside the chunks.
 */
const WORKERS = [
  { entry: 'worker-check', script: 'dist/src/cli/check-worker.js', pool: 'dist/src/check/check.js' },
  { entry: 'worker-scan', script: 'dist/src/scan/worker.js', pool: 'dist/src/scan/scan.js' },
];
const WORKER_URL = "new URL('./worker.js', import.meta.url)";
const poolsRewritten = new Set();

/** `import.meta.url` of a file, as seen from a chunk in `outdir`; a pool's worker, the bundled one. */
const metaUrlPlugin = {
  name: 'unbundled-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.m?js$/ }, async ({ path }) => {
      let text = await readFile(path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(root, path).split(sep).join('/');
      const worker = WORKERS.find((w) => w.pool === rel);
      if (worker) {
        poolsRewritten.add(rel);
        if (text.split(WORKER_URL).length !== 2) throw new Error(`tools/bundle-cli: ${rel} no longer names its worker as ${WORKER_URL}`);
        // The chunk's own URL (the banner's __reprovMeta, below), not the unbundled file's: the entry is its sibling.
        text = text.replace(WORKER_URL, `new URL('./${worker.entry}.cjs', __reprovMeta.url)`);
      }
      const fromOutdir = relative(outdir, path).split(sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutdir)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

/**
 * Node's built-in modules, reached through `require` and loaded on first use. An ES import of a
 * built-in makes Node build its module namespace, reading every export (`import { statSync } from
 * 'node:fs'` loaded all of fs's streams), and commander's `require('node:child_process')` and
 * output.ts's `node:crypto` loaded modules that `reprov --version` never calls. A built-in that is
 * an object becomes an object of getters that load it when first read; one that is itself a
 * function or class (events, assert) is required as it is.
 */
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, ({ path, namespace }) => {
      if (!BUILTINS.has(path)) return undefined;
      // The getters' own `require` is Node's.
      return namespace === 'builtin' ? { path, external: true } : { path: path.replace(/^node:/, ''), namespace: 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, ({ path }) => {
      const id = JSON.stringify(`node:${path}`);
      const loaded = createRequire(import.meta.url)(`node:${path}`);
      if (typeof loaded === 'function') return { contents: `module.exports = require(${id});`, loader: 'js' };
      const getters = Object.keys(loaded).map((key) => `${JSON.stringify(key)}: { get: () => load()[${JSON.stringify(key)}], enumerable: true }`);
      return { contents: `let module_;\nconst load = () => (module_ ??= require(${id}));\nmodule.exports = Object.defineProperties({}, {\n${getters.join(',\n')}\n});`, loader: 'js' };
    });
  },
};

const { metafile, outputFiles } = await build({
  entryPoints: { main: join(root, 'dist/src/cli/main.js'), ...Object.fromEntries(WORKERS.map((w) => [w.entry, join(root, w.script)])) },
  outdir,
  write: false,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // jsonc-parser's "main" is a UMD build whose requires esbuild cannot follow; its "module" is plain ESM.
  mainFields: ['module', 'main'],
  // readable-stream is a copy of Node's own streams for browsers (~200 kB that n3 imports); Node has them.
  alias: { 'readable-stream': 'node:stream' },
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
  plugins: [metaUrlPlugin, lazyBuiltins],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

const toCjsName = (path) => path.replace(/\.mjs$/, '.cjs');
/**
 * A chunk loaded on demand is required (a resolved promise keeps `await import()`'s timing). An ES
 * module package (zarrita, h5wasm) is imported by dynamic-import.cjs, which Node compiles itself:
 * `import()` in code that tools/cli-entry.cjs compiles through vm.Script needs an experimental API.
 */
const DYNAMIC_IMPORT = 'dynamic-import.cjs';
const dynamicImports = (code) => code
  .replace(/(?<![.\w$])import\((["'])\.\/(chunk-[A-Z0-9]+)\.mjs\1\)/g, 'Promise.resolve().then(() => require("./$2.cjs"))')
  .replace(/(["'])\.\/(chunk-[A-Z0-9]+)\.mjs\1/g, '"./$2.cjs"')
  .replace(/(?<![.\w$])import\((["'])([^"'.][^"']*)\1\)/g, (_match, _quote, specifier) => {
    packagesImported.add(specifier);
    return `require("./${DYNAMIC_IMPORT}")(${JSON.stringify(specifier)})`;
  });
const packagesImported = new Set();

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
for (const file of outputFiles) {
  const { code } = await transform(dynamicImports(file.text).replace(/^#!.*\n/, ''), {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // Made when first read: most chunks never read it, and each URL cost a path resolution at load.
    define: { 'import.meta.url': '__reprovMeta.url' },
    // A worker's entry first installs the code cache in its thread, before its chunks are required.
    banner: `${WORKERS.some((w) => basename(file.path) === `${w.entry}.mjs`) ? 'require("./code-cache.cjs");\n' : ''}var __reprovMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };`,
    sourcefile: basename(file.path),
    logLevel: 'warning',
  });
  writeFileSync(toCjsName(file.path), code);
}
// Every pool must start the bundled worker: the unbundled one works, but pays its start-up again.
const poolsLeft = WORKERS.filter((w) => !poolsRewritten.has(w.pool)).map((w) => w.pool);
if (poolsLeft.length) throw new Error(`tools/bundle-cli: ${poolsLeft.join(', ')} did not name a worker as ${WORKER_URL}`);
// What was rewritten must be what esbuild left as import() of a package, not text that looked like it.
const expected = new Set(Object.values(metafile.outputs).flatMap((output) => output.imports.filter((i) => i.kind === 'dynamic-import' && i.external).map((i) => i.path)));
if ([...expected].sort().join() !== [...packagesImported].sort().join()) {
  throw new Error(`tools/bundle-cli: import() of packages rewritten: ${[...packagesImported]}; esbuild's: ${[...expected]}`);
}
copyFileSync(join(root, 'tools/cli-entry.cjs'), join(outdir, 'reprov.cjs'));
copyFileSync(join(root, 'tools/code-cache.cjs'), join(outdir, 'code-cache.cjs'));
writeFileSync(join(outdir, DYNAMIC_IMPORT), '// Node\'s import() for the bundle\'s chunks (tools/bundle-cli.mjs).\nmodule.exports = (specifier) => import(specifier);\n');

// Which package each output file holds, for test/support/loaded.ts (not shipped: outside dist/cli).
const outputs = Object.fromEntries(Object.entries(metafile.outputs).map(([path, output]) => [toCjsName(path), output]));
writeFileSync(join(root, 'dist/cli-meta.json'), JSON.stringify({ ...metafile, outputs }));

writeCodeCache();

/**
 * Runs a few commands through the entry with REPROV_CODE_CACHE=write, so that the functions they
 * run are in the cache (start-up and help, which every command goes through, a conversion each way,
 * a check of PROV-JSON and of Turtle), then runs them again to see that V8 uses every cache written.
 */
function writeCodeCache() {
  const scratch = mkdtempSync(join(tmpdir(), 'reprov-code-cache-'));
  const document = join(scratch, 'prov.json');
  writeFileSync(document, JSON.stringify({
    prefix: { ex: 'https://example.org/' },
    entity: { 'ex:data': { 'prov:label': 'data', 'ex:sha256': 'a'.repeat(64) }, 'ex:model': {} },
    activity: { 'ex:train': { 'prov:startTime': '2024-05-01T08:00:00Z', 'ex:seed': 42, 'ex:lr': { $: '0.1', type: 'xsd:double' } } },
    used: { 'ex:u1': { 'prov:activity': 'ex:train', 'prov:entity': 'ex:data' } },
    wasGeneratedBy: { 'ex:g1': { 'prov:entity': 'ex:model', 'prov:activity': 'ex:train' } },
  }));
  const runs = [
    ['--version'], ['convert', '--help'],
    ['convert', document, '-t', 'ntriples', '-o', join(scratch, 'prov.nt')],
    ['convert', document, '-t', 'turtle', '-o', join(scratch, 'prov.ttl')],
    ['convert', join(scratch, 'prov.ttl'), '-t', 'json', '-o', join(scratch, 'back.json')],
    ['check', document, '-j', '1'],
    ['check', join(scratch, 'prov.ttl'), '-f', 'json', '-j', '1'],
  ];
  const run = (args, mode) => {
    const result = spawnSync(process.execPath, [join(outdir, 'reprov.cjs'), ...args], { cwd: scratch, env: { ...process.env, REPROV_CODE_CACHE: mode }, encoding: 'utf8' });
    // check exits 1 on findings; anything else is a broken bundle.
    if (result.status !== 0 && !(args[0] === 'check' && result.status === 1)) {
      throw new Error(`tools/bundle-cli: reprov ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    }
    return result.stderr;
  };
  try {
    for (const args of runs) run(args, 'write');
    const unused = runs.flatMap((args) => run(args, 'report').split('\n').filter((line) => line.startsWith('code cache ') && !line.startsWith('code cache used')));
    if (unused.length) throw new Error(`tools/bundle-cli: code cache not used by V8:\n${[...new Set(unused)].join('\n')}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
