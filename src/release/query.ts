/**
 * `reprov query`: SPARQL 1.1 over every bundle found, each bundle one named graph (its IRI the
 * bundle file's `file:` URL; the default graph is the union of them all), run by Oxigraph's
 * embedded engine (WebAssembly: no server). Results as a table, or in the SPARQL 1.1 results
 * formats (JSON, CSV, TSV); a CONSTRUCT or DESCRIBE as Turtle, N-Triples or JSON-LD.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { UserError } from '../base/user-error.js';
import { RUN_PREFIXES } from '../prov/vocabulary.js';
import { bundleFilesUnder, type RunRow } from './runs.js';
import { readBundles, type BundleLoadError } from './query-load.js';
import { BundleCache } from './query-cache.js';
import { oneLine } from '../base/diagnostics.js';
import { MEDIA, parseResults, type SparqlJson, type SparqlSource, type SparqlTerm } from './sparql-source.js';

type Oxigraph = typeof import('oxigraph');
let oxigraph: Oxigraph | undefined;
/** Oxigraph (CommonJS, with its WebAssembly) loads only when a query runs. */
function engine(): Oxigraph {
  oxigraph ??= createRequire(import.meta.url)('oxigraph') as Oxigraph;
  return oxigraph;
}

export type QueryFormat = 'text' | 'json' | 'csv' | 'tsv' | 'turtle' | 'ntriples';

/** A query Oxigraph refuses (syntax, an unsupported SERVICE): one line with the position (exit 2). */
export class QueryError extends UserError {}

/** The file: URL that names a bundle's graph. */
export function graphIri(file: string): string {
  return pathToFileURL(resolve(file)).href;
}

/**
 * The query with PREFIX lines for reprov's vocabulary (prov:, reprov:, mls:, schema:, spdx:, dcat:,
 * dcterms:, rdf:, rdfs:, xsd:) it does not declare itself, all on one first line; `shift` is 1
 * when that line was added (error positions are given in the user's lines).
 */
export function withPrefixes(query: string): { text: string; shift: number } {
  const missing = Object.entries(RUN_PREFIXES).filter(([name]) => !new RegExp(`PREFIX\\s+${name}\\s*:`, 'i').test(query));
  if (!missing.length) return { text: query, shift: 0 };
  return { text: `${missing.map(([name, iri]) => `PREFIX ${name}: <${iri}>`).join(' ')}\n${query}`, shift: 1 };
}

/** Oxigraph's `error at L:C: …`, with L in the user's lines. */
function queryError(name: string, error: unknown, shift: number): QueryError {
  const message = (error as Error)?.message ?? String(error);
  const moved = message.replace(/^error at (\d+):(\d+)/, (_, line: string, column: string) => `error at ${Math.max(1, Number(line) - shift)}:${column}`);
  return new QueryError(`${name}: ${moved.replace(/\s+/g, ' ').trim()}`);
}

export type QueryStore = InstanceType<Oxigraph['Store']>;

export type QueryKind = 'select' | 'ask' | 'graph';

/**
 * Checks the query's syntax on an empty store, so that a bad query is refused before any bundle
 * is read or any server asked, and tells what kind of answer it gives. Throws QueryError.
 */
export function checkQuery(query: string, name: string): QueryKind {
  const { Store } = engine();
  const { text, shift } = withPrefixes(query);
  let empty: string;
  try {
    empty = new Store().query(text, { results_format: 'json', use_default_graph_as_union: true }) as string;
  } catch (error) {
    throw queryError(name, error, shift);
  }
  const parsed = JSON.parse(empty) as unknown;
  return Array.isArray(parsed) ? 'graph' : 'boolean' in (parsed as object) ? 'ask' : 'select';
}

/** The embedded engine as a SPARQL source: the default graph is the union of the bundles' graphs. */
export function embeddedSource(store: QueryStore): SparqlSource {
  return {
    name: 'the embedded store',
    run: async (query, media) => store.query(query, { results_format: MEDIA[media], use_default_graph_as_union: true }) as string,
  };
}

export interface LoadedStore {
  store: QueryStore;
  /** The graphs loaded: bundle file → graph IRI. */
  graphs: Map<string, string>;
  errors: BundleLoadError[];
  empty: string[];
  triples: number;
  /** How many bundles came from the parse cache. */
  cached: number;
  /** The runs of the bundles loaded (as `reprov runs` reads them). */
  runs: RunRow[];
}

