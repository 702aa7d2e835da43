import { describe, expect, it } from 'vitest';
import rule from './RPV-D003.js';
import { focuses } from '../test/support/rules.js';

const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const RUN = '<urn:r/run> a prov:Activity, mls:Run .';
const output = (id: string, types: string, extra = '') => `<urn:r/${id}> a prov:Entity, ${types} ; prov:wasGeneratedBy <urn:r/run>${extra} .`;
const hashed = (id: string) => ` ; spdx:checksum <urn:r/${id}/checksum/sha256> .\n<urn:r/${id}/checksum/sha256> spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "${SHA256}"`;

describe('RPV-D003 produced models and outputs are hashed', () => {
  it('flags a model, file, directory and artifact the run produced without a SHA-256 checksum', async () => {
    for (const type of ['mls:Model', 'reprov:File', 'reprov:Directory', 'reprov:Artifact']) {
      expect(await focuses(rule, `${RUN}\n${output('out', type)}`)).toEqual(['r:out']);
    }
  });
  it('flags an output hashed with MD5 only', async () => {
    expect(await focuses(rule, `${RUN}\n${output('out', 'reprov:File', ' ; spdx:checksum <urn:r/c>')}\n<urn:r/c> spdx:algorithm spdx:checksumAlgorithm_md5 ; spdx:checksumValue "00" .`)).toEqual(['r:out']);
  });
  it('follows qualified generations and the run\'s phases', async () => {
    expect(await focuses(rule, `${RUN}\n<urn:r/model> a mls:Model ; prov:qualifiedGeneration [ a prov:Generation ; prov:activity <urn:r/run> ] .`)).toEqual(['r:model']);
    expect(await focuses(rule, `${RUN}\n<urn:r/context/training> a prov:Activity, reprov:Context ; prov:wasInformedBy <urn:r/run> .\n<urn:r/model> a mls:Model ; prov:wasGeneratedBy <urn:r/context/training> .`)).toEqual(['r:model']);
  });
  it('passes hashed outputs', async () => {
    expect(await focuses(rule, `${RUN}\n${output('model', 'reprov:File, mls:Model', hashed('model'))}\n${output('dir', 'reprov:Directory', hashed('dir'))}`)).toEqual([]);
  });
  it('checks only outputs of a run: inputs, metrics and things other activities generated are not its concern', async () => {
    const bundle = `${RUN}\n${output('out', 'reprov:File', hashed('out'))}\n<urn:r/run> prov:used <urn:r/in> .\n<urn:r/in> a reprov:File .\n`
      + '<urn:r/metric/training/loss> a reprov:Metric, reprov:File ; prov:wasGeneratedBy <urn:r/run> .\n<urn:r/other> a prov:Activity .\n<urn:r/x> a mls:Model ; prov:wasGeneratedBy <urn:r/other> .';
    expect(await focuses(rule, bundle)).toEqual([]);
  });
  it('does not apply when the run produced no output', async () => {
    expect(await focuses(rule, `${RUN}\n<urn:r/run> prov:used <urn:r/in> .\n<urn:r/in> a reprov:File .`)).toMatch(/^not applicable: the runs produced no model/);
    expect(await focuses(rule, `${RUN}\n<urn:r/metric/loss> a prov:Entity, reprov:Metric ; prov:wasGeneratedBy <urn:r/run> .`)).toMatch(/^not applicable/);
  });
});
