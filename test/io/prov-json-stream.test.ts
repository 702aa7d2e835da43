/**
 * The streaming PROV-JSON reader (io/prov-json-stream.ts) against the whole-document one: the
 * same output, byte for byte up to blank node labels, on the python prov corpus and on generated
 * documents; the same refusals, with their JSON pointer or line and column.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STREAM_FROM_BYTES, convert, streams } from '../../src/convert.js';
import { streamProvJsonFile } from '../../src/io/prov-json-stream.js';
import type { Format } from '../../src/io/formats.js';
import { corpusDocuments, requireCorpusOnCi } from '../support/corpus.js';
import { REPO, reprov } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'reprov-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FORMATS: Format[] = ['ntriples', 'nquads', 'turtle', 'trig'];

/** n3 numbers blank nodes from one counter per process: labels are renumbered in order of appearance. */
function canonical(text: string): string {
  const labels = new Map<string, string>();
  return text.replace(/_:n3-\d+/g, (label) => {
    if (!labels.has(label)) labels.set(label, `_:b${labels.size}`);
    return labels.get(label)!;
  });
}

async function streamed(path: string, to: Format, options = {}): Promise<string> {
  let output = '';
  await streamProvJsonFile(path, { write: (chunk) => void (output += chunk) }, { to, ...options });
  return output;
}

async function whole(path: string, to: Format, options = {}): Promise<string> {
  return (await convert(readFileSync(path, 'utf8'), { to, format: 'provjson', file: path, ...options })).output;
}

function file(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

describe('the same output as the whole-document reader', () => {
  requireCorpusOnCi();
  const documents = corpusDocuments();
  it.runIf(documents.length > 0)(`on the python prov corpus (${documents.length} documents), in N-Triples, N-Quads, Turtle and TriG`, async () => {
    for (const doc of documents) {
      const path = file(`${doc.name}.json`, doc.json);
      for (const to of FORMATS) {
        const expected = canonical(await whole(path, to, { mergeBundles: true }));
        expect(canonical(await streamed(path, to, { mergeBundles: true })), `${doc.name} -> ${to}`).toBe(expected);
      }
    }
  }, 120_000);

  it('on a generated ML run, exact numbers included', async () => {
    const path = join(dir, 'run.json');
    execFileSync(process.execPath, [join(REPO, 'bench/generate-ml-run.mjs'), '2000', path], { stdio: 'ignore' });
    for (const to of FORMATS) expect(canonical(await streamed(path, to)), to).toBe(canonical(await whole(path, to)));
  });

  it('with the prefixes after the records, and a bundle whose prefix comes last', async () => {
    const path = file('late.json', String.raw`{"entity": {"ex:e": {"ex:n": 1.0, "ex:big": 12345678901234567890}},
      "bundle": {"b:one": {"entity": {"c:x": {"prov:label": "x"}}, "prefix": {"c": "http://c.example/", "b": "http://b.example/"}}},
      "wasGeneratedBy": {"_:g": {"prov:entity": "ex:e", "prov:activity": "ex:a"}},
      "prefix": {"ex": "http://example.org/", "b": "http://b.example/"}}`);
    const nquads = await streamed(path, 'nquads');
    expect(nquads).toContain('<http://c.example/x>');
    expect(nquads).toContain('<http://example.org/e>');
    expect(nquads).not.toContain('urn:reprov');
    // The bundle's prefix is declared where it is read.
    expect(await streamed(path, 'trig')).toMatch(/@prefix c: <http:\/\/c\.example\/>\.\n[^]*c:x/);
    expect(canonical(await streamed(path, 'nquads'))).toBe(canonical(await whole(path, 'nquads')));
  });
});

describe('refusals', () => {
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: Error) => error.message);

  it('names a schema violation by its JSON pointer, in a bundle too', async () => {
    const path = file('bad.json', { prefix: { ex: 'http://example.org/' }, bundle: { 'ex:b': { entity: { 'ex:e': { 'prov:label': { lang: 'en' } } } } } });
    expect(await failure(streamed(path, 'nquads'))).toMatch(/bad\.json:\/bundle\/ex:b\/entity\/ex:e\/prov:label/);
  });

  it('names a syntax error by line and column, and invalid UTF-8 by its byte', async () => {
    const broken = file('broken.json', '{"prefix": {"ex": "http://example.org/"},\n "entity": {"ex:e": {"ex:a": 1,}}}');
    expect(await failure(streamed(broken, 'ntriples'))).toMatch(/broken\.json:2:32: invalid JSON/);
    const latin1 = join(dir, 'latin1.json');
    writeFileSync(latin1, Buffer.concat([Buffer.from('{"entity": {"ex:e": {"prov:label": "caf'), Buffer.from([0xe9]), Buffer.from('"}}}')]));
    expect(await failure(streamed(latin1, 'ntriples'))).toMatch(/invalid UTF-8 at byte 39/);
  });

  it('refuses hostile nesting, a non-object document and bundles the format cannot hold', async () => {
    const deep = file('deep.json', `{"entity": {"ex:e": {"ex:a": ${'['.repeat(600)}${']'.repeat(600)}}}}`);
    expect(await failure(streamed(deep, 'ntriples'))).toMatch(/nesting deeper than 512 levels/);
    expect(await failure(streamed(file('array.json', '[1, 2]'), 'ntriples'))).toMatch(/array\.json/);
    const bundles = file('bundles.json', { prefix: { ex: 'http://example.org/' }, bundle: { 'ex:b1': {}, 'ex:b2': {} } });
    expect(await failure(streamed(bundles, 'turtle'))).toMatch(/the document has 2 bundles/);
  });

  it('keeps keys like __proto__ as data', async () => {
    const path = file('proto.json', '{"prefix": {"ex": "http://example.org/"}, "entity": {"ex:e": {"__proto__": {"$": "1", "type": "xsd:int"}, "ex:a": 1, "ex:a": 2}}}');
    // `__proto__` is no qualified name: refused as the whole-document reader refuses it.
    expect(await failure(streamed(path, 'ntriples'))).toEqual(await failure(whole(path, 'ntriples')));
  });
});

describe('the CLI streams large files', () => {
  it(`from ${STREAM_FROM_BYTES >> 20} MiB, into an atomically written file`, () => {
    const path = join(dir, 'large.json');
    execFileSync(process.execPath, [join(REPO, 'bench/generate-ml-run.mjs'), '70000', path], { stdio: 'ignore' });
    expect(statSync(path).size).toBeGreaterThanOrEqual(STREAM_FROM_BYTES);
    expect(streams(path, { to: 'ntriples' })).toBe(true);
    expect(streams(path, { to: 'ntriples', lenient: true })).toBe(false);
    const output = join(dir, 'large.nt');
    const result = reprov(['convert', path, '-t', 'ntriples', '-o', output, '--quiet']);
    expect(result.status, result.stderr).toBe(0);
    const lines = readFileSync(output, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(500_000);
    // A broken large file: one line naming file and place, and the earlier output file is kept.
    writeFileSync(path, readFileSync(path, 'utf8').replace('"ex:step": 7,', '"ex:step": 7,,'));
    const broken = reprov(['convert', path, '-t', 'ntriples', '-o', output]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/large\.json:1:\d+: invalid JSON/);
    expect(readFileSync(output, 'utf8').split('\n').filter(Boolean)).toHaveLength(lines.length);
  }, 120_000);
});
