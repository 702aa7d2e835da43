import { describe, expect, it } from 'vitest';
import rule from './RPV-M005.js';
import { focuses, runRule } from '../test/support/rules.js';

const run = (statements: string, id = 'run') => `<urn:r/${id}> a prov:Activity, mls:Run${statements ? ` ; ${statements}` : ''} .`;
const message = async (turtle: string) => {
  const outcome = await runRule(rule, turtle);
  return outcome.applies ? outcome.findings.map((f) => f.message) : outcome.reason;
};

describe('RPV-M005 the run completed', () => {
  it('flags failed, interrupted, killed and running runs, naming the status', async () => {
    for (const status of ['failed', 'interrupted', 'killed', 'running']) {
      expect(await focuses(rule, run(`reprov:status "${status}" ; reprov:complete ${status !== 'running'}`))).toEqual(['r:run']);
      expect((await message(run(`reprov:status "${status}"`)))[0]).toContain(`status "${status}"`);
    }
    expect(await message(run('reprov:status "failed" ; reprov:complete true ; reprov:exitCode 2'))).toEqual(['the run failed: status "failed" (exit code 2)']);
    expect(await message(run('reprov:status "interrupted" ; reprov:signal "SIGINT"'))).toEqual(['the run was interrupted: status "interrupted" (signal SIGINT)']);
  });
  it('flags a succeeded run whose bundle is marked incomplete', async () => {
    expect(await focuses(rule, run('reprov:status "succeeded" ; reprov:complete false'))).toEqual(['r:run']);
    expect((await message(run('reprov:status "succeeded" ; reprov:complete false')))[0]).toMatch(/marked incomplete/);
    expect(await focuses(rule, run('reprov:complete false'))).toEqual(['r:run']);
  });
  it('passes a succeeded, complete run and checks each run of a bundle', async () => {
    expect(await focuses(rule, run('reprov:status "succeeded" ; reprov:complete true ; reprov:exitCode 0'))).toEqual([]);
    expect(await focuses(rule, run('reprov:status "succeeded"'))).toEqual([]);
    expect(await focuses(rule, `${run('reprov:status "succeeded" ; reprov:complete true')}\n${run('reprov:status "killed" ; reprov:complete true', 'rank1/run')}`)).toEqual(['r:rank1/run']);
  });
  it('does not judge a run that records no outcome (a merged run, an imported one)', async () => {
    expect(await focuses(rule, `${run('reprov:status "succeeded"')}\n<urn:m/run> a mls:Run ; dcterms:hasPart <urn:r/run> .`)).toEqual([]);
  });
  it('does not apply when no run records its outcome, or without a run', async () => {
    expect(await focuses(rule, run(''))).toMatch(/^not applicable: no run records its status/);
    expect(await focuses(rule, '<urn:r/e> a prov:Entity .')).toMatch(/^not applicable: the bundle records no run/);
  });
});
