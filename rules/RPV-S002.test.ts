import { describe, expect, it } from 'vitest';
import rule from './RPV-S002.js';
import { focuses, runRule } from '../test/support/rules.js';

const run = (seeds: Record<string, string | undefined>) =>
  `<urn:r/run> a mls:Run ; prov:used ${Object.keys(seeds).map((s) => `<urn:r/seed/${s}>`).join(', ')} .\n` +
  Object.entries(seeds).map(([s, drawn]) =>
    `<urn:r/seed/${s}> a prov:Entity, reprov:Seed ; prov:value 1 ; reprov:rng "${s}" ; reprov:sourceFile "train.py" ; reprov:line 7${drawn === undefined ? '' : ` ; reprov:drawnBeforeSeed ${drawn}`} .`).join('\n');

describe('RPV-S002 seeds are set before the first draw', () => {
  it('flags each seed set after its generator was drawn from, naming where it was set', async () => {
    expect(await focuses(rule, run({ numpy: 'true', python: 'false' }))).toEqual(['r:seed/numpy']);
    expect(await focuses(rule, run({ numpy: 'true', python: 'true' }))).toEqual(['r:seed/numpy', 'r:seed/python']);
    const outcome = await runRule(rule, run({ numpy: 'true' }));
    expect(outcome.applies && outcome.findings[0]!.message).toContain('numpy (seeded at train.py:7) was drawn from before it was seeded');
  });
  it('does not flag torch, whose default generator starts from a fixed seed', async () => {
    expect(await focuses(rule, run({ torch: 'true' }))).toEqual([]);
  });
  it('passes seeds set first, and seeds whose order is unknown (declared, or a generator without a readable state)', async () => {
    expect(await focuses(rule, run({ torch: 'false', python: 'false' }))).toEqual([]);
    expect(await focuses(rule, run({ torch: undefined }))).toEqual([]);
  });
  it('does not apply without a run', async () => {
    expect(await focuses(rule, '<urn:r/e> a prov:Entity .')).toMatch(/^not applicable/);
  });
});
