/**
 * The streaming reader checks each record alone, with its section's validator compiled from the
 * PROV-JSON schema (prov/schema.ts, checkProvJsonRecord): a violation anywhere in a record must be
 * refused with the JSON pointer and the words of the whole-document reader.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convert } from '../../src/convert.js';
import { streamProvJsonFile } from '../../src/io/prov-json-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'reprov-stream-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: Error) => error.message);
const prefix = { ex: 'http://example.org/' };
const good = { 'ex:ok': { 'prov:label': 'fine' } };

// Each is one bad record among good ones, at the top level and in a bundle.
const badRecords: [string, string, unknown][] = [
  ['entity', 'ex:e', { 'prov:label': { lang: 'en' } }],
  ['entity', 'ex:e', 'not a record'],
  ['entity', 'ex:e', [{ 'prov:label': 'one' }, { 'ex:v': [{ type: 'xsd:int' }] }]],
  ['activity', 'ex:a', { 'prov:startTime': 12 }],
  ['used', '_:u1', { 'prov:activity': ['ex:a'], 'prov:entity': 'ex:e' }],
  ['wasGeneratedBy', 'ex:g', { 'prov:entity': { $: 'ex:e' } }],
  ['wasDerivedFrom', '_:d', { 'prov:generatedEntity': 'ex:e2', 'prov:usedEntity': 'ex:e', 'prov:type': { $: 'prov:Revision', type: 7 } }],
  ['hadMember', '_:m', { 'prov:collection': 'ex:c', 'prov:entity': [1] }],
];

describe('a schema violation in a streamed record', () => {
  it.each(badRecords.map(([section, id, body], i) => ({ i, section, id, body })))('#$i ($section) is refused as the whole-document reader refuses it', async ({ i, section, id, body }) => {
    const documents = {
      top: { prefix, [section]: { ...good, [id]: body } },
      bundle: { prefix, bundle: { 'ex:b/1': { [section]: { ...good, [id]: body } } } },
    };
    for (const [where, doc] of Object.entries(documents)) {
      const path = join(dir, `bad-${i}-${where}.json`);
      writeFileSync(path, JSON.stringify(doc));
      const whole = await failure(convert(readFileSync(path, 'utf8'), { to: 'nquads', format: 'provjson', file: path }));
      expect(whole, `${where}: the whole-document reader refuses it`).toMatch(new RegExp(`${where === 'bundle' ? '/bundle/ex:b~11' : ''}/${section}/`));
      const streamed = await failure(streamProvJsonFile(path, { write: () => undefined }, { to: 'nquads' }));
      expect(streamed, where).toBe(whole);
    }
  });
});
