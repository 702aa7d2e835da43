import { describe, expect, it } from 'vitest';
import rule from './RPV-S001.js';
import { focuses } from '../test/support/rules.js';

describe('RPV-S001 a seed is recorded', () => {
  it('flags a run that used no seed', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run ; prov:used <urn:r/param/lr> .\n<urn:r/param/lr> a prov:Entity, reprov:Parameter ; prov:value 0.1 .')).toEqual(['r:run']);
  });
  it('flags a seed node without a value', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run ; prov:used <urn:r/seed/x> .\n<urn:r/seed/x> a prov:Entity, reprov:Seed .')).toEqual(['r:run']);
  });
  it('passes a run that used a seed, and checks each run of a bundle', async () => {
    const seeded = '<urn:r/run> a mls:Run ; prov:used <urn:r/seed/torch> .\n<urn:r/seed/torch> a prov:Entity, reprov:Seed ; prov:value 0 .';
    expect(await focuses(rule, seeded)).toEqual([]);
    expect(await focuses(rule, `${seeded}\n<urn:r/run2> a mls:Run .`)).toEqual(['r:run2']);
  });
  it('does not apply without a run', async () => {
    expect(await focuses(rule, '<urn:r/e> a prov:Entity .')).toMatch(/^not applicable/);
  });
});