/** Loads every bundle under `paths` into one store, one named graph each; a bundle that fails to parse is one error and the rest are loaded. */
export async function loadStore(paths: readonly string[], options: { cacheDir?: string } = {}): Promise<LoadedStore> {
  const { Store, namedNode } = engine();
  const { files, empty } = bundleFilesUnder(paths);
  const store = new Store();
  const graphs = new Map<string, string>();
  const errors: BundleLoadError[] = [];
  const cache = options.cacheDir === undefined ? undefined : new BundleCache(options.cacheDir);
  let cached = 0;
  const runs: RunRow[] = [];
  for await (const loaded of readBundles(files, cache)) {
    if ('error' in loaded) {
      errors.push(loaded.error);
      continue;
    }
    const { record } = loaded;
    if (record.cached) cached++;
    runs.push(...record.runs);
    const iri = graphIri(record.file);
    // Blank nodes get fresh names per load: two bundles' `_:b0` stay two nodes.
    store.load(record.ntriples, { format: 'application/n-triples', to_graph_name: namedNode(iri), no_transaction: true });
    graphs.set(record.file, iri);
  }
  return { store, graphs, errors, empty, triples: store.size, cached, runs };
}

export interface QueryResult {
  kind: QueryKind;
  /** The result in the format asked for. */
  output: string;
  /** SELECT: how many rows. */
  rows?: number;
}

const TABLE_PREFIXES = Object.entries(RUN_PREFIXES);

/** Runs a query on a source. Throws QueryError for a query the engine refuses or a format the result has not, a UserError for a server's failure. */
export async function runQuery(source: SparqlSource, query: string, name: string, format: QueryFormat): Promise<QueryResult> {
  const kind = checkQuery(query, name);
  const { text, shift } = withPrefixes(query);
  const run = async (media: Parameters<SparqlSource['run']>[1]) => {
    try {
      return await source.run(text, media);
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw queryError(name, error, shift);
    }
  };
  if (kind === 'graph') {
    if (format === 'csv' || format === 'tsv') throw new QueryError(`${name}: a CONSTRUCT or DESCRIBE query gives a graph, not a table: use -f turtle, -f ntriples or -f json (JSON-LD)`);
    const graph = await run(format === 'json' ? 'jsonld' : format === 'ntriples' ? 'ntriples' : 'turtle');
    return { kind, output: graph && !graph.endsWith('\n') ? `${graph}\n` : graph };
  }
  if (format === 'turtle' || format === 'ntriples') throw new QueryError(`${name}: a SELECT or ASK query gives a table, not a graph: use -f text, json, csv or tsv`);
  const results = parseResults(await run('json'), source, kind === 'ask');
  if (kind === 'ask') {
    if (format === 'json') return { kind, output: `${JSON.stringify(results)}\n` };
    // SPARQL's CSV and TSV of an ASK is the bare word, as Oxigraph writes it.
    return { kind, output: format === 'text' ? `${results.boolean}\n` : String(results.boolean) };
  }
  const rows = results.results?.bindings.length ?? 0;
  if (format === 'json') return { kind, output: `${JSON.stringify(results)}\n`, rows };
  if (format === 'csv' || format === 'tsv') return { kind, output: await run(format), rows };
  return { kind, output: renderTable(results), rows };
}


function compact(iri: string): string {
  for (const [prefix, ns] of TABLE_PREFIXES) {
    if (iri.startsWith(ns) && /^[A-Za-z_][\w.-]*$/.test(iri.slice(ns.length))) return `${prefix}:${iri.slice(ns.length)}`;
  }
  return iri;
}

/** One cell: IRIs in reprov's prefixes, literals as their text; control characters escaped (a row is one line). */
function display(term: SparqlTerm | undefined): string {
  if (!term) return '';
  const text = term.type === 'uri' ? compact(term.value) : term.type === 'bnode' ? `_:${term.value}` : term.value;
  return oneLine(text, Number.MAX_SAFE_INTEGER);
}

function renderTable(results: SparqlJson): string {
  const vars = results.head.vars ?? [];
  const table = [vars.map((v) => `?${v}`), ...(results.results?.bindings ?? []).map((b) => vars.map((v) => display(b[v])))];
  const widths = vars.map((_, i) => Math.max(...table.map((row) => [...row[i]!].length)));
  return `${table.map((row) => row.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join('  ').trimEnd()).join('\n')}\n`;
}
