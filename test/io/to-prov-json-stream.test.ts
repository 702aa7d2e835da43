/**
 * RDF -> PROV-JSON streams: quads go from the parser into the builder and the document is
 * written in chunks. Its text must be what `JSON.stringify(document, null, 2)` makes of the
 * document quadsToProvJson returns for the same quads, on large and on hostile input.
 */
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { convert } from '../../src/convert.js';
import { readProv } from '../../src/io/read.js';
import type { Format } from '../../src/io/formats.js';
import { ProvJsonBuilder, quadsToProvJson, writeProvJson } from '../../src/prov/to-prov-json.js';

const P = 'http://www.w3.org/ns/prov#';

/** What the document of the same quads stringifies to, the way the text was made before streaming. */
async function expected(text: string, format: Format): Promise<string> {
  const { quads, prefixes } = await readProv(text, { format });
  return `${JSON.stringify(quadsToProvJson(quads, prefixes).document, null, 2)}\n`;
}

async function streamed(text: string, format: Format): Promise<string> {
  return (await convert(text, { to: 'provjson', format })).output;
}

/** A run with `n` entities: generations (qualified and not), usages, derivations, typed values, a bundle of mentions. */
function run(n: number, graph = false): string {
  const lines = ['@prefix prov: <http://www.w3.org/ns/prov#> .', '@prefix ex: <http://example.org/> .', '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .'];
  if (graph) lines.push('ex:b1 {');
  lines.push('ex:run a prov:Activity ; prov:startedAtTime "2024-01-01T00:00:00Z"^^xsd:dateTime .');
  for (let i = 0; i < n; i++) {
    lines.push(`ex:e${i} a prov:Entity ; ex:step "${i}"^^xsd:int ; ex:value "${i / 7}"^^xsd:double ; ex:note "line\\n${i}"@en .`);
    if (i % 3 === 0) lines.push(`ex:e${i} prov:qualifiedGeneration ex:g${i} . ex:g${i} a prov:Generation ; prov:activity ex:run ; prov:atTime "2024-01-01T00:00:0${i % 10}Z"^^xsd:dateTime .`);
    else if (i % 3 === 1) lines.push(`ex:e${i} prov:wasGeneratedBy ex:run ; prov:wasDerivedFrom ex:e${i - 1} .`);
    else lines.push(`ex:run prov:qualifiedUsage [ a prov:Usage ; prov:entity ex:e${i} ] .`);
  }
  if (graph) lines.push('}');
  return lines.join('\n');
}

