/**
 * A scan worker thread (src/worker-pool.ts): loads the configuration the parent loaded, then scans
 * the source files it is sent one at a time. Each parser loads once per worker, on first use.
 */
import { workerData } from 'node:worker_threads';
import { loadConfig } from '../check/config.js';
import { serveItems } from '../check/worker-pool.js';
import type { SourceFile } from './files.js';
import { scanFile, settingsFrom, type ScanWorkerData } from './scan.js';

const { config, cwd } = workerData as ScanWorkerData;
const settingsFor = settingsFrom(loadConfig(config, { cwd }), cwd);
serveItems((source: SourceFile) => scanFile(source, { settingsFor }));
