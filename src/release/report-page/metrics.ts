/**
 * A run's metric series for the report page, read from the bundle's side files
 * (`metrics/<name>_<context>_<source>_GR<rank>.csv`: a line `name,context,source`, then
 * `epoch,value,timestamp[,step]` per point; docs/vocabulary.md), or yProv4ML's NetCDF4 and Zarr
 * files of the same series (src/collect/metric-files/array-series.ts). A series longer than
 * MAX_COLUMNS × 2 points is reduced the way uPlot's and Grafana's downsamplers do: the points are
 * cut into MAX_COLUMNS columns in order and each column keeps its lowest and highest point, so
 * every spike stays visible. The page says so beside the chart; nothing is dropped silently.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import type { Term } from 'n3';
import { locateSideFile } from '../../base/side-file.js';
import { isArraySeriesFile, readArraySeries } from '../../collect/metric-files/array-series.js';
import type { BundleStore } from '../../check/bundle-store.js';
import { prov, rdf, rdfs, reprov } from '../../prov/vocabulary.js';
import { energyName, integratePower, isSystemSeries, powerSeries } from './system.js';

/** Columns a long series is reduced to (about one per pixel of a wide chart). */
export const MAX_COLUMNS = 1000;
/** Side files above this size are not read (the page says so). */
export const MAX_METRIC_FILE_BYTES = 256 * 1024 * 1024;

export interface PageSeries {
  name: string;
  context: string;
  /** Points in the file. */
  count: number;
  /** Points embedded: `count`, or at most 2 × MAX_COLUMNS when reduced. */
  shown: number;
  reduced: boolean;
  step: number[];
  epoch: (number | null)[];
  /** Unix milliseconds − t0. */
  time: (number | null)[];
  t0: number;
  /** Non-finite values are null. */
  value: (number | null)[];
  /** Why there are no points (no side file, a file outside the bundle, not readable), when there are none. */
  note?: string;
  /** The side file is there but could not be read (corrupt, truncated, not the format its name says): the CLI warns. */
  unreadable?: boolean;
  /** Recorded summary (`reprov:lastValue` …), for runs whose side files are absent. */
  last?: string;
  /** A system metric (./system.ts): drawn over time in the page's "System and energy" section. */
  system?: boolean;
  /** How a series not in any file was computed (energy integrated from power). */
  derived?: string;
}

/** A metric node of a bundle: what its series is called and where its points are. */
export interface SeriesSource {
  name: string;
  context: string;
  /** The side file as the bundle names it (relative to the bundle's directory). */
  file?: string;
  /** `reprov:lastValue`, when recorded. */
  last?: string;
  system?: boolean;
  /** A power series (W) to integrate into cumulative energy beside it (./system.ts). */
  integrate?: boolean;
}

