/**
 * Reading yProv4ML's metric files: CPU seconds (user + sys) and peak RSS of one process that reads
 * one series of N points from a NetCDF4 file (h5wasm), a Zarr v2 store (zarrita) and, for
 * comparison, the CSV yProv4ML writes of the same points (the report page's parser). The files are
 * written by fixtures/yprov4ml/write-metric-file.py (Debian's netCDF4 and zarr), as yProv4ML writes
 * them. Module loading is included: it is what a report pays the first time it meets such a file.
 * Prints figures (median of --runs); fails nothing.
 *
 *   npm run build && node bench/yprov4ml-array-files.mjs [--points 1000000] [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const POINTS = arg('points', 1_000_000);
const RUNS = arg('runs', 3);
const WRITER = new URL('../fixtures/yprov4ml/write-metric-file.py', import.meta.url).pathname;
const SERIES = new URL('../dist/src/collect/metric-files/array-series.js', import.meta.url).href;
const METRICS = new URL('../dist/src/release/report-page/metrics.js', import.meta.url).href;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'rpv-bench-arrays-'));
try {
  const written = {};
  for (const kind of ['nc', 'zarr']) {
    const run = spawnSync('/usr/bin/python3', [WRITER, join(dir, `m.${kind}`), kind, String(POINTS), 'loss', 'training'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (run.status !== 0) throw new Error(run.stderr);
    written[kind] = JSON.parse(run.stdout);
  }
  const { epochs, values, timestamps } = written.nc;
  writeFileSync(join(dir, 'm.csv'), `loss,training,LoggingItemKind.METRIC\n${values.map((v, i) => `${epochs[i]},${v ?? 'nan'},${timestamps[i]}`).join('\n')}\n`);

  const readers = {
    nc: `const { readArraySeries } = await import(${JSON.stringify(SERIES)}); n = (await readArraySeries(${JSON.stringify(join(dir, 'm.nc'))})).value.length;`,
    zarr: `const { readArraySeries } = await import(${JSON.stringify(SERIES)}); n = (await readArraySeries(${JSON.stringify(join(dir, 'm.zarr'))})).value.length;`,
    csv: `const { parseSeries } = await import(${JSON.stringify(METRICS)}); const { readFileSync } = await import('node:fs'); n = parseSeries(readFileSync(${JSON.stringify(join(dir, 'm.csv'))}, 'utf8')).value.length;`,
  };
  console.log(`one series of ${POINTS} points, median of ${RUNS} (CPU s = user + sys of the reading process; Node start-up excluded, module loading included)`);
  for (const [kind, code] of Object.entries(readers)) {
    const cpu = [];
    const rss = [];
    for (let r = 0; r < RUNS; r++) {
      const script = `const before = process.cpuUsage(); let n; ${code} const used = process.cpuUsage(before); if (n !== ${POINTS}) throw new Error('read ' + n); console.log(JSON.stringify({ cpu: (used.user + used.system) / 1e6, rss: process.resourceUsage().maxRSS / 1024 }));`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(run.stderr);
      const figures = JSON.parse(run.stdout);
      cpu.push(figures.cpu);
      rss.push(figures.rss);
    }
    console.log(`${kind.padEnd(5)} ${median(cpu).toFixed(2)} CPU s, peak RSS ${median(rss).toFixed(0)} MB`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
