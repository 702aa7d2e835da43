/**
 * Work of a report page done in a worker thread: graph layout (./layout-worker.ts) and metric files
 * (./series-worker.ts) run beside the main thread's check of the bundle. In the built package the
 * workers are compiled JavaScript beside this file; running the TypeScript sources (tests), they
 * are not, and the caller does the work in its own thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The worker's one answer to `message`, or undefined when the worker script is not at hand. */
export function inWorker<T>(name: string, message: unknown): Promise<T> | undefined {
  const script = new URL(`./${name}.js`, import.meta.url);
  if (!existsSync(fileURLToPath(script))) return undefined;
  const worker = new Worker(script);
  return new Promise<T>((resolve, reject) => {
    worker.once('message', (answer: { result?: T; error?: string }) => (answer.error === undefined ? resolve(answer.result as T) : reject(new Error(answer.error))));
    worker.once('error', reject);
    worker.postMessage(message);
  }).finally(() => void worker.terminate());
}
