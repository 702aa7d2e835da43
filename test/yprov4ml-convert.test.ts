/** Real yProv4ML output (../shared/fixtures/yprov4ml, third-party data read in place) converts faithfully. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser } from 'n3';
import { isomorphic } from 'rdf-isomorphic';
import { describe, expect, it } from 'vitest';
import { convert } from '../src/convert.js';
import { readProv } from '../src/io/read.js';
import { writeProv } from '../src/io/write.js';
import { SHARED_YPROV4ML } from './support/corpus.js';
import { provStatements } from './support/prov-statements.js';

const dir = fileURLToPath(SHARED_YPROV4ML);
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];

describe.skipIf(files.length === 0)('real yProv4ML files', () => {
  it.each(files)('%s: Turtle parses, round-trips to the same statements, and the relative namespaces are reported', async (file) => {
    const text = readFileSync(`${dir}/${file}`, 'utf8');
    const { output, warnings } = await convert(text, { to: 'turtle', file });
    const original = await readProv(text, { format: 'provjson' });
    expect(isomorphic(new Parser().parse(output), original.quads)).toBe(true);
    expect(warnings.map((w) => w.location)).toEqual(expect.arrayContaining(['/prefix/yProv4ML', '/prefix/default']));

    const back = JSON.parse(await writeProv(await readProv(output, { format: 'turtle' }), 'provjson'));
    expect(provStatements(back)).toEqual(provStatements(JSON.parse(text)));
    expect(back.prefix.yProv4ML).toBe('yProv4ML');
  });
});
