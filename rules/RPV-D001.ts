import { DataFactory } from 'n3';
import { hasType, objects, runs } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import { dcat, mls, prov, reprov, spdx } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-D001',
  title: 'Input data is pinned by a content hash',
  category: 'data',
  severity: 'error',
  weight: 10,
  description: 'Every data input of a run (a reprov:File, reprov:Directory or dcat:Dataset the run prov:used) has an SPDX SHA-256 checksum, or an immutable version: a reprov:commit that is a commit hash (a dataset revision such as a Hub commit; a branch or tag name like `main` does not pin).',
  why: 'A path or a dataset name says where data was, not what it was. Data changes under the same name; only a content hash (or an immutable revision) proves a rerun reads the same bytes.',
  fix: 'Hash inputs when recording: `reprov record --input data/ -- …` or `await run.logDataset("data/")`; for hub datasets, record the exact revision.',
  example: {
    failing: '<urn:r/run> a mls:Run ; prov:used <urn:r/data/train> .\n<urn:r/data/train> a prov:Entity, dcat:Dataset ; prov:atLocation "data/train.csv" .',
    passing: '<urn:r/run> a mls:Run ; prov:used <urn:r/data/train> .\n<urn:r/data/train> a prov:Entity, dcat:Dataset ; prov:atLocation "data/train.csv" ; spdx:checksum <urn:r/data/train/checksum/sha256> .\n<urn:r/data/train/checksum/sha256> spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" .',
  },
} as const;

const DATA_TYPES = [reprov.File, reprov.Directory, dcat.Dataset, mls.Dataset];
const VERSION = DataFactory.namedNode('https://w3id.org/reprov#commit');
/** A commit (git, Hugging Face Hub): hex digits. A branch or tag name (`main`, `v1.0`) names something that can move. */
const COMMIT = /^[0-9a-f]{7,64}$/i;

export default defineRule({
  meta,
  check(input) {
    const inputs = runs(input.store).flatMap((run) => objects(input.store, run, prov.used))
      .filter((entity) => DATA_TYPES.some((type) => hasType(input.store, entity, type)));
    if (!inputs.length) return notApplicable('the runs use no data input');
    return findings([...new Set(inputs)].filter((entity) => {
      const sha256 = objects(input.store, entity, spdx.checksum).some((checksum) => objects(input.store, checksum, spdx.algorithm).some((a) => a.equals(spdx.checksumAlgorithm_sha256)));
      return !sha256 && !objects(input.store, entity, VERSION).some((version) => COMMIT.test(version.value));
    }).map((entity) => finding(input, meta, entity, 'this data input has no SHA-256 checksum or immutable version: a rerun cannot prove it reads the same data')));
  },
});
