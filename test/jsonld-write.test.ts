/**
 * The JSON-LD writer (src/io/jsonld.ts) writes compact JSON-LD straight from the quads. Its output
 * must expand (jsonld.js, offline, the inline context only) to the quads it was given, as the
 * output of jsonld.js's own fromRDF + compact did, and its work must grow linearly with them:
 * jsonld.js's path compared every triple with every other one of its graph (2k entities 1 s,
 * 16k 33 s). The growth is held by counting, never by timing.
 */
import jsonld from 'jsonld';
import { DataFactory, Parser, Writer, type Quad } from 'n3';
import { isomorphic } from 'rdf-isomorphic';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Diagnostics } from '../src/base/diagnostics.js';
import { parseJsonLd, writeJsonLd } from '../src/io/jsonld.js';
import { writeProv } from '../src/io/write.js';

const { namedNode, blankNode, literal, quad } = DataFactory;
const EX = 'http://example.org/';
const PROV = 'http://www.w3.org/ns/prov#';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const RDF_TYPE = namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type');
const ex = (local: string) => namedNode(EX + local);
/** jsonld.js's helpers, the module its node map calls through (a variable: the package ships no types for it). */
const JSONLD_UTIL = 'jsonld/lib/util.js';

/** RDF datasets are sets: compare without repeats. */
const distinct = (quads: readonly Quad[]) => [...new Map(quads.map((q) => [`${q.subject.id} ${q.predicate.id} ${q.object.id} ${q.graph.id}`, q])).values()];

/** The quads a JSON-LD text expands to, through the same offline jsonld.js path `reprov convert` reads with. */
async function expand(text: string): Promise<Quad[]> {
  const diagnostics = new Diagnostics('out.jsonld', false);
  const { quads } = await parseJsonLd(JSON.parse(text), diagnostics);
  return quads;
}

/** One run that used `params` parameters, as `reprov record -p` writes it, and a bundle in a named graph. */
function parameterRun(params: number): Quad[] {
  const run = ex('run');
  const quads = [quad(run, RDF_TYPE, namedNode(`${PROV}Activity`)), quad(run, RDF_TYPE, namedNode('http://www.w3.org/ns/mls#Run'))];
  for (let i = 0; i < params; i++) {
    const param = ex(`param/p${i}`);
    quads.push(
      quad(param, RDF_TYPE, namedNode(`${PROV}Entity`)),
      quad(param, namedNode('http://www.w3.org/2000/01/rdf-schema#label'), literal(`p${i}`)),
      quad(param, namedNode(`${PROV}value`), i % 2 ? literal(String(i), namedNode(`${XSD}int`)) : literal(`0.${i}`, namedNode(`${XSD}double`))),
      quad(run, namedNode(`${PROV}used`), param),
    );
  }
  const bundle = ex('bundle');
  quads.push(quad(ex('e-in-bundle'), RDF_TYPE, namedNode(`${PROV}Entity`), bundle), quad(bundle, RDF_TYPE, namedNode(`${PROV}Bundle`)));
  return quads;
}

afterEach(() => void vi.restoreAllMocks());

