/**
 * What a CLI invocation loaded: a module hook (node:module `register`) logs every ES module resolved
 * and a preloaded script every CommonJS module (the bundled CLI's chunks are CommonJS); each chunk
 * of the bundled CLI (tools/bundle-cli.mjs) is mapped through esbuild's metafile to the files it
 * holds, so tests name source modules (`dist/src/check/recorded-scan.js`) and npm packages whether
 * they were bundled or left outside the bundle.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI, REPO } from './cli.js';

const HOOKS = mkdtempSync(join(tmpdir(), 'reprov-loaded-'));
writeFileSync(join(HOOKS, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.REPROV_LOADED_LOG, result.url + '\\n');
  return result;
}
`);
writeFileSync(join(HOOKS, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
writeFileSync(join(HOOKS, 'require.cjs'), `const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
// Every CommonJS file is loaded through Module.prototype.load, whether Node resolved it or the
// bundle's entry found a sibling chunk itself (tools/cli-entry.cjs).
const load = Module.prototype.load;
Module.prototype.load = function (filename) {
  appendFileSync(process.env.REPROV_LOADED_LOG, pathToFileURL(filename).href + '\\n');
  return load.call(this, filename);
};
`);

let chunkInputs: Map<string, string[]> | undefined;
/** The files (relative to the repository) each output file of the bundle holds. */
function inputsByChunk(): Map<string, string[]> {
  if (!chunkInputs) {
    const meta = JSON.parse(readFileSync(join(REPO, 'dist', 'cli-meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    chunkInputs = new Map(Object.entries(meta.outputs).map(([output, { inputs }]) => [pathToFileURL(join(REPO, output)).href, Object.keys(inputs)]));
  }
  return chunkInputs;
}

export const packageOf = (path: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];

export interface Loaded {
  status: number | null;
  stderr: string;
  /** Every file loaded, relative to the repository (`dist/src/...`, `node_modules/...`), bundled or not. */
  files: string[];
  /** The npm packages among them, sorted. */
  packages: string[];
  /** The files Node itself loaded (a bundle's chunks by their own names), relative to the repository, in every thread. */
  scripts: string[];
}

/** Runs the CLI with `args` in `cwd` and tells what it loaded. */
export function loadedBy(args: string[], cwd = REPO): Loaded {
  const log = join(HOOKS, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', join(HOOKS, 'register.mjs'), '--require', join(HOOKS, 'require.cjs'), CLI, ...args], { cwd, env: { ...process.env, REPROV_LOADED_LOG: log }, encoding: 'utf8' });
  const urls = readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith('file:'));
  const fromRepo = (url: string) => relative(REPO, fileURLToPath(url)).split(sep).join('/');
  const files = [...new Set(urls.flatMap((url) => inputsByChunk().get(url) ?? [fromRepo(url)]))];
  const packages = [...new Set(files.map(packageOf).filter((name): name is string => !!name))].sort();
  return { status: result.status, stderr: result.stderr, files, packages, scripts: [...new Set(urls.map(fromRepo))] };
}
