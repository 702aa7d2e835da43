import { describe, expect, it } from 'vitest';
import rule from './RPV-S103.js';
import { code, hits } from '../../test/scan/support.js';

describe('RPV-S103 PyTorch random numbers come from a seeded generator', () => {
  it('flags tensor draws, initialisers, random_split and shuffling loaders with no seed', async () => {
    expect(await hits(rule, code(`
      import torch
      from torch import nn
      from torch.utils.data import DataLoader, random_split
      torch.randn(2, 2)
      nn.init.kaiming_normal_(w)
      random_split(ds, [0.9, 0.1])
      DataLoader(ds, shuffle=True)
      DataLoader(ds, shuffle=False)
      DataLoader(ds)
    `))).toEqual(['4:torch.randn', '5:torch.nn.init.kaiming_normal_', '6:torch.utils.data.random_split', '7:torch.utils.data.DataLoader']);
  });
  it('passes them after torch.manual_seed(n) or with a generator of their own', async () => {
    expect(await hits(rule, 'import torch\ntorch.manual_seed(0)\ntorch.rand(3)\n')).toEqual([]);
    expect(await hits(rule, 'import torch\nfrom torch.utils.data import DataLoader\ng = torch.Generator()\ng.manual_seed(0)\nDataLoader(ds, shuffle=True, generator=g)\ntorch.randperm(5, generator=g)\n')).toEqual([]);
  });
  it('counts a seed inside a helper only when the helper is called before the draw', async () => {
    const helper = 'import torch\ndef fix(seed):\n    torch.manual_seed(seed)\n';
    expect(await hits(rule, `${helper}fix(1)\ntorch.rand(2)\n`)).toEqual([]);
    expect(await hits(rule, `${helper}torch.rand(2)\nfix(1)\n`)).toEqual(['4:torch.rand']);
    expect(await hits(rule, `${helper}torch.rand(2)\n`)).toEqual(['4:torch.rand']);
  });
  it('treats Model(...) as a call of Model.__init__ and a callback as run from where it is passed', async () => {
    const source = code(`
      import torch
      class Net(torch.nn.Module):
          def __init__(self):
              super().__init__()
              self.w = torch.randn(3)
      def augment(x):
          return x + torch.rand(1)
      torch.manual_seed(0)
      net = Net()
      ds.map(augment)
    `);
    expect(await hits(rule, source)).toEqual([]);
    expect(await hits(rule, source.replace('torch.manual_seed(0)\n', ''))).toEqual(['5:torch.randn', '7:torch.rand']);
  });
  it('does not count torch.cuda.manual_seed, which seeds the GPU generators only', async () => {
    expect(await hits(rule, 'import torch\ntorch.cuda.manual_seed_all(0)\ntorch.rand(2)\n')).toEqual(['3:torch.rand']);
  });
});
