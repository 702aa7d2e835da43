import { describe, expect, it } from 'vitest';
import rule from './RPV-D002.js';
import { focuses, runRule } from '../test/support/rules.js';

const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const file = (...checksums: string[]) =>
  `<urn:r/run> a mls:Run ; prov:used <urn:r/data/in> .\n<urn:r/data/in> a prov:Entity, reprov:File${checksums.length ? ` ; spdx:checksum ${checksums.map((c) => `<urn:r/data/in/checksum/${c}>`).join(', ')}` : ''} .`;
const checksum = (id: string, algorithm: string, value: string) =>
  `<urn:r/data/in/checksum/${id}> a prov:Entity, spdx:Checksum ; spdx:algorithm ${algorithm} ; spdx:checksumValue "${value}" .`;

describe('RPV-D002 checksums are strong', () => {
  it('flags MD5 and SHA-1 checksums, naming the checksum and what it pins', async () => {
    expect(await focuses(rule, `${file('md5')}\n${checksum('md5', 'spdx:checksumAlgorithm_md5', 'd41d8cd98f00b204e9800998ecf8427e')}`)).toEqual(['r:data/in/checksum/md5']);
    expect(await focuses(rule, `${file('sha1')}\n${checksum('sha1', 'spdx:checksumAlgorithm_sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709')}`)).toEqual(['r:data/in/checksum/sha1']);
    const outcome = await runRule(rule, `${file('md5')}\n${checksum('md5', '"MD5"', 'd41d8cd98f00b204e9800998ecf8427e')}`);
    expect(outcome.applies && outcome.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^r:data\/in is pinned by MD5 only/)]);
  });
  it('flags a short or malformed SHA-256 value', async () => {
    expect(await focuses(rule, `${file('sha256')}\n${checksum('sha256', 'spdx:checksumAlgorithm_sha256', SHA256.slice(0, 12))}`)).toEqual(['r:data/in/checksum/sha256']);
    expect(await focuses(rule, `${file('sha256')}\n${checksum('sha256', 'spdx:checksumAlgorithm_sha256', 'z'.repeat(64))}`)).toEqual(['r:data/in/checksum/sha256']);
    expect(await focuses(rule, `${file('sha256')}\n<urn:r/data/in/checksum/sha256> spdx:algorithm spdx:checksumAlgorithm_sha256 .`)).toEqual(['r:data/in/checksum/sha256']);
    const outcome = await runRule(rule, `${file('sha256')}\n${checksum('sha256', 'spdx:checksumAlgorithm_sha256', SHA256.slice(0, 12))}`);
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/12 characters long, not 64/);
  });
  it('names a blank checksum node through its holder', async () => {
    expect(await focuses(rule, '<urn:r/data/in> a reprov:File ; spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_md5 ; spdx:checksumValue "00" ] .')).toEqual(['r:data/in/checksum']);
  });
  it('passes full SHA-256 digests (either case), other sound algorithms, and MD5 beside a sound digest', async () => {
    expect(await focuses(rule, `${file('sha256')}\n${checksum('sha256', 'spdx:checksumAlgorithm_sha256', SHA256)}`)).toEqual([]);
    expect(await focuses(rule, `${file('sha256')}\n${checksum('sha256', 'spdx:checksumAlgorithm_sha256', SHA256.toUpperCase())}`)).toEqual([]);
    expect(await focuses(rule, `${file('sha512')}\n${checksum('sha512', 'spdx:checksumAlgorithm_sha512', 'a'.repeat(128))}`)).toEqual([]);
    expect(await focuses(rule, `${file('md5', 'sha256')}\n${checksum('md5', 'spdx:checksumAlgorithm_md5', 'd41d8cd98f00b204e9800998ecf8427e')}\n${checksum('sha256', 'spdx:checksumAlgorithm_sha256', SHA256)}`)).toEqual([]);
  });
  it('still flags MD5 beside a SHA-256 that is itself short', async () => {
    expect(await focuses(rule, `${file('md5', 'sha256')}\n${checksum('md5', 'spdx:checksumAlgorithm_md5', 'd41d8cd98f00b204e9800998ecf8427e')}\n${checksum('sha256', 'spdx:checksumAlgorithm_sha256', 'abc')}`))
      .toEqual(['r:data/in/checksum/md5', 'r:data/in/checksum/sha256']);
  });
  it('does not apply when the bundle records no checksum', async () => {
    expect(await focuses(rule, file())).toMatch(/^not applicable: the bundle records no checksum/);
  });
});
