import { describe, expect, it } from 'vitest';
import rule from './RPV-S102.js';
import { code, hits } from '../../test/scan/support.js';

describe('RPV-S102 NumPy random numbers come from a seeded generator', () => {
  it('resolves aliases: import numpy as xp, from numpy.random import rand, from numpy import random', async () => {
    expect(await hits(rule, code(`
      import numpy as xp
      from numpy.random import rand
      from numpy import random as nr
      xp.random.randn(3)
      rand(2)
      nr.permutation(10)
    `))).toEqual(['4:numpy.random.randn', '5:numpy.random.rand', '6:numpy.random.permutation']);
  });
  it('passes draws after np.random.seed(n), whichever alias seeds', async () => {
    expect(await hits(rule, 'import numpy as np\nfrom numpy.random import seed, rand\nseed(0)\nrand(2)\nnp.random.normal()\n')).toEqual([]);
  });
  it('flags generators created without a seed, even after np.random.seed', async () => {
    expect(await hits(rule, 'import numpy as np\nnp.random.seed(0)\na = np.random.default_rng()\nb = np.random.RandomState()\nc = np.random.default_rng(None)\n'))
      .toEqual(['3:numpy.random.default_rng', '4:numpy.random.RandomState', '5:numpy.random.default_rng']);
    expect(await hits(rule, 'import numpy as np\na = np.random.default_rng(42)\nb = np.random.default_rng(seed=42)\nc = np.random.Generator(np.random.PCG64(1))\na.normal()\n')).toEqual([]);
  });
  it('ignores other modules named random and draws on a Generator object', async () => {
    expect(await hits(rule, 'import random\nimport numpy as np\nrandom.random()\nrng = np.random.default_rng(1)\nrng.integers(5)\n')).toEqual([]);
  });
});
