#!/usr/bin/env node
/**
 * The `reprov` command as installed (package.json's bin; copied to dist/cli/reprov.cjs by
 * tools/bundle-cli.mjs). It compiles the bundled CLI's CommonJS chunks, and the other CommonJS files
 * of dist/, with V8's code cache written at `npm run build` (`<file>.cache` beside each): Node 20 has
 * no compile cache of its own (module.enableCompileCache is Node 22), and compiling is a large part
 * of a small command. A cache that V8 refuses (another Node, other V8 flags) is ignored: the file
 * is compiled from source as usual. V8 checks neither a cache's contents (a damaged one crashes the
 * process) nor the source it was made from beyond its length, so each cache ends with the CRC-32 of
 * that source and of itself, as Node 22's own compile cache does, and one that does not match both
 * is not used.
 *
 * REPROV_CODE_CACHE=write (the build) writes the caches of the files this process compiled, keeping
 * for each file the largest (the one with the most functions compiled); REPROV_CODE_CACHE=report
 * says on standard error, for each file compiled, whether its cache was used.
 */
'use strict';
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join, relative, sep } = require('node:path');
const vm = require('node:vm');
const { crc32 } = require('node:zlib');

const DIST = join(__dirname, '..') + sep;
// The one file with `import()` (tools/bundle-cli.mjs), which only Node's own compiler can give it.
const DYNAMIC_IMPORT = join(__dirname, 'dynamic-import.cjs');
const mode = process.env.REPROV_CODE_CACHE;
/** What was compiled, for `write` and `report`: file name, source, script, whether a usable cache was found. */
const compiled = mode === 'write' || mode === 'report' ? [] : undefined;
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
  return wrapper.call(this.exports, this.exports, Module.createRequire(filename), this, filename, dirname(filename));
};

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

require('./main.cjs');
