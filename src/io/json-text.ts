/**
 * Reads JSON text for PROV-JSON. JSON.parse alone would turn `1.0` into `1` and round integers
 * past 2^53, but `1.0` and `1` are different literals. So before JSON.parse, a scan that knows
 * about strings finds each such number and wraps it in a marked string (see json-values.ts,
 * `exactNumber`); documents without one (the common case) go straight to JSON.parse.
 */
import { NUMBER_MARK } from '../prov/json-values.js';
import { Diagnostics, lineColumn } from '../base/diagnostics.js';

// A cheap pre-test: a number token with a fraction, an exponent or 16+ digits after `:`, `[` or
// `,`. It can match inside strings too (times such as "12:00.5"); the scan below then decides.
const MAYBE_INEXACT = /[:[,]\s*-?\d+(?:\.|[eE]|\d{15})/;

export function parseJsonText(text: string, diagnostics: Diagnostics): unknown {
  let source = text;
  if (MAYBE_INEXACT.test(text)) {
    const numbers = inexactNumbers(text);
    if (numbers.length) source = markNumbers(text, numbers);
  }
  try {
    return JSON.parse(source);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    // Positions in the marked text are shifted by the marks before them.
    const offset = position ? originalOffset(text, source, Number(position[1])) : text.length;
    const problem = message.replace(/\s*(?:in JSON )?at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    diagnostics.error(lineColumn(text, offset), `invalid JSON: ${problem}`);
    return undefined;
  }
}

/** The mark as it is written inside JSON text (NUL escaped). */
const MARK_IN_JSON = JSON.stringify(NUMBER_MARK).slice(1, -1);

const BACKSLASH = 92, MINUS = 45, ZERO = 48, NINE = 57, DOT = 46, LOWER_E = 101, UPPER_E = 69, PLUS = 43;

/** [start, end) of every number token outside strings that JSON.parse would not keep exactly. */
function inexactNumbers(text: string): [number, number][] {
  const found: [number, number][] = [];
  let at = 0;
  while (at < text.length) {
    // Between strings: structure, whitespace and literals, where numbers are.
    const quote = text.indexOf('"', at);
    const end = quote === -1 ? text.length : quote;
    for (let i = at; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c !== MINUS && (c < ZERO || c > NINE)) continue;
      const start = i;
      let exact = true;
      for (i++; i < end; i++) {
        const d = text.charCodeAt(i);
        if (d === DOT || d === LOWER_E || d === UPPER_E) exact = false;
        else if (!(d >= ZERO && d <= NINE) && d !== MINUS && d !== PLUS) break;
      }
      if (!exact || i - start > 15) found.push([start, i]);
    }
    if (quote === -1) break;
    at = stringEnd(text, quote) + 1;
  }
  return found;
}

/** The index of the quote closing the string that opens at `quote` (text.length if none). */
function stringEnd(text: string, quote: number): number {
  for (let close = text.indexOf('"', quote + 1); close !== -1; close = text.indexOf('"', close + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close;
  }
  return text.length;
}

function markNumbers(text: string, numbers: [number, number][]): string {
  const parts: string[] = [];
  let at = 0;
  for (const [start, end] of numbers) {
    parts.push(text.slice(at, start), `"${MARK_IN_JSON}${text.slice(start, end)}"`);
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function originalOffset(text: string, source: string, offset: number): number {
  if (source === text) return offset;
  // Each mark adds the mark text and two quotes; count the marks before the offset.
  const added = MARK_IN_JSON.length + 2;
  let marks = 0;
  for (let i = source.indexOf(MARK_IN_JSON); i !== -1 && i < offset; i = source.indexOf(MARK_IN_JSON, i + 1)) marks++;
  return Math.max(0, offset - marks * added);
}
