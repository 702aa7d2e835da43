import { describe, expect, it } from 'vitest';
import rule from './RPV-C004.js';
import { focuses, runRule } from '../test/support/rules.js';

const run = (code: string) => `<urn:r/run> a mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, reprov:CodeState ; ${code} .`;

describe('RPV-C004 the repository URL is recorded', () => {
  it('flags a code state in a repository without its URL', async () => {
    const bundle = run('reprov:commit "3f2c9a1" ; reprov:dirty false');
    expect(await focuses(rule, bundle)).toEqual(['r:code']);
    const outcome = await runRule(rule, bundle);
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/^the code state records no repository URL/);
  });
  it('flags a code state git could not read (it may well be in a repository)', async () => {
    expect(await focuses(rule, run('reprov:unknownReason "git is not installed"'))).toEqual(['r:code']);
  });
  it('passes a repository URL, an IRI or a scp-like remote', async () => {
    expect(await focuses(rule, run('reprov:commit "3f2c9a1" ; schema:codeRepository "https://github.com/org/p.git"^^xsd:anyURI'))).toEqual([]);
    expect(await focuses(rule, run('reprov:commit "3f2c9a1" ; schema:codeRepository <https://github.com/org/p>'))).toEqual([]);
    expect(await focuses(rule, run('reprov:commit "3f2c9a1" ; schema:codeRepository "git@github.com:org/p.git"'))).toEqual([]);
  });
  it('does not apply when the code is in no repository, or without a code state', async () => {
    expect(await focuses(rule, run('reprov:noRepositoryReason "not a git repository: /exp"'))).toMatch(/^not applicable: .*not in a git repository/);
    expect(await focuses(rule, '<urn:r/run> a mls:Run .')).toMatch(/^not applicable: .*no code state/);
    expect(await focuses(rule, '<urn:r/code> a reprov:CodeState .')).toMatch(/^not applicable: .*no run/);
  });
});
