/**
 * JSON-LD <-> quads. Reading goes through the jsonld package, offline: contexts are served from
 * the files in contexts/ and any other remote document is refused. Writing needs no context
 * processing and is done here, from the quads (writeJsonLdTo).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataFactory, type BlankNode, type Literal, type Quad, type Term } from 'n3';
import type { Diagnostics } from '../base/diagnostics.js';
import { chunkedWriter } from '../base/output.js';
import { parseRdfText, type TextSink } from './rdf-text.js';

import { PACKAGE_ROOT } from '../base/package-root.js';

const CONTEXTS_DIR = join(PACKAGE_ROOT, 'contexts');

let shippedContexts: Record<string, string> | undefined;
function shippedContext(url: string): unknown {
  shippedContexts ??= JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8')) as Record<string, string>;
  const file = Object.hasOwn(shippedContexts, url) ? shippedContexts[url] : undefined;
  return file === undefined ? undefined : JSON.parse(readFileSync(join(CONTEXTS_DIR, file), 'utf8'));
}

export class RemoteContextRefused extends Error {}

async function offlineLoader(url: string) {
  const document = shippedContext(url);
  if (document === undefined) {
    throw new RemoteContextRefused(`remote JSON-LD context <${url}> is not fetched (reprov works offline); inline the context in the document`);
  }
  return { contextUrl: null, documentUrl: url, document };
}

export async function parseJsonLd(doc: unknown, diagnostics: Diagnostics): Promise<{ quads: Quad[]; prefixes: Record<string, string> }> {
  const texts: string[] = [];
  let blanks: BlankStandIns | undefined;
  try {
    const { default: jsonld } = await import('jsonld');
    const expanded = keepDoubleLexicalForms(await jsonld.expand(doc, { documentLoader: offlineLoader, base: null })) as unknown[];
    let parts = [expanded];
    if (hasWideNode(expanded)) {
      blanks = new BlankStandIns();
      parts = splitWideNodes(blanks.rename(expanded) as unknown[], blanks);
    }
    for (const part of parts) texts.push((await jsonld.toRDF(part, { format: 'application/n-quads' })) as string);
  } catch (error) {
    diagnostics.error('', `invalid JSON-LD: ${rootCause(error)}`);
    return { quads: [], prefixes: {} };
  }
  const parsed = texts.map((text) => parseRdfText(text.replaceAll(DOUBLE_STANDIN, XSD_DOUBLE), 'nquads', diagnostics).quads);
  return { quads: blanks ? blanks.restore(parsed) : parsed[0]!, prefixes: contextPrefixes(doc) };
}

/**
 * jsonld.js's toRDF files each value of a node under its property after comparing it with every
 * value already there (its duplicate check), which is quadratic in the values of one property
 * of one node: a run that used 100k parameters. A document with nodes that wide is converted in
 * parts, each holding at most WIDE values of such a property (the first part: the document with
 * the first WIDE; part k: the k-th WIDE of every wide property, under the node's @id, and in the
 * named graph it was in). Blank node identifiers must mean the same node in every part: they are
 * renamed to stand-in IRIs first and restored after (blank nodes jsonld.js makes up for lists and
 * unnamed nodes stay within one part). Only top-level nodes and the nodes of top-level named
 * graphs are split: the flat form that reprov, jsonld.js's compaction and most writers produce.
 */
const WIDE = 64;

const isNodeObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !('@value' in value) && !('@list' in value);

/** The top-level nodes and the nodes of top-level named graphs of an expanded document. */
function* splittable(expanded: unknown[]): Generator<{ node: Record<string, unknown>; graph?: Record<string, unknown> }> {
  for (const element of expanded) {
    if (!isNodeObject(element)) continue;
    yield { node: element };
    const inner = element['@graph'];
    if (Array.isArray(inner)) for (const node of inner) if (isNodeObject(node)) yield { node, graph: element };
  }
}

const wideProperties = (node: Record<string, unknown>): string[] =>
  Object.keys(node).filter((key) => !key.startsWith('@') && Array.isArray(node[key]) && (node[key] as unknown[]).length > WIDE);

function hasWideNode(expanded: unknown[]): boolean {
  for (const { node } of splittable(expanded)) if (wideProperties(node).length) return true;
  return false;
}

function splitWideNodes(expanded: unknown[], blanks: BlankStandIns): unknown[][] {
  const parts: unknown[][] = [expanded];
  for (const { node, graph } of splittable(expanded)) {
    for (const property of wideProperties(node)) {
      blanks.split.add(property);
      node['@id'] ??= blanks.fresh();
      if (graph) graph['@id'] ??= blanks.fresh();
      const values = node[property] as unknown[];
      node[property] = values.slice(0, WIDE);
      for (let start = WIDE, k = 1; start < values.length; start += WIDE, k++) {
        const slice = { '@id': node['@id'], [property]: values.slice(start, start + WIDE) };
        (parts[k] ??= []).push(graph ? { '@id': graph['@id'], '@graph': [slice] } : slice);
      }
    }
  }
  return parts;
}

