/**
 * Reads JSON text for PROV-JSON. JSON.parse is used whenever it is exact; when the text holds
 * a number JSON.parse would change (`1.0`, `2e3`, an integer past 2^53), lossless-json keeps
 * the number as written (a SourceNumber), since `1.0` and `1` are different literals.
 */
import { parse as parseLossless } from 'lossless-json';
import { SourceNumber } from '../prov/json-values.js';
import { Diagnostics, lineColumn } from './diagnostics.js';

// A number token (after `:`, `[` or `,`) with a fraction, an exponent or 16+ digits.
// Matches inside strings only make the reader take the exact path for nothing.
const INEXACT_NUMBER = /[:[,]\s*-?\d+(?:\.|[eE]|\d{15})/;

export function parseJsonText(text: string, diagnostics: Diagnostics): unknown {
  try {
    if (!INEXACT_NUMBER.test(text)) return JSON.parse(text);
    return parseLossless(text, null, (token: string) => {
      const exact = Number(token);
      return /[.eE]/.test(token) || !Number.isSafeInteger(exact) ? new SourceNumber(token) : exact;
    });
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const problem = message.replace(/\s*(?:in JSON )?at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    diagnostics.error(lineColumn(text, offset), `invalid JSON: ${problem}`);
    return undefined;
  }
}
