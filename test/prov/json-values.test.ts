/**
 * valueToTerm's literals (prov/json-values.ts) keep their lexical form and datatype beside n3's
 * id: each must be the term n3's own DataFactory.literal makes, for every reader of it (n3's
 * writer and store, the JSON-LD writer, equality).
 */
import { DataFactory, Store, Writer, type Literal } from 'n3';
import { describe, expect, it } from 'vitest';
import { NUMBER_MARK, valueToTerm } from '../../src/prov/json-values.js';
import { NamespaceScope } from '../../src/prov/namespace-scope.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const scope = new NamespaceScope();
scope.declare('ex', 'http://example.org/');
scope.declare('q', 'http://example.org/"quoted"#');

const cases: [unknown, Literal, boolean?][] = [
  ['plain', DataFactory.literal('plain')],
  ['say "hi"\n\\', DataFactory.literal('say "hi"\n\\')],
  ['2024-05-01T08:00:00Z', DataFactory.literal('2024-05-01T08:00:00Z', DataFactory.namedNode(`${XSD}dateTime`)), true],
  [7, DataFactory.literal('7', DataFactory.namedNode(`${XSD}int`))],
  [`${NUMBER_MARK}1.0`, DataFactory.literal('1.0', DataFactory.namedNode(`${XSD}double`))],
  [true, DataFactory.literal('true', DataFactory.namedNode(`${XSD}boolean`))],
  [{ $: 'x', type: 'xsd:string' }, DataFactory.literal('x')],
  [{ $: '0.5', type: 'xsd:double' }, DataFactory.literal('0.5', DataFactory.namedNode(`${XSD}double`))],
  [{ $: 'v"', type: 'ex:t' }, DataFactory.literal('v"', DataFactory.namedNode('http://example.org/t'))],
  // A datatype IRI with a quote: n3 reads the value back up to the last quote, and that stays so.
  [{ $: 'v', type: 'q:t' }, DataFactory.literal('v', DataFactory.namedNode('http://example.org/"quoted"#t'))],
  [{ $: 'chat', lang: 'FR' }, DataFactory.literal('chat', 'fr')],
];

describe('valueToTerm literals', () => {
  it.each(cases.map(([value, expected, asTime], i) => ({ i, value, expected, asTime })))('#$i are the literal n3 makes', ({ value, expected, asTime }) => {
    const result = valueToTerm(value, scope, asTime);
    if (!('term' in result)) throw new Error(result.error);
    const term = result.term as Literal;
    expect(term.id).toBe(expected.id);
    expect([term.value, term.language, term.datatype.value, term.datatypeString]).toEqual([expected.value, expected.language, expected.datatype.value, expected.datatypeString]);
    expect(term.equals(expected) && expected.equals(term)).toBe(true);
    // Written and stored as n3's own.
    const subject = DataFactory.namedNode('http://example.org/s');
    const predicate = DataFactory.namedNode('http://example.org/p');
    for (const format of ['N-Triples', 'Turtle']) {
      const mine = new Writer({ format }).quadToString(subject, predicate, term);
      expect(mine).toBe(new Writer({ format }).quadToString(subject, predicate, expected));
    }
    const store = new Store([DataFactory.quad(subject, predicate, term)]);
    expect(store.has(DataFactory.quad(subject, predicate, expected))).toBe(true);
  });
});
