/**
 * The indexed graph rules and shapes read: rdf-stores' RdfStore behind the few queries the rules
 * make. With two index orders it holds a bundle in under half the memory of n3's Store and builds
 * it about twice as fast (783k triples, measured: 379 MB and 4.8 s against 836 MB and 12.5 s).
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory, termToId, type Quad, type Term } from 'n3';
import { RdfStore, RdfStoreIndexNestedMap, TermDictionaryQuotedIndexed, type ITermDictionary } from 'rdf-stores';

/**
 * Two orders answer every pattern the rules ask: subject-first for (s ? ?) and (s p ?), and
 * predicate-first for (? p o), (? p ?) and (? ? o) (a bundle has few predicates to run through).
 * The third default order (object-first) would cost a third more memory for no query we make.
 */
const INDEXES: RDF.QuadTermName[][] = [['graph', 'subject', 'predicate', 'object'], ['graph', 'predicate', 'object', 'subject']];

type Pattern = Term | RDF.Term | null | undefined;

/** The queries rules and graph helpers make (null matches anything); n3's Store offers them too. */
export interface GraphStore {
  getQuads(subject: Term | null, predicate: Term | null, object: Term | null, graph: Term | null): Quad[];
  getObjects(subject: Term | null, predicate: Term | null, graph: Term | null): Term[];
  getSubjects(predicate: Term | null, object: Term | null, graph: Term | null): Term[];
  has(quad: Quad): boolean;
}

export class BundleStore implements GraphStore {
  private readonly store = new RdfStore<number>({
    indexCombinations: INDEXES,
    indexConstructor: (options) => new RdfStoreIndexNestedMap(options),
    dictionary: new TermDictionaryQuotedIndexed(new TermNumbers()),
    // n3's terms, as every other part of reprov uses.
    dataFactory: DataFactory as unknown as RDF.DataFactory,
  });

  constructor(quads: Iterable<RDF.Quad> = []) {
    for (const quad of quads) this.store.addQuad(quad);
  }

  addQuad(quad: RDF.Quad): void {
    this.store.addQuad(quad);
  }

  get size(): number {
    return this.store.size;
  }

  /** The matching quads, as an array (a pattern term of null or undefined matches anything). */
  getQuads(subject?: Pattern, predicate?: Pattern, object?: Pattern, graph?: Pattern): Quad[] {
    return this.store.getQuads(subject ?? undefined, predicate ?? undefined, object ?? undefined, graph ?? undefined) as unknown as Quad[];
  }

  /** The matching quads, one at a time (no array of them all). */
  readQuads(subject?: Pattern, predicate?: Pattern, object?: Pattern, graph?: Pattern): IterableIterator<Quad> {
    return this.store.readQuads(subject ?? undefined, predicate ?? undefined, object ?? undefined, graph ?? undefined) as unknown as IterableIterator<Quad>;
  }

  /** Every distinct term of the graph, once (subjects, predicates, objects and graph names alike). */
  *terms(): IterableIterator<Term> {
    const { dictionary } = this.store;
    for (const encoding of dictionary.encodings()) yield dictionary.decode(encoding) as Term;
  }

  /** Every distinct predicate of the graph, once. */
  predicates(): Term[] {
    return this.store.getDistinctTerms(['predicate']).map(([predicate]) => predicate as Term);
  }

  getObjects(subject: Pattern, predicate: Pattern, graph?: Pattern): Term[] {
    return unique(this.getQuads(subject, predicate, null, graph).map((q) => q.object));
  }

  getSubjects(predicate: Pattern, object: Pattern, graph?: Pattern): Term[] {
    return unique(this.getQuads(null, predicate, object, graph).map((q) => q.subject));
  }

  /** Whether some quad matches (no quad is made: a rule asking this of thousands of nodes pays for none). */
  matches(subject?: Pattern, predicate?: Pattern, object?: Pattern, graph?: Pattern): boolean {
    return this.store.countQuads(subject ?? undefined, predicate ?? undefined, object ?? undefined, graph ?? undefined) > 0;
  }

  has(quad: RDF.Quad): boolean {
    return this.store.countQuads(quad.subject, quad.predicate, quad.object, quad.graph) > 0;
  }

  /** The graph as an RDF/JS DatasetCore, for shacl-engine. */
  asDataset(): RDF.DatasetCore {
    return this.store.asDataset() as unknown as RDF.DatasetCore;
  }
}

/**
 * Terms to numbers by n3's own term id (the string each n3 term carries), in Maps. rdf-stores'
 * dictionaries key a plain object by rdf-string's termToString, which rebuilds every literal's
 * string from n3's getters and interns each key: ~40% of building the store (bench/check-phases.mjs,
 * 100k triples: indexing ~430 -> ~320 ms). IRIs get their own Map, so that an IRI spelt like a
 * blank node's id (`_:b1`) stays a different term.
 */
class TermNumbers implements ITermDictionary<number> {
  readonly features = { quotedTriples: false };
  private readonly iris = new Map<string, number>();
  private readonly others = new Map<string, number>();
  private readonly terms: RDF.Term[] = [];

  encode(term: RDF.Term): number {
    const map = term.termType === 'NamedNode' ? this.iris : this.others;
    const key = term.termType === 'NamedNode' ? term.value : termToId(term as Term);
    let encoded = map.get(key);
    if (encoded === undefined) {
      encoded = this.terms.push(term) - 1;
      map.set(key, encoded);
    }
    return encoded;
  }

  encodeOptional(term: RDF.Term): number | undefined {
    return term.termType === 'NamedNode' ? this.iris.get(term.value) : this.others.get(termToId(term as Term));
  }

  decode(encoding: number): RDF.Term {
    const term = this.terms[encoding];
    if (term === undefined) throw new Error(`no term numbered ${encoding} in this bundle`);
    return term;
  }

  encodings(): IterableIterator<number> {
    return this.terms.keys();
  }

  findQuotedTriples(): IterableIterator<RDF.Term> {
    throw new Error('a bundle store keeps no quoted triples apart');
  }

  findQuotedTriplesEncoded(): IterableIterator<number> {
    throw new Error('a bundle store keeps no quoted triples apart');
  }
}

function unique(terms: Term[]): Term[] {
  const seen = new Set<string>();
  return terms.filter((t) => {
    const key = `${t.termType}:${t.value}:${t.termType === 'Literal' ? `${t.language}^${t.datatype.value}` : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
