#!/usr/bin/env node
/**
 * The floor of a PROV-JSON -> RDF text conversion: what any converter running on Node must do
 * at the least. Reads the input file as UTF-8, JSON.parse's it, and writes BYTES bytes to OUT in
 * 1 MiB string chunks (the size reprov's writer flushes at). No RDF terms, no serialisation.
 *
 *   node bench/floor.mjs IN.json OUT BYTES
 *
 * bench/convert.mjs passes the byte size of reprov's own output for the same input and target,
 * so reprov's time divided by this one is the overhead of the conversion itself.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

const [input, output, size] = process.argv.slice(2);
const bytes = Number(size);
if (!input || !output || !Number.isSafeInteger(bytes) || bytes < 0) {
  process.stderr.write('usage: node bench/floor.mjs IN.json OUT BYTES\n');
  process.exit(2);
}

const doc = JSON.parse(readFileSync(input, 'utf8'));
// Touch the result so that no engine could skip the parse.
if (typeof doc !== 'object' || doc === null) throw new Error(`${input}: not a JSON object`);

// Strings, as a serialiser produces: each write pays the UTF-8 encoding reprov's writes pay.
const CHUNK = 1 << 20;
const chunk = 'x'.repeat(Math.min(CHUNK, bytes));
const fd = openSync(output, 'w');
let left = bytes;
while (left > 0) left -= writeSync(fd, left >= chunk.length ? chunk : chunk.slice(0, left));
closeSync(fd);
