/**
 * QualifiedNamer reuses the namespace it last found only when no longer namespace extends it:
 * names from nested namespaces, in any order, must come out as a fresh namer makes them one by one.
 */
import { describe, expect, it } from 'vitest';
import { QualifiedNamer } from '../../src/prov/qualified-namer.js';

const iri = (value: string) => ({ termType: 'NamedNode', value });

describe('QualifiedNamer', () => {
  it('names IRIs of nested and newly made namespaces, in runs and alternating, as one fresh namer per IRI does', () => {
    const prefixes = { a: 'http://e.org/', ab: 'http://e.org/b/', abc: 'http://e.org/b/c#' };
    const iris = [
      'http://e.org/b/x', 'http://e.org/b/y', 'http://e.org/x', 'http://e.org/b/c#z', 'http://e.org/b/w',
      'http://e.org/b/c#q', 'http://e.org/b/c#r', 'http://e.org/b/x', 'http://other.org/p/q', 'http://other.org/p/r',
      'http://other.org/s', 'http://other.org/p/t',
    ];
    const namer = new QualifiedNamer(prefixes);
    const names = iris.map((value) => namer.name(iri(value)));
    expect(names.slice(0, 8)).toEqual(['ab:x', 'ab:y', 'a:x', 'abc:z', 'ab:w', 'abc:q', 'abc:r', 'ab:x']);
    // http://other.org/ is made after http://other.org/p/: its IRIs must not take the shorter one.
    expect(names.slice(8)).toEqual(['ns1:q', 'ns1:r', 'ns2:s', 'ns1:t']);
    expect(namer.usedPrefixes()).toEqual({ a: 'http://e.org/', ab: 'http://e.org/b/', abc: 'http://e.org/b/c#', ns1: 'http://other.org/p/', ns2: 'http://other.org/' });
  });

  it('finds a longer namespace made after the one it last found', () => {
    const namer = new QualifiedNamer({ o: 'http://other.org/' });
    expect(namer.name(iri('http://other.org/s'))).toBe('o:s');
    const bundle = new QualifiedNamer({ p: 'http://other.org/p/' }, namer);
    expect([bundle.name(iri('http://other.org/s')), bundle.name(iri('http://other.org/p/t')), bundle.name(iri('http://other.org/u'))]).toEqual(['o:s', 'p:t', 'o:u']);
  });
});
