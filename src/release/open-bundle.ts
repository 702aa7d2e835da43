/** One bundle named on the command line: a bundle file, a bundle directory (prov.ttl / prov.json inside), or `-`. */
import { statSync } from 'node:fs';
import { findBundles } from '../check/engine.js';
import { ProvInputError } from '../io/diagnostics.js';
import { loadBundle, type LoadedBundle } from '../io/load-bundle.js';

export async function openBundle(path: string): Promise<LoadedBundle> {
  if (path === '-' || !statSync(path, { throwIfNoEntry: false })?.isDirectory()) return loadBundle(path);
  const found = findBundles(path);
  if (found.length === 1) return loadBundle(found[0] ?? path);
  const problem = found.length === 0
    ? 'no bundle in this directory (prov.ttl, prov.json, prov*.trig, … or *.provjson)'
    : `${found.length} bundles in this directory (${found.slice(0, 3).join(', ')}${found.length > 3 ? ', …' : ''}): name one`;
  throw new ProvInputError({ file: path, location: '', message: problem });
}
