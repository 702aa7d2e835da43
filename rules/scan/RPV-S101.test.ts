import { describe, expect, it } from 'vitest';
import rule from './RPV-S101.js';
import { code, hits } from '../../test/scan/support.js';

describe('RPV-S101 Python random is seeded before it draws', () => {
  it('flags draws with no seed before them, whatever the import spelling', async () => {
    expect(await hits(rule, code(`
      import random
      import random as rnd
      from random import shuffle, choice as pick
      random.random()
      rnd.randint(0, 9)
      shuffle(items)
      pick(items)
    `))).toEqual(['4:random.random', '5:random.randint', '6:random.shuffle', '7:random.choice']);
  });
  it('passes draws after random.seed(n) or a helper that seeds Python', async () => {
    expect(await hits(rule, 'import random\nrandom.seed(1)\nrandom.random()\n')).toEqual([]);
    expect(await hits(rule, 'import random\nfrom transformers import set_seed\nset_seed(1)\nrandom.random()\n')).toEqual([]);
    expect(await hits(rule, 'import random\nimport lightning as L\nL.seed_everything(7)\nrandom.random()\n')).toEqual([]);
  });
  it('does not count a seed after the draw, random.seed() without a value, or a seed in a function never called', async () => {
    expect(await hits(rule, 'import random\nrandom.random()\nrandom.seed(1)\n')).toEqual(['2:random.random']);
    expect(await hits(rule, 'import random\nrandom.seed()\nrandom.random()\n')).toEqual(['3:random.random']);
    expect(await hits(rule, 'import random\ndef setup():\n    random.seed(1)\nrandom.random()\n')).toEqual(['4:random.random']);
  });
  it('follows calls: a draw in a function is covered when every call of it comes after a seed', async () => {
    const source = code(`
      import random
      def draw():
          return random.random()
      def seed():
          random.seed(3)
      seed()
      draw()
    `);
    expect(await hits(rule, source)).toEqual([]);
    expect(await hits(rule, `${source}\ndef early():\n    pass\n`)).toEqual([]);
    expect(await hits(rule, source.replace('seed()\ndraw()', 'draw()\nseed()\ndraw()'))).toEqual(['3:random.random']);
  });
  it('flags random.Random() without a seed, not with one; a local name random is not the module', async () => {
    expect(await hits(rule, 'import random\nr = random.Random()\ns = random.Random(5)\n')).toEqual(['2:random.Random']);
    expect(await hits(rule, 'random = get_rng()\nrandom.random()\n')).toEqual([]);
  });
});
