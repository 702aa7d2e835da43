/**
 * yProv4ML's NetCDF4 (.nc) and Zarr (.zarr) metric files, written by the real libraries
 * (Debian's netCDF4 and zarr, through fixtures/yprov4ml/write-metric-file.py, which replicates
 * yProv4ML's MetricInfo writers) beside a yProv4ML document laid out as yProv4ML does: the report
 * page and the importer read every point; corrupt files, huge claimed shapes, keys leaving a Zarr
 * store and links out of the bundle are warned about or refused, never followed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';

const PYTHON = '/usr/bin/python3';
const WRITER = fileURLToPath(new URL('../../fixtures/yprov4ml/write-metric-file.py', import.meta.url));
/** A generation-2 document naming three .nc metric files (`prov/mnist_linear_0/metrics_GR0/…`). */
const DOCUMENT = fileURLToPath(new URL('../../fixtures/yprov4ml/gen2-mnist-linear.json', import.meta.url));
const DIR = 'prov/mnist_linear_0';
const librariesPresent = spawnSync(PYTHON, ['-c', 'import netCDF4, zarr'], { stdio: 'ignore' }).status === 0;

interface Written { epochs: number[]; values: (number | null)[]; timestamps: number[] }
interface Series { name: string; context: string; count: number; shown: number; reduced: boolean; note?: string; unreadable?: boolean; value: (number | null)[]; epoch: [number | null, number][]; time: (number | null)[]; t0: number }

