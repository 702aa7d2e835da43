/**
 * The two CSV loggers:
 *
 * Lightning `CSVLogger` (`<save_dir>/<name>/version_N/metrics.csv`): a header with `epoch` and
 * `step` (first in Lightning 2, last in older versions) and one column per logged key; each row
 * holds the keys logged together, the other cells empty. Column names are split by the common
 * prefix table (context.ts): `val_acc`, `val/acc` → validation `acc`; `test_loss` → testing `loss`;
 * `train_loss` → training `loss`; others → training, as written. Lightning's `_step` / `_epoch`
 * suffixes (`self.log(..., on_step=True, on_epoch=True)` gives both) are kept: they are two series,
 * the per-step values and the epoch aggregate, and merging them would mix the two.
 *
 * Keras `CSVLogger` (file name chosen by the user): `epoch` first, then the logs' keys sorted
 * (`loss`, `accuracy`, `val_loss`, `learning_rate`, ...), one row per epoch, `NA` for a missing
 * value. `val_` → validation; others → training. The epoch (0-based, as Keras writes it) is the
 * point's epoch; Keras writes no step.
 *
 * Empty cells give no point; `nan`/`inf` cells count as non-finite; other text is counted as
 * not a number. Files above MAX_CSV_BYTES are not read.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { splitPhasePrefix } from './context.js';
import { PointSink } from './tally.js';
import type { MetricFileResult } from './types.js';

export const MAX_CSV_BYTES = 64 * 1024 * 1024;

/** Rows of CSV (quoted fields, doubled quotes, CRLF, LF or CR, a BOM), by csv-parse. Throws csv-parse's CsvError. Exported for tests. */
export function parseCsv(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: true, relax_quotes: true, record_delimiter: ['\r\n', '\n', '\r'] }) as string[][];
}

/** A cell as a number: undefined when empty or `NA`; NaN for nan/inf (counted as non-finite) and for text. */
function cellValue(cell: string): { value?: number; kind: 'empty' | 'number' | 'nonfinite' | 'text' } {
  const t = cell.trim();
  if (t === '' || t === 'NA') return { kind: 'empty' };
  if (/^[+-]?(nan|inf|infinity)$/i.test(t)) return { value: Number.NaN, kind: 'nonfinite' };
  // Decimal numbers only: no hex, no `Infinity` spelled out by Number(), no empty string as 0.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return { kind: 'text' };
  const value = Number(t);
  return Number.isFinite(value) ? { value, kind: 'number' } : { value: Number.NaN, kind: 'nonfinite' };
}

async function readCsvText(path: string, sink: PointSink, label: string): Promise<string[][] | undefined> {
  const size = (await stat(path)).size;
  if (size > MAX_CSV_BYTES) {
    sink.note(`${label} is ${size} bytes, more than the ${MAX_CSV_BYTES} read: not read`);
    return undefined;
  }
  try {
    return parseCsv(await readFile(path, 'utf8'));
  } catch (error) {
    sink.note(`${label} is not valid CSV: ${(error as Error).message.split('\n')[0]}: not read`);
    return undefined;
  }
}

export async function readLightningCsv(path: string): Promise<MetricFileResult> {
  const sink = new PointSink();
  const rows = await readCsvText(path, sink, 'metrics.csv');
  return rows ? lightningPoints(rows, sink) : sink.finish('metrics.csv: 0 points');
}

export async function readKerasCsv(path: string): Promise<MetricFileResult> {
  const sink = new PointSink();
  const rows = await readCsvText(path, sink, 'Keras CSV log');
  return rows ? kerasPoints(rows, sink) : sink.finish('Keras CSV log: 0 points');
}