describe('JSON-LD output', () => {
  it('expands to the quads it was given: literals, blank nodes, types, repeats and named graphs', async () => {
    const b = blankNode('b1');
    const quads: Quad[] = [
      quad(ex('e'), RDF_TYPE, namedNode(`${PROV}Entity`)),
      quad(ex('e'), RDF_TYPE, namedNode(`${PROV}Entity`)), // a repeat
      quad(ex('e'), RDF_TYPE, b), // a blank node as a type
      quad(ex('e'), RDF_TYPE, literal('not a class')), // a literal rdf:type stays a property
      quad(ex('e'), ex('plain'), literal('say "hi"\nand \\ bye, ünïcödé')),
      quad(ex('e'), ex('lang'), literal('colour', 'en-gb')),
      quad(ex('e'), ex('double'), literal('0.001', namedNode(`${XSD}double`))),
      quad(ex('e'), ex('int'), literal('7', namedNode(`${XSD}int`))),
      quad(ex('e'), ex('bool'), literal('true', namedNode(`${XSD}boolean`))),
      quad(ex('e'), ex('custom'), literal('x', namedNode('urn:other:type'))),
      quad(ex('e'), ex('ref'), b),
      quad(b, ex('name'), literal('anonymous')),
      quad(ex('e'), namedNode(PROV), literal('a predicate that is a namespace')),
      quad(ex('e'), ex('slashes'), namedNode(`${EX}//not-a-compact-iri`)),
      quad(ex('e'), ex('scheme'), namedNode('ex:looks-compact')), // `ex` is a prefix: it must not be read as one
      quad(namedNode('http://default.example/x'), ex('in'), literal('the default namespace')),
      quad(ex('bundle'), RDF_TYPE, namedNode(`${PROV}Bundle`)),
      quad(ex('in-bundle'), ex('ref'), b, ex('bundle')),
      quad(blankNode('b2'), ex('name'), literal('in a bundle'), ex('bundle')),
      quad(ex('in-bundle'), ex('ref'), blankNode('b2'), ex('bundle')),
      quad(ex('other'), ex('n'), literal('1'), blankNode('g')), // a graph named by a blank node
      quad(namedNode('tag:example.org,2024:t'), ex('n'), literal('2')),
    ];
    // Not terms: the empty prefix, a relative namespace, a colon in the name, a namespace named by its own scheme (cyclical).
    const prefixes = { ex: EX, '': 'http://default.example/', rel: 'relative/', 'bad:name': 'http://bad.example/', tag: 'tag:example.org,2024:' };
    const text = await writeJsonLd(quads, prefixes);
    const doc = JSON.parse(text) as { '@context': Record<string, string>; '@graph': unknown[] };
    expect(doc['@context']).toMatchObject({ prov: PROV });
    expect(Object.keys(doc['@context']).filter((term) => term in prefixes)).toEqual([]);
    // `ex` too: the IRI ex:looks-compact would be read as a compact IRI.
    expect(isomorphic(await expand(text), distinct(quads))).toBe(true);
  });

  it('compacts IRIs with the prefixes, as jsonld.js did', async () => {
    const text = await writeJsonLd([quad(ex('e'), RDF_TYPE, namedNode(`${PROV}Entity`)), quad(ex('e'), namedNode(`${PROV}value`), literal('1', namedNode(`${XSD}int`)))], { ex: EX });
    expect(JSON.parse(text)['@graph']).toEqual([{ '@id': 'ex:e', '@type': 'prov:Entity', 'prov:value': { '@value': '1', '@type': 'xsd:int' } }]);
  });

  it('says what jsonld.js fromRDF + compact said of the same quads', async () => {
    const quads = parameterRun(50);
    const nquads = new Writer({ format: 'N-Quads' }).quadsToString(quads);
    const theirs = await jsonld.compact(await jsonld.fromRDF(nquads, { format: 'application/n-quads' }), { ex: EX, prov: PROV, xsd: XSD });
    const ours = await writeJsonLd(quads, { ex: EX });
    expect(isomorphic(await expand(ours), await expand(JSON.stringify(theirs)))).toBe(true);
  });

  it('round-trips an empty dataset', async () => {
    const text = await writeJsonLd([], {});
    expect(JSON.parse(text)['@graph']).toEqual([]);
    expect(await expand(text)).toEqual([]);
  });

  it('writes through writeProv, one run with many parameters in one pass, without jsonld.js', async () => {
    const fromRdf = vi.spyOn(jsonld, 'fromRDF');
    const compact = vi.spyOn(jsonld, 'compact');
    const quads = parameterRun(2000);
    const text = await writeProv({ quads, prefixes: { ex: EX }, warnings: [], skipped: [] }, 'jsonld');
    expect(fromRdf).not.toHaveBeenCalled();
    expect(compact).not.toHaveBeenCalled();
    expect(isomorphic(await expand(text), distinct(quads))).toBe(true);
  });

  it('reads each term a number of times that grows linearly with the quads (counted, not timed)', async () => {
    /** Reads of the properties of the quads and their terms (and of the terms' datatypes) while writing. */
    async function reads(params: number): Promise<number> {
      let count = 0;
      const counted = <T extends object>(target: T): T => new Proxy(target, {
        get(object, key, receiver) {
          count++;
          const value = Reflect.get(object, key, receiver) as unknown;
          return value && typeof value === 'object' && (key === 'subject' || key === 'predicate' || key === 'object' || key === 'graph' || key === 'datatype') ? counted(value) : value;
        },
      });
      const quads = parameterRun(params).map((q) => counted(q));
      await writeJsonLd(quads, { ex: EX });
      return count;
    }
    const small = await reads(500);
    const large = await reads(5000);
    // 10x the quads: linear is ~10x the reads, quadratic ~100x.
    expect(large / small).toBeGreaterThan(8);
    expect(large / small).toBeLessThan(12);
  });
});

describe('JSON-LD input with wide nodes (a run that used many parameters)', () => {
  /** A document with wide nodes in odd places: blank nodes shared between parts, a named graph, an unnamed node, repeats, a list. */
  function wideDocument(width: number): unknown {
    const refs = (prefix: string) => Array.from({ length: width }, (_, i) => ({ '@id': `${prefix}${i}` }));
    return {
      '@context': { ex: EX, prov: PROV },
      '@graph': [
        {
          '@id': '_:run',
          'prov:used': [...refs('ex:p'), { '@id': '_:shared' }, { '@id': 'ex:p1' }, { 'ex:name': 'embedded, unnamed' }, { '@list': ['a', { '@id': '_:shared' }] }],
        },
        { '@id': '_:shared', 'ex:name': 'shared' },
        { 'ex:member': refs('ex:m') }, // an unnamed wide node
        { '@id': 'ex:bundle', '@graph': [{ '@id': 'ex:inner', 'ex:has': [...refs('ex:q'), { '@id': '_:shared' }] }, { '@id': '_:g', 'ex:v': 1.5 }] },
        { '@id': '_:graph', '@graph': [{ '@id': 'ex:x', 'ex:has': refs('ex:r') }] },
      ],
    };
  }

  it('reads them as jsonld.js does', async () => {
    const doc = wideDocument(300);
    const theirs = new Parser().parse((await jsonld.toRDF(doc, { format: 'application/n-quads' })) as string);
    const ours = await expand(JSON.stringify(doc));
    expect(distinct(ours).length).toBe(theirs.length);
    expect(isomorphic(distinct(ours), theirs)).toBe(true);
  });

  it('compares each value with a number of others that grows linearly (counted, not timed)', async () => {
    // jsonld.js's duplicate check: a comparison with every value already under the property.
    const util = (await import(JSONLD_UTIL)) as { default: { compareValues: (a: unknown, b: unknown) => boolean } };
    const comparisons = vi.spyOn(util.default, 'compareValues');
    await expand(JSON.stringify(wideDocument(500)));
    const small = comparisons.mock.calls.length;
    comparisons.mockClear();
    await expand(JSON.stringify(wideDocument(5000)));
    const large = comparisons.mock.calls.length;
    expect(small).toBeGreaterThan(0);
    expect(large / small).toBeLessThan(12);
  });
});
