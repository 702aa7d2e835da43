#!/usr/bin/env node
/**
 * Hashing benchmark: reprov's `hashFile` against coreutils `sha256sum` (and `openssl dgst` when
 * present) on a 1 GiB file, a cache hit, and `hashDirectory` on 10 000 small files against
 * `find | sort | xargs sha256sum`. Prints a markdown table; a benchmark, not a timed test.
 *
 *   npm run build && node bench/hash.mjs [--runs N] [--size MiB] [--files N]
 *
 * Inputs are created once in bench/out/ (git-ignored) and reused: hash-<size>mib.bin (random
 * bytes, deterministic seed) and hash-<N>files/ (100 folders of 0.5-4 KiB files). All timings
 * are taken with the data in the page cache (each input is read once before timing), so they
 * measure hashing and I/O overhead, not the disk. The figures are the median of N runs (3).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const OUT = join(BENCH, 'out');
const DIST = join(ROOT, 'dist', 'src', 'collect', 'hash.js');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const RUNS = option('--runs', 3);
const SIZE_MIB = option('--size', 1024);
const FILES = option('--files', 10_000);

if (!existsSync(DIST)) {
  console.error(`${DIST} is missing: run npm run build first`);
  process.exit(2);
}
const { hashFile, hashDirectory, HashCache } = await import(pathToFileURL(DIST).href);

const log = (...a) => console.error('#', ...a);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
/** Pseudo-random bytes, fast and deterministic: AES-128-CTR of zeros under a fixed key. */
const stream = () => createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
const warm = (path) => spawnSync('sh', ['-c', `cat "${path}" > /dev/null`]);

mkdirSync(OUT, { recursive: true });
/** Files the cache should trust must be older than its racy window: backdate them by an hour. */
const backdate = (path) => {
  const t = Math.floor(Date.now() / 1000) - 3600;
  utimesSync(path, t, t);
};

// --- the large file ---------------------------------------------------------------------------
const bigFile = join(OUT, `hash-${SIZE_MIB}mib.bin`);
const bigBytes = SIZE_MIB * 1024 * 1024;
if (!existsSync(bigFile) || statSync(bigFile).size !== bigBytes) {
  log(`writing ${bigFile} (${SIZE_MIB} MiB)`);
  const cipher = stream();
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  const fd = openSync(bigFile, 'w');
  for (let written = 0; written < bigBytes; written += zeros.length) writeSync(fd, cipher.update(zeros.subarray(0, Math.min(zeros.length, bigBytes - written))));
  closeSync(fd);
  backdate(bigFile);
}
warm(bigFile);

const timeCommand = (file, argv) => {
  const start = process.hrtime.bigint();
  const out = execFileSync(file, argv, { encoding: 'utf8' });
  return { s: seconds(start), digest: /[0-9a-f]{64}/.exec(out)?.[0] };
};

log(`timing ${RUNS} runs each on ${bigFile}`);
const sums = [];
const nodes = [];
const ssl = [];
let reference;
let ours;
for (let run = 0; run < RUNS; run++) {
  // alternate which goes first, so neither always profits from the other's cache state
  const order = run % 2 ? ['node', 'sha256sum'] : ['sha256sum', 'node'];
  for (const which of order) {
    if (which === 'sha256sum') {
      const r = timeCommand('sha256sum', ['-b', bigFile]);
      sums.push(r.s);
      reference = r.digest;
    } else {
      const start = process.hrtime.bigint();
      const r = await hashFile(bigFile, { progress: false });
      nodes.push(seconds(start));
      ours = r.sha256;
    }
  }
  if (has('openssl')) ssl.push(timeCommand('openssl', ['dgst', '-sha256', '-r', bigFile]).s);
}
if (reference !== ours) {
  console.error(`digest mismatch: sha256sum ${reference}, hashFile ${ours}`);
  process.exit(1);
}
const mbps = (s) => bigBytes / 1e6 / s;

// --- cache hit ------------------------------------------------------------------------------
const cacheDir = mkdtempSync(join(tmpdir(), 'reprov-bench-cache-'));
const cache = new HashCache({ directory: cacheDir });
await hashFile(bigFile, { cache, progress: false });
const HITS = 2000;
for (let i = 0; i < 100; i++) await hashFile(bigFile, { cache });
let start = process.hrtime.bigint();
for (let i = 0; i < HITS; i++) {
  const r = await hashFile(bigFile, { cache });
  if (!r.cached) throw new Error('expected a cache hit');
}
const hitMicros = (seconds(start) / HITS) * 1e6;
start = process.hrtime.bigint();
for (let i = 0; i < HITS; i++) statSync(bigFile);
const statMicros = (seconds(start) / HITS) * 1e6;
start = process.hrtime.bigint();
const cold = new HashCache({ directory: cacheDir });
const coldHit = await hashFile(bigFile, { cache: cold });
const coldHitMicros = seconds(start) * 1e6;
if (!coldHit.cached) throw new Error('expected a cache hit from the saved cache');

