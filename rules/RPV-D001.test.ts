import { describe, expect, it } from 'vitest';
import rule from './RPV-D001.js';
import { focuses } from '../test/support/rules.js';

const run = (data: string) => `<urn:r/run> a mls:Run ; prov:used <urn:r/data/in> .\n<urn:r/data/in> a prov:Entity, ${data} .`;
const sha256 = '<urn:r/data/in> spdx:checksum <urn:r/c> .\n<urn:r/c> spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "ab" .';

describe('RPV-D001 input data is pinned by a content hash', () => {
  it('flags a file, a directory and a dataset without a checksum', async () => {
    for (const type of ['reprov:File', 'reprov:Directory', 'dcat:Dataset']) expect(await focuses(rule, run(type))).toEqual(['r:data/in']);
  });
  it('flags an MD5 checksum alone (only SHA-256 pins here)', async () => {
    expect(await focuses(rule, `${run('reprov:File')}\n<urn:r/data/in> spdx:checksum <urn:r/m> .\n<urn:r/m> spdx:algorithm spdx:checksumAlgorithm_md5 .`)).toEqual(['r:data/in']);
  });
  it('passes a SHA-256 checksum or an immutable version', async () => {
    expect(await focuses(rule, `${run('reprov:File')}\n${sha256}`)).toEqual([]);
    expect(await focuses(rule, `${run('dcat:Dataset')}\n<urn:r/data/in> reprov:commit "3f2c9a1" .`)).toEqual([]);
  });
  it('flags a version that is a branch or tag name, which can move', async () => {
    expect(await focuses(rule, `${run('dcat:Dataset')}\n<urn:r/data/in> reprov:commit "main" .`)).toEqual(['r:data/in']);
    expect(await focuses(rule, `${run('dcat:Dataset')}\n<urn:r/data/in> reprov:commit "v1.0" .`)).toEqual(['r:data/in']);
  });
  it('does not apply when the runs use no data', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run ; prov:used <urn:r/param/lr> .\n<urn:r/param/lr> a reprov:Parameter .')).toMatch(/^not applicable/);
  });
});
