import { hasKeyword } from '../../src/scan/facts.js';
import type { ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';
import { seededBefore } from '../../src/scan/seeds.js';

/** numpy.random members that do not draw from the legacy global generator. */
const NOT_DRAWS = new Set(['seed', 'get_state', 'set_state', 'default_rng', 'RandomState', 'Generator', 'BitGenerator', 'SeedSequence', 'PCG64', 'PCG64DXSM', 'MT19937', 'Philox', 'SFC64']);
/** Generators and bit generators that take their seed as the first argument; without one they take fresh entropy from the OS. */
const CONSTRUCTORS = new Set(['default_rng', 'RandomState', 'SeedSequence', 'PCG64', 'PCG64DXSM', 'MT19937', 'Philox', 'SFC64']);

const rule: ScanRule = {
  meta: {
    id: 'RPV-S102',
    title: 'NumPy random numbers come from a seeded generator',
    category: 'randomness',
    severity: 'error',
    weight: 6,
    languages: ['python'],
    description: 'Draws from the legacy global generator (np.random.rand, randn, randint, choice, shuffle, permutation, normal, …) with no `np.random.seed(n)` before them on that path, and generators created without a seed: `np.random.default_rng()`, `RandomState()`, `PCG64()`, `SeedSequence()`. Imports and aliases are resolved (`import numpy as xp`, `from numpy.random import rand`).',
    why: 'Unseeded, NumPy takes fresh entropy from the operating system: data splits, augmentations, initial weights and sampled batches differ on every run. `default_rng()` is not affected by `np.random.seed`, so it needs its own seed.',
    fix: 'Create one generator from the run\'s seed and pass it along: `rng = np.random.default_rng(SEED)`; for legacy code, call `np.random.seed(SEED)` before the first draw.',
    example: {
      language: 'python',
      failing: 'import numpy as np\n\nrng = np.random.default_rng()\nnoise = np.random.normal(0, 1, size=10)\n',
      passing: 'import numpy as np\n\nnp.random.seed(42)\nrng = np.random.default_rng(42)\nnoise = np.random.normal(0, 1, size=10)\n',
    },
  },
  check({ facts, flow }) {
    return facts.calls.flatMap((call) => {
      if (!call.callee?.startsWith('numpy.random.')) return [];
      const member = call.callee.slice('numpy.random.'.length);
      if (CONSTRUCTORS.has(member)) {
        const seeded = call.spread || (call.args[0] !== undefined && call.args[0].kind !== 'none') || hasKeyword(call, 'seed') || hasKeyword(call, 'entropy');
        return seeded ? [] : [callHit(call, `${call.callee}() is created without a seed`)];
      }
      if (member.includes('.') || member.includes('(') || NOT_DRAWS.has(member)) return [];
      return seededBefore(flow, call, 'numpy') ? [] : [callHit(call, `${call.callee}() draws from NumPy's global generator with no np.random.seed() before it`)];
    });
  },
};
export default rule;
