/**
 * How a metric's context (training, validation, testing) and name are derived from the prefixes
 * and directory names the frameworks use. One table for all formats, so that `val_loss` in a
 * Keras log, `val/loss` in a Lightning log and `eval/loss` in TensorBoard all land in the same place.
 */
import { MAX_NAME } from './types.js';

/** Words that name a phase, lower case, as the frameworks spell them. */
const PHASE_WORDS: Readonly<Record<string, 'training' | 'validation' | 'testing'>> = {
  train: 'training',
  training: 'training',
  val: 'validation',
  valid: 'validation',
  validation: 'validation',
  eval: 'validation',
  evaluation: 'validation',
  test: 'testing',
  testing: 'testing',
};

/** The phase a word names, or undefined. Exact words only: `training_data` or `trainer` name none. */
export function phaseOf(word: string): 'training' | 'validation' | 'testing' | undefined {
  return Object.prototype.hasOwnProperty.call(PHASE_WORDS, word.toLowerCase()) ? PHASE_WORDS[word.toLowerCase()] : undefined;
}

/**
 * A column or tag split into context and name: a leading phase word followed by `_` or `/`
 * (`val_acc`, `val/acc`, `train_loss`, `test/f1`) gives the context and is removed from the name;
 * anything else is `fallback` with the name unchanged. A bare phase word (`val`) is left alone.
 */
export function splitPhasePrefix(key: string, fallback: string): { name: string; context: string } {
  const match = /^([A-Za-z]+)[_/](.+)$/.exec(key);
  if (match) {
    const phase = phaseOf(match[1]!);
    if (phase) return { name: match[2]!, context: phase };
  }
  return { name: key, context: fallback };
}

/**
 * The phase named by a TensorBoard run directory: Keras writes `logs/train` and `logs/validation`,
 * `SummaryWriter.add_scalars('mae', {'train': …})` writes `runs/x/mae_train`. The whole name or
 * its last `_`/`-`/`.`-separated word must be a phase word.
 */
export function phaseOfDirectory(dirName: string): 'training' | 'validation' | 'testing' | undefined {
  const whole = phaseOf(dirName);
  if (whole) return whole;
  const words = dirName.split(/[_.-]/);
  return words.length > 1 ? phaseOf(words[words.length - 1]!) : undefined;
}

/** A name as it is returned: cut to MAX_NAME characters. Empty names are the caller's to skip. */
export function boundedName(name: string): { name: string; cut: boolean } {
  return name.length > MAX_NAME ? { name: name.slice(0, MAX_NAME), cut: true } : { name, cut: false };
}
