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

/** Checks the query's syntax on an empty store: a bad query is refused before any bundle is read. Throws QueryError. */
export function checkQuery(query: string, name: string): void {
  const { Store } = engine();
  const { text, shift } = withPrefixes(query);
  try {
    new Store().query(text, { results_format: 'json', use_default_graph_as_union: true });
  } catch (error) {
    throw queryError(name, error, shift);
  }
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
  kind: 'select' | 'ask' | 'graph';
  /** The result in the format asked for. */
  output: string;
  /** SELECT: how many rows. */
  rows?: number;
}

const TABLE_PREFIXES = Object.entries(RUN_PREFIXES);

/** Runs a query on a loaded store. Throws QueryError for a query the engine refuses or a format the result has not. */
export function runQuery(store: QueryStore, query: string, name: string, format: QueryFormat): QueryResult {
  const { text, shift } = withPrefixes(query);
  const run = (results_format: string) => {
    try {
      return store.query(text, { results_format, use_default_graph_as_union: true }) as string;
    } catch (error) {
      throw queryError(name, error, shift);
    }
  };
  const json = run('json');
  const parsed = JSON.parse(json) as unknown;
  if (Array.isArray(parsed)) {
    if (format === 'csv' || format === 'tsv') throw new QueryError(`${name}: a CONSTRUCT or DESCRIBE query gives a graph, not a table: use -f turtle, -f ntriples or -f json (JSON-LD)`);
    if (format === 'json') return { kind: 'graph', output: `${json}\n` };
    const graph = run(format === 'ntriples' ? 'application/n-triples' : 'text/turtle');
    return { kind: 'graph', output: graph };
  }
  const results = parsed as SparqlJson;
  if (format === 'turtle' || format === 'ntriples') throw new QueryError(`${name}: a SELECT or ASK query gives a table, not a graph: use -f text, json, csv or tsv`);
  if ('boolean' in results) {
    if (format === 'text') return { kind: 'ask', output: `${results.boolean ? 'true' : 'false'}\n` };
    return { kind: 'ask', output: format === 'json' ? `${json}\n` : run(format) };
  }
  const rows = results.results?.bindings.length ?? 0;
  if (format === 'json') return { kind: 'select', output: `${json}\n`, rows };
  if (format === 'csv' || format === 'tsv') return { kind: 'select', output: run(format), rows };
  return { kind: 'select', output: renderTable(results), rows };
}

interface SparqlTerm { type: 'uri' | 'literal' | 'bnode' | 'triple'; value: string; datatype?: string; 'xml:lang'?: string }
interface SparqlJson { head: { vars?: string[] }; boolean?: boolean; results?: { bindings: Record<string, SparqlTerm>[] } }

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
