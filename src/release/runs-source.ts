/**
 * The runs of a SPARQL source's graphs (`reprov runs|lineage|impact --endpoint`): each named graph
 * that holds an `mls:Run` is fetched whole with SELECT and read by the same code that reads a
 * bundle file (runsOfBundle), so that a run lists the same from a server as from its file. A
 * graph's `file:` IRI gives the file column back.
 *
 * Graphs are fetched in batches of a bounded number of triples, and each batch's row count is
 * checked against the count the server gave first: a server that cuts results short (Virtuoso's
 * ResultSetMaxRows, 10000 by default) is an error, not a silently shorter listing.
 */
import { fileURLToPath } from 'node:url';
import { DataFactory, type Quad, type Term } from 'n3';
import { UserError } from '../base/user-error.js';
import { withPrefixes } from './query.js';
import { runsOfBundle, type RunRow } from './runs.js';
import { select, type SparqlSource, type SparqlTerm } from './sparql-source.js';

const BATCH_TRIPLES = 5000;
const PARALLEL = 4;

const GRAPHS = `SELECT ?g (COUNT(*) AS ?n) WHERE {
  { SELECT DISTINCT ?g WHERE { GRAPH ?g { ?run a mls:Run } } }
  GRAPH ?g { ?s ?p ?o }
} GROUP BY ?g`;

function term(t: SparqlTerm): Term {
  if (t.type === 'uri') return DataFactory.namedNode(t.value);
  if (t.type === 'bnode') return DataFactory.blankNode(t.value.replace(/[^\w-]/g, '_'));
  return DataFactory.literal(t.value, t['xml:lang'] || (t.datatype ? DataFactory.namedNode(t.datatype) : undefined));
}

/** The bundle file a graph IRI names (its file: URL), else the IRI itself. */
export function graphFile(iri: string): string {
  try {
    return iri.startsWith('file:') ? fileURLToPath(iri) : iri;
  } catch {
    return iri;
  }
}

export async function runsFromSource(source: SparqlSource): Promise<{ rows: RunRow[]; graphs: number }> {
  const counts = (await select(source, withPrefixes(GRAPHS).text)).map((b) => ({ graph: b.g!.value, triples: Number(b.n!.value) }));
  const batches: { graphs: string[]; triples: number }[] = [];
  for (const { graph, triples } of counts.sort((a, b) => a.graph.localeCompare(b.graph))) {
    const last = batches[batches.length - 1];
    if (last && last.triples + triples <= BATCH_TRIPLES) {
      last.graphs.push(graph);
      last.triples += triples;
    } else batches.push({ graphs: [graph], triples });
  }
  const quads = new Map<string, Quad[]>();
  const fetchBatch = async (batch: (typeof batches)[number]) => {
    const values = batch.graphs.map((g) => `<${g}>`).join(' ');
    const rows = await select(source, `SELECT ?g ?s ?p ?o WHERE { VALUES ?g { ${values} } GRAPH ?g { ?s ?p ?o } }`);
    if (rows.length !== batch.triples) throw new UserError(`${source.name}: the server gave ${rows.length} of the ${batch.triples} triples of ${batch.graphs.length} graph${batch.graphs.length === 1 ? '' : 's'} (does it cut results short? Virtuoso: raise ResultSetMaxRows)`);
    for (const row of rows) {
      const list = quads.get(row.g!.value) ?? [];
      list.push(DataFactory.quad(term(row.s!) as Quad['subject'], term(row.p!) as Quad['predicate'], term(row.o!) as Quad['object']));
      quads.set(row.g!.value, list);
    }
  };
  for (let i = 0; i < batches.length; i += PARALLEL) await Promise.all(batches.slice(i, i + PARALLEL).map(fetchBatch));
  const rows = [...quads].sort(([a], [b]) => a.localeCompare(b)).flatMap(([graph, list]) => runsOfBundle({ file: graphFile(graph), quads: list, prefixes: {} }));
  return { rows, graphs: quads.size };
}
