/**
 * Loading many bundles for `reprov runs` and `reprov query`: each file read and parsed as every
 * command reads it (yProv4ML output mapped onto reprov's terms), or taken from the parse cache
 * when it has not changed (./query-cache.ts); a file that cannot be read or parsed is one error
 * line and the others are still read.
 */
import { DataFactory, Writer, type Quad } from 'n3';
import { UserError } from '../base/user-error.js';
import { loadBundle } from '../io/load-bundle.js';
import { bundleKey, type BundleCache, type CacheEntry } from './query-cache.js';
import { runsOfBundle, type RunRow } from './runs.js';

export interface BundleLoadError {
  file: string;
  /** One line: `<file>: <problem>`. */
  message: string;
}

/** What `runs` and `query` need of a bundle. */
export interface BundleRecord {
  file: string;
  /** Its triples (every graph of the file merged into one). */
  ntriples: string;
  runs: RunRow[];
  /** Its cache key, when it is (now) in the cache. */
  key?: string;
  /** The check scores the cache holds for it, by score key. */
  scores?: Record<string, number | null>;
  cached: boolean;
}

export type Loaded = { record: BundleRecord } | { error: BundleLoadError };

/** A UserError (unreadable, unparsable input) as an error line; anything else is rethrown (a bug of reprov's). */
export function asLoadError(file: string, error: unknown): BundleLoadError {
  if (!(error instanceof UserError)) throw error;
  const message = error.message.startsWith(file) ? error.message : `${file}: ${error.message}`;
  return { file, message };
}

/** A bundle's quads as N-Triples (a bundle goes into one graph of its own). */
export function toNTriples(quads: readonly Quad[]): string {
  const writer = new Writer({ format: 'N-Triples' });
  return writer.quadsToString(quads.map((q) => (q.graph.termType === 'DefaultGraph' ? q : DataFactory.quad(q.subject, q.predicate, q.object))));
}

/** Reads the bundles one after the other (a thousand bundles never sit in memory together as quads). */
export async function* readBundles(files: readonly string[], cache?: BundleCache): AsyncGenerator<Loaded> {
  for (const file of files) {
    const key = cache ? bundleKey(file) : undefined;
    const entry = key ? cache!.get(key) : undefined;
    if (entry) {
      yield { record: { file, ntriples: entry.ntriples, runs: entry.runs.map((run) => ({ ...run, file })), key, ...(entry.scores && { scores: entry.scores }), cached: true } };
      continue;
    }
    let record: BundleRecord;
    try {
      const bundle = await loadBundle(file);
      record = { file, ntriples: toNTriples(bundle.quads), runs: runsOfBundle(bundle), cached: false };
      // yProv4ML's mapping can read files beside the document: such a bundle is read every time.
      if (key && !bundle.importedFrom) {
        const stored: CacheEntry = { format: 1, key, ntriples: record.ntriples, runs: record.runs.map(({ file: _file, score: _score, ...run }) => run) };
        cache!.put(stored);
        record.key = key;
      }
    } catch (error) {
      yield { error: asLoadError(file, error) };
      continue;
    }
    yield { record };
  }
}
