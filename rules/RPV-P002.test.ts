import { describe, expect, it } from 'vitest';
import rule from './RPV-P002.js';
import { focuses, runRule } from '../test/support/rules.js';

const file = (name: string, statements: string) => `<urn:r/dependencies/${name}> a prov:Entity, reprov:DependencyFile ; prov:atLocation "${name}" ${statements} .`;
const run = (...files: string[]) => `<urn:r/run> a mls:Run ; prov:used ${files.map((f) => `<urn:r/dependencies/${/^<urn:r\/dependencies\/(\S+)>/.exec(f)![1]}>`).join(', ')} .\n${files.join('\n')}`;
const messages = async (turtle: string) => {
  const outcome = await runRule(rule, turtle);
  return outcome.applies ? outcome.findings.map((f) => `${f.focus} ${f.severity}: ${f.message}`) : [];
};

describe('RPV-P002 dependency versions are pinned', () => {
  it('flags a file with unpinned packages, naming how many', async () => {
    const bundle = run(file('requirements.txt', '; reprov:pinned false ; reprov:unpinnedCount 2 ; reprov:packageCount 5'));
    expect(await focuses(rule, bundle)).toEqual(['r:dependencies/requirements.txt']);
    expect(await messages(bundle)).toEqual(['r:dependencies/requirements.txt warning: 2 of 5 packages in requirements.txt are not pinned to an exact version: a rerun may install newer releases']);
    expect(await messages(run(file('environment.yml', '; reprov:pinned false ; reprov:unpinnedCount 1'))))
      .toEqual([expect.stringContaining('1 package in environment.yml is not pinned')]);
    expect(await messages(run(file('package.json', '; reprov:pinned false'))))
      .toEqual([expect.stringContaining('package.json does not pin its packages to exact versions')]);
  });
  it('says it could not tell when the pinning is unknown, keeping the rule severity', async () => {
    const bundle = run(file('poetry.lock', '; reprov:unknownReason "cannot read poetry.lock: EACCES"'));
    expect(await focuses(rule, bundle)).toEqual(['r:dependencies/poetry.lock']);
    expect(await messages(bundle)).toEqual(['r:dependencies/poetry.lock warning: could not tell whether poetry.lock pins exact versions: cannot read poetry.lock: EACCES']);
  });
  it('checks every file: only the unpinned and the unknown ones are findings', async () => {
    const bundle = run(
      file('uv.lock', '; reprov:pinned true ; reprov:unpinnedCount 0'),
      file('requirements.txt', '; reprov:pinned false ; reprov:unpinnedCount 3 ; reprov:packageCount 3'),
      file('setup.cfg', '; reprov:unknownReason "setup.cfg: format not analysed"'),
    );
    expect(await focuses(rule, bundle)).toEqual(['r:dependencies/requirements.txt', 'r:dependencies/setup.cfg']);
  });
  it('passes pinned files, a pip freeze included', async () => {
    expect(await focuses(rule, run(file('uv.lock', '; reprov:pinned true ; reprov:unpinnedCount 0 ; reprov:packageCount 40')))).toEqual([]);
    expect(await focuses(rule, run(file('pip-freeze', '; reprov:pinned "true"^^xsd:boolean ; reprov:package "numpy==1.26.4"')))).toEqual([]);
  });
  it('does not apply without dependency files', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run .')).toMatch(/^not applicable: .*no dependency file/);
    expect(await focuses(rule, file('uv.lock', '; reprov:pinned false'))).toMatch(/^not applicable/);
  });
});
