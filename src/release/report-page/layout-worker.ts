/**
 * Runs elkjs in a worker thread, so that loading it (about half a second: it is a 1.6 MB compiled
 * bundle) and laying out the graph overlap with the check the main thread does meanwhile.
 * Receives a list of ELK graphs, answers with their layouts in order (./in-worker.ts).
 */
import { parentPort } from 'node:worker_threads';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import { newElk } from './elk.js';

const elk = newElk();
parentPort?.once('message', (graphs: ElkNode[]) => {
  Promise.all(graphs.map((g) => elk.layout(g)))
    .then((result) => parentPort?.postMessage({ result }))
    .catch((error: unknown) => parentPort?.postMessage({ error: `graph layout failed: ${error instanceof Error ? error.message : String(error)}` }));
});