let root: string;
let text: string;
let paths: string[];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rpv-yprov-arrays-'));
  text = readFileSync(DOCUMENT, 'utf8');
  paths = [...new Set(text.match(/prov\/mnist_linear_0\/metrics_GR0\/[^"]+\.nc/g) ?? [])].sort();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes a metric file as yProv4ML does; the points written. */
function write(path: string, kind: 'nc' | 'zarr', points: number, extra: string[] = []): Written {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  const run = spawnSync(PYTHON, [WRITER, join(root, path), kind, String(points), 'metric', 'Training', ...extra], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Written;
}

/** The document, with its metric paths renamed by `rename`, where yProv4ML writes it. */
function layOut(rename: (path: string) => string = (p) => p): string {
  mkdirSync(join(root, DIR), { recursive: true });
  let document = text;
  for (const path of paths) document = document.split(path).join(rename(path));
  writeFileSync(join(root, DIR, 'prov.json'), document);
  return join(DIR, 'prov.json');
}

function report(bundle: string): { status: number | null; stderr: string; series: Series[] } {
  const out = join(root, 'report.html');
  const run = reprov(['report', bundle, '-o', out], { cwd: root });
  const html = readFileSync(out, 'utf8');
  // The points are in their own element, read by the page after its first paint (src/report/page-shell.ts).
  const series = JSON.parse(/<script type="application\/json" id="reprov-series">([^]*?)<\/script>/.exec(html)![1]!) as Series[];
  return { status: run.status, stderr: run.stderr, series };
}

/** The page's series as points again (src/release/report-page/metrics.ts, encodeSeries: times as differences, epochs as runs). */
function decode(s: Series): { epochs: (number | null)[]; values: (number | null)[]; timestamps: (number | null)[] } {
  let last = 0;
  const times = s.time.map((d) => (d === null ? null : (last += d)));
  return { epochs: s.epoch.flatMap(([e, n]) => Array<number | null>(n).fill(e)), values: s.value, timestamps: times.map((t) => (t === null ? null : t + s.t0)) };
}

const seriesOf = (series: Series[], name: string) => series.find((s) => s.name === name)!;
const nameOf = (path: string) => /metrics_GR0\/(.+?)_(?:Training|Validation)_/.exec(path)![1]!;

describe.skipIf(!librariesPresent && !process.env.CI)('yProv4ML NetCDF4 and Zarr metric files', () => {
  it('the document names three .nc metric files', () => {
    expect(paths).toHaveLength(3);
  });

  it('reprov report charts every point of each .nc file (compressed, appended in batches) as written', () => {
    const sizes = [1, 1500, 3];
    const written = paths.map((p, i) => write(p, 'nc', sizes[i]!, ['--batches', '3']));
    const { status, stderr, series } = report(layOut());
    expect(status, stderr).toBe(0);
    expect(stderr).not.toMatch(/warning|HDF5/);
    for (const [i, path] of paths.entries()) {
      const s = seriesOf(series, nameOf(path));
      expect(s.note).toBeUndefined();
      expect(s.count).toBe(sizes[i]);
      expect(s.reduced).toBe(false);
      expect(decode(s)).toEqual(written[i]);
    }
  });

  it('reads Zarr stores (v2, chunked by 1024, blosc or uncompressed) the same way', () => {
    const zarr = (p: string) => p.replace(/\.nc$/, '.zarr');
    const written = paths.map((p, i) => write(zarr(p), 'zarr', [2500, 7, 1024][i]!, i === 1 ? ['--plain'] : ['--batches', '2']));
    const { status, stderr, series } = report(layOut(zarr));
    expect(status, stderr).toBe(0);
    expect(stderr).not.toMatch(/warning/);
    for (const [i, path] of paths.entries()) {
      const s = seriesOf(series, nameOf(path));
      expect(s.count).toBe(written[i]!.values.length);
      // 2500 points are more than the page embeds (2 × 1000 columns): reduced, and said so.
      if (s.reduced) {
        expect(s.shown).toBeLessThanOrEqual(2000);
        continue;
      }
      expect(decode(s)).toEqual(written[i]);
    }
  });

  it('reads a Zarr v3 store (zarr 3\'s layout: zarr.json, chunk keys c/N; written here by hand, Debian has zarr 2 only)', () => {
    const zarr = (p: string) => p.replace(/\.nc$/, '.zarr');
    // Under 2000 points: the page embeds every one (its last chunk is partly filled).
    const n = 1999;
    const chunk = 1000;
    const epochs = Array.from({ length: n }, (_, i) => Math.floor(i / 500));
    const values = Array.from({ length: n }, (_, i) => Math.fround(1 / (i + 1)));
    const timestamps = Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 11);
    for (const path of paths) {
      const store = join(root, zarr(path));
      mkdirSync(store, { recursive: true });
      writeFileSync(join(store, 'zarr.json'), JSON.stringify({ zarr_format: 3, node_type: 'group', attributes: { name: 'metric', context: 'Training', source: 'LoggingItemKind.METRIC' } }));
      for (const [name, type, data] of [['epochs', 'int32', epochs], ['values', 'float32', values], ['timestamps', 'int64', timestamps]] as const) {
        mkdirSync(join(store, name, 'c'), { recursive: true });
        writeFileSync(join(store, name, 'zarr.json'), JSON.stringify({
          zarr_format: 3, node_type: 'array', shape: [n], data_type: type, chunk_grid: { name: 'regular', configuration: { chunk_shape: [chunk] } },
          chunk_key_encoding: { name: 'default', configuration: { separator: '/' } }, fill_value: 0, codecs: [{ name: 'bytes', configuration: { endian: 'little' } }], attributes: {},
        }));
        for (let c = 0; c * chunk < n; c++) {
          const bytes = Buffer.alloc(chunk * (type === 'int64' ? 8 : 4));
          for (let j = 0; j < chunk && c * chunk + j < n; j++) {
            const v = data[c * chunk + j]!;
            if (type === 'int32') bytes.writeInt32LE(v, j * 4);
            else if (type === 'float32') bytes.writeFloatLE(v, j * 4);
            else bytes.writeBigInt64LE(BigInt(v), j * 8);
          }
          writeFileSync(join(store, name, 'c', String(c)), bytes);
        }
      }
    }
    const out = join(root, 'imported');
    const run = reprov(['import', 'yprov4ml', layOut(zarr), '-o', out], { cwd: root });
    expect(run.status, run.stderr).toBe(0);
    const doc = readFileSync(join(out, 'prov.json'), 'utf8');
    expect(doc.match(/"reprov:pointCount": \{\s*"\$": "1999"/g)).toHaveLength(3);
    const { status, stderr, series } = report(layOut(zarr));
    expect(status, stderr).toBe(0);
    for (const path of paths) {
      const s = seriesOf(series, nameOf(path));
      expect(s.count).toBe(n);
      expect(decode(s)).toEqual({ epochs, values, timestamps });
    }
  });

  it('reprov import yprov4ml summarises each file from its points (count, last and highest value)', () => {
    const written = paths.map((p, i) => write(p, 'nc', [5, 40, 2][i]!));
    const out = join(root, 'imported');
    const run = reprov(['import', 'yprov4ml', layOut(), '-o', out], { cwd: root });
    expect(run.status, run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'prov.json'), 'utf8')) as { entity: Record<string, Record<string, unknown>> };
    const number = (v: unknown) => Number(typeof v === 'object' && v !== null ? (v as { $: string }).$ : v);
    for (const [i, path] of paths.entries()) {
      const entity = Object.values(doc.entity).find((e) => JSON.stringify(e).includes(path))!;
      const values = written[i]!.values.filter((v): v is number => v !== null);
      expect(number(entity['reprov:pointCount'])).toBe(values.length);
      expect(number(entity['reprov:lastValue'])).toBe(values[values.length - 1]);
      expect(number(entity['reprov:maxValue'])).toBe(Math.max(...values));
    }
  });

  describe('hostile files', () => {
    it('a truncated and a corrupt .nc: one warning line each, naming the file; the page is still written with the other series', () => {
      paths.forEach((p) => write(p, 'nc', 3000));
      const file = (i: number) => join(root, paths[i]!);
      truncateSync(file(0), 3000);
      const bytes = readFileSync(file(1));
      bytes.fill(0x55, 4096, bytes.length - 64);
      writeFileSync(file(1), bytes);
      const { status, stderr, series } = report(layOut());
      expect(status, stderr).toBe(0);
      const warnings = stderr.split('\n').filter((l) => l.startsWith('reprov: warning:'));
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain(paths[0]);
      expect(warnings[0]).toMatch(/truncated file/);
      expect(warnings[1]).toContain(paths[1]);
      expect(stderr).not.toMatch(/HDF5-DIAG|\n\s+at /);
      expect(seriesOf(series, nameOf(paths[2]!)).count).toBe(3000);
    });

    it('a Zarr store with a corrupt chunk and one whose metadata is not JSON: warned about, the rest read', () => {
      const zarr = (p: string) => p.replace(/\.nc$/, '.zarr');
      paths.forEach((p) => write(zarr(p), 'zarr', 2000));
      writeFileSync(join(root, zarr(paths[0]!), 'values', '1'), 'not blosc');
      writeFileSync(join(root, zarr(paths[1]!), 'epochs', '.zarray'), '{"shape": [');
      const { status, stderr, series } = report(layOut(zarr));
      expect(status, stderr).toBe(0);
      const warnings = stderr.split('\n').filter((l) => l.startsWith('reprov: warning:'));
      expect(warnings.map((w) => paths.findIndex((p) => w.includes(zarr(p))))).toEqual([0, 1]);
      expect(seriesOf(series, nameOf(paths[2]!)).count).toBe(2000);
    });

    it('a .zarray claiming 10^15 points is capped, not allocated, and the page says so', () => {
      const zarr = (p: string) => p.replace(/\.nc$/, '.zarr');
      paths.forEach((p) => write(zarr(p), 'zarr', 10, ['--plain']));
      for (const name of ['epochs', 'values', 'timestamps']) {
        const meta = join(root, zarr(paths[0]!), name, '.zarray');
        writeFileSync(meta, JSON.stringify({ ...JSON.parse(readFileSync(meta, 'utf8')), shape: [1e15] }));
      }
      // A chunk shape as large is refused outright.
      const chunky = join(root, zarr(paths[1]!), 'values', '.zarray');
      writeFileSync(chunky, JSON.stringify({ ...JSON.parse(readFileSync(chunky, 'utf8')), chunks: [1e12] }));
      const { status, stderr, series } = report(layOut(zarr));
      expect(status, stderr).toBe(0);
      const capped = seriesOf(series, nameOf(paths[0]!));
      expect(capped.count).toBe(2_000_000);
      expect(capped.note).toMatch(/1000000000000000 points claimed, the first 2000000 read/);
      expect(capped.value.slice(0, 10).every((v) => v !== null)).toBe(true);
      expect(stderr).toMatch(new RegExp(`warning: ${zarr(paths[1]!)}: not read .*chunks of 1000000000000 points`));
    });

    it('a Zarr key with ../ (v3 chunk key encoding) or a link out of the store is never read', () => {
      const zarr = (p: string) => p.replace(/\.nc$/, '.zarr');
      paths.forEach((p) => write(zarr(p), 'zarr', 10, ['--plain']));
      // Outside the store, chunks that would be taken for values: float32 of 99, a whole chunk's worth (1024 for the v2 stores, 10 for the v3 one).
      const ninetyNines = (n: number) => {
        const bytes = Buffer.alloc(4 * n);
        for (let i = 0; i < n; i++) bytes.writeFloatLE(99, i * 4);
        return bytes;
      };
      const outside = ninetyNines(1024);
      writeFileSync(join(root, DIR, 'metrics_GR0', 'secret'), outside);
      // v2: the first chunk of `values` is a link to a file out of the store.
      const store0 = join(root, zarr(paths[0]!));
      rmSync(join(store0, 'values', '0'));
      symlinkSync(join(root, DIR, 'metrics_GR0', 'secret'), join(store0, 'values', '0'));
      // Another store whose `values` directory is a link out of the store altogether.
      const store1 = join(root, zarr(paths[1]!));
      mkdirSync(join(root, 'elsewhere'));
      writeFileSync(join(root, 'elsewhere', '.zarray'), readFileSync(join(store1, 'values', '.zarray')));
      writeFileSync(join(root, 'elsewhere', '0'), outside);
      rmSync(join(store1, 'values'), { recursive: true });
      symlinkSync(join(root, 'elsewhere'), join(store1, 'values'));
      // A v3 store whose chunk key encoding separator climbs out.
      const store2 = join(root, zarr(paths[2]!));
      rmSync(store2, { recursive: true });
      mkdirSync(join(store2, 'values'), { recursive: true });
      writeFileSync(join(store2, 'zarr.json'), JSON.stringify({ zarr_format: 3, node_type: 'group', attributes: {} }));
      for (const [name, type] of [['epochs', 'int32'], ['values', 'float32'], ['timestamps', 'int64']]) {
        mkdirSync(join(store2, name!), { recursive: true });
        writeFileSync(join(store2, name!, 'zarr.json'), JSON.stringify({
          zarr_format: 3, node_type: 'array', shape: [10], data_type: type, chunk_grid: { name: 'regular', configuration: { chunk_shape: [10] } },
          chunk_key_encoding: { name: 'default', configuration: { separator: '/../../../' } }, fill_value: 0, codecs: [{ name: 'bytes', configuration: { endian: 'little' } }],
        }));
      }
      // `values/c/../../../0` is metrics_GR0/0.
      writeFileSync(join(root, DIR, 'metrics_GR0', '0'), ninetyNines(10));
      const { status, stderr, series } = report(layOut(zarr));
      expect(status, stderr).toBe(0);
      for (const path of paths) {
        const s = seriesOf(series, nameOf(path));
        expect(s.value, path).not.toContain(99);
      }
      // The two stores with links out are warned about; zarrita itself keeps `c/../../../0` inside the v3 store (read as absent: fill values).
      expect(stderr).toMatch(new RegExp(`warning: ${zarr(paths[0]!)}: not read .*symbolic link`));
      expect(stderr).toMatch(new RegExp(`warning: ${zarr(paths[1]!)}: not read .*symbolic link`));
    });

    it('an .nc whose values are an external link out of the bundle, a soft link to one, or contiguous (it may name raw-data files), is not read', async () => {
      paths.forEach((p) => write(p, 'nc', 4));
      const h5wasm = await import('h5wasm/node');
      await h5wasm.ready;
      const outside = mkdtempSync(join(tmpdir(), 'rpv-yprov-outside-'));
      try {
        const secret = new h5wasm.File(join(outside, 'secret.h5'), 'w');
        secret.create_dataset({ name: 'values', data: new Float32Array(4).fill(99), maxshape: [null], chunks: [4] });
        secret.close();
        const make = (path: string, values: 'link' | 'soft link' | 'contiguous') => {
          rmSync(join(root, path));
          const file = new h5wasm.File(join(root, path), 'w');
          const chunked = values === 'contiguous' ? {} : { maxshape: [null], chunks: [4] };
          file.create_dataset({ name: 'epochs', data: new Int32Array(4), ...chunked });
          file.create_dataset({ name: 'timestamps', data: new BigInt64Array(4), ...chunked });
          if (values === 'link') file.create_external_link(join(outside, 'secret.h5'), '/values', 'values');
          else if (values === 'soft link') {
            // A soft link to an external one: `values` itself is no external link.
            file.create_group('g');
            file.create_external_link(join(outside, 'secret.h5'), '/values', '/g/ext');
            file.create_soft_link('/g/ext', 'values');
          } else file.create_dataset({ name: 'values', data: new Float32Array(4).fill(99) });
          file.close();
        };
        make(paths[0]!, 'link');
        make(paths[1]!, 'contiguous');
        const { status, stderr, series } = report(layOut());
        expect(status, stderr).toBe(0);
        for (const path of paths) expect(seriesOf(series, nameOf(path)).value).not.toContain(99);
        expect(stderr).toMatch(new RegExp(`warning: ${paths[0]}: not read \\('values' is an external link`));
        expect(stderr).toMatch(new RegExp(`warning: ${paths[1]}: not read \\('epochs' is not chunked`));
        make(paths[0]!, 'soft link');
        const soft = report(layOut());
        expect(soft.status, soft.stderr).toBe(0);
        expect(seriesOf(soft.series, nameOf(paths[0]!)).value).not.toContain(99);
        expect(soft.stderr).toMatch(new RegExp(`warning: ${paths[0]}: not read \\('values' is a link \\(to "/g/ext"\\)`));
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });

    it('a metric path through a link that leaves the bundle directory is refused', () => {
      paths.forEach((p) => write(p, 'nc', 4));
      const outside = mkdtempSync(join(tmpdir(), 'rpv-yprov-outside-'));
      try {
        const secret = join(outside, 'secret.nc');
        write(paths[0]!, 'nc', 4);
        writeFileSync(secret, readFileSync(join(root, paths[0]!)));
        rmSync(join(root, paths[0]!));
        symlinkSync(secret, join(root, paths[0]!));
        const { status, series } = report(layOut());
        expect(status).toBe(0);
        const s = seriesOf(series, nameOf(paths[0]!));
        expect(s.count).toBe(0);
        expect(s.note).toMatch(/symbolic link .* leads out/);
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });
  });
});
