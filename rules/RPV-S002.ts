import type { Term } from 'n3';
import { isA, objects } from '../src/check/graph-query.js';
import { defineRule, eachRun, finding } from '../src/check/rule-kit.js';
import { prov, reprov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-S002',
  title: 'Seeds are set before the first draw',
  category: 'randomness',
  severity: 'warning',
  weight: 4,
  description:
    'No seed of a generator that starts from operating-system entropy (Python\'s `random`, numpy\'s global generator) says it was set after ' +
    'the generator had already been drawn from (reprov:drawnBeforeSeed true: `reprov record` compares the generator\'s state at the first ' +
    'seed with its state at import). torch is not flagged: its default generator starts from a fixed built-in seed.',
  why: 'Numbers drawn before the seed come from the generator\'s unseeded start, which Python and numpy take from the operating ' +
    'system: a split shuffled or weights drawn before `np.random.seed` differ in every run. The seed is recorded, so the run looks ' +
    'reproducible, yet its first draws are not.',
  fix: 'Seed at the top of the program, before building models, datasets or samplers (or call `lightning.seed_everything` first), and record the run again.',
  example: {
    failing: '<urn:r/run> a mls:Run ; prov:used <urn:r/seed/numpy> .\n<urn:r/seed/numpy> a prov:Entity, reprov:Seed ; prov:value 42 ; reprov:rng "numpy" ; reprov:drawnBeforeSeed true .',
    passing: '<urn:r/run> a mls:Run ; prov:used <urn:r/seed/numpy> .\n<urn:r/seed/numpy> a prov:Entity, reprov:Seed ; prov:value 42 ; reprov:rng "numpy" ; reprov:drawnBeforeSeed false .',
  },
} as const;

/** Generators whose unseeded start comes from operating-system entropy (torch's default seed is a fixed constant). */
const ENTROPY_STARTED = new Set(['python', 'numpy']);

/** Where the seed was set, for the message: `train.py:12`, or its node's rng. */
function site(store: Parameters<typeof objects>[0], seed: Term): string {
  const file = objects(store, seed, reprov.sourceFile)[0]?.value;
  const line = objects(store, seed, reprov.line)[0]?.value;
  const rng = objects(store, seed, reprov.rng)[0]!.value;
  return file ? `${rng} (seeded at ${file}${line ? `:${line}` : ''})` : rng;
}

export default defineRule({
  meta,
  check: (input) =>
    eachRun(input, (run) =>
      objects(input.store, run, prov.used)
        .filter((seed) => isA(input.store, seed, reprov.Seed) && ENTROPY_STARTED.has(objects(input.store, seed, reprov.rng)[0]?.value ?? ''))
        .filter((seed) => objects(input.store, seed, reprov.drawnBeforeSeed).some((value) => value.value === 'true'))
        .map((seed) => finding(input, meta, seed, `${site(input.store, seed)} was drawn from before it was seeded: those first numbers are not reproducible`))),
});
