/**
 * The page shell: one HTML file with the page's style, its script (bundled by esbuild at build time
 * into dist/page/, see page/build.mjs; the pages of `reprov report` (src/release/report-page/) and of `check`/`scan --format html` (./html.ts) share it) and its data inline. The data is JSON in a
 * `<script type="application/json">`, escaped so that no value from a bundle can end the element or
 * start markup; the page script builds the DOM from it with text nodes only. A Content Security
 * Policy forbids every request (default-src 'none'), so a page cannot reach the network even if
 * a value were mistaken for markup.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { UserError } from '../base/user-error.js';
import { version } from '../base/version.js';

export const PAGE_ASSET_DIR = join(PACKAGE_ROOT, 'dist', 'page');

let assets: { script: string; style: string } | undefined;

function pageAssets(): { script: string; style: string } {
  if (!assets) {
    try {
      assets = {
        script: readFileSync(join(PAGE_ASSET_DIR, 'report.js'), 'utf8'),
        style: readFileSync(join(PAGE_ASSET_DIR, 'report.css'), 'utf8'),
      };
    } catch {
      throw new UserError(`the report page's script is not built (${join(PAGE_ASSET_DIR, 'report.js')}): run npm run build`);
    }
  }
  return assets;
}

/**
 * JSON safe inside `<script type="application/json">`: `<`, `>` and `&` as \u escapes (so neither
 * `</script>` nor `<!--` can appear), and U+2028/U+2029 escaped too. JSON.parse reads it back unchanged.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The whole page for `data` (whose `kind` tells the script what to draw). Its `series`, when it
 * has them (most of a run's bytes: the metric points), go in an element of their own,
 * #reprov-series, after the script, which parses it only once the rest of the page has painted.
 */
export function renderPage(title: string, data: object): string {
  const { script, style } = pageAssets();
  const { series, ...rest } = data as { series?: unknown };
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<meta name="generator" content="reprov ${escapeHtml(version)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${style.replace(/<\/style/gi, '<\\/style')}</style>`,
    '</head>',
    '<body>',
    `<noscript>This report draws itself with JavaScript; its data is in the elements #reprov-data and #reprov-series.</noscript>`,
    '<main id="app"></main>',
    `<script type="application/json" id="reprov-data">${scriptSafeJson({ ...rest, generator: `reprov ${version}` })}</script>`,
    `<script>${script.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--')}</script>`,
    // After the script: the browser can paint the page before it has read the points.
    series === undefined ? '' : `<script type="application/json" id="reprov-series">${scriptSafeJson(series)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
