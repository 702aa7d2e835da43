#!/usr/bin/env node
/**
 * Hashing benchmark: reprov's `hashFile` against the fastest SHA-256 at hand, `openssl dgst
 * -sha256` (coreutils `sha256sum` beside it, for scale), on files of 1 MB, 100 MB and 1 GB; a cache
 * hit; and `hashDirectory` on 10 000 small files against `find | sort | xargs openssl dgst`.
 * Prints markdown tables; a benchmark, not a timed test.
 *
 *   npm run build && node bench/hash.mjs [--runs N] [--sizes 1,100,1024] [--files N] [--keep]
 *
 * The figures are CPU seconds (user + system) per file, median of N runs (3): the machine this
 * runs on is shared, and wall time measures the neighbours. Each run hashes a file as many times
 * as makes ~1 GB (1000 times for 1 MB, in one process), so that start-up and GNU time's 10 ms
 * resolution do not hide the hashing. Each file is read once before timing, so all
 * timings are of data in the page cache (hashing and the cost of reading, not the disk).
 * - openssl, sha256sum: whole processes, under GNU time (their start-up is ~1 ms);
 * - reprov hashFile: `process.cpuUsage()` around the call in this process (all threads), so the
 *   ratio to openssl is the hashing's; and a whole `node` process that imports and calls it,
 *   which adds Node's start-up (~0.05-0.1 s).
 * Inputs are written to $TMPDIR/reprov-bench-hash/ (random bytes, a fixed seed) and deleted at
 * the end unless --keep is given; a kept input of the right size is reused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(ROOT, 'dist', 'src', 'base', 'hash.js');
const WORK = join(tmpdir(), 'reprov-bench-hash');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const RUNS = Number(option('--runs', 3));
const SIZES_MB = option('--sizes', '1,100,1000').split(',').map(Number);
const FILES = Number(option('--files', 10_000));
const KEEP = args.includes('--keep');

if (!existsSync(DIST)) {
  console.error(`${DIST} is missing: run npm run build first`);
  process.exit(2);
}
for (const tool of ['openssl', 'sha256sum', '/usr/bin/time']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`${tool} is not installed: this benchmark compares with it`);
    process.exit(2);
  }
}
const { hashFile, hashDirectory, HashCache } = await import(pathToFileURL(DIST).href);

const log = (...a) => console.error('#', ...a);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Pseudo-random bytes, fast and deterministic: AES-128-CTR of zeros under a fixed key. */
const stream = () => createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
const warm = (path) => spawnSync('sh', ['-c', `cat "${path}" > /dev/null`]);
/** Files the cache should trust must be older than its racy window: backdate them by an hour. */
const backdate = (path) => {
  const t = Math.floor(Date.now() / 1000) - 3600;
  utimesSync(path, t, t);
};

