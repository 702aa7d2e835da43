import { describe, expect, it } from 'vitest';
import rule from './RPV-T001.js';
import { focuses, runRule } from '../test/support/rules.js';

const run = (used: string, nodes = '') => `<urn:r/run> a prov:Activity, mls:Run${used ? ` ; prov:used ${used}` : ''} .\n${nodes}`;
const torchSeed = '<urn:r/seed/torch> a prov:Entity, reprov:Seed ; prov:value 42 ; reprov:rng "torch" .';

describe('RPV-T001 determinism settings are recorded', () => {
  it('flags a run with seeds but no determinism setting', async () => {
    expect(await focuses(rule, run('<urn:r/seed/torch>', torchSeed))).toEqual(['r:run']);
    expect(await focuses(rule, run(''))).toEqual(['r:run']);
  });
  it('says what is missing', async () => {
    const outcome = await runRule(rule, run(''));
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/no determinism setting/);
  });
  it('does not count a setting that another run used, or one the run only names', async () => {
    const other = '<urn:r/run2> a mls:Run ; prov:used <urn:r/det/x> .\n<urn:r/det/x> a reprov:DeterminismSetting ; reprov:settingName "TF_DETERMINISTIC_OPS" ; prov:value "1" .';
    expect(await focuses(rule, run('', other))).toEqual(['r:run']);
    expect(await focuses(rule, run('<urn:r/param/lr>', '<urn:r/param/lr> a reprov:Parameter ; rdfs:label "learning_rate" ; prov:value 0.1 .'))).toEqual(['r:run']);
  });
  it('passes a determinism setting, a python-hash seed or a determinism parameter', async () => {
    expect(await focuses(rule, run('<urn:r/determinism/TF_DETERMINISTIC_OPS>',
      '<urn:r/determinism/TF_DETERMINISTIC_OPS> a prov:Entity, reprov:DeterminismSetting ; reprov:settingName "TF_DETERMINISTIC_OPS" ; prov:value "1" .'))).toEqual([]);
    expect(await focuses(rule, run('<urn:r/seed/PYTHONHASHSEED>',
      '<urn:r/seed/PYTHONHASHSEED> a prov:Entity, reprov:Seed ; prov:value 0 ; reprov:rng "python-hash" .'))).toEqual([]);
    for (const name of ['deterministic', 'torch.backends.cudnn.benchmark', 'cudnn_benchmark', 'torch.use_deterministic_algorithms']) {
      expect(await focuses(rule, run('<urn:r/param/p>', `<urn:r/param/p> a prov:Entity, reprov:Parameter ; rdfs:label "${name}" ; prov:value true .`))).toEqual([]);
    }
  });
  it('judges a merged run through its parts', async () => {
    const part = run('<urn:r/determinism/PYTHONHASHSEED>', '<urn:r/determinism/PYTHONHASHSEED> a reprov:DeterminismSetting ; reprov:settingName "PYTHONHASHSEED" ; prov:value "0" .');
    expect(await focuses(rule, `${part}\n<urn:m/run> a prov:Activity, mls:Run ; dcterms:hasPart <urn:r/run> .`)).toEqual([]);
    expect(await focuses(rule, `${run('')}\n<urn:m/run> a prov:Activity, mls:Run ; dcterms:hasPart <urn:r/run> .`)).toEqual(['r:run']);
  });
  it('checks every run of a bundle', async () => {
    expect(await focuses(rule, `${run('<urn:r/determinism/X>', '<urn:r/determinism/X> a reprov:DeterminismSetting .')}\n<urn:r/run2> a mls:Run .`)).toEqual(['r:run2']);
  });
  it('does not apply without a run', async () => {
    expect(await focuses(rule, '<urn:r/e> a prov:Entity .')).toMatch(/^not applicable: .*no run/);
  });
});
