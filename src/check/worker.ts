/**
 * A check worker thread (src/worker-pool.ts): builds the Checker the parent built, from the same
 * configuration, then checks the bundle files it is sent one at a time. Shapes are compiled once per worker.
 */
import { workerData } from 'node:worker_threads';
import { importerModules } from '../io/bundle-importers.js';
import { serveItems } from './worker-pool.js';
import { checkerFor } from './check.js';
import { loadConfig } from './config.js';

const { config, importers, lenient } = workerData as { config?: string; importers: string[]; lenient?: boolean };
// Not top-level await: the bundled CLI runs this thread as CommonJS (tools/bundle-cli.mjs).
void (async () => {
  // An importer this thread already has (the bundled worker brings the CLI's) is not imported twice.
  const registered = new Set(importerModules());
  for (const module of importers) if (!registered.has(module)) await import(module);
  const checker = checkerFor(loadConfig(config), { lenient });
  serveItems((file: string) => checker.checkFile(file));
})();
