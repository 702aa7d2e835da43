/** What an import or export has to say about its input: a heading, then each note indented on a line of its own. */
import { oneLine } from '../base/diagnostics.js';
import { redactText } from '../base/redact.js';
import { isQuiet } from './flags.js';

/** Writes `heading` and its notes to stderr, each on one line (inputs' control characters escaped, secrets redacted); nothing with `-q`. */
export function reportNotes(heading: string, notes: readonly string[]): void {
  if (isQuiet()) return;
  process.stderr.write(`reprov: ${oneLine(redactText(heading))}\n`);
  for (const note of notes) process.stderr.write(`reprov:   ${oneLine(redactText(note), 1000)}\n`);
}