/** Blank node identifiers as IRIs of a namespace of this conversion's own, and back. */
class BlankStandIns {
  private readonly namespace = `urn:reprov:jsonld-blank:${randomUUID()}:`;
  private count = 0;
  private readonly nodes = new Map<string, BlankNode>();
  /** The properties whose values were split between parts. */
  readonly split = new Set<string>();

  fresh(): string {
    return `${this.namespace}~${this.count++}`;
  }

  /** Renames `_:x` identifiers of nodes, node references, types and graphs (not datatypes or properties) in place. */
  rename(value: unknown): unknown {
    if (Array.isArray(value)) {
      for (const item of value) this.rename(item);
    } else if (typeof value === 'object' && value !== null && !('@value' in value)) {
      const object = value as Record<string, unknown>;
      const standIn = (id: unknown) => (typeof id === 'string' && id.startsWith('_:') ? this.namespace + encodeURIComponent(id.slice(2)) : id);
      for (const [key, entry] of Object.entries(object)) {
        if (key === '@id') object[key] = standIn(entry);
        else if (key === '@type' && Array.isArray(entry)) object[key] = entry.map(standIn);
        else if (key === '@reverse' && typeof entry === 'object' && entry !== null) for (const items of Object.values(entry)) this.rename(items);
        else if (key === '@list' || key === '@graph' || key === '@included' || !key.startsWith('@')) this.rename(entry);
      }
    }
    return value;
  }

