/**
 * Metrics the program already wrote in well-known forms, picked up after a run without any code
 * change: Hugging Face Trainer `trainer_state.json`, Lightning and Keras `CSVLogger` files, and
 * TensorBoard event files. docs/metric-files.md describes the formats, names, contexts and limits.
 */
import { stat } from 'node:fs/promises';
import { oneLine } from '../../base/diagnostics.js';
import { readKerasCsv, readLightningCsv } from './csv.js';
import { readTensorBoard } from './tensorboard.js';
import { readTrainerState } from './trainer-state.js';
import type { MetricFile, MetricFileResult } from './types.js';

export { findMetricFiles, type FindMetricFilesOptions } from './find.js';
export { dropOverlaps, type FilePoints } from './overlap.js';
export type { MetricFile, MetricFileFormat, MetricFileResult, MetricPoint } from './types.js';

/** The points of one file, with notes on what was read or skipped. Never throws: a problem is a note. */
export async function readMetricFile(file: MetricFile): Promise<MetricFileResult> {
  try {
    const info = await stat(file.path);
    if (!info.isFile()) return { points: [], notes: [`${oneLine(file.path, 200)}: not a regular file, not read`] };
    switch (file.format) {
      case 'hf-trainer-state':
        return await readTrainerState(file.path);
      case 'lightning-csv':
        return await readLightningCsv(file.path);
      case 'keras-csv':
        return await readKerasCsv(file.path);
      case 'tensorboard':
        return await readTensorBoard(file.path);
      default:
        return { points: [], notes: [`unknown metric file format ${oneLine(String((file as { format: unknown }).format), 40)}`] };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { points: [], notes: [`${oneLine(file.path, 200)}: cannot be read (${code ?? oneLine((error as Error).message ?? String(error), 200)})`] };
  }
}
