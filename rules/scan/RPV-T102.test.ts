import { describe, expect, it } from 'vitest';
import rule from './RPV-T102.js';
import { hits } from '../../test/scan/support.js';

describe('RPV-T102 deterministic execution is not switched off', () => {
  it('flags use_deterministic_algorithms(False), deterministic=False and tf.data options', async () => {
    expect(await hits(rule, 'import torch\ntorch.use_deterministic_algorithms(False)\n')).toEqual(['2:torch.use_deterministic_algorithms']);
    expect(await hits(rule, 'ds = ds.map(f, deterministic=False)\n')).toEqual(['1:ds.map']);
    expect(await hits(rule, 'import tensorflow as tf\nopts = tf.data.Options()\nopts.experimental_deterministic = False\n')).toEqual(['3:opts.experimental_deterministic']);
  });
  it('passes determinism switched on, and the program\'s own fields', async () => {
    expect(await hits(rule, 'import torch\ntorch.use_deterministic_algorithms(True)\nds.map(f, deterministic=True)\nopts.deterministic = True\nself.deterministic = False\n')).toEqual([]);
  });
  it('leaves cuDNN\'s switch to RPV-T101', async () => {
    expect(await hits(rule, 'import torch\ntorch.backends.cudnn.deterministic = False\n')).toEqual([]);
  });
});
