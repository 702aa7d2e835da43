/** The bundle store's own term numbering (n3's ids in Maps): distinct terms stay distinct, and terms of another RDF/JS library find n3's. */
import type * as RDF from '@rdfjs/types';
import { DataFactory, Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { BundleStore } from '../../src/check/bundle-store.js';

const { namedNode, blankNode, literal, quad } = DataFactory;
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const P = namedNode('urn:p');

/** A term made as another RDF/JS library makes it: a plain object, no n3 id. */
function foreign(termType: 'NamedNode' | 'BlankNode' | 'Literal', value: string, extra: { language?: string; datatype?: string } = {}): RDF.Term {
  const datatype = { termType: 'NamedNode', value: extra.datatype ?? (extra.language ? 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString' : `${XSD}string`) };
  return { termType, value, ...(termType === 'Literal' && { language: extra.language ?? '', datatype }), equals: () => false } as unknown as RDF.Term;
}

describe('BundleStore', () => {
  it('keeps an IRI spelt like a blank node id apart from that blank node', () => {
    const store = new BundleStore([quad(namedNode('_:b1'), P, literal('iri')), quad(blankNode('b1'), P, literal('blank'))]);
    expect(store.size).toBe(2);
    expect(store.getQuads(namedNode('_:b1'), null, null, null).map((q) => q.object.value)).toEqual(['iri']);
    expect(store.getQuads(blankNode('b1'), null, null, null).map((q) => q.object.value)).toEqual(['blank']);
  });

  it('tells literals apart by datatype and language, and finds them through another library\'s terms', () => {
    const quads = new Parser().parse(`<urn:s> <urn:p> "1", "1"^^<${XSD}integer>, "1"@en, "1"@de, "\\"1\\"^^x" .`);
    const store = new BundleStore(quads);
    expect(store.size).toBe(5);
    // Each finds its own one of the five (a bound term comes back as given, so count them).
    const found = (o: RDF.Term) => store.getQuads(null, null, o, null).length;
    expect(found(foreign('Literal', '1'))).toBe(1);
    expect(found(foreign('Literal', '1', { datatype: `${XSD}integer` }))).toBe(1);
    expect(found(foreign('Literal', '1', { language: 'de' }))).toBe(1);
    expect(found(foreign('Literal', '"1"^^x'))).toBe(1);
    expect(found(foreign('Literal', '1', { datatype: `${XSD}decimal` }))).toBe(0);
    expect(found(foreign('Literal', '1', { language: 'fr' }))).toBe(0);
    expect(store.getQuads(foreign('NamedNode', 'urn:s'), null, null, null)).toHaveLength(5);
    expect(store.getQuads(foreign('BlankNode', 'urn:s'), null, null, null)).toHaveLength(0);
  });

  it('says whether a pattern matches, and lists every distinct term once', () => {
    const store = new BundleStore(new Parser().parse('<urn:a> <urn:p> <urn:b> . <urn:b> <urn:p> "x" . <urn:a> <urn:q> "x" .'));
    expect(store.matches(namedNode('urn:a'), P, null, null)).toBe(true);
    expect(store.matches(null, P, literal('x'), null)).toBe(true);
    expect(store.matches(namedNode('urn:b'), namedNode('urn:q'), null, null)).toBe(false);
    expect(store.matches(namedNode('urn:nowhere'), null, null, null)).toBe(false);
    expect([...store.terms()].map((t) => t.id).sort()).toEqual(['"x"', '', 'urn:a', 'urn:b', 'urn:p', 'urn:q'].sort());
  });
});
