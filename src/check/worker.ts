/**
 * A check worker thread (src/worker-pool.ts): builds the Checker the parent built, from the same
 * configuration, then checks the bundle files it is sent one at a time. Shapes are compiled once per worker.
 */
import { workerData } from 'node:worker_threads';
import { serveItems } from './worker-pool.js';
import { checkerFor } from './check.js';
import { loadConfig } from './config.js';

const { config, importers, lenient } = workerData as { config?: string; importers: string[]; lenient?: boolean };
for (const module of importers) await import(module);
const checker = checkerFor(loadConfig(config), { lenient });
serveItems((file: string) => checker.checkFile(file));
