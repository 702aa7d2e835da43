/**
 * A bundle as every command reads it (check, verify, diff, import, export): parsed from any
 * format, with yProv4ML output mapped onto reprov's vocabulary so all of them see the same terms.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Quad } from 'n3';
import { bundleImporters, type BundleImporter } from './bundle-importers.js';
import { ProvInputError, type Diagnostic } from '../base/diagnostics.js';
import { findBundles } from './find-bundles.js';
import { formatFromPath } from './formats.js';
import { readInputText, readProvInto, refuseEmpty } from './read.js';

export interface LoadedBundle {
  quads: Quad[];
  prefixes: Record<string, string>;
  /** Name for messages: the path, or `<stdin>`. */
  file: string;
  /** Directory the files the bundle names are resolved against (the bundle's own; the working directory for stdin); undefined when unknown. */
  baseDir?: string;
  /** The producer (a registered importer's name, `yprov4ml`) and generation the bundle was imported from, when it was another tool's output. */
  importedFrom?: { importer: string; generation: number; notes: string[] };
  /** What reading changed that a person should know (duplicate JSON keys merged or replaced, invalid UTF-8 replaced). */
  warnings?: Diagnostic[];
}

/** Reading warnings worth a line of their own in check's output (not, say, a relative namespace resolved). */
const NOTEWORTHY = /^(duplicate key|invalid UTF-8)/;

/** Parses a bundle's text; `baseDir` is where the files it names live. Throws ProvInputError on bad input. */
export async function parseBundle(text: string, file: string, baseDir?: string): Promise<LoadedBundle> {
  const quads: Quad[] = [];
  const { prefixes, importedFrom, warnings } = await parseBundleInto({ addQuad: (quad) => quads.push(quad), getQuads: () => quads }, text, file, baseDir);
  return { quads, prefixes, file, baseDir, ...(importedFrom && { importedFrom }), ...(warnings?.length && { warnings }) };
}

/** Reads a bundle file (`-` for standard input). Throws ProvInputError when it cannot be read or parsed. */
export async function loadBundle(path: string): Promise<LoadedBundle> {
  const text = await readInputText(path);
  return path === '-' ? parseBundle(text, '<stdin>', process.cwd()) : parseBundle(text, path, dirname(path));
}

/** A bundle named on the command line: a bundle file, a bundle directory (its one bundle: prov.ttl, prov.json, …), or `-`. */
export async function openBundle(path: string): Promise<LoadedBundle> {
  if (path === '-' || !statSync(path, { throwIfNoEntry: false })?.isDirectory()) return loadBundle(path);
  const found = findBundles(path);
  if (found.length === 1) return loadBundle(found[0] ?? path);
  const problem = found.length === 0
    ? 'no bundle in this directory (prov.ttl, prov.json, prov*.trig, … or *.provjson)'
    : `${found.length} bundles in this directory (${found.slice(0, 3).join(', ')}${found.length > 3 ? ', …' : ''}): name one`;
  throw new ProvInputError({ file: path, location: '', message: problem });
}

/** Where parseBundleInto puts quads: an indexed store (src/check/bundle-store.ts), or an array. */
export interface QuadSink {
  addQuad(quad: Quad): void;
  getQuads(subject: null, predicate: null, object: null, graph: null): Quad[];
}

/**
 * Parses a bundle's text into `sink` as it is read: a large bundle never exists as an array of
 * quads beside the store it goes into. yProv4ML output (rare, and small) is taken back out of the
 * sink to be mapped, and what the import adds goes in. Resolves with the prefixes to name nodes
 * with. Throws ProvInputError on bad input.
 */
export async function parseBundleInto(sink: QuadSink, text: string, file: string, baseDir?: string): Promise<Pick<LoadedBundle, 'prefixes' | 'importedFrom' | 'warnings'>> {
  const importers = bundleImporters();
  const marked = new Set<BundleImporter>();
  refuseEmpty(text, file);
  let count = 0;
  const read = await readProvInto(text, { file, format: file === '<stdin>' ? undefined : formatFromPath(file) }, (quad) => {
    count++;
    sink.addQuad(quad);
    if (marked.size < importers.length) for (const importer of importers) if (importer.marks(quad)) marked.add(importer);
  });
  // Nothing to check is not a pass: an empty bundle (a record interrupted before its first snapshot, `{}`, a Turtle file of prefixes) is unreadable input.
  if (count === 0) throw new ProvInputError({ file, location: '', message: 'the bundle holds no provenance statements (it is empty)' });
  const { prefixes } = read;
  const warnings = read.warnings.filter((w) => NOTEWORTHY.test(w.message));
  const withWarnings = warnings.length ? { warnings } : {};
  if (!marked.size) return { prefixes, ...withWarnings };
  const quads = sink.getQuads(null, null, null, null);
  for (const importer of marked) {
    const mapping = await importer.load();
    if (!mapping.detects(quads)) continue;
    const imported = await mapping.map(quads, prefixes, { baseDir });
    imported.added.forEach((quad) => sink.addQuad(quad));
    return { prefixes: imported.prefixes, importedFrom: { importer: importer.name, generation: imported.generation, notes: imported.notes }, ...withWarnings };
  }
  return { prefixes, ...withWarnings };
}
