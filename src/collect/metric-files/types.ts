/** The shapes shared by the metric-file readers (see docs/metric-files.md). */

export type MetricFileFormat = 'hf-trainer-state' | 'lightning-csv' | 'keras-csv' | 'tensorboard';

export interface MetricFile {
  path: string;
  format: MetricFileFormat;
}

export interface MetricPoint {
  name: string;
  /** Always finite: NaN and ±Infinity are counted in a note, not returned. */
  value: number;
  step?: number;
  epoch?: number;
  /** Unix milliseconds. */
  timestamp?: number;
  context: 'training' | 'validation' | 'testing' | string;
}

export interface MetricFileResult {
  points: MetricPoint[];
  /** What was read and what was skipped, one line each, safe to show (control characters escaped). */
  notes: string[];
}

/** Points read from one file at most; past it reading stops with a note. */
export const MAX_POINTS = 1_000_000;
/** Longest metric name kept; longer names are cut (with a note). */
export const MAX_NAME = 200;