  /** The quads of every part, stand-ins back to blank nodes, each part's own blank nodes kept apart from the others'. */
  restore(parts: Quad[][]): Quad[] {
    const quads: Quad[] = [];
    const seen = new Set<string>();
    parts.forEach((part, index) => {
      const own = new Map<string, BlankNode>();
      const term = <T extends Term>(t: T): T | BlankNode => {
        if (t.termType === 'NamedNode' && t.value.startsWith(this.namespace)) {
          let node = this.nodes.get(t.value);
          if (!node) this.nodes.set(t.value, (node = DataFactory.blankNode()));
          return node;
        }
        if (t.termType !== 'BlankNode' || index === 0) return t;
        let node = own.get(t.value);
        if (!node) own.set(t.value, (node = DataFactory.blankNode()));
        return node;
      };
      for (const q of part) {
        const restored = DataFactory.quad(term(q.subject) as Quad['subject'], q.predicate, term(q.object) as Quad['object'], term(q.graph) as Quad['graph']);
        // A value listed twice in a wide property can land in two parts: keep the quad once.
        if (this.split.has(q.predicate.value)) {
          const key = `${restored.subject.id} ${restored.predicate.value} ${restored.object.id} ${restored.graph.id}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        quads.push(restored);
      }
    });
    return quads;
  }
}

const XSD_DOUBLE = 'http://www.w3.org/2001/XMLSchema#double';
const DOUBLE_STANDIN = 'urn:reprov:jsonld-double-lexical';

/**
 * jsonld.js rewrites every xsd:double string (`"0.001"`) in canonical form (`"1.0E-3"`); the
 * JSON-LD spec canonicalises only native numbers. Typing the strings with a stand-in datatype
 * for the conversion keeps them as written.
 */
function keepDoubleLexicalForms(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(keepDoubleLexicalForms);
  if (typeof node !== 'object' || node === null) return node;
  const object = node as Record<string, unknown>;
  if (object['@type'] === XSD_DOUBLE && typeof object['@value'] === 'string') return { ...object, '@type': DOUBLE_STANDIN };
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, keepDoubleLexicalForms(value)]));
}

/** Prefix definitions (`"ex": "http://example.org/"`) of a document's inline top-level context. */
function contextPrefixes(doc: unknown): Record<string, string> {
  const context = typeof doc === 'object' && doc !== null && Object.hasOwn(doc, '@context') ? (doc as { '@context'?: unknown })['@context'] : undefined;
  const prefixes: Record<string, string> = Object.create(null);
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const [term, iri] of Object.entries(entry)) {
      if (typeof iri === 'string' && !term.startsWith('@') && /[#/:]$/.test(iri)) prefixes[term] = iri;
    }
  }
  return prefixes;
}

/** Compact JSON-LD with the document's prefixes as an inline context; bundles become named graphs. */
export async function writeJsonLd(quads: readonly Quad[], prefixes: Record<string, string>): Promise<string> {
  let text = '';
  writeJsonLdTo(quads, prefixes, { write: (chunk) => (text += chunk) });
  return text;
}

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
/** The default graph's key among graph names (no IRI or blank node key starts with `@`). */
const DEFAULT_GRAPH = '@default';

/**
 * Writes quads as compact JSON-LD 1.1 straight from the quads, in one pass over them after
 * grouping by graph and subject: a flat `@graph` of node objects (default graph first, then one
 * `{"@id": bundle, "@graph": [...]}` per named graph), under an inline context of prefixes, with
 * literals as `@value` objects (strings bare) and `rdf:type` as `@type`, which is what jsonld.js's
 * `fromRDF` + `compact` made of the same quads, but linear in the quads: that path parsed its
 * N-Quads input through rdf-canonize, whose duplicate check compares each triple with every
 * triple already in its graph (2k entities took 1 s, 16k 33 s). Duplicate quads are written once.
 */
export function writeJsonLdTo(quads: readonly Quad[], prefixes: Record<string, string>, sink: TextSink): void {
  const compactor = IriCompactor.for(outputContext(prefixes), quads);
  // The default graph first, then the named graphs in the order they appear.
  const graphs = new Map<string, { name: Term | undefined; nodes: Map<string, NodeOut> }>([[DEFAULT_GRAPH, { name: undefined, nodes: new Map() }]]);
  for (const quad of quads) {
    const graphKey = quad.graph.termType === 'DefaultGraph' ? DEFAULT_GRAPH : termKey(quad.graph);
    let graph = graphs.get(graphKey);
    if (!graph) graphs.set(graphKey, (graph = { name: quad.graph, nodes: new Map() }));
    const subjectKey = termKey(quad.subject);
    let node = graph.nodes.get(subjectKey);
    if (!node) graph.nodes.set(subjectKey, (node = { id: idOf(quad.subject, compactor), types: [], properties: new Map(), seen: new Set() }));
    const { predicate, object } = quad;
    const seenKey = `${predicate.value}\u0000${objectKey(object)}`;
    if (node.seen.has(seenKey)) continue;
    node.seen.add(seenKey);
    if (predicate.value === RDF_TYPE && object.termType !== 'Literal') {
      node.types.push(object.termType === 'BlankNode' ? `_:${object.value}` : compactor.vocab(object.value));
      continue;
    }
    let values = node.properties.get(predicate.value);
    if (!values) node.properties.set(predicate.value, (values = []));
    values.push(valueOf(object, compactor));
  }

  const out = chunkedWriter(sink);
  const write = out.write;
  write(`{\n  "@context": ${indent(JSON.stringify(compactor.context, null, 2), '  ')},\n  "@graph": [`);
  let first = true;
  const item = (text: string) => {
    write(`${first ? '' : ','}\n${text}`);
    first = false;
  };
  for (const graph of graphs.values()) {
    if (!graph.name) {
      for (const node of graph.nodes.values()) item(nodeText(node, compactor, '    '));
      continue;
    }
    item(`    {\n      "@id": ${JSON.stringify(idOf(graph.name, compactor))},\n      "@graph": [`);
    let firstInGraph = true;
    for (const node of graph.nodes.values()) {
      write(`${firstInGraph ? '' : ','}\n${nodeText(node, compactor, '        ')}`);
      firstInGraph = false;
    }
    write('\n      ]\n    }');
  }
  write(first ? ']\n}\n' : '\n  ]\n}\n');
  out.end();
}

interface NodeOut {
  id: string;
  types: string[];
  /** Predicate IRI -> compacted values, in the order the quads gave them. */
  properties: Map<string, unknown[]>;
  /** Predicate and object of every quad written, to write a repeated quad once. */
  seen: Set<string>;
}

const termKey = (term: Term): string => (term.termType === 'BlankNode' ? `_:${term.value}` : term.value);

function objectKey(term: Term): string {
  if (term.termType !== 'Literal') return termKey(term);
  const literal = term as Literal;
  return `"${literal.value}"@${literal.language}^${literal.datatype.value}`;
}

const idOf = (term: Term, compactor: IriCompactor): string => (term.termType === 'BlankNode' ? `_:${term.value}` : compactor.id(term.value));

function valueOf(term: Term, compactor: IriCompactor): unknown {
  if (term.termType === 'NamedNode' || term.termType === 'BlankNode') return { '@id': idOf(term, compactor) };
  if (term.termType !== 'Literal') throw new Error(`JSON-LD cannot hold a ${term.termType} object`);
  const literal = term as Literal;
  if (literal.language) return { '@value': literal.value, '@language': literal.language };
  if (literal.datatype.value === XSD_STRING) return literal.value;
  return { '@value': literal.value, '@type': compactor.vocab(literal.datatype.value) };
}

function nodeText(node: NodeOut, compactor: IriCompactor, at: string): string {
  const object: Record<string, unknown> = { '@id': node.id };
  if (node.types.length) object['@type'] = node.types.length === 1 ? node.types[0] : node.types;
  for (const predicate of [...node.properties.keys()].sort()) {
    const values = node.properties.get(predicate)!;
    object[compactor.vocab(predicate)] = values.length === 1 ? values[0] : values;
  }
  return at + indent(JSON.stringify(object, null, 2), at);
}

const indent = (json: string, at: string): string => json.replaceAll('\n', `\n${at}`);

/**
 * The output's inline context: prov, xsd, rdfs and the document's prefixes. JSON-LD has no empty
 * term, so the default namespace (the empty prefix) stays in full IRIs; a prefix that cannot be a
 * JSON-LD term (`_`, a keyword form, a colon or slash in it), maps to a relative IRI, or maps to an
 * IRI of its own name as scheme (`urn: <urn:x:>`, a cyclical definition) is left out.
 */
function outputContext(prefixes: Record<string, string>): Record<string, string> {
  const context: Record<string, string> = {
    prov: 'http://www.w3.org/ns/prov#',
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
    ...prefixes,
  };
  return Object.fromEntries(Object.entries(context).filter(([term, iri]) =>
    /^[^@:/][^:/]*$/.test(term) && term !== '_' && ABSOLUTE_IRI.test(iri) && !iri.startsWith(`${term}:`)));
}

const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** JSON-LD 1.1 makes a term a prefix when its IRI ends with one of these (a gen-delim). */
const GEN_DELIM_END = /[:/?#[\]@]$/;

/**
 * IRI compaction as JSON-LD 1.1's IRI Compaction algorithm does it for a context of prefixes
 * only: in a property or `@type` (vocab) position a term that maps to the IRI itself, otherwise the
 * shortest (then least) compact IRI `prefix:suffix`, otherwise the IRI. Results are cached.
 */
class IriCompactor {
  private readonly prefixes: [term: string, iri: string][];
  private readonly exact = new Map<string, string>();
  private readonly cache = new Map<string, string | null>();

  private constructor(readonly context: Record<string, string>) {
    this.prefixes = Object.entries(context).filter(([, iri]) => GEN_DELIM_END.test(iri));
    for (const [term, iri] of Object.entries(context)) {
      const other = this.exact.get(iri);
      if (other === undefined || shorterOrLess(term, other)) this.exact.set(iri, term);
    }
  }

  /**
   * A compactor for `context`, less every term that a full IRI of the quads would be confused
   * with (`ex:thing` is read as a compact IRI when `ex` is a term; jsonld.js refuses to write it).
   */
  static for(context: Record<string, string>, quads: readonly Quad[]): IriCompactor {
    for (;;) {
      const compactor = new IriCompactor(context);
      const confused = compactor.confusedTerms(quads);
      if (!confused.size) return compactor;
      context = Object.fromEntries(Object.entries(context).filter(([term]) => !confused.has(term)));
    }
  }

  /** An IRI in an `@id` position. */
  id(iri: string): string {
    return this.curie(iri) ?? iri;
  }

  /** An IRI in a property or `@type` position. */
  vocab(iri: string): string {
    return this.exact.get(iri) ?? this.curie(iri) ?? iri;
  }

  private curie(iri: string): string | null {
    let choice = this.cache.get(iri);
    if (choice !== undefined) return choice;
    choice = null;
    for (const [term, namespace] of this.prefixes) {
      if (iri.length <= namespace.length || !iri.startsWith(namespace)) continue;
      const suffix = iri.slice(namespace.length);
      // `ex://x` would be read back as an IRI, not as a compact IRI.
      if (suffix.startsWith('//')) continue;
      const candidate = `${term}:${suffix}`;
      if (choice === null || shorterOrLess(candidate, choice)) choice = candidate;
    }
    this.cache.set(iri, choice);
    return choice;
  }

  private confusedTerms(quads: readonly Quad[]): Set<string> {
    const confused = new Set<string>();
    const check = (iri: string) => {
      if (this.curie(iri) !== null) return;
      const scheme = iri.slice(0, iri.indexOf(':'));
      if (scheme && Object.hasOwn(this.context, scheme)) confused.add(scheme);
    };
    for (const { subject, predicate, object, graph } of quads) {
      for (const term of [subject, predicate, object, graph]) {
        if (term.termType === 'NamedNode') check(term.value);
        else if (term.termType === 'Literal') check((term as Literal).datatype.value);
      }
    }
    return confused;
  }
}

/** JSON-LD's order of preference between two terms or compact IRIs: the shorter, then the lesser. */
const shorterOrLess = (a: string, b: string): boolean => a.length < b.length || (a.length === b.length && a < b);

function rootCause(error: unknown): string {
  let current = error as { message?: string; details?: { cause?: unknown } } | undefined;
  while (current?.details?.cause) current = current.details.cause as typeof current;
  return (current?.message ?? String(error)).replace(/\.$/, '');
}
