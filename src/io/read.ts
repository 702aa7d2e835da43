/** Reading any supported format into a ProvDataset. */
import { readFile } from 'node:fs/promises';
import type { Quad } from 'n3';
import type { FromProvJsonOptions } from '../prov/from-prov-json.js';
import type { ProvDataset } from './dataset.js';
import { Diagnostics, ProvInputError } from '../base/diagnostics.js';
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
      const doc = parseJsonText(text, diagnostics);
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
