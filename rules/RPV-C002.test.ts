import { describe, expect, it } from 'vitest';
import rule from './RPV-C002.js';
import { focuses, runRule } from '../test/support/rules.js';

const COMMIT = 'reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4"';
const run = (code: string) => `<urn:r/run> a mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, reprov:CodeState ; ${code} .`;
const messages = async (turtle: string) => {
  const outcome = await runRule(rule, turtle);
  return outcome.applies ? outcome.findings.map((f) => f.message) : [];
};

describe('RPV-C002 uncommitted changes are recorded', () => {
  it('flags a dirty tree with neither diff nor digest, counting the changes', async () => {
    const bundle = run(`${COMMIT} ; reprov:dirty true ; reprov:changedFileCount 3 ; reprov:untrackedFileCount 1`);
    expect(await focuses(rule, bundle)).toEqual(['r:code']);
    expect(await messages(bundle)).toEqual([expect.stringMatching(/^the working tree had uncommitted changes \(3 changed, 1 untracked files\)/)]);
  });
  it('counts and names the listed files when the totals are absent', async () => {
    expect(await messages(run(`${COMMIT} ; reprov:dirty "true"^^xsd:boolean ; reprov:changedFile "train.py"`)))
      .toEqual([expect.stringContaining('(1 changed file: train.py)')]);
  });
  it('flags untracked files alone (no diff covers them), naming a few', async () => {
    const bundle = run(`${COMMIT} ; reprov:dirty true ; reprov:changedFileCount 0 ; reprov:untrackedFile "a.py", "b.py", "c.py", "d.py" ; reprov:untrackedFileCount 4`);
    expect(await focuses(rule, bundle)).toEqual(['r:code']);
    expect(await messages(bundle)).toEqual(['the working tree had 4 files that no commit holds (a.py, b.py, c.py, …), and no diff covers untracked files: commit the ones the run needs and add the rest to .gitignore']);
  });
  it('flags a code state that does not say whether the tree was clean, with the reason', async () => {
    const bundle = run('reprov:unknownReason "git failed in /exp: fatal: bad object HEAD"');
    expect(await focuses(rule, bundle)).toEqual(['r:code']);
    expect(await messages(bundle)).toEqual(['could not tell whether the working tree was clean: the code state records no reprov:dirty and no diff (git failed in /exp: fatal: bad object HEAD)']);
  });
  it('passes a clean tree, or a dirty one with its diff digest or its diff', async () => {
    expect(await focuses(rule, run(`${COMMIT} ; reprov:dirty false`))).toEqual([]);
    expect(await focuses(rule, run(`${COMMIT} ; reprov:dirty true ; reprov:diffSha256 "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"`))).toEqual([]);
    expect(await focuses(rule, run(`${COMMIT} ; reprov:dirty true ; reprov:diffFile "code.diff"`))).toEqual([]);
  });
  it('does not apply without a code state, or when the code is in no repository', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run .')).toMatch(/^not applicable: .*no code state/);
    expect(await focuses(rule, run('reprov:noRepositoryReason "not a git repository: /exp"'))).toMatch(/^not applicable: .*not in a git repository/);
  });
});