/** CPU seconds (user + sys) of one process under GNU time, and the digest it printed. */
function cpuOf(file, argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', file, ...argv], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${file} ${argv.join(' ')}: ${r.stderr}`);
  const [user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { cpu: user + sys, digest: /[0-9a-f]{64}/.exec(r.stdout)?.[0] };
}
/** CPU seconds this process spent in `work` (all its threads). */
async function cpuHere(work) {
  const start = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(start);
  return { cpu: (used.user + used.system) / 1e6, result };
}
const NODE_HASH = `const { hashFile } = await import(${JSON.stringify(pathToFileURL(DIST).href)}); console.log((await hashFile(process.argv[1], { progress: false })).sha256);`;

mkdirSync(WORK, { recursive: true });
const rows = [];
try {
  // --- single files ---------------------------------------------------------------------------
  for (const mb of SIZES_MB) {
    const file = join(WORK, `hash-${mb}mb.bin`);
    const bytes = mb * 1_000_000;
    if (!existsSync(file) || statSync(file).size !== bytes) {
      log(`writing ${file} (${mb} MB)`);
      const cipher = stream();
      const zeros = Buffer.alloc(4 * 1024 * 1024);
      const fd = openSync(file, 'w');
      for (let written = 0; written < bytes; written += zeros.length) writeSync(fd, cipher.update(zeros.subarray(0, Math.min(zeros.length, bytes - written))));
      closeSync(fd);
    }
    warm(file);
    // Each timing hashes the file `times` times (~1 GB in all): GNU time counts in 10 ms steps.
    const times = Math.max(1, Math.round(1000 / mb));
    const files = Array(times).fill(file);
    log(`timing ${RUNS} runs each on ${file}, hashed ${times} time(s) per run`);
    const t = { openssl: [], sha256sum: [], inProcess: [], process: [] };
    const digests = new Set();
    for (let run = 0; run < RUNS; run++) {
      const ssl = cpuOf('openssl', ['dgst', '-sha256', '-r', ...files]);
      t.openssl.push(ssl.cpu / times);
      digests.add(ssl.digest);
      const sum = cpuOf('sha256sum', ['-b', ...files]);
      t.sha256sum.push(sum.cpu / times);
      digests.add(sum.digest);
      const here = await cpuHere(async () => {
        let last;
        for (let i = 0; i < times; i++) last = await hashFile(file, { progress: false });
        return last;
      });
      t.inProcess.push(here.cpu / times);
      digests.add(here.result.sha256);
      const whole = cpuOf(process.execPath, ['--input-type=module', '-e', NODE_HASH, file]);
      t.process.push(whole.cpu);
      digests.add(whole.digest);
    }
    if (digests.size !== 1) {
      console.error(`digest mismatch on ${file}: ${[...digests].join(', ')}`);
      process.exit(1);
    }
    rows.push({ mb, ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) });
  }

  // --- cache hit ------------------------------------------------------------------------------
  const hitFile = join(WORK, `hash-${SIZES_MB.at(-1)}mb.bin`);
  backdate(hitFile);
  const cacheDir = mkdtempSync(join(tmpdir(), 'reprov-bench-cache-'));
  const cache = new HashCache({ directory: cacheDir });
  await hashFile(hitFile, { cache, progress: false });
  const HITS = 2000;
  for (let i = 0; i < 100; i++) await hashFile(hitFile, { cache });
  const hits = await cpuHere(async () => {
    for (let i = 0; i < HITS; i++) if (!(await hashFile(hitFile, { cache })).cached) throw new Error('expected a cache hit');
  });
  const stats = await cpuHere(() => { for (let i = 0; i < HITS; i++) statSync(hitFile); });

  // --- 10k small files ------------------------------------------------------------------------
  const tree = join(WORK, `hash-${FILES}files`);
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
  }
  spawnSync('sh', ['-c', `find "${tree}" -type f -exec cat {} + > /dev/null`]);
  const dir = { ours: [], ref: [], cached: [] };
  let treeStats;
  for (let run = 0; run < RUNS; run++) {
    const ours = await cpuHere(() => hashDirectory(tree, { progress: false }));
    dir.ours.push(ours.cpu);
    treeStats = ours.result;
    // a shell pipeline's CPU: its children's, which GNU time adds up
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', 'sh', '-c', 'find . -type f -print0 | LC_ALL=C sort -z | xargs -0 openssl dgst -sha256 -r | openssl dgst -sha256'], { cwd: tree, encoding: 'utf8' });
    dir.ref.push(r.stderr.trim().split('\n').pop().split(' ').map(Number).reduce((a, b) => a + b, 0));
  }
  const treeCache = new HashCache({ directory: cacheDir });
  await hashDirectory(tree, { cache: treeCache, progress: false });
  for (let run = 0; run < RUNS; run++) {
    const r = await cpuHere(() => hashDirectory(tree, { cache: treeCache, progress: false }));
    if (r.result.cachedCount !== r.result.fileCount || r.result.sha256 !== treeStats.sha256) throw new Error('expected an all-cached directory with the same digest');
    dir.cached.push(r.cpu);
  }
  rmSync(cacheDir, { recursive: true, force: true });

  // --- report ---------------------------------------------------------------------------------
  const f2 = (x) => x.toFixed(2);
  const f3 = (x) => x.toFixed(3);
  const mbps = (mb, s) => (s > 0 ? (mb / s).toFixed(0) : '-');
  console.log(`## Hashing (${cpus()[0]?.model?.trim() ?? 'unknown CPU'}, Node ${process.version}, ${execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim()}; CPU seconds, median of ${RUNS})\n`);
  console.log('| file | openssl dgst -sha256 | sha256sum | reprov hashFile (in process) | hashFile / openssl | a node process calling hashFile once | that / openssl |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.mb} MB | ${f3(r.openssl)} s (${mbps(r.mb, r.openssl)} MB/s) | ${f3(r.sha256sum)} s | ${f3(r.inProcess)} s (${mbps(r.mb, r.inProcess)} MB/s) | **${r.openssl > 0 ? f2(r.inProcess / r.openssl) + 'x' : '-'}** | ${f3(r.process)} s | ${r.openssl > 0 ? f2(r.process / r.openssl) + 'x' : '-'} |`);
  }
  console.log(`\ncache hit (stat + lookup): **${((hits.cpu / HITS) * 1e6).toFixed(1)} µs** CPU per call (mean of ${HITS}; a bare statSync: ${((stats.cpu / HITS) * 1e6).toFixed(1)} µs)`);
  console.log(`\n${treeStats.fileCount} small files (${(treeStats.bytes / 1e6).toFixed(1)} MB) in 100 folders, CPU seconds:\n`);
  console.log('| | CPU s | files per CPU s |');
  console.log('|---|---:|---:|');
  console.log(`| find \\| sort \\| xargs openssl dgst -sha256 \\| openssl dgst | ${f2(median(dir.ref))} | ${(FILES / median(dir.ref)).toFixed(0)} |`);
  console.log(`| reprov hashDirectory | ${f2(median(dir.ours))} | ${(FILES / median(dir.ours)).toFixed(0)} |`);
  console.log(`| reprov hashDirectory, all cached | ${f2(median(dir.cached))} | ${(FILES / median(dir.cached)).toFixed(0)} |`);
} finally {
  if (!KEEP) rmSync(WORK, { recursive: true, force: true });
}