/** The metric nodes of a bundle. */
export function seriesSources(store: BundleStore): SeriesSource[] {
  const nodes = [...new Map([...store.getSubjects(reprov.metricFile, null, null), ...store.getSubjects(rdf.type, reprov.Metric, null)]
    .map((t) => [t.value, t])).values()];
  const one = (s: Term, p: Term) => store.getObjects(s, p, null)[0]?.value;
  const sources = nodes.map((node) => {
    const context = store.getObjects(node, reprov.context, null)[0];
    const source: SeriesSource = {
      name: one(node, rdfs.label) ?? node.value.replace(/^.*\//, ''),
      context: context ? one(context, rdfs.label) ?? one(context, reprov.contextKind) ?? context.value.replace(/^.*\//, '') : '',
    };
    const file = one(node, reprov.metricFile) ?? one(node, prov.atLocation);
    if (file) source.file = file;
    const last = one(node, reprov.lastValue);
    if (last !== undefined) source.last = last;
    if (isSystemSeries(source)) source.system = true;
    return source;
  });
  for (const power of powerSeries(sources)) power.integrate = true;
  return sources;
}

/** Every metric node of the bundle with its points. */
export async function readSeries(store: BundleStore, baseDir: string | undefined): Promise<PageSeries[]> {
  return loadSeries(seriesSources(store), baseDir);
}

/** The points of each source, read from its side file under `baseDir` (never outside it), sorted by name and context. */
export async function loadSeries(sources: readonly SeriesSource[], baseDir: string | undefined): Promise<PageSeries[]> {
  const root = baseDir ? await realpath(baseDir).catch(() => undefined) : undefined;
  const out: PageSeries[] = [];
  for (const { name, context, file, last, system, integrate } of sources) {
    const series: PageSeries = { name, context, count: 0, shown: 0, reduced: false, step: [], epoch: [], time: [], t0: 0, value: [] };
    if (last !== undefined) series.last = last;
    if (system) series.system = true;
    if (!file) series.note = 'no metric file recorded';
    else if (!root) series.note = 'the bundle was read from standard input: its metric files are not at hand';
    else {
      // Found where its producer meant it (yProv4ML names it from the directory the run started in).
      const confined = locateSideFile(root, file, { alias: baseDir });
      if (!confined.ok) series.note = `${file}: not read: ${confined.reason}`;
      else {
        try {
          const points = await readPoints(file, confined.absolute);
          if (typeof points === 'string') series.note = `${file}: ${points}`;
          else {
            Object.assign(series, reduce(points));
            if (points.note) series.note = `${file}: ${points.note}`;
            if (integrate) {
              const derived = `the trapezoid integral of ${name} (W) over its sample times, from all ${points.value.length} samples`;
              out.push({ name: energyName(name), context, system: true, derived, ...reduce(integratePower(points)) });
            }
          }
        } catch (error) {
          series.note = `${file}: not read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') series.unreadable = true;
        }
      }
    }
    out.push(series);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.context < b.context ? -1 : a.context > b.context ? 1 : 0));
}

/** A side file's points (with why fewer were read, if so), or why none were read. */
async function readPoints(file: string, absolute: string): Promise<(Columns & { note?: string }) | string> {
  if (isArraySeriesFile(file)) {
    const { note, epoch, time, value } = await readArraySeries(absolute);
    const column = (xs: (number | null)[]) => Float64Array.from(xs, (x) => x ?? Number.NaN);
    return { step: Float64Array.from(value, (_, i) => i), epoch: column(epoch), time: column(time), value: column(value), note };
  }
  const size = (await stat(absolute)).size;
  if (size > MAX_METRIC_FILE_BYTES) return `${size} bytes, more than the ${MAX_METRIC_FILE_BYTES} read: not read`;
  return parseSeries(await readFile(absolute));
}

/**
 * A side file's points, one typed array per column (NaN where a cell is empty or not finite): a
 * million points parse without a million boxed numbers for the garbage collector to trace.
 */
export interface Columns { step: Float64Array; epoch: Float64Array; time: Float64Array; value: Float64Array }

const LF = 10, CR = 13, COMMA = 44, DOT = 46, MINUS = 45, PLUS = 43;
/** What a cell held: nothing or text (a header), a number, or nan/inf. */
const EMPTY = 0, NUMBER = 1, NON_FINITE = 2;

/**
 * The points of a side file; a first line that is not numbers (`name,context,source`) is its header.
 * One pass over the bytes: each cell's digits are read as they go by, and only a cell that is not a
 * plain decimal (an exponent, 17 digits, `nan`, spaces) is decoded as text and read by Number.
 */
export function parseSeries(data: Buffer | string): Columns {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const length = bytes.length;
  let lines = 1;
  for (let i = bytes.indexOf(LF); i >= 0; i = bytes.indexOf(LF, i + 1)) lines++;
  const cols: Columns = { step: new Float64Array(lines), epoch: new Float64Array(lines), time: new Float64Array(lines), value: new Float64Array(lines) };
  const kinds = new Uint8Array(4);
  const numbers = new Float64Array(4);
  let index = 0;
  let cell = 0, start = 0, n = 0, digits = 0, decimals = -1, negative = false, plain = true;
  for (let i = 0; i <= length; i++) {
    const b = i < length ? bytes[i]! : LF;
    if (b === COMMA || b === LF) {
      // Cells after the fourth are ignored; a CR before the line feed is not part of the last cell.
      if (cell < 4) {
        const end = b === LF && i > start && bytes[i - 1] === CR ? i - 1 : i;
        let v: number | null | undefined;
        // n only grows digit by digit, so a final n under 2^53 means every step was exact; one division by an exact power of ten then rounds as Number does (Clinger's fast path).
        if (plain && digits > 0 && n < 9007199254740992 && decimals <= 22) v = (negative ? -1 : 1) * (decimals > 0 ? n / POWERS_OF_TEN[decimals]! : n);
        // A plain decimal with more digits: Number reads it exactly, without the checks text needs.
        else if (plain && digits > 0) {
          v = Number(bytes.toString('latin1', start, end));
          if (!Number.isFinite(v)) v = null; // 400 digits: too large for a double
        }
        else v = end > start ? textNumber(bytes.toString('utf8', start, end)) : undefined;
        kinds[cell] = v === undefined ? EMPTY : v === null ? NON_FINITE : NUMBER;
        numbers[cell] = v ?? NaN;
      }
      cell++;
      start = i + 1;
      n = 0, digits = 0, decimals = -1, negative = false, plain = true;
      if (b !== LF) continue;
      for (let k = cell; k < 4; k++) kinds[k] = EMPTY;
      cell = 0;
      if (kinds[1] === EMPTY) continue;
      cols.epoch[index] = kinds[0] === NUMBER ? numbers[0]! : NaN;
      cols.value[index] = numbers[1]!;
      cols.time[index] = kinds[2] === NUMBER ? numbers[2]! : NaN;
      cols.step[index] = kinds[3] === NUMBER ? numbers[3]! : index;
      index++;
    } else if (cell < 4) {
      const c = b - 48;
      if (c >= 0 && c <= 9) {
        n = n * 10 + c;
        digits++;
        if (decimals >= 0) decimals++;
      } else if (b === DOT && decimals < 0) decimals = 0;
      else if ((b === MINUS || b === PLUS) && i === start) negative = b === MINUS;
      else if (!(b === CR && (i + 1 === length || bytes[i + 1] === LF))) plain = false;
    }
  }
  return { step: cols.step.subarray(0, index), epoch: cols.epoch.subarray(0, index), time: cols.time.subarray(0, index), value: cols.value.subarray(0, index) };
}

/** 10^k for k ≤ 22: every one is exact in a double. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** A cell that is not a plain decimal: a number (Number's reading), null for nan/inf, undefined for text. */
function textNumber(text: string): number | null | undefined {
  const cell = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell)) {
    const v = Number(cell);
    return Number.isFinite(v) ? v : null;
  }
  return /^[+-]?(nan|inf|infinity)$/i.test(cell) ? null : undefined;
}

/** The series as embedded: times relative to the first, reduced to MAX_COLUMNS min/max pairs when long. */
export function reduce(cols: Columns, columns = MAX_COLUMNS): Omit<PageSeries, 'name' | 'context'> {
  const count = cols.value.length;
  const values = cols.value;
  let keep: number[] | undefined;
  if (count > columns * 2) {
    keep = [];
    for (let c = 0; c < columns; c++) {
      const from = Math.floor((c * count) / columns);
      const to = Math.floor(((c + 1) * count) / columns);
      let lo = -1, hi = -1;
      for (let i = from; i < to; i++) {
        const v = values[i]!;
        if (v !== v) continue; // NaN: no value
        if (lo < 0 || v < values[lo]!) lo = i;
        if (hi < 0 || v > values[hi]!) hi = i;
      }
      if (lo < 0) keep.push(from);
      else if (lo === hi) keep.push(lo);
      else keep.push(Math.min(lo, hi), Math.max(lo, hi));
    }
  }
  const pick = (a: Float64Array): (number | null)[] => {
    const out: (number | null)[] = [];
    const at = (i: number) => (a[i]! === a[i]! ? a[i]! : null);
    if (keep) for (const i of keep) out.push(at(i));
    else for (let i = 0; i < a.length; i++) out.push(at(i));
    return out;
  };
  const time = pick(cols.time);
  const t0 = time.find((t) => t !== null) ?? 0;
  return {
    count, shown: keep ? keep.length : count, reduced: keep !== undefined,
    step: pick(cols.step) as number[], epoch: pick(cols.epoch), value: pick(cols.value),
    time: time.map((t) => (t === null ? null : t - t0)), t0,
  };
}

/**
 * A series as the page embeds it, smaller: steps and times as differences from the point before
 * (small whole numbers instead of 13-digit timestamps), epochs as runs of [epoch, count]. Values
 * are kept as recorded. The page script decodes it (page/report.ts, decode).
 */
export interface EncodedSeries extends Omit<PageSeries, 'step' | 'epoch' | 'time'> {
  step: number[];
  epoch: [number | null, number][];
  time: (number | null)[];
}

export function encodeSeries(series: PageSeries): EncodedSeries {
  const delta = (xs: (number | null)[]) => {
    let last = 0;
    return xs.map((x) => {
      if (x === null) return null;
      const d = x - last;
      last = x;
      return d;
    });
  };
  const runs: [number | null, number][] = [];
  for (const e of series.epoch) {
    const tail = runs[runs.length - 1];
    if (tail && tail[0] === e) tail[1]++;
    else runs.push([e, 1]);
  }
  return { ...series, step: delta(series.step) as number[], epoch: runs, time: delta(series.time) };
}

