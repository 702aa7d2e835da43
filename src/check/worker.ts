/**
 * A check worker thread: builds the Checker the parent built, from the same configuration, then
 * checks the bundle files it is sent one at a time. Shapes are compiled once per worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkerFor } from './check.js';
import { loadConfig } from './config.js';
import { toTransfer, type WorkerData, type WorkerRequest } from './parallel.js';

const port = parentPort!;
const checker = checkerFor(loadConfig((workerData as WorkerData).config));
port.on('message', ({ index, file }: WorkerRequest) => {
  void checker.checkFile(file).then((outcome) => port.postMessage({ index, outcome: toTransfer(outcome) }));
});
