/**
 * Metric logging: points are buffered in typed arrays (logging costs an array store) and appended
 * to one CSV file per metric and context every `flushEvery` points and at the end.
 *
 * File layout follows yProv4ML (`<name>_<context>_<source>_GR<rank>.csv`): a first line
 * `name,context,source`, then one line per point `epoch,value,timestamp` — reprov adds a fourth
 * column, `step`, which yProv4ML readers that take three columns ignore. Timestamps are Unix
 * milliseconds.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedNode } from 'n3';
import { safeName } from '../base/safe-name.js';
import type { RunGraph } from '../prov/graph.js';
import { mls, prov, reprov } from '../prov/vocabulary.js';

export interface MetricPointOptions {
  context?: string;
  step?: number;
  epoch?: number;
  /** Unix milliseconds; default now. */
  timestamp?: number;
}

export interface MetricSummary {
  name: string;
  context: string;
  /** Path of the CSV file relative to the bundle directory. */
  file: string;
  count: number;
  last: number;
  lastStep: number;
  min: number;
  max: number;
}

const INITIAL_CAPACITY = 1024;

class Series {
  count = 0;
  min = Infinity;
  max = -Infinity;
  last = NaN;
  lastStep = -1;
  private buffered = 0;
  private values = new Float64Array(INITIAL_CAPACITY);
  private epochs = new Float64Array(INITIAL_CAPACITY);
  private steps = new Float64Array(INITIAL_CAPACITY);
  private times = new Float64Array(INITIAL_CAPACITY);
  private started = false;

  constructor(readonly name: string, readonly context: string, readonly file: string) {}

  push(value: number, epoch: number, step: number, time: number): number {
    if (this.buffered === this.values.length) this.grow();
    const i = this.buffered++;
    this.values[i] = value;
    this.epochs[i] = epoch;
    this.steps[i] = step;
    this.times[i] = time;
    this.count++;
    this.last = value;
    this.lastStep = step;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    return this.buffered;
  }

  /** Appends the buffered points to the CSV file and empties the buffer. */
  flush(dir: string, source: string): void {
    if (!this.buffered && this.started) return;
    let text = this.started ? '' : `${this.name},${this.context},${source}\n`;
    // Epochs and timestamps repeat from one point to the next: their text is reused, not redone.
    let epoch = NaN, epochText = '', time = NaN, timeText = '';
    for (let i = 0; i < this.buffered; i++) {
      if (this.epochs[i] !== epoch) epochText = String((epoch = this.epochs[i]!));
      if (this.times[i] !== time) timeText = String((time = this.times[i]!));
      text += epochText + ',' + this.values[i] + ',' + timeText + ',' + this.steps[i] + '\n';
    }
    // The first write starts the file afresh: a run never appends to what another run left.
    if (this.started) appendFileSync(join(dir, this.file), text);
    else writeFileSync(join(dir, this.file), text);
    this.started = true;
    this.buffered = 0;
  }

  private grow(): void {
    const size = this.values.length * 2;
    const grow = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.values = grow(this.values);
    this.epochs = grow(this.epochs);
    this.steps = grow(this.steps);
    this.times = grow(this.times);
  }
}

export class MetricLog {
  private readonly series = new Map<string, Map<string, Series>>();
  /** The files taken, case-folded: two names that differ only in case are one file on macOS and Windows. */
  private readonly files = new Set<string>();

  /**
   * @param dir the bundle directory (files go to `<dir>/metrics/`)
   * @param flushEvery points buffered per metric before they are written
   */
  constructor(private readonly dir: string, private readonly flushEvery = 100_000, private readonly source = 'reprov', private readonly rank = 0) {}

  log(name: string, value: number, options: MetricPointOptions = {}): void {
    const context = options.context ?? 'training';
    // Two lookups rather than one on a joined key: logging a point allocates nothing.
    let byContext = this.series.get(name);
    if (!byContext) this.series.set(name, (byContext = new Map()));
    let series = byContext.get(context);
    if (!series) byContext.set(context, (series = new Series(name, context, this.fileFor(name, context))));
    const buffered = series.push(value, options.epoch ?? 0, options.step ?? series.count, options.timestamp ?? Date.now());
    if (buffered >= this.flushEvery) this.flushSeries(series);
  }

  /** Writes every buffered point. */
  flush(): void {
    for (const series of this.all()) this.flushSeries(series);
  }

  summaries(): MetricSummary[] {
    return this.all().map((s) => ({
      name: s.name, context: s.context, file: s.file, count: s.count, last: s.last, lastStep: s.lastStep, min: s.min, max: s.max,
    }));
  }

  private all(): Series[] {
    return [...this.series.values()].flatMap((byContext) => [...byContext.values()]);
  }

  /**
   * A file of its own for each metric and context, inside `metrics/` whatever the names are
   * (`../../x`, `a/b`, NUL: names pass `safeName`), even when they differ only in case.
   */
  private fileFor(name: string, context: string): string {
    const stem = `metrics/${safeName(name)}_${safeName(context)}_${safeName(this.source)}_GR${Number.isSafeInteger(this.rank) ? this.rank : safeName(String(this.rank))}`;
    let file = `${stem}.csv`;
    for (let n = 2; this.files.has(file.toLowerCase()); n++) file = `${stem}-${n}.csv`;
    this.files.add(file.toLowerCase());
    return file;
  }

  private flushSeries(series: Series): void {
    mkdirSync(join(this.dir, 'metrics'), { recursive: true });
    series.flush(this.dir, this.source);
  }
}

/** Adds a metric's node (`metric`, generated by the phase `context`) with its file and summary values to `graph`. */
export function describeMetric(graph: RunGraph, metric: NamedNode, context: NamedNode, summary: MetricSummary): void {
  graph.describe(metric, [prov.Entity, mls.ModelEvaluation, reprov.Metric], summary.name);
  graph.add(metric, reprov.context, context).add(metric, prov.atLocation, summary.file);
  graph.add(metric, reprov.metricFile, summary.file).add(metric, reprov.pointCount, summary.count);
  graph.add(metric, reprov.lastValue, summary.last).add(metric, reprov.lastStep, summary.lastStep);
  graph.add(metric, reprov.minValue, summary.min).add(metric, reprov.maxValue, summary.max);
  graph.add(metric, prov.wasGeneratedBy, context);
}
