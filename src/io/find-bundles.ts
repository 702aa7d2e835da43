/** Finding the bundle files in a directory tree: what check, verify, diff, export and merge read. */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const BUNDLE_FILE = /^prov[^/]*\.(json|ttl|trig|nt|nq|jsonld)$|\.provjson$/i;
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'metrics', 'artifacts']);

/**
 * The bundles a path names: a file is itself; a directory is searched recursively for files named
 * like bundles (`prov*.json`, `prov*.ttl`, …, `*.provjson`). A bundle written in several formats
 * (`prov.json` beside `prov.ttl`) is checked once, from its Turtle.
 */
export function findBundles(path: string): string[] {
  return find(path, false);
}

/**
 * Every bundle file a path names, in every format it is written in (`prov.json` and `prov.ttl`
 * both): for `merge`, which takes each run once whatever the files it is written in.
 */
export function findBundleFiles(path: string): string[] {
  return find(path, true);
}

function find(path: string, everyFormat: boolean): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return [path];
  const found: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const names = new Set(entries.map((e) => e.name));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full);
      } else if (BUNDLE_FILE.test(entry.name)) {
        const stem = entry.name.replace(/\.[^.]+$/, '');
        if (!everyFormat && !entry.name.endsWith('.ttl') && names.has(`${stem}.ttl`)) continue;
        found.push(full);
      }
    }
  };
  walk(path);
  return found.map((f) => (relative(process.cwd(), f).startsWith('..') ? f : relative(process.cwd(), f) || basename(f)));
}
