/** Whole-number flags (`--min-score 80`, `--jobs 4`): checked before any work starts. */
import { UsageError } from './errors.js';

/** The flag's value as a whole number from `min` to `max`; undefined when the flag is absent. */
export function wholeNumber(value: string | undefined, flag: string, min = 0, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag}: expected a whole number from ${min}${max < Infinity ? ` to ${max}` : ''}, found '${value}'`);
  }
  return Number(value);
}
