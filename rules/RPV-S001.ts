import { runs } from '../src/check/graph-query.js';
import { shapeRule } from '../src/check/rule-kit.js';

export default shapeRule({
  id: 'RPV-S001',
  title: 'A seed is recorded',
  category: 'randomness',
  severity: 'error',
  weight: 10,
  shape: 'RPV-S001.ttl',
  description: 'Every run (mls:Run) uses at least one reprov:Seed entity with a prov:value.',
  why: 'Weight initialisation, data shuffling, augmentation and dropout all draw random numbers. Without the seed, a rerun draws different ones and gets a different model.',
  fix: 'Record the seed: `reprov record --seed numpy=42 -- …`, `run.logSeed("torch", 42)`, or log it as a parameter named `seed`.',
  example: {
    failing: '<urn:r/run> a mls:Run .',
    passing: '<urn:r/run> a mls:Run ; prov:used <urn:r/seed/numpy> .\n<urn:r/seed/numpy> a prov:Entity, reprov:Seed ; prov:value 42 .',
  },
}, (input) => (runs(input.store).length ? true : 'the bundle records no run (mls:Run)'));
