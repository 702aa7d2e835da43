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

describe('RPV-S001 with the frameworks the program imported', () => {
  const run = (seeds: string, frameworks: string[]) =>
    `<urn:r/run> a mls:Run ; prov:used <urn:r/environment>${seeds ? `, ${seeds.split(' ').map((s) => `<urn:r/seed/${s}>`).join(', ')}` : ''} .\n` +
    `<urn:r/environment> a prov:Entity, reprov:Environment${frameworks.map((f) => ` ; reprov:framework <urn:r/environment/framework/${f}>`).join('')} .\n` +
    frameworks.map((f) => `<urn:r/environment/framework/${f}> schema:name "${f}" .`).join('\n') + '\n' +
    (seeds ? seeds.split(' ').map((s) => `<urn:r/seed/${s}> a prov:Entity, reprov:Seed ; prov:value 1 ; reprov:rng "${s}" .`).join('\n') : '');

  it('flags torch imported while only random and numpy were seeded, naming torch and its seed call', async () => {
    const hits = await focuses(rule, run('python numpy', ['torch', 'numpy']));
    expect(hits).toEqual(['r:run']);
  });
  it('passes when torch was seeded, or a global seed covers every generator', async () => {
    expect(await focuses(rule, run('python torch', ['torch']))).toEqual([]);
    expect(await focuses(rule, run('global', ['torch', 'tensorflow']))).toEqual([]);
  });
  it('flags tensorflow unseeded beside a seeded torch; jax, numpy and other names are not asked for', async () => {
    expect(await focuses(rule, run('torch', ['torch', 'tensorflow']))).toEqual(['r:run']);
    expect(await focuses(rule, run('torch', ['torch', 'jax', 'numpy', 'constructor', '__proto__']))).toEqual([]);
  });
  it('a bundle without framework facts is judged as before: any seed passes', async () => {
    expect(await focuses(rule, run('python', []))).toEqual([]);
  });
});
