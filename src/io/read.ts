/** Reading any supported format into a ProvDataset. */
import { constants } from 'node:buffer';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { Quad } from 'n3';
import type { FromProvJsonOptions } from '../prov/from-prov-json.js';
import type { ProvDataset } from './dataset.js';
import { Diagnostics, ProvInputError, type Diagnostic } from '../base/diagnostics.js';
import { formatFromPath, sniffFormat, type Format } from './formats.js';
import { parseJsonText } from './json-text.js';
import { isRdfText, streamRdfText } from './rdf-text.js';

export interface ReadOptions extends FromProvJsonOptions {
  /** Input format; detected from the file name, then the content, when absent. */
  format?: Format;
  /** Name used in error messages (the path, or `<stdin>`). */
  file?: string;
  /** Convert what can be converted and list what was skipped instead of failing. */
  lenient?: boolean;
}

/** Reads a provenance document from text. Throws ProvInputError for bad input unless lenient. */
export async function readProv(text: string, options: ReadOptions = {}): Promise<ProvDataset> {
  const quads: Quad[] = [];
  const { prefixes, warnings, skipped } = await readProvInto(text, options, (q) => quads.push(q));
  return { quads, prefixes, warnings, skipped };
}

/**
 * Reads a provenance document from text, handing each quad to `onQuad` as it is read (a large
 * bundle then never exists as an array beside the store it goes into). Throws ProvInputError for
 * bad input unless lenient.
 */
export async function readProvInto(text: string, options: ReadOptions, onQuad: (quad: Quad) => void): Promise<Omit<ProvDataset, 'quads'>>;
/** The same from text in pieces ({@link readInputPieces}), in an RDF text format named by `options.format`. */
export async function readProvInto(pieces: AsyncIterable<string>, options: ReadOptions & { format: Format }, onQuad: (quad: Quad) => void): Promise<Omit<ProvDataset, 'quads'>>;
export async function readProvInto(input: string | AsyncIterable<string>, options: ReadOptions, onQuad: (quad: Quad) => void): Promise<Omit<ProvDataset, 'quads'>> {
  const file = options.file ?? '<input>';
  const diagnostics = new Diagnostics(file, options.lenient ?? false);
  let prefixes: Record<string, string>;
  if (typeof input === 'string') {
    const format = options.format ?? (options.file ? formatFromPath(options.file) : undefined) ?? sniffFormat(input);
    prefixes = await parse(input, format, diagnostics, options, onQuad);
  } else {
    if (!options.format || !isRdfText(options.format)) throw new Error(`text in pieces is read as Turtle, TriG, N-Triples or N-Quads, not ${options.format}`);
    prefixes = await streamRdfText(input, options.format, diagnostics, onQuad);
  }
  return { prefixes, warnings: diagnostics.warnings, skipped: diagnostics.skipped };
}

/**
 * Refuses an input of whitespace (and a byte order mark) only, for the commands (an empty N-Triples
 * file is an empty graph to the library, but a command given one was given nothing). Throws ProvInputError.
 */
export function refuseEmpty(text: string, file: string): void {
  if (!/\S/.test(text)) throw new ProvInputError({ file, location: '', message: 'the input is empty: no provenance to read' });
}

/** Reads a file (or `-` for standard input). */
export async function readProvFile(path: string, options: ReadOptions = {}): Promise<ProvDataset> {
  const file = path === '-' ? '<stdin>' : path;
  const warnings: Diagnostic[] = [];
  const text = await readInputText(path, { lenient: options.lenient, warnings });
  const dataset = await readProv(text, { ...options, file, format: options.format ?? (path === '-' ? undefined : formatFromPath(path)) });
  return { ...dataset, warnings: [...warnings, ...dataset.warnings] };
}

export interface ReadTextOptions {
  /** Read invalid UTF-8 with U+FFFD in place (and a warning in `warnings`) instead of failing. */
  lenient?: boolean;
  /** Where a lenient read puts its warning. */
  warnings?: Diagnostic[];
}

/**
 * The text of a file (or `-` for standard input), decoded as UTF-8. Invalid UTF-8 is an error
 * naming the file and the byte (never silent U+FFFD), unless lenient. Throws ProvInputError.
 */
