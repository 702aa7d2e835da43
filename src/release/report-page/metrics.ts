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
}

/** A metric node of a bundle: what its series is called and where its points are. */
export interface SeriesSource {
  name: string;
  context: string;
  /** The side file as the bundle names it (relative to the bundle's directory). */
  file?: string;
  /** `reprov:lastValue`, when recorded. */
  last?: string;
}

/** The metric nodes of a bundle. */
export function seriesSources(store: BundleStore): SeriesSource[] {
  const nodes = [...new Map([...store.getSubjects(reprov.metricFile, null, null), ...store.getSubjects(rdf.type, reprov.Metric, null)]
    .map((t) => [t.value, t])).values()];
  const one = (s: Term, p: Term) => store.getObjects(s, p, null)[0]?.value;
  return nodes.map((node) => {
    const context = store.getObjects(node, reprov.context, null)[0];
    const source: SeriesSource = {
      name: one(node, rdfs.label) ?? node.value.replace(/^.*\//, ''),
      context: context ? one(context, rdfs.label) ?? one(context, reprov.contextKind) ?? context.value.replace(/^.*\//, '') : '',
    };
    const file = one(node, reprov.metricFile) ?? one(node, prov.atLocation);
    if (file) source.file = file;
    const last = one(node, reprov.lastValue);
    if (last !== undefined) source.last = last;
    return source;
  });
}

/** Every metric node of the bundle with its points. */
export async function readSeries(store: BundleStore, baseDir: string | undefined): Promise<PageSeries[]> {
  return loadSeries(seriesSources(store), baseDir);
}

/** The points of each source, read from its side file under `baseDir` (never outside it), sorted by name and context. */
export async function loadSeries(sources: readonly SeriesSource[], baseDir: string | undefined): Promise<PageSeries[]> {
  const root = baseDir ? await realpath(baseDir).catch(() => undefined) : undefined;
  const out: PageSeries[] = [];
  for (const { name, context, file, last } of sources) {
    const series: PageSeries = { name, context, count: 0, shown: 0, reduced: false, step: [], epoch: [], time: [], t0: 0, value: [] };
    if (last !== undefined) series.last = last;
    if (!file) series.note = 'no metric file recorded';
    else if (!root) series.note = 'the bundle was read from standard input: its metric files are not at hand';
    else {
      // Found where its producer meant it (yProv4ML names it from the directory the run started in).
      const confined = locateSideFile(root, file, { alias: baseDir });
      if (!confined.ok) series.note = `${file}: not read: ${confined.reason}`;
      else {
        try {
          if (isArraySeriesFile(file)) {
            const { note, ...cols } = await readArraySeries(confined.absolute);
            Object.assign(series, reduce({ ...cols, step: cols.value.map((_, i) => i) }));
            if (note) series.note = `${file}: ${note}`;
          } else {
            const size = (await stat(confined.absolute)).size;
            if (size > MAX_METRIC_FILE_BYTES) series.note = `${file}: ${size} bytes, more than the ${MAX_METRIC_FILE_BYTES} read: not read`;
            else Object.assign(series, reduce(parseSeries(await readFile(confined.absolute, 'utf8'))));
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

interface Columns { step: number[]; epoch: (number | null)[]; time: (number | null)[]; value: (number | null)[] }

/** The points of a side file; a first line that is not numbers (`name,context,source`) is its header. */
export function parseSeries(text: string): Columns {
  const cols: Columns = { step: [], epoch: [], time: [], value: [] };
  const bounds = [0, 0, 0, 0, 0];
  let start = 0;
  let index = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    // The cells' bounds: cell k is text[bounds[k], bounds[k + 1] - 1); missing cells are empty.
    bounds[0] = start;
    let n = 1;
    for (let i = text.indexOf(',', start); i >= 0 && i < stop && n < 4; i = text.indexOf(',', i + 1)) bounds[n++] = i + 1;
    for (let k = n; k < 5; k++) bounds[k] = stop + 1;
    // A fifth cell, if any, is ignored: the fourth ends at the next comma.
    const fourthEnd = Math.min(stop, n === 4 ? nextComma(text, bounds[3]!, stop) : stop);
    start = end + 1;
    const value = cellNumber(text, bounds[1]!, bounds[2]! - 1);
    if (value === undefined) continue;
    const step = n === 4 ? cellNumber(text, bounds[3]!, fourthEnd) : undefined;
    cols.epoch.push(cellNumber(text, bounds[0]!, bounds[1]! - 1) ?? null);
    cols.value.push(value);
    cols.time.push(cellNumber(text, bounds[2]!, bounds[3]! - 1) ?? null);
    cols.step.push(typeof step === 'number' ? step : index);
    index++;
  }
  return cols;
}

function nextComma(text: string, from: number, stop: number): number {
  const i = text.indexOf(',', from);
  return i < 0 || i > stop ? stop : i;
}

/**
 * The number in text[from, to): undefined when empty or text (a header), null for nan/inf.
 * Whole numbers (steps, epochs, millisecond timestamps) are read digit by digit, which is several
 * times faster than Number on a slice; anything else goes through Number.
 */
function cellNumber(text: string, from: number, to: number): number | null | undefined {
  if (to <= from) return undefined;
  let i = from;
  let negative = false;
  const first = text.charCodeAt(i);
  if (first === 45 || first === 43) {
    negative = first === 45;
    i++;
  }
  let n = 0;
  let digits = 0;
  for (; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
    digits++;
  }
  if (i === to && digits > 0 && digits <= 15) return negative ? -n : n;
  const cell = text.slice(from, to).trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell)) {
    const value = Number(cell);
    return Number.isFinite(value) ? value : null;
  }
  return /^[+-]?(nan|inf|infinity)$/i.test(cell) ? null : undefined;
}

/** The series as embedded: times relative to the first, reduced to MAX_COLUMNS min/max pairs when long. */
export function reduce(cols: Columns, columns = MAX_COLUMNS): Omit<PageSeries, 'name' | 'context'> {
  const count = cols.value.length;
  let keep: number[] | undefined;
  if (count > columns * 2) {
    keep = [];
    for (let c = 0; c < columns; c++) {
      const from = Math.floor((c * count) / columns);
      const to = Math.floor(((c + 1) * count) / columns);
      let lo = -1, hi = -1;
      for (let i = from; i < to; i++) {
        const v = cols.value[i];
        if (v === null || v === undefined) continue;
        if (lo < 0 || v < cols.value[lo]!) lo = i;
        if (hi < 0 || v > cols.value[hi]!) hi = i;
      }
      if (lo < 0) keep.push(from);
      else if (lo === hi) keep.push(lo);
      else keep.push(Math.min(lo, hi), Math.max(lo, hi));
    }
  }
  const pick = <T>(a: T[]) => (keep ? keep.map((i) => a[i]!) : a);
  const time = pick(cols.time);
  const t0 = time.find((t) => t !== null) ?? 0;
  return {
    count, shown: keep ? keep.length : count, reduced: keep !== undefined,
    step: pick(cols.step), epoch: pick(cols.epoch), value: pick(cols.value),
    time: time.map((t) => (t === null ? null : t - t0)), t0: t0 ?? 0,
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

