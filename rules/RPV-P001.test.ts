import { describe, expect, it } from 'vitest';
import rule from './RPV-P001.js';
import { focuses, runRule } from '../test/support/rules.js';

const run = (deps: string) => `<urn:r/run> a mls:Run ; prov:used <urn:r/dependencies/d> .\n<urn:r/dependencies/d> a prov:Entity, reprov:DependencyFile ; reprov:ecosystem "pypi" ${deps} .`;
const messages = async (turtle: string) => {
  const outcome = await runRule(rule, turtle);
  return outcome.applies ? outcome.findings.map((f) => f.message) : [];
};

describe('RPV-P001 a lock or requirements file is recorded', () => {
  it('flags a run that used no dependency file', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a reprov:CodeState .')).toEqual(['r:run']);
    expect(await messages('<urn:r/run> a mls:Run .')).toEqual([expect.stringMatching(/^the run records no lock or requirements file/)]);
  });
  it('flags a failed pip freeze, giving its reason', async () => {
    const bundle = run('; reprov:source "pip freeze" ; reprov:unknownReason "python3 -m pip freeze failed: No module named pip"');
    expect(await focuses(rule, bundle)).toEqual(['r:run']);
    expect(await messages(bundle)).toEqual(['the run records no lock or requirements file: python3 -m pip freeze failed: No module named pip']);
  });
  it('passes a dependency file, a pip freeze with packages, or a file it could not read but names', async () => {
    expect(await focuses(rule, run('; prov:atLocation "requirements.txt" ; reprov:pinned true'))).toEqual([]);
    expect(await focuses(rule, run('; reprov:source "pip freeze" ; reprov:package "numpy==1.26.4", "torch==2.3.0"'))).toEqual([]);
    expect(await focuses(rule, run('; prov:atLocation "poetry.lock" ; reprov:unknownReason "cannot read poetry.lock: EACCES"'))).toEqual([]);
    expect(await focuses(rule, run(''))).toEqual([]);
  });
  it('checks each run of a bundle', async () => {
    expect(await focuses(rule, `${run('; prov:atLocation "uv.lock"')}\n<urn:r/run2> a mls:Run .`)).toEqual(['r:run2']);
  });
  it('does not apply without a run', async () => {
    expect(await focuses(rule, '<urn:r/dependencies/d> a reprov:DependencyFile .')).toMatch(/^not applicable/);
  });
});
