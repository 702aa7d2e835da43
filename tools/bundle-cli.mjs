/**
 * Bundles the `reprov` command (dist/src/cli/main.js, after tsc) into dist/cli/: one entry file
 * and chunks for what commands import on demand, so that a command opens a few files instead of
 * ~300 (issue 16: module loading was the largest part of a small `check`). Run by `npm run build`;
 * package.json's bin points here. The library entry (dist/src/index.js) is not bundled.
 *
 * Each bundled module's `import.meta.url` is rewritten to the URL its unbundled file has in the
 * installed package, so that what it finds from there (the package root with schemas/ and shapes/,
 * worker scripts, WASM files resolved with createRequire) is found as before.
 * Packages that find files beside themselves at run time (WASM, worker scripts, `__dirname`) or
 * are loaded with createRequire stay external: Node loads them from node_modules when used.
 */
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/cli');

const EXTERNAL = [
  'web-tree-sitter', 'tree-sitter-python', 'oxigraph', 'elkjs', 'h5wasm', 'ts-morph', 'typescript',
  'jsonld', 'protobufjs', 'ajv', 'zarrita',
];

/** `import.meta.url` of a file, as seen from a chunk in `outdir`. */
const metaUrlPlugin = {
  name: 'unbundled-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.m?js$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(outdir, path).split(sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: { reprov: join(root, 'dist/src/cli/main.js') },
  outdir,
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
  // CommonJS packages inside the bundle require Node's built-ins.
  banner: { js: "import { createRequire as __reprovRequire } from 'node:module'; const require = __reprovRequire(import.meta.url);" },
  plugins: [metaUrlPlugin],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// Which package each output file holds, for test/startup.test.ts (not shipped: outside dist/cli).
writeFileSync(join(root, 'dist/cli-meta.json'), JSON.stringify(metafile));
