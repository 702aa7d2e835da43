import { hasAny, isA, objects, usedAny, usedOfType } from '../src/check/graph-query.js';
import { defineRule, eachRun, finding } from '../src/check/rule-kit.js';
import type { GraphStore } from '../src/check/bundle-store.js';
import type { Term } from 'n3';
import { prov, reprov, schema } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-S001',
  title: 'A seed is recorded',
  category: 'randomness',
  severity: 'error',
  weight: 10,
  description:
    'Every run (mls:Run) uses at least one reprov:Seed entity with a prov:value; and when the run records the frameworks the program imported ' +
    '(reprov:framework on its environment, as `reprov record` instruments Python), each framework with a global generator of its own (torch, ' +
    'tensorflow) has a seed for it (reprov:rng naming it, or a global seed: `global`, `seed_everything`, `transformers.set_seed`).',
  why: 'Weight initialisation, data shuffling, augmentation and dropout all draw random numbers. Without the seed, a rerun draws different ones and gets a different model. Seeding `random` and numpy leaves torch\'s generator unseeded: a torch model still starts from other weights.',
  fix: 'Record the seed: `reprov record --seed numpy=42 -- …`, `run.logSeed("torch", 42)`, or log it as a parameter named `seed`; for an imported framework, seed its generator (`torch.manual_seed(42)`, `tf.random.set_seed(42)`) or all at once (`lightning.seed_everything(42)`, `transformers.set_seed(42)`).',
  example: {
    failing: '<urn:r/run> a mls:Run .',
    passing: '<urn:r/run> a mls:Run ; prov:used <urn:r/seed/numpy> .\n<urn:r/seed/numpy> a prov:Entity, reprov:Seed ; prov:value 42 .',
  },
} as const;

/** What a finding says. */
const MESSAGE =
  'the run records no seed: its random numbers cannot be drawn again';

/** Frameworks with a global generator of their own, and the seed call that seeds it. */
const SEEDED_BY: Readonly<Record<string, string>> = { torch: 'torch.manual_seed', tensorflow: 'tf.random.set_seed' };

/** Generators a seed with this rng seeds as well as its own: a seed of no named generator seeds them all. */
const COVERS_ALL = new Set(['global', '']);

/** A reprov:Seed with a prov:value. */
const counts = (store: GraphStore, entity: Term): boolean => isA(store, entity, reprov.Seed) && hasAny(store, entity, prov.value);

/** The rng of each seed the run used ('' when the seed names none). */
function seededGenerators(store: GraphStore, run: Term): Set<string> {
  const seeds = objects(store, run, prov.used).filter((entity) => counts(store, entity));
  return new Set(seeds.map((seed) => objects(store, seed, reprov.rng)[0]?.value ?? ''));
}

/** The names of the frameworks recorded on the environments the run used. */
function frameworks(store: GraphStore, run: Term): string[] {
  return usedOfType(store, run, reprov.Environment)
    .flatMap((env) => objects(store, env, reprov.framework))
    .flatMap((framework) => objects(store, framework, schema.name).map((name) => name.value));
}

export default defineRule({
  meta,
  check: (input) =>
    eachRun(input, (run) => {
      if (!usedAny(input.store, run, counts)) return [finding(input, meta, run, MESSAGE)];
      const seeded = seededGenerators(input.store, run);
      if ([...seeded].some((rng) => COVERS_ALL.has(rng))) return [];
      return [...new Set(frameworks(input.store, run))]
        .filter((name) => Object.hasOwn(SEEDED_BY, name) && !seeded.has(name))
        .map((name) => finding(input, meta, run, `the program imported ${name} but the run records no seed for its generator (only ${[...seeded].join(', ')}): ${name}'s random numbers cannot be drawn again; seed it with ${SEEDED_BY[name]}(...)`));
    }),
});
