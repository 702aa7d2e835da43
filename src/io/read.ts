/** Reading any supported format into a ProvDataset. */
import { readFile } from 'node:fs/promises';
import type { Quad } from 'n3';
import { declaredPrefixes, provJsonToQuads, type FromProvJsonOptions } from '../prov/from-prov-json.js';
import { checkProvJsonSchema } from '../prov/schema.js';
import type { ProvDataset } from './dataset.js';
import { Diagnostics, ProvInputError } from './diagnostics.js';
import { formatFromPath, sniffFormat, type Format } from './formats.js';
import { parseJsonText } from './json-text.js';
import { parseRdfText } from './rdf-text.js';

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
  const file = options.file ?? '<input>';
  const diagnostics = new Diagnostics(file, options.lenient ?? false);
  const format = options.format ?? (options.file ? formatFromPath(options.file) : undefined) ?? sniffFormat(text);
  const { quads, prefixes } = await parse(text, format, diagnostics, options);
  return { quads, prefixes, warnings: diagnostics.warnings, skipped: diagnostics.skipped };
}

/** Reads a file (or `-` for standard input). */
export async function readProvFile(path: string, options: ReadOptions = {}): Promise<ProvDataset> {
  const file = path === '-' ? '<stdin>' : path;
  const text = await readInputText(path);
  return readProv(text, { ...options, file, format: options.format ?? (path === '-' ? undefined : formatFromPath(path)) });
}

export async function readInputText(path: string): Promise<string> {
  try {
    return path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ProvInputError({ file: path, location: '', message: `cannot read input: ${problem}` });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function parse(text: string, format: Format, diagnostics: Diagnostics, options: FromProvJsonOptions): Promise<{ quads: Quad[]; prefixes: Record<string, string> }> {
  switch (format) {
    case 'provjson': {
      const doc = parseJsonText(text, diagnostics);
      if (doc === undefined) return { quads: [], prefixes: {} };
      if (!diagnostics.lenient) checkProvJsonSchema(doc, diagnostics);
      const quads: Quad[] = [];
      provJsonToQuads(doc, (q) => quads.push(q), diagnostics, options);
      return { quads, prefixes: declaredPrefixes(doc, options.namespaceBase) };
    }
    case 'jsonld': {
      const doc = parseJsonText(text, diagnostics);
      // jsonld and its dependencies load only when JSON-LD is read: they cost ~0.1 s of start-up.
      return doc === undefined ? { quads: [], prefixes: {} } : (await import('./jsonld.js')).parseJsonLd(doc, diagnostics);
    }
    default:
      return parseRdfText(text, format, diagnostics);
  }
}
