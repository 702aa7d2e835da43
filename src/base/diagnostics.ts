import { UserError } from './user-error.js';

/**
 * Problems found in an input document. Strict readers throw the first one as a
 * ProvInputError; lenient readers collect them and carry on.
 */
export interface Diagnostic {
  /** File name as the user gave it, or `<stdin>`. */
  file: string;
  /** JSON pointer (`/entity/ex:e1/prov:type`) or `line:column`. */
  location: string;
  message: string;
}

export class ProvInputError extends UserError {
  readonly file: string;
  readonly location: string;
  readonly problem: string;

  constructor(diagnostic: Diagnostic) {
    super(formatDiagnostic(diagnostic));
    this.name = 'ProvInputError';
    this.file = diagnostic.file;
    this.location = diagnostic.location;
    this.problem = diagnostic.message;
  }
}

/** `file:location: message`, the one line a user sees for bad input (see {@link oneLine}). */
export function formatDiagnostic({ file, location, message }: Diagnostic): string {
  return location ? `${oneLine(file, 300)}:${oneLine(location, 80)}: ${oneLine(message)}` : `${oneLine(file, 300)}: ${oneLine(message)}`;
}

// C0 and C1 controls, DEL, line and paragraph separators, bidirectional marks, overrides and isolates, lone surrogates.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text from an input as an error message may show it: control characters, line breaks and other
 * invisible or reordering characters escaped (`\n`, `\u001b`), and cut to `max` characters, so
 * that hostile input can neither break the one-line format nor write to the terminal.
 */
export function oneLine(text: string, max = 400): string {
  const escaped = text.replace(UNPRINTABLE, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}

export class Diagnostics {
  readonly skipped: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];

  constructor(readonly file: string, readonly lenient: boolean) {}

  /** An error: thrown unless lenient, in which case the caller skips what it concerns. */
  error(location: string, message: string): void {
    const diagnostic = { file: this.file, location, message };
    if (!this.lenient) throw new ProvInputError(diagnostic);
    this.skipped.push(diagnostic);
  }

  warn(location: string, message: string): void {
    this.warnings.push({ file: this.file, location, message });
  }
}

/** RFC 6901 JSON pointer from path segments. */
export function jsonPointer(...segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** 1-based `line:column` of a character offset in a text. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `${line}:${offset - lineStart + 1}`;
}
