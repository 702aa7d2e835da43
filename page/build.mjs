/**
 * Bundles the report pages' browser script and styles (page/report.ts with uPlot) into
 * dist/page/report.js and dist/page/report.css, which `reprov report` inlines into each page.
 * Run by `npm run build`.
 */
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: { report: join(root, 'page/report.ts') },
  outdir: join(root, 'dist/page'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'eof',
  logLevel: 'warning',
  // The script is inlined into a <script> element: esbuild escapes `</script` in strings already; html.ts checks again.
  supported: { 'inline-script': false },
});
