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

/** `file:location: message`, the one line a user sees for bad input. */
export function formatDiagnostic({ file, location, message }: Diagnostic): string {
  return location ? `${file}:${location}: ${message}` : `${file}: ${message}`;
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
