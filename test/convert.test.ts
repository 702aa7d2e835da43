import { spawnSync } from 'node:child_process';
import { Parser } from 'n3';
import { isomorphic } from 'rdf-isomorphic';
import { describe, expect, it } from 'vitest';
import { convert } from '../src/convert.js';
import { ProvInputError } from '../src/base/diagnostics.js';
import { readProv } from '../src/io/read.js';
import { writeProv } from '../src/io/write.js';
import { REPO } from './support/cli.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const nt = async (json: unknown, options = {}) => (await convert(JSON.stringify(json), { to: 'ntriples', ...options })).output;

describe('values keep their lexical form and datatype', () => {
  it('reads bare JSON numbers exactly', async () => {
    const text = '{"prefix":{"ex":"http://example.org/"},"entity":{"ex:e":{"ex:a":1.0,"ex:b":1,"ex:c":2e3,"ex:d":12345678901234567890,"ex:f":3000000000,"ex:g":true}}}';
    const output = (await convert(text, { to: 'ntriples' })).output;
    expect(output).toContain(`<http://example.org/a> "1.0"^^<${XSD}double>`);
    expect(output).toContain(`<http://example.org/b> "1"^^<${XSD}int>`);
    expect(output).toContain(`<http://example.org/c> "2e3"^^<${XSD}double>`);
    // Past 2^63 - 1 (xsd:long's range, decided on the digits as written): xsd:integer.
    expect(output).toContain(`<http://example.org/d> "12345678901234567890"^^<${XSD}integer>`);
    expect(output).toContain(`<http://example.org/f> "3000000000"^^<${XSD}long>`);
    expect(output).toContain(`<http://example.org/g> "true"^^<${XSD}boolean>`);
  });

  it('tells numbers from digits inside strings, escaped quotes and backslashes included', async () => {
    const text = String.raw`{"prefix":{"ex":"http://example.org/"},"entity":{"ex:e":{"ex:s":"say \"1.5\", 2.0","ex:t":"ends with \\","ex:n":[-1.5e-3,7,"8.0"],"ex:u":"12:00.5"}}}`;
    const output = (await convert(text, { to: 'ntriples' })).output;
    expect(output).toContain(String.raw`<http://example.org/s> "say \"1.5\", 2.0" .`);
    expect(output).toContain(String.raw`<http://example.org/t> "ends with \\" .`);
    expect(output).toContain(`<http://example.org/n> "-1.5e-3"^^<${XSD}double>`);
    expect(output).toContain(`<http://example.org/n> "7"^^<${XSD}int>`);
    expect(output).toContain('<http://example.org/n> "8.0" .');
    expect(output).toContain('<http://example.org/u> "12:00.5" .');
  });

  it('reports JSON syntax errors at their place in the original text, marked numbers or not', async () => {
    const error = await readProv('{"entity": {"ex:e": {"ex:a": 1.5, "ex:b": 2.5,}}}', { format: 'provjson', file: 'n.json' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^n\.json:1:47: invalid JSON/);
  });

  it('never normalises typed values (Python prov writes "10.0" for "10"^^xsd:decimal)', async () => {
    const output = await nt({
      prefix: { ex: 'http://example.org/' },
      entity: { 'ex:e': { 'ex:a': { $: '10', type: 'xsd:decimal' }, 'ex:b': { $: 1, type: 'xsd:long' }, 'ex:c': { $: '1.0', type: 'xsd:float' } } },
    });
    expect(output).toContain(`"10"^^<${XSD}decimal>`);
    expect(output).toContain(`"1"^^<${XSD}long>`);
    expect(output).toContain(`"1.0"^^<${XSD}float>`);
  });

  it('writes the same lexical forms back to PROV-JSON', async () => {
    const dataset = await readProv('{"prefix":{"ex":"http://example.org/"},"entity":{"ex:e":{"ex:a":1.0,"ex:b":{"$":"10","type":"xsd:decimal"},"ex:c":"plain","ex:d":{"$":"hi","lang":"en"}}}}');
    const back = JSON.parse(await writeProv(dataset, 'provjson'));
    expect(back.entity['ex:e']).toEqual({
      'ex:a': { $: '1.0', type: 'xsd:double' },
      'ex:b': { $: '10', type: 'xsd:decimal' },
      'ex:c': 'plain',
      'ex:d': { $: 'hi', type: 'prov:InternationalizedString', lang: 'en' },
    });
  });
});

describe('namespaces', () => {
  const yprov = { prefix: { yProv4ML: 'yProv4ML', default: 'exp_0' }, entity: { model: { 'yProv4ML:path': 'm.pth' } } };

  it('resolves non-absolute namespaces under urn:reprov:ns: and warns once per namespace', async () => {
    const { output, warnings } = await convert(JSON.stringify(yprov), { to: 'ntriples', file: 'y.json' });
    expect(output).toBe('<urn:reprov:ns:exp_0:model> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/prov#Entity> .\n' +
      '<urn:reprov:ns:exp_0:model> <urn:reprov:ns:yProv4ML:path> "m.pth" .\n');
    expect(warnings.map((w) => w.location)).toEqual(['/prefix/yProv4ML', '/prefix/default']);
  });

  it('--namespace-base resolves them against a chosen IRI', async () => {
    const output = await nt(yprov, { namespaceBase: 'https://example.org/runs/' });
    expect(output).toContain('<https://example.org/runs/exp_0model> <https://example.org/runs/yProv4MLpath> "m.pth" .');
  });

  it('restores the original declarations when converting back from Turtle', async () => {
    const turtle = (await convert(JSON.stringify(yprov), { to: 'turtle' })).output;
    const back = JSON.parse((await convert(turtle, { to: 'provjson', format: 'turtle' })).output);
    expect(back.prefix).toEqual({ default: 'exp_0', yProv4ML: 'yProv4ML' });
    expect(back.entity).toEqual({ model: { 'yProv4ML:path': 'm.pth' } });
  });

  it('names them after their original value when the RDF declares no prefixes (N-Triples)', async () => {
    const back = JSON.parse((await convert(await nt(yprov), { to: 'provjson', format: 'ntriples' })).output);
    expect(back.prefix).toEqual({ exp_0: 'exp_0', yProv4ML: 'yProv4ML' });
    expect(back.entity).toEqual({ 'exp_0:model': { 'yProv4ML:path': 'm.pth' } });
  });

  it('refuses an unprefixed name when no default namespace is declared', async () => {
    await expect(nt({ entity: { e1: {} } })).rejects.toThrow("'e1' has no prefix and the document declares no default namespace");
  });
});

describe('JSON-LD', () => {
  const withBundle = {
    prefix: { ex: 'http://example.org/' },
    entity: { 'ex:e0': { 'ex:score': { $: '0.5', type: 'xsd:double' } } },
    bundle: { 'ex:b1': { entity: { 'ex:e1': {} } } },
  };

  it('writes bundles as named graphs and reads them back isomorphic', async () => {
    const jsonld = (await convert(JSON.stringify(withBundle), { to: 'jsonld' })).output;
    expect(JSON.parse(jsonld)['@context'].ex).toBe('http://example.org/');
    const original = await readProv(JSON.stringify(withBundle), { format: 'provjson' });
    const again = await readProv(jsonld, { format: 'jsonld' });
    expect(isomorphic(again.quads, original.quads)).toBe(true);
    expect(again.quads.some((q) => q.graph.value === 'http://example.org/b1')).toBe(true);
  });

  it('never fetches a remote context', async () => {
    const doc = JSON.stringify({ '@context': 'https://example.org/context.jsonld', '@id': 'http://example.org/e1', '@type': 'http://www.w3.org/ns/prov#Entity' });
    const error = await readProv(doc, { format: 'jsonld', file: 'remote.jsonld' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvInputError);
    expect((error as Error).message).toContain('remote JSON-LD context <https://example.org/context.jsonld> is not fetched');
  });

  it('serves the PROV-O context from the package', async () => {
    const doc = JSON.stringify({ '@context': 'https://www.w3.org/ns/prov.jsonld', '@id': 'http://example.org/e1', '@type': 'prov:Entity' });
    const { quads } = await readProv(doc, { format: 'jsonld' });
    expect(quads.map((q) => q.object.value)).toEqual(['http://www.w3.org/ns/prov#Entity']);
  });
});

describe('format detection', () => {
  it('detects each format from content', async () => {
    const json = JSON.stringify({ prefix: { ex: 'http://example.org/' }, entity: { 'ex:e1': {} } });
    const reference = (await readProv(json)).quads;
    for (const format of ['turtle', 'ntriples', 'nquads', 'trig', 'jsonld', 'provjson'] as const) {
      const text = await writeProv({ quads: reference, prefixes: { ex: 'http://example.org/' }, warnings: [], skipped: [] }, format);
      expect(isomorphic((await readProv(text)).quads, reference), format).toBe(true);
    }
  });
});

it("is importable as 'reprov' with its types", () => {
  const script = "import { convert } from 'reprov'; const r = await convert('{\"prefix\":{\"ex\":\"http://example.org/\"},\"entity\":{\"ex:e\":{}}}', { to: 'ntriples' }); console.log(r.output.trim());";
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe('<http://example.org/e> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/prov#Entity> .');
  const pkg = JSON.parse(spawnSync('cat', ['package.json'], { cwd: REPO, encoding: 'utf8' }).stdout);
  expect(pkg.exports['.'].types).toBe('./dist/src/index.d.ts');
});

it('keeps Turtle prefixes and shapes subjects together', async () => {
  const turtle = (await convert(JSON.stringify({ prefix: { ex: 'http://example.org/' }, used: { 'ex:u': { 'prov:activity': 'ex:a', 'prov:entity': 'ex:e', 'prov:time': '2026-01-01T00:00:00Z' } } }), { to: 'turtle' })).output;
  expect(turtle).toContain('ex:u a prov:Usage;\n    prov:entity ex:e;\n    prov:atTime "2026-01-01T00:00:00Z"^^xsd:dateTime.\nex:a prov:qualifiedUsage ex:u.');
  expect(new Parser().parse(turtle)).toHaveLength(4);
});

describe('attribute names, resolved once per scope', () => {
  it('report an unreadable name at each record it is on, and read the rest', async () => {
    const doc = {
      prefix: { ex: 'http://example.org/' },
      entity: { 'ex:a': { 'nope:x': 1, 'ex:k': 'a' }, 'ex:b': { 'nope:x': [2, 3], 'ex:k': 'b' } },
      bundle: { 'ex:g': { prefix: { nope: 'http://nope.example/' }, entity: { 'ex:c': { 'nope:x': 4 } } } },
    };
    const { output, skipped } = await convert(JSON.stringify(doc), { to: 'nquads', lenient: true });
    expect(skipped.map((s) => s.location)).toEqual(['/entity/ex:a/nope:x', '/entity/ex:b/nope:x']);
    expect(skipped[0]!.message).toMatch(/attribute name: undeclared prefix 'nope'/);
    expect(output).toContain('<http://example.org/a> <http://example.org/k> "a"');
    expect(output).toContain('<http://example.org/b> <http://example.org/k> "b"');
    // In the bundle, where `nope` is declared, the same name is a property.
    expect(output).toContain('<http://example.org/c> <http://nope.example/x> "4"');
  });

  it('past the names kept per scope, every name still resolves', async () => {
    const attributes = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`ex:p${i}`, i]));
    const output = await nt({ prefix: { ex: 'http://example.org/' }, entity: { 'ex:a': attributes, 'ex:b': attributes } });
    expect(output).toContain(`<http://example.org/b> <http://example.org/p4999> "4999"^^<${XSD}int>`);
    expect(output.trim().split('\n')).toHaveLength(2 * 5001);
  });
});
