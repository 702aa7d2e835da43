/** Writing a ProvDataset in any supported format. */
import { join } from 'node:path';
import { DataFactory, type Quad } from 'n3';
import { withOutput } from '../base/output.js';
import { ProvJsonBuilder } from '../prov/to-prov-json.js';
import { UserError } from '../base/user-error.js';
import type { ProvDataset } from './dataset.js';
import { formatInfo, type Format } from './formats.js';
import { RdfTextWriter, type TextSink } from './rdf-text.js';

export interface WriteOptions {
  /** Write the quads of named graphs (PROV bundles) into the default graph, for Turtle/N-Triples. */
  mergeBundles?: boolean;
}

export class BundlesNeedNamedGraphs extends UserError {
  constructor(format: Format, count: number) {
    super(`the document has ${count} bundle${count === 1 ? '' : 's'} (named graphs), which ${formatInfo(format).names[0]} cannot hold: ` +
      'write TriG, N-Quads, JSON-LD or PROV-JSON, or pass --merge-bundles to merge them into one graph');
  }
}

/** The quads to write in `format`: refuses (or merges, when asked) named graphs where the format has none. */
export function quadsFor(format: Format, quads: Quad[], options: WriteOptions): Quad[] {
  if (formatInfo(format).namedGraphs) return quads;
  const graphs = new Set(quads.filter((q) => q.graph.termType !== 'DefaultGraph').map((q) => q.graph.value));
  if (!graphs.size) return quads;
  if (!options.mergeBundles) throw new BundlesNeedNamedGraphs(format, graphs.size);
  return quads.map((q) => (q.graph.termType === 'DefaultGraph' ? q : DataFactory.quad(q.subject, q.predicate, q.object)));
}

/** Serialises a dataset; returns the text. */
export async function writeProv(dataset: ProvDataset, format: Format, options: WriteOptions = {}): Promise<string> {
  let text = '';
  await writeProvTo(dataset, format, { write: (chunk) => (text += chunk) }, options);
  return text;
}

export async function writeProvTo(dataset: ProvDataset, format: Format, sink: TextSink, options: WriteOptions = {}): Promise<void> {
  const quads = quadsFor(format, dataset.quads, options);
  if (format === 'provjson') {
    const builder = new ProvJsonBuilder();
    for (const quad of quads) builder.add(quad);
    builder.writeTo(sink, dataset.prefixes);
  } else if (format === 'jsonld') {
    (await import('./jsonld.js')).writeJsonLdTo(quads, dataset.prefixes, sink);
  } else {
    const writer = new RdfTextWriter(format, dataset.prefixes, sink);
    for (const quad of quads) writer.add(quad);
    await writer.end();
  }
}

/** Writes `prov.json` (PROV-JSON) and `prov.ttl` (Turtle) of the dataset into `dir`, as a recorded run's bundle is written. */
export async function writeBundleFiles(dir: string, dataset: ProvDataset): Promise<{ provJson: string; turtle: string }> {
  const files = { provJson: join(dir, 'prov.json'), turtle: join(dir, 'prov.ttl') };
  await withOutput(files.provJson, (sink) => writeProvTo(dataset, 'provjson', sink));
  await withOutput(files.turtle, (sink) => writeProvTo(dataset, 'turtle', sink));
  return files;
}
