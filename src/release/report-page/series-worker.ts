/** Reads, parses and reduces a run's metric files in a worker thread (./metrics.ts, loadSeries; ./in-worker.ts). */
import { parentPort } from 'node:worker_threads';
import { loadSeries, type SeriesSource } from './metrics.js';

parentPort?.once('message', ({ sources, baseDir }: { sources: SeriesSource[]; baseDir?: string }) => {
  loadSeries(sources, baseDir)
    .then((result) => parentPort?.postMessage({ result }))
    .catch((error: unknown) => parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }));
});
