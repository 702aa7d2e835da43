import { hasAny, isA, usedAny } from '../src/check/graph-query.js';
import { defineRule, eachRun, finding } from '../src/check/rule-kit.js';
import type { GraphStore } from '../src/check/bundle-store.js';
import type { Term } from 'n3';
import { prov, reprov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-S001',
  title: 'A seed is recorded',
  category: 'randomness',
  severity: 'error',
  weight: 10,
  description: 'Every run (mls:Run) uses at least one reprov:Seed entity with a prov:value.',
  why: 'Weight initialisation, data shuffling, augmentation and dropout all draw random numbers. Without the seed, a rerun draws different ones and gets a different model.',
  fix: 'Record the seed: `reprov record --seed numpy=42 -- …`, `run.logSeed("torch", 42)`, or log it as a parameter named `seed`.',
  example: {
    failing: '<urn:r/run> a mls:Run .',
    passing: '<urn:r/run> a mls:Run ; prov:used <urn:r/seed/numpy> .\n<urn:r/seed/numpy> a prov:Entity, reprov:Seed ; prov:value 42 .',
  },
} as const;

/** What a finding says. */
const MESSAGE =
  'the run records no seed: its random numbers cannot be drawn again';

/** A reprov:Seed with a prov:value. */
const counts = (store: GraphStore, entity: Term): boolean => isA(store, entity, reprov.Seed) && hasAny(store, entity, prov.value);

export default defineRule({
  meta,
  check: (input) => eachRun(input, (run) => (usedAny(input.store, run, counts) ? [] : [finding(input, meta, run, MESSAGE)])),
});
