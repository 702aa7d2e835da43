import { describe, expect, it } from 'vitest';
import rule from './RPV-M006.js';
import { focuses, runRule } from '../test/support/rules.js';

describe('RPV-M006 the bundle records a run', () => {
  it('flags a bundle whose activities are not runs, on one of them', async () => {
    expect(await focuses(rule, '<urn:r/train> a prov:Activity ; prov:used <urn:r/data> .\n<urn:r/data> a prov:Entity .')).toEqual(['r:train']);
    const outcome = await runRule(rule, '<urn:r/a> a prov:Activity .\n<urn:r/b> a prov:Activity .');
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/none of its 2 activities is an mls:Run/);
  });
  it('flags a bundle of entities only, on a node it describes', async () => {
    expect(await focuses(rule, '<urn:r/e> a prov:Entity ; rdfs:label "e" .')).toEqual(['r:e']);
    const outcome = await runRule(rule, '<urn:r/e> a prov:Entity .');
    expect(outcome.applies && outcome.findings[0]?.severity).toBe('error');
  });
  it('never names a bare blank node', async () => {
    const names = await focuses(rule, '[] a prov:Entity ; rdfs:label "anonymous" .');
    expect(names).toHaveLength(1);
    expect((names as string[])[0]).not.toMatch(/^_:/);
  });
  it('passes a bundle with a run, whatever else it holds', async () => {
    expect(await focuses(rule, '<urn:r/run> a prov:Activity, mls:Run .\n<urn:r/other> a prov:Activity .')).toEqual([]);
  });
});
