import { describe, expect, it } from 'vitest';
import rule from './RPV-S103.js';
import { code, hits, hitsOf } from '../../test/scan/support.js';

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
  it('flags the first layer built with no seed, once per file, whatever the import spelling', async () => {
    const spellings = [
      'import torch.nn as nn\nmodel = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.1), nn.Linear(8, 2))\n',
      'from torch import nn\nmodel = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.1), nn.Linear(8, 2))\n',
      'import torch\nmodel = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Dropout(0.1), torch.nn.Linear(8, 2))\n',
      'from torch.nn import Sequential, Linear, Dropout\nmodel = Sequential(Linear(4, 8), Dropout(0.1), Linear(8, 2))\n',
    ];
    for (const source of spellings) expect(await hits(rule, source), source).toEqual(['2:torch.nn.Linear']);
    const [hit] = await hitsOf(rule, spellings[0]!);
    expect(hit!.message).toBe("torch.nn.Linear() initialises its weights from torch's default generator with no torch.manual_seed() before it (and 1 more module in this file)");
    expect(await hits(rule, code(`
      from torch import nn
      emb = nn.Embedding(1000, 64)
      rnn = nn.LSTM(64, 128, batch_first=True)
      conv = nn.Conv2d(1, 32, 3)
    `))).toEqual(['2:torch.nn.Embedding']);
  });
  it('passes layers built after a seed (torch, torch.random, Lightning, transformers), but not after use_deterministic_algorithms', async () => {
    const model = 'model = nn.Sequential(nn.Linear(4, 8), nn.ReLU())\n';
    for (const seed of ['import torch\ntorch.manual_seed(0)\n', 'import torch\ntorch.random.manual_seed(0)\n', 'import lightning as L\nL.seed_everything(7)\n',
      'from pytorch_lightning import seed_everything\nseed_everything(7)\n', 'from lightning.pytorch import seed_everything\nseed_everything(7)\n', 'import transformers\ntransformers.set_seed(1)\n']) {
      expect(await hits(rule, `from torch import nn\n${seed}${model}`), seed).toEqual([]);
    }
    expect(await hits(rule, `import torch\nfrom torch import nn\ntorch.use_deterministic_algorithms(True)\n${model}`)).toEqual(['4:torch.nn.Linear']);
    // seed_everything() with no seed picks one at random.
    expect(await hits(rule, `from torch import nn\nimport lightning as L\nL.seed_everything()\n${model}`)).toEqual(['4:torch.nn.Linear']);
    expect(await hits(rule, `from torch import nn\n${model}import torch\ntorch.manual_seed(0)\n`)).toEqual(['2:torch.nn.Linear']);
  });
  it('judges layers in __init__ by where the model is built', async () => {
    const source = code(`
      import torch
      from torch import nn
      class Net(nn.Module):
          def __init__(self):
              super().__init__()
              self.fc1 = nn.Linear(4, 8)
              self.fc2 = nn.Linear(8, 2)
      def main():
          torch.manual_seed(1)
          model = Net()
      main()
    `);
    expect(await hits(rule, source)).toEqual([]);
    expect(await hits(rule, source.replace('torch.manual_seed(1)', 'print(1)'))).toEqual(['6:torch.nn.Linear']);
    // Python 2's super(Net, self) names the class inside its own __init__: that is not where Net is built.
    expect(await hits(rule, source.replace('super().__init__()', 'super(Net, self).__init__()'))).toEqual([]);
  });
  it('passes modules that draw nothing when built, meta-device layers, and look-alikes', async () => {
    expect(await hits(rule, code(`
      from torch import nn
      import mylib
      norm = nn.LayerNorm(8)
      bn = nn.BatchNorm2d(8)
      drop = nn.Dropout(0.5)
      act = nn.ReLU()
      seq = nn.Sequential()
      meta = nn.Linear(4, 4, device="meta")
      mine = mylib.nn.Linear(4, 4)
      Linear = 3
    `))).toEqual([]);
  });
  it('reports a torch draw and the first layer separately', async () => {
    expect(await hits(rule, 'import torch\nfrom torch import nn\nx = torch.randn(2)\nm = nn.Linear(2, 2)\nn2 = nn.Linear(2, 2)\n')).toEqual(['3:torch.randn', '4:torch.nn.Linear']);
  });
});
