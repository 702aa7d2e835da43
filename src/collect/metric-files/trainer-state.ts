/**
 * Hugging Face Trainer `trainer_state.json`: its `log_history` is a list of flat objects, one per
 * `Trainer.log` call, each with `step` and `epoch` beside the values logged:
 *  - training entries: `loss`, `learning_rate`, `grad_norm`, ... → context `training`;
 *  - evaluation entries: `eval_loss`, `eval_accuracy`, ... → `validation`, `eval_` removed;
 *  - `test_*` keys (from `predict(..., metric_key_prefix="test")` when logged) → `testing`, `test_` removed;
 *  - the summary entry at the end of `train()`: `train_loss` (the mean over the whole run, not a
 *    point of the `loss` series, so it keeps its name), `train_runtime`, `train_samples_per_second`,
 *    ... → `training`, names as written.
 * `total_flos` (and any `*_flos`) is a cumulative operation count, not a metric: skipped.
 * Values that are not numbers (strings, null, booleans, objects) are skipped and counted.
 *
 * Python's json module writes NaN and Infinity as bare `NaN` / `Infinity` / `-Infinity` tokens,
 * which are not JSON: they are read as non-finite values (counted, never returned).
 *
 * The file is read whole and parsed with JSON.parse, up to MAX_TRAINER_STATE_BYTES. The Trainer
 * writes it with one `json.dump` at each checkpoint, one small object per logging step, so even
 * a million logging steps stay within the cap; a streaming parser would add a dependency for
 * files that do not occur. A larger file is not read (a note says so).
 */
import { readFile, stat } from 'node:fs/promises';
import { PointSink } from './tally.js';
import type { MetricFileResult } from './types.js';

export const MAX_TRAINER_STATE_BYTES = 64 * 1024 * 1024;

/** Marks the bare Python tokens once they are strings, so they cannot be confused with text. */
const NONFINITE_MARK = '\u0000reprov-nonfinite:';

/** Coordinates and counters that are not metric values. */
const NOT_METRICS = new Set(['step', 'epoch']);

export async function readTrainerState(path: string): Promise<MetricFileResult> {
  const sink = new PointSink();
  const size = (await stat(path)).size;
  if (size > MAX_TRAINER_STATE_BYTES) {
    sink.note(`trainer_state.json is ${size} bytes, more than the ${MAX_TRAINER_STATE_BYTES} read: not read`);
    return sink.finish('trainer_state.json: 0 points');
  }
  const text = await readFile(path, 'utf8');
  return parseTrainerState(text, sink);
}

/** The points of a trainer_state.json text. Exported for tests. */
export function parseTrainerState(text: string, sink = new PointSink()): MetricFileResult {
  let state: unknown;
  try {
    state = JSON.parse(pythonTokensAsStrings(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));
  } catch (error) {
    sink.note(`trainer_state.json is not JSON: ${(error as Error).message}`);
    return sink.finish('trainer_state.json: 0 points');
  }
  if (!isObject(state)) {
    sink.note('trainer_state.json is not a JSON object');
    return sink.finish('trainer_state.json: 0 points');
  }
  const history = Object.prototype.hasOwnProperty.call(state, 'log_history') ? state['log_history'] : undefined;
  if (!Array.isArray(history)) {
    sink.note('trainer_state.json has no log_history list');
    return sink.finish('trainer_state.json: 0 points');
  }
  let entries = 0;
  for (const entry of history) {
    if (!isObject(entry)) {
      sink.skip('log_history entries that are not objects');
      continue;
    }
    entries++;
    const step = coordinate(entry['step'], true);
    const epoch = coordinate(entry['epoch'], false);
    for (const [key, raw] of Object.entries(entry)) {
      if (NOT_METRICS.has(key)) continue;
      if (/(^|_)flos$/.test(key)) {
        sink.skip('operation counts (total_flos)', key);
        continue;
      }
      const value = numberOf(raw);
      if (value === undefined) {
        sink.skip('values that are not numbers', key);
        continue;
      }
      const { name, context } = splitKey(key);
      if (!sink.add({ name, value, context, ...(step !== undefined ? { step } : {}), ...(epoch !== undefined ? { epoch } : {}) })) break;
    }
    if (sink.full) break;
  }
  return sink.finish(`trainer_state.json: ${sink.points.length} points from ${entries} log_history entries`);
}

function splitKey(key: string): { name: string; context: string } {
  if (key.startsWith('eval_') && key.length > 5) return { name: key.slice(5), context: 'validation' };
  if (key.startsWith('test_') && key.length > 5) return { name: key.slice(5), context: 'testing' };
  return { name: key, context: 'training' };
}

/** A number, a marked non-finite token (as NaN, for the sink to count), or undefined for anything else. */
function numberOf(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.startsWith(NONFINITE_MARK)) return Number.NaN;
  return undefined;
}

/** A step (a safe non-negative integer) or an epoch (a finite number), else undefined. */
function coordinate(raw: unknown, integer: boolean): number | undefined {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return undefined;
  if (integer && !(Number.isSafeInteger(raw) && raw >= 0)) return undefined;
  return raw;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Bare `NaN`, `Infinity`, `-Infinity` outside strings become marked strings; strings are copied as
 * they are. One pass over the text (a regular expression over hostile quoting can go quadratic).
 */
function pythonTokensAsStrings(text: string): string {
  if (!/NaN|Infinity/.test(text)) return text;
  const out: string[] = [];
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    const token = text.startsWith('NaN', i) ? 'NaN' : text.startsWith('Infinity', i) ? 'Infinity' : text.startsWith('-Infinity', i) ? '-Infinity' : undefined;
    if (token) {
      out.push(text.slice(from, i), JSON.stringify(NONFINITE_MARK + token));
      i += token.length - 1;
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out.join('');
}