describe('RDF -> PROV-JSON, streamed', () => {
  it('writes a 2000-entity run as JSON.stringify writes its document, from Turtle, N-Triples and TriG', async () => {
    const turtle = run(2000);
    const fromTurtle = await streamed(turtle, 'turtle');
    expect(fromTurtle).toBe(await expected(turtle, 'turtle'));
    const ntriples = (await convert(turtle, { to: 'ntriples', format: 'turtle' })).output;
    expect(await streamed(ntriples, 'ntriples')).toBe(await expected(ntriples, 'ntriples'));
    const trig = `${run(300)}\n${run(300, true)}`;
    const fromTrig = await streamed(trig, 'trig');
    expect(fromTrig).toBe(await expected(trig, 'trig'));
    const document = JSON.parse(fromTrig);
    expect(Object.keys(document.bundle)).toEqual(['ex:b1']);
    expect(Object.keys(document.bundle['ex:b1'].entity)).toHaveLength(300);
  });

  it('keeps JSON key order for ids that are array indices, __proto__ and constructor; empty records; a bundle of nothing PROV', async () => {
    // Index-like keys come first in ascending order in a JS object (and so in JSON.stringify's output).
    const text = `@prefix prov: <${P}> . @prefix : <http://example.org/> .
      :10 a prov:Entity . :b a prov:Entity . :2 a prov:Entity . :__proto__ a prov:Entity ; :constructor "x" .
      :constructor a prov:Agent . :007 a prov:Entity . :4294967295 a prov:Entity . :1 a prov:Entity ; prov:wasDerivedFrom :2 .`;
    const output = await streamed(text, 'turtle');
    expect(output).toBe(await expected(text, 'turtle'));
    expect(Object.keys(JSON.parse(output).entity)).toEqual(['1', '2', '10', 'b', '__proto__', '007', '4294967295']);
    const withEmptyBundle = `@prefix : <http://example.org/> . :g { :x :p :y . }`;
    const bundled = await streamed(withEmptyBundle, 'trig');
    expect(bundled).toBe(await expected(withEmptyBundle, 'trig'));
    expect(JSON.parse(bundled).bundle).toEqual({ g: { prefix: { default: 'http://example.org/' } } });
    expect(output).toContain('"1": {},');
  });

  it('drops repeated statements of a subject with many statements as of one with few', async () => {
    const values = Array.from({ length: 40 }, (_, i) => `"v${i % 25}"`);
    const text = `@prefix prov: <${P}> . @prefix : <http://example.org/> .
      :few a prov:Entity ; :p "a", "a", "b" . :many a prov:Entity ; :p ${values.join(', ')} .
      ${values.map((v) => `:many :p ${v} .`).join(' ')} :many a prov:Entity .`;
    const document = JSON.parse(await streamed(text, 'turtle'));
    expect(document.entity['few']['p']).toEqual(['a', 'b']);
    expect(document.entity['many']['p']).toEqual(Array.from({ length: 25 }, (_, i) => `v${i}`));
  });

  it('merges two records under one id as the document does (a relation named _:id1 under a prefix `_`)', async () => {
    const text = `@prefix prov: <${P}> . @prefix x: <http://x/> . @prefix : <http://example.org/> .
      :a a prov:Activity ; prov:used :f ; prov:qualifiedUsage x:id1 . x:id1 a prov:Usage ; prov:entity :e .`;
    const { quads } = await readProv(text, { format: 'turtle' });
    const prefixes = { _: 'http://x/', '': 'http://example.org/' };
    const builder = new ProvJsonBuilder();
    quads.forEach((q) => builder.add(q));
    let written = '';
    builder.writeTo({ write: (chunk) => void (written += chunk) }, prefixes);
    const document = quadsToProvJson(quads, prefixes).document;
    expect(written).toBe(`${JSON.stringify(document, null, 2)}\n`);
    expect(JSON.parse(written).used['_:id1']).toEqual([{ 'prov:activity': 'a', 'prov:entity': 'f' }, { 'prov:activity': 'a', 'prov:entity': 'e' }]);
  });

  it('keeps IRIs whose text reads as a blank node, literal, variable, quad or nothing apart from those terms, and drops their repeats', () => {
    const { namedNode, blankNode, literal, quad } = DataFactory;
    const e = namedNode('http://example.org/e');
    const note = namedNode('http://example.org/note');
    const lookalikes = ['_:b1', '"x"', '?v', '<a>', '[1]', ''];
    const objects = [
      namedNode(`${P}Entity`), ...lookalikes.map((iri) => namedNode(iri)), blankNode('b1'), literal('x'), literal('"x"'),
      // Past the scan limit duplicates are found by key: repeats of each kind, and filler statements.
      ...Array.from({ length: 20 }, (_, i) => literal(`v${i}`)), ...lookalikes.map((iri) => namedNode(iri)), literal('x'), blankNode('b1'),
    ];
    const quads = objects.map((o, i) => quad(e, i ? note : namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'), o));
    const [record] = Object.values(quadsToProvJson(quads).document.entity as Record<string, Record<string, unknown[]>>);
    const notes = Object.values(record!)[0]!;
    expect(notes).toHaveLength(lookalikes.length + 3 + 20);
    const names = notes.slice(0, lookalikes.length + 3);
    expect(names.slice(0, lookalikes.length).every((v) => (v as { type?: string }).type === 'prov:QUALIFIED_NAME')).toBe(true);
    expect(names.slice(lookalikes.length)).toEqual([{ $: '_:b1', type: 'prov:QUALIFIED_NAME' }, 'x', '"x"']);
  });

  it('writes in chunks, never the whole text at once', async () => {
    const { quads, prefixes } = await readProv(run(6000), { format: 'turtle' });
    const chunks: string[] = [];
    writeProvJson(quadsToProvJson(quads, prefixes).document, { write: (chunk) => void chunks.push(chunk as string) });
    expect(chunks.length).toBeGreaterThan(1);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(2 ** 21);
    expect(chunks.join('')).toBe(`${JSON.stringify(quadsToProvJson(quads, prefixes).document, null, 2)}\n`);
  });
});