// --- 10k small files ------------------------------------------------------------------------
const tree = join(OUT, `hash-${FILES}files`);
const marker = `${tree}.complete`;
if (!existsSync(marker)) {
  log(`writing ${FILES} files under ${tree}`);
  rmSync(tree, { recursive: true, force: true });
  const cipher = stream();
  for (let i = 0; i < FILES; i++) {
    const folder = join(tree, `d${String(i % 100).padStart(2, '0')}`);
    if (i < 100) mkdirSync(folder, { recursive: true });
    const size = 512 + ((i * 2654435761) % 3584);
    const file = join(folder, `f${String(i).padStart(5, '0')}.bin`);
    writeFileSync(file, cipher.update(Buffer.alloc(size)));
    backdate(file);
  }
  writeFileSync(marker, '');
  backdate(marker);
}
warm(tree); // no-op for a directory; read the files once:
spawnSync('sh', ['-c', `find "${tree}" -type f -exec cat {} + > /dev/null`]);

const dirOurs = [];
const dirRef = [];
const dirCached = [];
let treeDigest;
let treeStats;
for (let run = 0; run < RUNS; run++) {
  let s = process.hrtime.bigint();
  treeStats = await hashDirectory(tree, { progress: false });
  dirOurs.push(seconds(s));
  treeDigest = treeStats.sha256;
  s = process.hrtime.bigint();
  execFileSync('sh', ['-c', 'find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum'], { cwd: tree });
  dirRef.push(seconds(s));
}
const treeCache = new HashCache({ directory: cacheDir });
await hashDirectory(tree, { cache: treeCache, progress: false });
for (let run = 0; run < RUNS; run++) {
  const s = process.hrtime.bigint();
  const r = await hashDirectory(tree, { cache: treeCache, progress: false });
  dirCached.push(seconds(s));
  if (r.cachedCount !== r.fileCount || r.sha256 !== treeDigest) throw new Error('expected an all-cached directory with the same digest');
}
rmSync(cacheDir, { recursive: true, force: true });

// --- report ---------------------------------------------------------------------------------
const f0 = (x) => x.toFixed(0);
const f2 = (x) => x.toFixed(2);
console.log(`## Hashing (${cpus()[0]?.model?.trim() ?? 'unknown CPU'}, Node ${process.version}, median of ${RUNS})\n`);
console.log(`${SIZE_MIB} MiB file, in page cache:\n`);
console.log('| tool | seconds | MB/s | runs (s) |');
console.log('|---|---:|---:|---|');
console.log(`| coreutils sha256sum | ${f2(median(sums))} | ${f0(mbps(median(sums)))} | ${sums.map(f2).join(', ')} |`);
if (ssl.length) console.log(`| openssl dgst -sha256 | ${f2(median(ssl))} | ${f0(mbps(median(ssl)))} | ${ssl.map(f2).join(', ')} |`);
console.log(`| reprov hashFile | ${f2(median(nodes))} | ${f0(mbps(median(nodes)))} | ${nodes.map(f2).join(', ')} |`);
console.log(`\nhashFile / sha256sum throughput: **${f2(median(sums) / median(nodes))}x**` +
  (ssl.length ? `; hashFile / openssl: ${f2(median(ssl) / median(nodes))}x` : ''));
console.log(`\ncache hit (stat + lookup): **${f0(hitMicros)} µs** per call (mean of ${HITS}; a bare statSync: ${statMicros.toFixed(1)} µs); first hit from a freshly loaded cache file: ${f0(coldHitMicros)} µs`);
console.log(`\n${treeStats.fileCount} small files (${(treeStats.bytes / 1e6).toFixed(1)} MB) in 100 folders:\n`);
console.log('| | seconds | files/s |');
console.log('|---|---:|---:|');
console.log(`| find \\| sort \\| xargs sha256sum \\| sha256sum | ${f2(median(dirRef))} | ${f0(FILES / median(dirRef))} |`);
console.log(`| reprov hashDirectory | ${f2(median(dirOurs))} | ${f0(FILES / median(dirOurs))} |`);
console.log(`| reprov hashDirectory, all cached | ${f2(median(dirCached))} | ${f0(FILES / median(dirCached))} |`);
