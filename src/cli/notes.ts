/** What an import or export has to say about its input: a heading, then each note indented on a line of its own. */
import { oneLine } from '../base/diagnostics.js';
import { redactText } from '../base/redact.js';

/** Writes `heading` and its notes to stderr, each on one line (inputs' control characters escaped, secrets redacted). */
export function reportNotes(heading: string, notes: readonly string[]): void {
  process.stderr.write(`reprov: ${oneLine(redactText(heading))}\n`);
  for (const note of notes) process.stderr.write(`reprov:   ${oneLine(redactText(note), 1000)}\n`);
}
