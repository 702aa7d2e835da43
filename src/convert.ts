/**
 * `convert`: any supported format to any other. PROV-JSON to an RDF text format streams quads
 * straight from the JSON reader to the writer, without holding the graph.
 */
import { statSync } from 'node:fs';
import { DataFactory, type Quad } from 'n3';
import { declaredPrefixes, provJsonToStatements } from './prov/from-prov-json.js';
import { Diagnostics, type Diagnostic } from './base/diagnostics.js';
import { formatFromPath, formatInfo, sniffFormat, type Format } from './io/formats.js';
import { parseJsonText } from './io/json-text.js';
import { isRdfText, RdfTextWriter, type TextSink } from './io/rdf-text.js';
import { readInputPieces, readInputText, readProv, readProvInto, refuseEmpty, type ReadOptions } from './io/read.js';
import { ProvJsonBuilder } from './prov/to-prov-json.js';
import { BundlesNeedNamedGraphs, writeProvTo, type WriteOptions } from './io/write.js';
import { checkProvJsonSchema } from './prov/schema.js';

export interface ConvertOptions extends ReadOptions, WriteOptions {
  to: Format;
  /** Files of at least this many bytes are streamed rather than read whole (default {@link STREAM_FROM_BYTES}). */
  streamFromBytes?: number;
}

export interface ConvertReport {
  warnings: Diagnostic[];
  skipped: Diagnostic[];
}

/** Converts `text` and hands the output to `sink` in chunks. Throws ProvInputError for bad input unless lenient. */
export async function convertTo(text: string, sink: TextSink, options: ConvertOptions): Promise<ConvertReport> {
  const from = options.format ?? (options.file ? formatFromPath(options.file) : undefined) ?? sniffFormat(text);
  if (from === 'provjson' && options.to !== 'provjson' && options.to !== 'jsonld') {
    return provJsonTextToRdf(text, sink, options);
  }
  if (options.to === 'provjson') return toProvJson(text, sink, { ...options, format: from });
  const dataset = await readProv(text, { ...options, format: from });
  await writeProvTo(dataset, options.to, sink, options);
  return { warnings: dataset.warnings, skipped: dataset.skipped };
}

/**
 * Files at least this large are streamed: PROV-JSON (io/prov-json-stream.ts) when the output is
 * N-Triples, N-Quads, Turtle or TriG and the conversion is not lenient; RDF text to PROV-JSON, read
 * in pieces (io/read.ts readInputPieces). Below it reading the whole text is faster (bench/convert.mjs,
 * bench/reverse.mjs: pieces cost ~0.07 s CPU more at 10k entities) and a few MB are no memory concern.
 */
export const STREAM_FROM_BYTES = 16 << 20;

/** Whether {@link convertFile} streams the PROV-JSON file at `path`. */
export function streams(path: string, options: ConvertOptions): boolean {
  const from = options.format ?? formatFromPath(path);
  if (from !== 'provjson' || options.lenient || options.to === 'provjson' || options.to === 'jsonld') return false;
  return large(path, options);
}

function large(path: string, options: ConvertOptions): boolean {
  const stat = statSync(path, { throwIfNoEntry: false });
  return !!stat?.isFile() && stat.size >= (options.streamFromBytes ?? STREAM_FROM_BYTES);
}

/**
 * Converts the file at `path` (not standard input), streaming it when {@link streams} says so.
 * Throws ProvInputError for bad input unless lenient.
 */
export async function convertFile(path: string, sink: TextSink, options: ConvertOptions): Promise<ConvertReport> {
  if (streams(path, options)) {
    const { streamProvJsonFile } = await import('./io/prov-json-stream.js');
    return streamProvJsonFile(path, sink, { ...options, file: options.file ?? path });
  }
  const warnings: Diagnostic[] = [];
  const file = options.file ?? path;
  const from = options.format ?? formatFromPath(path);
  if (options.to === 'provjson' && from && isRdfText(from) && large(path, options)) {
    const pieces = refuseEmptyPieces(readInputPieces(path, { lenient: options.lenient, warnings }), file);
    const report = await toProvJson(pieces, sink, { ...options, file, format: from });
    return { ...report, warnings: [...warnings, ...report.warnings] };
  }
  const text = await readInputText(path, { lenient: options.lenient, warnings });
  refuseEmpty(text, file);
  const report = await convertTo(text, sink, { ...options, file });
  return { ...report, warnings: [...warnings, ...report.warnings] };
}

/** Converts `text` and returns the output as a string. */
export async function convert(text: string, options: ConvertOptions): Promise<{ output: string } & ConvertReport> {
  let output = '';
  const report = await convertTo(text, { write: (chunk) => (output += chunk) }, options);
  return { output, ...report };
}

/** A PROV-JSON text already in memory to RDF, quads written as they are made (the file path for large inputs streams: convertFile). */
async function provJsonTextToRdf(text: string, sink: TextSink, options: ConvertOptions): Promise<ConvertReport> {
  const diagnostics = new Diagnostics(options.file ?? '<input>', options.lenient ?? false);
  const doc = parseJsonText(text, diagnostics);
  if (doc === undefined) return diagnostics;
  if (!options.lenient) checkProvJsonSchema(doc, diagnostics);
  const bundles = typeof doc === 'object' && doc !== null && Object.hasOwn(doc, 'bundle') ? (doc as { bundle?: unknown }).bundle : undefined;
  const bundleCount = bundles && typeof bundles === 'object' ? Object.keys(bundles).length : 0;
  const merge = bundleCount > 0 && !formatInfo(options.to).namedGraphs;
  if (merge && !options.mergeBundles) throw new BundlesNeedNamedGraphs(options.to, bundleCount);
  const writer = new RdfTextWriter(options.to, declaredPrefixes(doc, options.namespaceBase), sink);
  const defaultGraph = DataFactory.defaultGraph();
  provJsonToStatements(
    doc,
    merge ? (s, p, o) => writer.addQuad(s, p, o, defaultGraph) : (s, p, o, g) => writer.addQuad(s, p, o, g),
    diagnostics,
    options,
  );
  await writer.end();
  return diagnostics;
}

/** {@link refuseEmpty} for text in pieces: said once the input has ended with no other character. */
async function* refuseEmptyPieces(pieces: AsyncIterable<string>, file: string): AsyncGenerator<string> {
  let empty = true;
  for await (const piece of pieces) {
    empty &&= !/\S/.test(piece);
    yield piece;
  }
  if (empty) refuseEmpty('', file);
}

/**
 * Any format to PROV-JSON: each quad goes into the builder as it is read, never into an array of
 * every quad. RDF text may come in pieces (a file: convertFile), never held whole.
 */
async function toProvJson(input: string | AsyncIterable<string>, sink: TextSink, options: ConvertOptions): Promise<ConvertReport> {
  const builder = new ProvJsonBuilder();
  const onQuad = (quad: Quad) => builder.add(quad);
  const { prefixes, warnings, skipped } = typeof input === 'string'
    ? await readProvInto(input, options, onQuad)
    : await readProvInto(input, { ...options, format: options.format! }, onQuad);
  // What PROV-JSON has no place for (statements of a node that is no PROV element, a literal's base direction) is said.
  const dropped = builder.writeTo(sink, prefixes).map((message) => ({ file: options.file ?? '<input>', location: '', message }));
  return { warnings: [...warnings, ...dropped], skipped };
}
