/**
 * `convert`: any supported format to any other. PROV-JSON to an RDF text format streams quads
 * straight from the JSON reader to the writer, without holding the graph.
 */
import { statSync } from 'node:fs';
import { DataFactory, type Quad } from 'n3';
import { declaredPrefixes, provJsonToQuads } from './prov/from-prov-json.js';
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
 * PROV-JSON files at least this large are converted by streaming (io/prov-json-stream.ts) when
 * the output is N-Triples, N-Quads, Turtle or TriG and the conversion is not lenient. Below it
 * the whole-document path is as fast (bench/convert.mjs) and its messages name lines and columns.
 */
export const STREAM_FROM_BYTES = 16 << 20;

/** Whether {@link convertFile} streams the file at `path`. */
export function streams(path: string, options: ConvertOptions): boolean {
  const from = options.format ?? formatFromPath(path);
  if (from !== 'provjson' || options.lenient || options.to === 'provjson' || options.to === 'jsonld') return false;
  const stat = statSync(path, { throwIfNoEntry: false });
  return !!stat?.isFile() && stat.size >= STREAM_FROM_BYTES;
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
  if (options.to === 'provjson' && from && isRdfText(from)) {
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
  provJsonToQuads(
    doc,
    merge ? (q) => writer.add(DataFactory.quad(q.subject, q.predicate, q.object)) : (q) => writer.add(q),
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
