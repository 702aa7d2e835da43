/**
 * `reprov push`: every bundle under the paths PUT to a SPARQL 1.1 Graph Store as one named graph
 * (the graph `reprov query` gives it), replacing what that graph held: pushing again changes
 * nothing. A bundle that cannot be read is one error and the rest are pushed; a server's failure
 * stops the push (the bundles already pushed stay, and pushing again completes it).
 */
import type { BundleCache } from './query-cache.js';
import { readBundles, type BundleLoadError } from './query-load.js';
import { graphIri } from './query.js';
import { bundleFilesUnder } from './runs.js';
import { EndpointError, type Endpoint } from './endpoint.js';

export interface PushResult {
  pushed: number;
  /** Triples sent (N-Triples lines). */
  triples: number;
  cached: number;
  errors: BundleLoadError[];
  empty: string[];
}

export interface PushOptions {
  /** The Graph Store Protocol URL. */
  store: URL;
  /** PUT requests in flight at once. */
  jobs: number;
  cache?: BundleCache;
}

const ATTEMPTS = 4;

/**
 * One PUT, sent again after a server error: a PUT is idempotent, and Virtuoso answers concurrent
 * graph replacements with `500 SR172: Transaction deadlocked` now and then.
 */
async function send(endpoint: Endpoint, target: URL, body: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await endpoint.request(target, { method: 'PUT', headers: { 'content-type': 'application/n-triples' }, body });
    } catch (error) {
      if (!(error instanceof EndpointError) || (error.status ?? 0) < 500 || attempt === ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt * Math.random()));
    }
  }
}

export async function pushBundles(endpoint: Endpoint, paths: readonly string[], options: PushOptions): Promise<PushResult> {
  const { files, empty } = bundleFilesUnder(paths);
  const result: PushResult = { pushed: 0, triples: 0, cached: 0, errors: [], empty };
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for await (const loaded of readBundles(files, options.cache)) {
    if (failure) break;
    if ('error' in loaded) {
      result.errors.push(loaded.error);
      continue;
    }
    const { record } = loaded;
    const target = new URL(options.store.href);
    target.searchParams.set('graph', graphIri(record.file));
    const put = send(endpoint, target, record.ntriples)
      .then(async (response) => {
        await response.body?.cancel();
        result.pushed++;
        if (record.cached) result.cached++;
        result.triples += record.ntriples.split('\n').filter(Boolean).length;
      }, (error: unknown) => {
        failure ??= { error: error instanceof EndpointError ? new EndpointError(`${record.file}: ${error.message}`) : error };
      })
      .finally(() => inFlight.delete(put));
    inFlight.add(put);
    if (inFlight.size >= options.jobs) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  return result;
}
