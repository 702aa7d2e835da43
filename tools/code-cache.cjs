/**
 * Compiles the bundled CLI's CommonJS chunks, and the other CommonJS files of dist/, with V8's
 * code cache written at `npm run build` (`<file>.cache` beside each): Node 20 has no compile cache
 * of its own (module.enableCompileCache is Node 22), and compiling is a large part of a small
 * command. Required first by the command (dist/cli/reprov.cjs, tools/cli-entry.cjs) and by each
 * worker thread's entry (tools/bundle-cli.mjs), since every thread has its own module loader.
 * A cache that V8 refuses (another Node, other V8 flags) is ignored: the file is compiled from
 * source as usual. V8 checks neither a cache's contents (a damaged one crashes the process) nor the
 * source it was made from beyond its length, so each cache ends with the CRC-32 of that source and
 * of itself, as Node 22's own compile cache does, and one that does not match both is not used.
 *
 * REPROV_CODE_CACHE=write (the build) writes the caches of the files this process compiled, keeping
 * for each file the largest (the one with the most functions compiled); REPROV_CODE_CACHE=report
 * says on standard error, for each file compiled, whether its cache was used. Both only in the main
 * thread: the build's runs check in it.
 */
'use strict';
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join, relative, sep } = require('node:path');
const vm = require('node:vm');
const { crc32 } = require('node:zlib');
const { isMainThread } = require('node:worker_threads');

const DIST = join(__dirname, '..') + sep;
// The one file with `import()` (tools/bundle-cli.mjs), which only Node's own compiler can give it.
const DYNAMIC_IMPORT = join(__dirname, 'dynamic-import.cjs');
const mode = process.env.REPROV_CODE_CACHE;
/** What was compiled, for `write` and `report`: file name, source, script, whether a usable cache was found. */
const compiled = isMainThread && (mode === 'write' || mode === 'report') ? [] : undefined;
const compileFromSource = Module.prototype._compile;

Module.prototype._compile = function compileWithCache(content, filename) {
  if (!filename.startsWith(DIST) || filename === DYNAMIC_IMPORT) return compileFromSource.call(this, content, filename);
  const cachedData = readCodeCache(`${filename}.cache`, content);
  const script = new vm.Script(Module.wrap(content), {
    filename,
    cachedData,
  });
  compiled?.push({ filename, content, script, found: cachedData !== undefined });
  const wrapper = script.runInThisContext({ displayErrors: true });
  return wrapper.call(this.exports, this.exports, requireFrom(this), this, filename, dirname(filename));
};

const CLI = __dirname + sep;

/**
 * The `require` a compiled file is given. A chunk's sibling chunks (`./chunk-*.cjs`, names the build
 * fixed) are found without Node's resolution, which stats, resolves real paths and builds lookup
 * paths for each of the ~40 files a command opens (a few milliseconds, and enough calls to make
 * Node's path functions hot); they are then loaded as Node loads a module. Anything else is
 * required as Node's own `require` would.
 */
function requireFrom(parent) {
  const fromCli = dirname(parent.filename) + sep === CLI;
  return function require(id) {
    if (!fromCli || !id.startsWith('./chunk-')) return parent.require(id);
    const filename = CLI + id.slice(2);
    const cached = Module._cache[filename];
    if (cached) return cached.exports;
    const child = new Module(filename, parent);
    Module._cache[filename] = child;
    let loaded = false;
    try {
      child.load(filename);
      loaded = true;
    } finally {
      // As Node does: a module that threw while loading is not kept half made.
      if (!loaded) delete Module._cache[filename];
    }
    return child.exports;
  };
}

/** The cache in `path` made from `source`, without its checksums; undefined when there is none, or it is damaged or stale. */
function readCodeCache(path, source) {
  let file;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  if (file.length <= 8) return undefined;
  const data = file.subarray(0, -8);
  const fits = file.readUInt32LE(file.length - 8) === crc32(source) && file.readUInt32LE(file.length - 4) === crc32(data);
  return fits ? data : undefined;
}

function writeCodeCache({ filename, content, script }) {
  const data = script.createCachedData();
  const checksums = Buffer.alloc(8);
  checksums.writeUInt32LE(crc32(content), 0);
  checksums.writeUInt32LE(crc32(data), 4);
  const path = `${filename}.cache`;
  if (data.length + 8 > (statSync(path, { throwIfNoEntry: false })?.size ?? 0)) writeFileSync(path, Buffer.concat([data, checksums]));
}

if (compiled) {
  process.on('exit', () => {
    for (const entry of compiled) {
      if (mode === 'write') writeCodeCache(entry);
      else {
        const state = !entry.found ? 'none' : entry.script.cachedDataRejected ? 'rejected' : 'used';
        process.stderr.write(`code cache ${state}: ${relative(DIST, entry.filename).split(sep).join('/')}\n`);
      }
    }
  });
}