export async function readInputText(path: string, options: ReadTextOptions = {}): Promise<string> {
  const file = path === '-' ? '<stdin>' : path;
  let bytes: Uint8Array;
  try {
    bytes = path === '-' ? await readStdin() : await readFile(path);
  } catch (error) {
    throw cannotRead(file, error);
  }
  return decodeUtf8(bytes, file, options);
}

function cannotRead(file: string, error: unknown): ProvInputError {
  const code = (error as NodeJS.ErrnoException).code;
  const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code ?? 'read failed';
  return new ProvInputError({ file, location: '', message: `cannot read input: ${problem}` });
}

/**
 * Bytes read at a time by {@link readInputPieces}. 100k-entity N-Triples to PROV-JSON (bench/reverse.mjs):
 * 16 KiB and 64 KiB pieces cost 0.2-0.5 s more CPU than 256 KiB; 1 MiB pieces 130 MB more peak RSS.
 */
const PIECE_BYTES = 1 << 18;

/**
 * The text of the file at `path` in pieces, decoded as {@link readInputText} decodes it, each
 * piece ending at a line end (the last one may not): a parser reading them never holds the whole
 * input, and n3's lexer, left with no unfinished token at a piece's end, never joins two pieces
 * into one string. Throws ProvInputError as readInputText does.
 */
export async function* readInputPieces(path: string, options: ReadTextOptions = {}): AsyncGenerator<string> {
  let handle: FileHandle;
  try {
    handle = await open(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
  try {
    // A BOM is kept by the decoders and dropped here, at the start only: each piece is decoded on its own.
    let decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    // Bytes read and not yet decoded start the buffer: an unfinished line is moved there, never
    // joined to the next read; a line longer than the buffer makes it twice as long.
    let buffer = Buffer.allocUnsafe(PIECE_BYTES);
    let kept = 0;
    let offset = 0; // of the buffer's first byte in the file
    for (let end = false; !end;) {
      if (kept === buffer.length) {
        if (buffer.length >= constants.MAX_STRING_LENGTH) throw tooLong(path, `a line longer than ${mebibytes(buffer.length)}`);
        buffer = Buffer.concat([buffer], 2 * buffer.length);
      }
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, kept, buffer.length - kept));
      } catch (error) {
        throw cannotRead(path, error);
      }
      end = bytesRead === 0;
      const filled = kept + bytesRead;
      const lineEnd = end ? filled : buffer.lastIndexOf(10, filled - 1) + 1;
      if (!lineEnd && !end) {
        kept = filled;
        continue;
      }
      const piece = buffer.subarray(0, lineEnd);
      let text: string;
      try {
        text = decoder.decode(piece);
      } catch (error) {
        if (!isInvalidUtf8(error)) throw tooLongOr(error, path, `a line of ${mebibytes(piece.length)}`);
        invalidUtf8(piece, invalidUtf8Offset(piece), offset, path, await lineBefore(handle, offset), options);
        // From here on invalid bytes read as U+FFFD.
        decoder = new TextDecoder('utf-8', { ignoreBOM: true });
        text = decoder.decode(piece);
      }
      if (offset === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      buffer.copyWithin(0, lineEnd, filled);
      kept = filled - lineEnd;
      offset += lineEnd;
      if (text) yield text;
    }
  } finally {
    await handle.close();
  }
}

/** The 1-based line at byte `offset` of a file (read again: only an error needs it). */
async function lineBefore(handle: FileHandle, offset: number): Promise<number> {
  let line = 1;
  const buffer = Buffer.allocUnsafe(PIECE_BYTES);
  for (let position = 0; position < offset;) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(PIECE_BYTES, offset - position), position);
    if (!bytesRead) break;
    for (let i = buffer.indexOf(10); i !== -1 && i < bytesRead; i = buffer.indexOf(10, i + 1)) line++;
    position += bytesRead;
  }
  return line;
}

/** Decodes UTF-8 strictly (a byte order mark is dropped). See {@link readInputText}. */
export function decodeUtf8(bytes: Uint8Array, file: string, options: ReadTextOptions = {}): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    if (!isInvalidUtf8(error)) throw tooLongOr(error, file, `${mebibytes(bytes.length)} of text`);
    invalidUtf8(bytes, invalidUtf8Offset(bytes), 0, file, 1, options);
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const isInvalidUtf8 = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';

