import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'n3';
import { isomorphic } from 'rdf-isomorphic';
import { beforeEach, describe, expect, it } from 'vitest';
import { readProv } from '../src/io/read.js';
import { reprov } from './support/cli.js';

const EXAMPLE = 'examples/train-run.json';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reprov-convert-'));
});

/** One line, naming the file and a location, and no stack trace. */
function expectOneLineError(stderr: string, ...fragments: string[]): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('reprov convert', () => {
  it('prints Turtle for the shipped example, isomorphic to the library reading', async () => {
    const result = reprov(['convert', EXAMPLE, '-t', 'turtle']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('@prefix run: <https://example.org/runs/2026-11-24-mnist/>');
    const expected = await readProv(readFileSync(EXAMPLE, 'utf8'), { format: 'provjson' });
    expect(isomorphic(new Parser().parse(result.stdout), expected.quads)).toBe(true);
  });

  it('reads standard input and detects PROV-JSON from content', () => {
    const result = reprov(['convert', '-', '-t', 'nt'], { input: readFileSync(EXAMPLE, 'utf8') });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^<https:\/\/example\.org\/runs\/2026-11-24-mnist\/training> <http:\/\/www\.w3\.org\/1999\/02\/22-rdf-syntax-ns#type> <http:\/\/www\.w3\.org\/ns\/prov#Activity> \.$/m);
  });

  it('takes the output format from the -o extension and leaves no temporary file', () => {
    const out = join(dir, 'run.trig');
    expect(reprov(['convert', EXAMPLE, '-o', out]).status).toBe(0);
    expect(new Parser({ format: 'TriG' }).parse(readFileSync(out, 'utf8')).length).toBeGreaterThan(40);
    expect(readdirSync(dir)).toEqual(['run.trig']);
  });

  it.each(['turtle', 'ntriples', 'nquads', 'trig', 'jsonld'])('round-trips the example through %s and back to PROV-JSON', async (format) => {
    const rdf = join(dir, `run.${format}`);
    expect(reprov(['convert', EXAMPLE, '-t', format, '-o', rdf]).status).toBe(0);
    const back = reprov(['convert', rdf, '--from', format, '-t', 'provjson']);
    expect(back.status).toBe(0);
    const original = await readProv(readFileSync(EXAMPLE, 'utf8'), { format: 'provjson' });
    const again = await readProv(back.stdout, { format: 'provjson' });
    expect(isomorphic(again.quads, original.quads)).toBe(true);
  });

  it('adds unqualified shortcut triples with --shortcuts', () => {
    const plain = reprov(['convert', EXAMPLE, '-t', 'nt']).stdout;
    const withShortcuts = reprov(['convert', EXAMPLE, '-t', 'nt', '--shortcuts']).stdout;
    const used = '<https://example.org/runs/2026-11-24-mnist/training> <http://www.w3.org/ns/prov#used> <https://example.org/runs/2026-11-24-mnist/mnist-train> .';
    expect(plain).not.toContain(used);
    expect(withShortcuts).toContain(used);
    expect(withShortcuts).toContain('<https://example.org/runs/2026-11-24-mnist/model> <http://www.w3.org/ns/prov#wasGeneratedBy> <https://example.org/runs/2026-11-24-mnist/training> .');
  });

  describe('bundles', () => {
    const withBundle = JSON.stringify({
      prefix: { ex: 'http://example.org/' },
      entity: { 'ex:b1': { 'prov:type': { $: 'prov:Bundle', type: 'prov:QUALIFIED_NAME' } } },
      bundle: { 'ex:b1': { entity: { 'ex:e1': {} } } },
    });

    it('refuses to flatten bundles into Turtle without --merge-bundles', () => {
      const input = join(dir, 'b.json');
      writeFileSync(input, withBundle);
      const result = reprov(['convert', input, '-t', 'turtle']);
      expect(result.status).toBe(2);
      expectOneLineError(result.stderr, '1 bundle', '--merge-bundles');
      const merged = reprov(['convert', input, '-t', 'turtle', '--merge-bundles']);
      expect(merged.status).toBe(0);
      expect(merged.stdout).toContain('ex:e1 a prov:Entity');
    });

    it('keeps bundles as named graphs in TriG and N-Quads', () => {
      const result = reprov(['convert', '-', '-t', 'nquads'], { input: withBundle });
      expect(result.stdout).toContain('<http://example.org/e1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/prov#Entity> <http://example.org/b1> .');
    });
  });

  describe('bad input', () => {
    it('invalid JSON: exit 2, file and line:column, and the existing output is untouched', () => {
      const input = join(dir, 'broken.json');
      writeFileSync(input, '{\n  "entity": {\n    "ex:e1": {},\n  }\n}\n');
      const out = join(dir, 'out.ttl');
      writeFileSync(out, 'previous content\n');
      const result = reprov(['convert', input, '-o', out]);
      expect(result.status).toBe(2);
      expectOneLineError(result.stderr, `${input}:4:3`, 'invalid JSON');
      expect(readFileSync(out, 'utf8')).toBe('previous content\n');
      expect(readdirSync(dir).sort()).toEqual(['broken.json', 'out.ttl']);
    });

    it('undeclared prefix: exit 2 with the JSON pointer', () => {
      const input = join(dir, 'undeclared.json');
      writeFileSync(input, JSON.stringify({ prefix: { ex: 'http://example.org/' }, entity: { 'foo:e1': {} } }));
      const result = reprov(['convert', input, '-t', 'turtle']);
      expect(result.status).toBe(2);
      expectOneLineError(result.stderr, `${input}:/entity/foo:e1:`, "undeclared prefix 'foo'");
    });

    it('Turtle syntax error: exit 2 with line:column', () => {
      const input = join(dir, 'bad.ttl');
      writeFileSync(input, '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e ;; .\n');
      const result = reprov(['convert', input, '-t', 'provjson']);
      expect(result.status).toBe(2);
      expectOneLineError(result.stderr, `${input}:3:`, 'invalid Turtle');
    });

    it('missing input file: exit 2', () => {
      const result = reprov(['convert', join(dir, 'nope.json'), '-t', 'turtle']);
      expect(result.status).toBe(2);
      expectOneLineError(result.stderr, 'nope.json', 'no such file');
    });

    it('unknown format or no output format: exit 2', () => {
      expectOneLineError(reprov(['convert', EXAMPLE, '-t', 'rdfxml']).stderr, "unknown format 'rdfxml'");
      expect(reprov(['convert', EXAMPLE, '-t', 'rdfxml']).status).toBe(2);
      expect(reprov(['convert', EXAMPLE]).status).toBe(2);
      expect(reprov(['convert']).status).toBe(2);
    });

    it('--lenient converts the rest and lists what it skipped', () => {
      const input = join(dir, 'partly.json');
      writeFileSync(input, JSON.stringify({
        prefix: { ex: 'http://example.org/' },
        entity: { 'ex:e1': {}, 'foo:e2': {} },
        used: { 'ex:u1': { 'prov:activity': 'ex:a1', 'prov:entity': 7 } },
      }));
      const result = reprov(['convert', input, '-t', 'nt', '--lenient']);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('<http://example.org/e1>');
      expect(result.stderr).toContain(`skipped: ${input}:/entity/foo:e2: undeclared prefix 'foo'`);
      expect(result.stderr).toContain(`skipped: ${input}:/used/ex:u1/prov:entity: expected an identifier (string), found number 7`);
    });
  });

  it('warns about namespaces that are not absolute IRIs and resolves them stably', () => {
    const input = JSON.stringify({ prefix: { yProv4ML: 'yProv4ML' }, entity: { 'yProv4ML:e1': { 'yProv4ML:size': 3 } } });
    const result = reprov(['convert', '-', '-t', 'nt'], { input });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('<urn:reprov:ns:yProv4ML:e1> <urn:reprov:ns:yProv4ML:size> "3"^^<http://www.w3.org/2001/XMLSchema#int> .');
    expect(result.stderr).toContain("warning: <stdin>:/prefix/yProv4ML: namespace 'yProv4ML' is not an absolute IRI; resolved to <urn:reprov:ns:yProv4ML:>");
    const back = reprov(['convert', '-', '--from', 'nt', '-t', 'provjson'], { input: result.stdout });
    expect(JSON.parse(back.stdout).prefix).toEqual({ yProv4ML: 'yProv4ML' });
  });
});

it('writes to a device in place instead of renaming over it (-o /dev/null)', () => {
  const result = reprov(['convert', 'examples/train-run.json', '-t', 'nt', '-o', '/dev/null']);
  expect(result.status).toBe(0);
  expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
});