/** Exported for tests. */
export function lightningPoints(rows: string[][], sink = new PointSink()): MetricFileResult {
  const header = rows[0];
  if (!header) return sink.finish('metrics.csv: empty file, 0 points');
  const stepAt = header.indexOf('step');
  const epochAt = header.indexOf('epoch');
  if (stepAt < 0) sink.note('metrics.csv has no step column');
  const columns = header.map((key, at) => (at === stepAt || at === epochAt ? undefined : splitPhasePrefix(key, 'training')));
  let rowsRead = 0;
  for (const row of rows.slice(1)) {
    if (row.length === 1 && row[0] === '') continue;
    rowsRead++;
    if (row.length !== header.length) sink.skip('rows whose cell count differs from the header');
    const step = integerCell(row[stepAt]);
    const epoch = integerCell(row[epochAt]);
    for (let at = 0; at < Math.min(row.length, header.length); at++) {
      const column = columns[at];
      if (!column) continue;
      if (!addCell(sink, column, row[at]!, { step, epoch })) break;
    }
    if (sink.full) break;
  }
  return sink.finish(`metrics.csv: ${sink.points.length} points from ${rowsRead} rows`);
}

/** Exported for tests. */
export function kerasPoints(rows: string[][], sink = new PointSink()): MetricFileResult {
  const header = rows[0];
  if (!header || header[0] !== 'epoch') return sink.finish('Keras CSV log: no epoch column first, 0 points');
  const columns = header.map((key, at) => (at === 0 ? undefined : key.startsWith('val_') && key.length > 4 ? { name: key.slice(4), context: 'validation' } : { name: key, context: 'training' }));
  let rowsRead = 0;
  for (const row of rows.slice(1)) {
    if (row.length === 1 && row[0] === '') continue;
    rowsRead++;
    if (row.length !== header.length) sink.skip('rows whose cell count differs from the header');
    const epoch = integerCell(row[0]);
    for (let at = 1; at < Math.min(row.length, header.length); at++) {
      if (!addCell(sink, columns[at]!, row[at]!, { epoch })) break;
    }
    if (sink.full) break;
  }
  return sink.finish(`Keras CSV log: ${sink.points.length} points from ${rowsRead} rows`);
}

function addCell(sink: PointSink, column: { name: string; context: string }, cell: string, at: { step?: number; epoch?: number }): boolean {
  const { value, kind } = cellValue(cell);
  if (kind === 'empty') return true;
  if (kind === 'text') {
    sink.skip('cells that are not numbers', column.name);
    return true;
  }
  return sink.add({ name: column.name, value: value!, context: column.context, ...(at.step !== undefined ? { step: at.step } : {}), ...(at.epoch !== undefined ? { epoch: at.epoch } : {}) });
}

function integerCell(cell: string | undefined): number | undefined {
  if (cell === undefined) return undefined;
  const { value, kind } = cellValue(cell);
  return kind === 'number' && Number.isSafeInteger(value) && value! >= 0 ? value : undefined;
}

/** Keras metric names: identifiers, as `model.compile(metrics=...)` and the callbacks produce them. */
const KERAS_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Whether the start of a file looks like a Keras CSVLogger log. Conservative: the header's first
 * column is `epoch`, there is no `step` column (Lightning's), a `loss` or `val_loss` column is
 * present (Keras always logs the loss), every column is an identifier, and the first data row,
 * when there is one, starts with a whole epoch number and has as many cells as the header.
 */
export function looksLikeKerasCsv(head: string): boolean {
  const lines = head.split(/\r?\n/);
  const header = lines[0]!.replace(/^\ufeff/, '').split(',');
  if (header.length < 2 || header[0] !== 'epoch' || header.includes('step')) return false;
  if (!header.includes('loss') && !header.includes('val_loss')) return false;
  if (!header.every((name) => KERAS_NAME.test(name))) return false;
  if (new Set(header).size !== header.length) return false;
  const first = lines[1];
  if (first === undefined || first === '' || lines.length === 2) return true; // header only, or the first row still being written
  const cells = first.split(',');
  return /^\d+$/.test(cells[0]!) && cells.length === header.length;
}

/** The first `bytes` of a file as text (for sniffing a header). */
export async function readHead(path: string, bytes = 4096): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
