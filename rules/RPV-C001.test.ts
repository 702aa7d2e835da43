import { describe, expect, it } from 'vitest';
import rule from './RPV-C001.js';
import { focuses, runRule } from '../test/support/rules.js';

const run = (code: string) => `<urn:r/run> a mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, reprov:CodeState ${code} .`;
const messages = async (turtle: string) => {
  const outcome = await runRule(rule, turtle);
  return outcome.applies ? outcome.findings.map((f) => f.message) : [];
};

describe('RPV-C001 the commit is recorded', () => {
  it('flags a run that used no code state', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run ; prov:used <urn:r/param/lr> .\n<urn:r/param/lr> a reprov:Parameter ; prov:value 0.1 .')).toEqual(['r:run']);
    expect(await messages('<urn:r/run> a mls:Run .')).toEqual([expect.stringMatching(/^the run records no commit: it used no code state/)]);
  });
  it('flags a code state outside a git repository, giving the reason', async () => {
    const bundle = run('; reprov:noRepositoryReason "not a git repository: /home/ana/exp"');
    expect(await focuses(rule, bundle)).toEqual(['r:code']);
    expect(await messages(bundle)).toEqual([expect.stringContaining('not a git repository: /home/ana/exp')]);
    expect((await messages(bundle))[0]).toMatch(/^the run records no commit: /);
  });
  it('flags a code state git could not read, giving the reason', async () => {
    const bundle = run('; reprov:unknownReason "git is not installed (could not run `git`)"');
    expect(await focuses(rule, bundle)).toEqual(['r:code']);
    expect(await messages(bundle)).toEqual(['the run records no commit: git is not installed (could not run `git`)']);
  });
  it('flags a repository with no commits yet', async () => {
    expect(await messages(run('; reprov:dirty true ; reprov:unknownReason "commit: the repository at /exp has no commits yet"')))
      .toEqual(['the run records no commit: the repository at /exp has no commits yet']);
  });
  it('flags a code state without a commit and without a reason', async () => {
    expect(await focuses(rule, run('; reprov:branch "main"'))).toEqual(['r:code']);
  });
  it('passes a recorded commit, and checks each run of a bundle', async () => {
    const committed = run('; reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4" ; reprov:dirty false');
    expect(await focuses(rule, committed)).toEqual([]);
    expect(await focuses(rule, `${committed}\n<urn:r/run2> a mls:Run .`)).toEqual(['r:run2']);
  });
  it('does not count a code state the run did not use', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run .\n<urn:r/code> a reprov:CodeState ; reprov:commit "3f2c9a1" .')).toEqual(['r:run']);
  });
  it('does not apply without a run', async () => {
    expect(await focuses(rule, '<urn:r/code> a reprov:CodeState .')).toMatch(/^not applicable/);
  });
});
