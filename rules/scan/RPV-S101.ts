import type { ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';
import { seededBefore } from '../../src/scan/seeds.js';

/** The functions of Python's `random` module that draw from its hidden global generator. */
const DRAWS = new Set([
  'random', 'randint', 'randrange', 'randbytes', 'getrandbits', 'choice', 'choices', 'shuffle', 'sample', 'uniform', 'triangular',
  'gauss', 'normalvariate', 'lognormvariate', 'expovariate', 'vonmisesvariate', 'gammavariate', 'betavariate', 'paretovariate',
  'weibullvariate', 'binomialvariate',
]);

const rule: ScanRule = {
  meta: {
    id: 'RPV-S101',
    title: "Python's random module is seeded before it draws",
    category: 'randomness',
    severity: 'error',
    weight: 5,
    languages: ['python'],
    description: "Calls of the `random` module's drawing functions (random.random, randint, choice, shuffle, sample, …) with no `random.seed(n)` before them on that path (or a helper that seeds it: transformers.set_seed, lightning's seed_everything, keras.utils.set_random_seed), and `random.Random()` created without a seed. A seed set after the draw, or inside a function that is never called, does not count.",
    why: "Python seeds its global generator from the operating system at start-up, so each run shuffles, samples and augments differently; the difference shows up in the data order and the metrics, and cannot be told apart from a real change.",
    fix: 'Call `random.seed(SEED)` once at start-up, before any draw (or a helper that seeds every library), and record the seed: `reprov record --seed SEED -- python train.py`.',
    example: {
      language: 'python',
      failing: 'import random\n\nindices = list(range(100))\nrandom.shuffle(indices)\n',
      passing: 'import random\n\nrandom.seed(42)\nindices = list(range(100))\nrandom.shuffle(indices)\n',
    },
  },
  check({ facts, flow }) {
    return facts.calls.flatMap((call) => {
      if (call.callee === 'random.Random' && !call.args.length && !call.spread) return [callHit(call, 'random.Random() is created without a seed')];
      if (!call.callee?.startsWith('random.') || !DRAWS.has(call.callee.slice(7))) return [];
      return seededBefore(flow, call, 'python') ? [] : [callHit(call, `${call.callee}() draws from the global generator with no random.seed() before it`)];
    });
  },
};
export default rule;
