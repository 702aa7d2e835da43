import { describe, expect, it } from 'vitest';
import rule from './RPV-T101.js';
import { hits } from '../../test/scan/support.js';

describe('RPV-T101 cuDNN is not left to autotune or run nondeterministic kernels', () => {
  it('flags benchmark = True and deterministic = False, through import aliases', async () => {
    expect(await hits(rule, 'import torch\ntorch.backends.cudnn.benchmark = True\n')).toEqual(['2:torch.backends.cudnn.benchmark']);
    expect(await hits(rule, 'from torch.backends import cudnn\ncudnn.deterministic = False\n')).toEqual(['2:torch.backends.cudnn.deterministic']);
    expect(await hits(rule, 'import torch.backends.cudnn as cb\ncb.benchmark = True\n')).toEqual(['2:torch.backends.cudnn.benchmark']);
  });
  it('flags a Lightning Trainer with benchmark=True', async () => {
    expect(await hits(rule, 'import pytorch_lightning as pl\npl.Trainer(benchmark=True)\npl.Trainer(benchmark=False)\n')).toEqual(['2:pytorch_lightning.Trainer']);
  });
  it('passes the deterministic settings, and attributes of local objects', async () => {
    expect(await hits(rule, 'import torch\ntorch.backends.cudnn.benchmark = False\ntorch.backends.cudnn.deterministic = True\nconfig.benchmark = True\n')).toEqual([]);
  });
});
