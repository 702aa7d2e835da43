/** Counts of what a reader passed over, turned into notes at the end (one line per reason). */
import { oneLine } from '../../base/diagnostics.js';
import { MAX_NAME, MAX_POINTS, type MetricPoint } from './types.js';
import { boundedName } from './context.js';

export class PointSink {
  readonly points: MetricPoint[] = [];
  readonly notes: string[] = [];
  private readonly skipped = new Map<string, { count: number; examples: Set<string> }>();
  private cutNames = 0;
  full = false;

  /** Adds a point unless the value is not finite (counted) or the file has given MAX_POINTS. */
  add(point: MetricPoint): boolean {
    if (this.full) return false;
    if (!Number.isFinite(point.value)) {
      this.skip('non-finite values (NaN or ±Infinity)', point.name);
      return true;
    }
    if (point.name === '') {
      this.skip('values with an empty name', '');
      return true;
    }
    if (this.points.length >= MAX_POINTS) {
      this.full = true;
      this.notes.push(`stopped after ${MAX_POINTS} points: the rest of the file was not read`);
      return false;
    }
    const { name, cut } = boundedName(point.name);
    if (cut) this.cutNames++;
    this.points.push(cut ? { ...point, name } : point);
    return true;
  }

  /** Counts one skipped value under `reason`, remembering a few example names. */
  skip(reason: string, example?: string): void {
    let entry = this.skipped.get(reason);
    if (!entry) this.skipped.set(reason, (entry = { count: 0, examples: new Set() }));
    entry.count++;
    if (example !== undefined && example !== '' && entry.examples.size < 3) entry.examples.add(oneLine(example, 60));
  }

  note(text: string): void {
    this.notes.push(oneLine(text, 300));
  }

  finish(summary: string): { points: MetricPoint[]; notes: string[] } {
    const lines = [oneLine(summary, 300)];
    for (const [reason, { count, examples }] of this.skipped) {
      lines.push(`skipped ${count} ${reason}${examples.size ? ` (e.g. ${[...examples].join(', ')})` : ''}`);
    }
    if (this.cutNames) lines.push(`cut ${this.cutNames} names longer than ${MAX_NAME} characters`);
    return { points: this.points, notes: [...lines, ...this.notes] };
  }
}
