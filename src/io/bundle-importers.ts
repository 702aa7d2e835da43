/**
 * Other producers' dialects (yProv4ML) mapped onto reprov's vocabulary as a bundle is read. An
 * importer registers itself here, so io/ knows no importer: the reader asks each registered one
 * whether a quad bears its mark (cheap, per quad) and loads the mapping only for documents that do.
 * Worker threads import the registering modules (`importerModules`) before they read a bundle.
 */
import type { Quad } from 'n3';

/** What a document's mapping added, and which dialect and generation it was. */
export interface ImportedQuads {
  added: Quad[];
  prefixes: Record<string, string>;
  generation: number;
  notes: string[];
}

export interface BundleMapping {
  /** Whether the whole document is this producer's (its marks can be incidental). */
  detects(quads: readonly Quad[]): boolean;
  map(quads: readonly Quad[], prefixes: Record<string, string>, options: { baseDir?: string }): Promise<ImportedQuads>;
}

export interface BundleImporter {
  /** The producer, as bundles name where they were imported from (`yprov4ml`). */
  name: string;
  /** The URL of the module that registers this importer (`import.meta.url`), for worker threads. */
  module: string;
  /** The cheap test some quad of the producer's documents passes. */
  marks(quad: Quad): boolean;
  /** Loads the mapping (and what it needs) only when a document bears the mark. */
  load(): Promise<BundleMapping>;
}

const importers: BundleImporter[] = [];

export function registerBundleImporter(importer: BundleImporter): void {
  if (!importers.some((known) => known.name === importer.name)) importers.push(importer);
}

export function bundleImporters(): readonly BundleImporter[] {
  return importers;
}

/** The modules a worker thread imports so that it reads bundles as this thread does. */
export function importerModules(): string[] {
  return importers.map((importer) => importer.module);
}