/** Text longer than V8's longest string (512 MiB) cannot be read as one: said so, not as invalid UTF-8. */
function tooLongOr(error: unknown, file: string, what: string): unknown {
  return (error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG' ? tooLong(file, what) : error;
}

function tooLong(file: string, what: string): ProvInputError {
  return new ProvInputError({ file, location: '', message: `${what}: more than Node holds in one string (${mebibytes(constants.MAX_STRING_LENGTH)})` });
}

const mebibytes = (bytes: number) => `${Math.round(bytes / (1 << 20))} MiB`;

/**
 * Throws the error for the invalid byte at `at` in `bytes` (which start at byte `start` of the
 * file, at the start of line `line`) or, lenient, warns that it is read as U+FFFD.
 */
function invalidUtf8(bytes: Uint8Array, at: number, start: number, file: string, line: number, options: ReadTextOptions): void {
  const error = { file, location: byteLocation(bytes, at, line), message: `invalid UTF-8 at byte ${start + at} (0x${bytes[at]?.toString(16).padStart(2, '0') ?? '??'}): the input must be UTF-8 text` };
  if (!options.lenient) throw new ProvInputError({ ...error, message: `${error.message} (--lenient reads it with U+FFFD in place)` });
  options.warnings?.push({ ...error, message: `${error.message}; read with U+FFFD in place (--lenient)` });
}

/** 1-based `line:column` (the column in bytes) of a byte offset in `bytes`, which start a line (`line`). */
function byteLocation(bytes: Uint8Array, offset: number, line: number): string {
  let lineStart = 0;
  for (let i = bytes.indexOf(10); i !== -1 && i < offset; i = bytes.indexOf(10, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `${line}:${offset - lineStart + 1}`;
}

/** The offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629). */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number, min: number, max: number;
    if (b >= 0xc2 && b <= 0xdf) [length, min, max] = [2, 0x80, 0xbf];
    else if (b === 0xe0) [length, min, max] = [3, 0xa0, 0xbf];
    else if (b === 0xed) [length, min, max] = [3, 0x80, 0x9f];
    else if (b >= 0xe1 && b <= 0xef) [length, min, max] = [3, 0x80, 0xbf];
    else if (b === 0xf0) [length, min, max] = [4, 0x90, 0xbf];
    else if (b === 0xf4) [length, min, max] = [4, 0x80, 0x8f];
    else if (b >= 0xf1 && b <= 0xf3) [length, min, max] = [4, 0x80, 0xbf];
    else return i;
    const second = bytes[i + 1];
    if (second === undefined || second < min || second > max) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parse(text: string, format: Format, diagnostics: Diagnostics, options: FromProvJsonOptions, onQuad: (quad: Quad) => void): Promise<Record<string, string>> {
  switch (format) {
    case 'provjson': {
      // The PROV-JSON reader and its schema load only when PROV-JSON is read (a check of Turtle bundles never needs them).
      const [{ checkProvJsonSchema }, { declaredPrefixes, provJsonToQuads }] = await Promise.all([import('../prov/schema.js'), import('../prov/from-prov-json.js')]);
      const doc = parseJsonText(text, diagnostics);
      if (doc === undefined) return {};
      if (!diagnostics.lenient) checkProvJsonSchema(doc, diagnostics);
      provJsonToQuads(doc, onQuad, diagnostics, options);
      return declaredPrefixes(doc, options.namespaceBase);
    }
    case 'jsonld': {
      // Ordinary objects: the jsonld package calls their methods (`__proto__` is still an own key).
      const doc = parseJsonText(text, diagnostics, { plainObjects: true });
      if (doc === undefined) return {};
      // jsonld and its dependencies load only when JSON-LD is read: they cost ~0.1 s of start-up.
      const { quads, prefixes } = await (await import('./jsonld.js')).parseJsonLd(doc, diagnostics);
      quads.forEach(onQuad);
      return prefixes;
    }
    default:
      return streamRdfText(text, format, diagnostics, onQuad);
  }
}
