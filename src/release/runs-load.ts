/** Reading the runs of every bundle under some paths, for `reprov runs`: a bundle that fails to parse is one error, the rest are read. */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { checkBundles } from '../check/check.js';
import { loadConfig, shapePaths } from '../check/config.js';
import { version } from '../base/version.js';
import { BundleCache, sideFilesKey } from './query-cache.js';
import { readBundles, type BundleLoadError } from './query-load.js';
import { bundleFilesUnder, type RunRow } from './runs.js';
import { runsFromSource } from './runs-source.js';
import type { SparqlSource } from './sparql-source.js';

export interface CollectedRuns {
  rows: RunRow[];
  /** Bundles that could not be read or parsed: one line each. */
  errors: BundleLoadError[];
  /** Paths under which no bundle was found. */
  empty: string[];
  /** How many bundles were read, and how many of them came from the cache. */
  bundles: number;
  cached: number;
}

export interface CollectOptions {
  /** Compute each bundle's check score (the check engine runs over every bundle read). */
  score?: boolean;
  /** The check configuration file (default: found from the working directory). */
  config?: string;
  /** The parse cache's directory; undefined: no cache. */
  cacheDir?: string;
}

/** What a score depends on besides the bundle: reprov's version and the configuration (content, directory, shape files). */
function configKey(config: string | undefined): string {
  const loaded = loadConfig(config);
  const shapes = shapePaths(loaded).map((path) => {
    const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
    return [path, String(stat?.size), String(stat?.mtimeNs), String(stat?.ctimeNs)];
  });
  return JSON.stringify([version, loaded.file ?? null, loaded.dir, loaded.config, shapes]);
}

export async function collectRuns(paths: readonly string[], options: CollectOptions = {}): Promise<CollectedRuns> {
  const { files, empty } = bundleFilesUnder(paths);
  const cache = options.cacheDir === undefined ? undefined : new BundleCache(options.cacheDir);
  const rows: RunRow[] = [];
  const errors: BundleLoadError[] = [];
  const config = options.score ? configKey(options.config) : '';
  /** Bundles whose score is not cached: file → its score key in the cache (undefined: not to be cached). */
  const unscored = new Map<string, { key?: string; scoreKey?: string }>();
  const scores = new Map<string, number | null>();
  let bundles = 0;
  let cached = 0;
  for await (const loaded of readBundles(files, cache)) {
    if ('error' in loaded) {
      errors.push(loaded.error);
      continue;
    }
    const { record } = loaded;
    bundles++;
    if (record.cached) cached++;
    rows.push(...record.runs);
    if (!options.score) continue;
    const side = record.key ? sideFilesKey(record.file) : undefined;
    const scoreKey = side && createHash('sha256').update(`${config}\n${side}`).digest('hex');
    const known = scoreKey === undefined ? undefined : record.scores?.[scoreKey];
    if (known !== undefined) scores.set(record.file, known);
    else unscored.set(record.file, { ...(record.key && { key: record.key }), ...(scoreKey && { scoreKey }) });
  }
  if (unscored.size) {
    const checked = await checkBundles([...unscored.keys()], { config: options.config });
    for (const bundle of checked.result.bundles) {
      scores.set(bundle.file, bundle.score);
      const { key, scoreKey } = unscored.get(bundle.file) ?? {};
      const entry = key && scoreKey ? cache?.get(key) : undefined;
      if (entry) cache!.put({ ...entry, scores: { ...entry.scores, [scoreKey!]: bundle.score } });
    }
  }
  if (options.score) {
    for (const row of rows) {
      const score = scores.get(row.file);
      if (score !== undefined) row.score = score;
    }
  }
  return { rows, errors, empty, bundles, cached };
}

/** The runs of a SPARQL server's graphs (no score: that is the check engine's, over the files). */
export async function remoteRuns(source: SparqlSource): Promise<CollectedRuns> {
  const { rows, graphs } = await runsFromSource(source);
  return { rows, errors: [], empty: [], bundles: graphs, cached: 0 };
}
