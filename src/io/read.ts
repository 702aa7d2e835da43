/** Reading any supported format into a ProvDataset. */
import { readFile } from 'node:fs/promises';
import type { Quad } from 'n3';
import type { FromProvJsonOptions } from '../prov/from-prov-json.js';
import type { ProvDataset } from './dataset.js';
import { Diagnostics, ProvInputError, type Diagnostic } from '../base/diagnostics.js';
import { formatFromPath, sniffFormat, type Format } from './formats.js';
import { parseJsonText } from './json-text.js';
import { streamRdfText } from './rdf-text.js';

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
export async function readProvInto(text: string, options: ReadOptions, onQuad: (quad: Quad) => void): Promise<Omit<ProvDataset, 'quads'>> {
  const file = options.file ?? '<input>';
  const diagnostics = new Diagnostics(file, options.lenient ?? false);
  const format = options.format ?? (options.file ? formatFromPath(options.file) : undefined) ?? sniffFormat(text);
  const prefixes = await parse(text, format, diagnostics, options, onQuad);
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
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code ?? 'read failed';
    throw new ProvInputError({ file, location: '', message: `cannot read input: ${problem}` });
  }
  return decodeUtf8(bytes, file, options);
}

/** Decodes UTF-8 strictly (a byte order mark is dropped). See {@link readInputText}. */
export function decodeUtf8(bytes: Uint8Array, file: string, options: ReadTextOptions = {}): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = invalidUtf8Offset(bytes);
    const at = { file, location: byteLocation(bytes, offset), message: `invalid UTF-8 at byte ${offset} (0x${bytes[offset]?.toString(16).padStart(2, '0') ?? '??'}): the input must be UTF-8 text` };
    if (!options.lenient) throw new ProvInputError({ ...at, message: `${at.message} (--lenient reads it with U+FFFD in place)` });
    options.warnings?.push({ ...at, message: `${at.message}; read with U+FFFD in place (--lenient)` });
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** 1-based `line:column` (the column in bytes) of a byte offset. */
function byteLocation(bytes: Uint8Array, offset: number): string {
  let line = 1;
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
