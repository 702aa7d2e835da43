/**
 * One series written twice: a Hugging Face Trainer with `report_to="tensorboard"` writes each
 * logged value to `trainer_state.json` and to an event file (`loss` and `train/loss` both become
 * the `loss` series of context `training`). Recorded as they are, every step would hold two points.
 * Where files of different formats give the same series at the same steps, the points of the more
 * exact format are kept (JSON and CSV hold the value as logged; TensorBoard stores a float32) and
 * the other file only adds the steps the first lacks.
 */
import type { MetricFile, MetricPoint } from './types.js';

/** Lower is more exact. */
const EXACTNESS: Record<MetricFile['format'], number> = { 'hf-trainer-state': 0, 'lightning-csv': 1, 'keras-csv': 1, tensorboard: 2 };

export interface FilePoints {
  file: MetricFile;
  points: MetricPoint[];
}

const seriesKey = (point: MetricPoint): string => `${point.context}\u0000${point.name}`;

/** The files' points with each series' duplicate steps removed from the less exact files; a note per series trimmed. */
export function dropOverlaps(files: FilePoints[], describe: (file: MetricFile) => string = (file) => file.path): { files: FilePoints[]; notes: string[] } {
  const order = files.map((_, index) => index).sort((a, b) => EXACTNESS[files[a]!.file.format] - EXACTNESS[files[b]!.file.format] || a - b);
  // Steps already held, per series, and the format that holds them.
  const held = new Map<string, { steps: Set<number>; formats: Set<string>; from: string }>();
  const kept: FilePoints[] = new Array(files.length);
  const dropped = new Map<string, { count: number; file: string; from: string }>();
  for (const index of order) {
    const { file, points } = files[index]!;
    const own = new Map<string, Set<number>>();
    const keep: MetricPoint[] = [];
    for (const point of points) {
      const key = seriesKey(point);
      const earlier = held.get(key);
      if (earlier && !earlier.formats.has(file.format) && (point.step === undefined || earlier.steps.has(point.step))) {
        const entry = dropped.get(`${key}\u0000${index}`) ?? { count: 0, file: describe(file), from: earlier.from };
        entry.count++;
        dropped.set(`${key}\u0000${index}`, entry);
        continue;
      }
      keep.push(point);
      if (point.step !== undefined) {
        const steps = own.get(key) ?? new Set<number>();
        steps.add(point.step);
        own.set(key, steps);
      }
    }
    for (const [key, steps] of own) {
      const entry = held.get(key) ?? { steps: new Set<number>(), formats: new Set<string>(), from: describe(file) };
      for (const step of steps) entry.steps.add(step);
      entry.formats.add(file.format);
      held.set(key, entry);
    }
    kept[index] = { file, points: keep };
  }
  const notes = [...dropped].map(([key, { count, file, from }]) => {
    const [context, name] = key.split('\u0000');
    return `${name} (${context}): ${count} point(s) of ${file} are the same steps as ${from}, which is kept`;
  });
  return { files: kept, notes };
}
