/**
 * RdfTextWriter (io/rdf-text.ts) encodes n3's statements into 1 MiB buffers for the sink: the
 * bytes must be n3's own text in UTF-8, across buffer boundaries, with characters of 2, 3 and 4
 * bytes, and with a literal too long for any buffer.
 */
import { DataFactory, Writer, type Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import { RdfTextWriter } from '../../src/io/rdf-text.js';
import type { Format } from '../../src/io/formats.js';
import { PREDEFINED_PREFIXES } from '../../src/prov/namespaces.js';

const { namedNode, literal, quad } = DataFactory;
const N3_NAMES: Record<string, string> = { ntriples: 'N-Triples', turtle: 'Turtle' };

function quads(): Quad[] {
  const all: Quad[] = [];
  const texts = ['café', '東京', 'emoji 😀 here', 'plain ascii'];
  // Some 3 MB of statements: several buffers.
  for (let i = 0; i < 30_000; i++) {
    all.push(quad(namedNode(`http://example.org/s${i >> 2}`), namedNode('http://example.org/p'), literal(`${texts[i % 4]} ${i} ${'x'.repeat(i % 97)}`)));
  }
  // Longer than a buffer's worth (3 bytes per UTF-16 unit): handed to the sink as it is.
  all.splice(12_345, 0, quad(namedNode('http://example.org/long'), namedNode('http://example.org/p'), literal('é'.repeat(400_000))));
  return all;
}

describe('RdfTextWriter', () => {
  it.each(['ntriples', 'turtle'] as Format[])('writes n3\'s %s as UTF-8 bytes, chunk by chunk', async (format) => {
    const input = quads();
    const chunks: Buffer[] = [];
    const writer = new RdfTextWriter(format, { ex: 'http://example.org/' }, { write: (chunk) => void chunks.push(Buffer.from(chunk)) });
    for (const q of input) writer.add(q);
    await writer.end();
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((chunk) => chunk.length <= 1 << 21)).toBe(true);

    const expected = await new Promise<string>((resolve, reject) => {
      const n3 = new Writer({ format: N3_NAMES[format], prefixes: format === 'turtle' ? { ...PREDEFINED_PREFIXES, ex: 'http://example.org/' } : undefined });
      for (const q of input) n3.addQuad(q);
      n3.end((error, text) => (error ? reject(error) : resolve(text)));
    });
    expect(Buffer.concat(chunks).equals(Buffer.from(expected))).toBe(true);
  });
});
