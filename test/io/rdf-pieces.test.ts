/**
 * Large RDF text files converted to PROV-JSON are read in pieces (io/read.ts readInputPieces), never
 * as one string: the output must be what the whole text gives, and bad input far into a large file
 * must still be one line with the file, the right line:column and the problem (exit 2).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert, convertFile } from '../../src/convert.js';
import { readInputPieces } from '../../src/io/read.js';
import { reprov } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'reprov-pieces-'));
const PREFIXES = '@prefix prov: <http://www.w3.org/ns/prov#> .\n@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n';

/** Turtle of `n` entities, about 150 bytes each, with multi-line and non-ASCII literals (a piece is 256 KiB). */
function entities(n: number): string {
  const lines = [PREFIXES];
  for (let i = 0; i < n; i++) {
    lines.push(`ex:e${i} a prov:Entity ; ex:step "${i}"^^xsd:int ; ex:note "caf\u00e9 \u2603 ${i}"@fr ;\n  ex:long """two\nlines ${i}""" .\n`);
    if (i % 5 === 0) lines.push(`ex:e${i} prov:qualifiedGeneration ex:g${i} . ex:g${i} a prov:Generation ; prov:activity ex:run .\n`);
  }
  return lines.join('');
}

async function fromFile(name: string, content: string | Buffer, options: { lenient?: boolean } = {}) {
  const path = join(dir, name);
  writeFileSync(path, content);
  let output = '';
  // Read in pieces whatever the size (the CLI does so from STREAM_FROM_BYTES).
  const report = await convertFile(path, { write: (chunk) => (output += chunk) }, { to: 'provjson', streamFromBytes: 0, ...options });
  return { output, report };
}

describe('RDF text read in pieces', () => {
  it('converts a file of many pieces as the same text in one string, Turtle and N-Triples', async () => {
    const turtle = entities(8000);
    expect(turtle.length).toBeGreaterThan(3 * 262144);
    const whole = await convert(turtle, { to: 'provjson', format: 'turtle' });
    expect((await fromFile('big.ttl', turtle)).output).toBe(whole.output);
    const ntriples = (await convert(turtle, { to: 'ntriples', format: 'turtle' })).output;
    expect((await fromFile('big.nt', ntriples)).output).toBe((await convert(ntriples, { to: 'provjson', format: 'ntriples' })).output);
  });

  it('reads a file with no line end in it, and a line longer than a piece', async () => {
    const oneLine = `${PREFIXES.replaceAll('\n', ' ')} ex:e a prov:Entity ; ex:blob "${'x'.repeat(600_000)}" .`;
    const whole = await convert(oneLine, { to: 'provjson', format: 'turtle' });
    expect((await fromFile('one-line.ttl', oneLine)).output).toBe(whole.output);
  });

  it('gives pieces that each end at a line end, their text the whole file', async () => {
    const text = entities(8000);
    const path = join(dir, 'pieces.ttl');
    writeFileSync(path, text);
    const pieces: string[] = [];
    for await (const piece of readInputPieces(path)) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith('\n')).toBe(true);
    expect(pieces.join('')).toBe(text);
  });

  it('names the line and column of a syntax error far into the file', async () => {
    const good = entities(8000);
    const line = good.split('\n').length;
    await expect(fromFile('bad.ttl', `${good}ex:x a prov:Entity ; ex:p "open .\n`)).rejects.toThrow(new RegExp(`bad\\.ttl:${line}:\\d+: invalid Turtle`));
  });

  it('names the byte and line:column of invalid UTF-8 far into the file; --lenient reads it as U+FFFD with a warning', async () => {
    const good = Buffer.from(entities(8000));
    const line = good.toString().split('\n').length;
    const bad = Buffer.concat([good, Buffer.from('ex:x a prov:Entity ; ex:p "caf'), Buffer.from([0xe9]), Buffer.from('" .\n')]);
    const offset = good.length + 'ex:x a prov:Entity ; ex:p "caf'.length;
    await expect(fromFile('latin1.ttl', bad)).rejects.toThrow(`latin1.ttl:${line}:31: invalid UTF-8 at byte ${offset} (0xe9)`);
    const { output, report } = await fromFile('latin1.ttl', bad, { lenient: true });
    expect(report.warnings.map((w) => `${w.location}: ${w.message}`)).toContainEqual(expect.stringMatching(new RegExp(`^${line}:31: invalid UTF-8 at byte ${offset}.*U\\+FFFD`)));
    expect(output).toContain('"caf\ufffd"');
  });

  it('refuses a file of whitespace and a byte order mark only, and drops a byte order mark only at the start', async () => {
    await expect(fromFile('empty.ttl', '\ufeff  \n\n\t\n')).rejects.toThrow(/empty\.ttl: the input is empty/);
    const bom = await fromFile('bom.ttl', `\ufeff${PREFIXES}ex:e a prov:Entity ; ex:p "\ufeffx" .\n`);
    expect(JSON.parse(bom.output).entity['ex:e']['ex:p']).toBe('\ufeffx');
  });

  it('through the CLI: one line naming the file, exit 2, nothing written', () => {
    const path = join(dir, 'cli-bad.nt');
    const out = join(dir, 'cli-bad.json');
    writeFileSync(path, `${'<http://e/a> <http://e/p> "x" .\n'.repeat(5000)}<http://e/a> <http://e/p> "x .\n`);
    const result = reprov(['convert', path, '-t', 'provjson', '-o', out]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/cli-bad\.nt:5001:\d+: invalid N-Triples/);
    expect(() => readFileSync(out)).toThrow();
  });
});

describe('a literal base direction (rdf:dirLangString)', () => {
  it('is dropped with a warning; "x"@en--ltr and "x"@en are one PROV-JSON value', async () => {
    const turtle = `${PREFIXES}ex:e a prov:Entity ; ex:label "x"@en--ltr, "x"@en, "y"@en--rtl .\n`;
    const { output, report } = await fromFile('direction.ttl', turtle);
    expect(JSON.parse(output).entity['ex:e']['ex:label']).toEqual([
      { $: 'x', type: 'prov:InternationalizedString', lang: 'en' },
      { $: 'y', type: 'prov:InternationalizedString', lang: 'en' },
    ]);
    expect(report.warnings.map((w) => w.message)).toEqual(['ex:e ex:label: the base direction of "x"@en--ltr, "y"@en--rtl has no place in PROV-JSON and was dropped']);
  });

  it('as the only difference between two statements still gives two RDF statements when read as RDF', async () => {
    const turtle = `${PREFIXES}ex:e a prov:Entity ; ex:label "x"@en--ltr, "x"@en .\n`;
    const nt = (await convert(turtle, { to: 'ntriples', format: 'turtle' })).output;
    expect(nt.split('\n').filter((l) => l.includes('label'))).toHaveLength(2);
  });
});
