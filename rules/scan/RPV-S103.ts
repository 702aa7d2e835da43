import { hasKeyword, isTrue, lastSegment, type Call } from '../../src/scan/facts.js';
import type { ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';
import { seededBefore } from '../../src/scan/seeds.js';

const TENSOR_DRAWS = new Set(['rand', 'rand_like', 'randn', 'randn_like', 'randint', 'randint_like', 'randperm', 'normal', 'bernoulli', 'multinomial', 'poisson']);
const INITIALIZERS = new Set([
  'uniform_', 'normal_', 'trunc_normal_', 'xavier_uniform_', 'xavier_normal_', 'kaiming_uniform_', 'kaiming_normal_', 'orthogonal_', 'sparse_',
  'uniform', 'normal', 'xavier_uniform', 'xavier_normal', 'kaiming_uniform', 'kaiming_normal', 'orthogonal', 'sparse',
]);

/**
 * torch.nn modules whose constructor initialises parameters from torch's default generator
 * (reset_parameters draws kaiming/uniform/normal values). Modules with constant initial values
 * (BatchNorm, LayerNorm, PReLU) or none (Dropout draws only in forward) are not listed.
 */
const RANDOM_MODULES = new Set([
  'Linear', 'Bilinear', 'LazyLinear',
  'Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d',
  'LazyConv1d', 'LazyConv2d', 'LazyConv3d', 'LazyConvTranspose1d', 'LazyConvTranspose2d', 'LazyConvTranspose3d',
  'Embedding', 'EmbeddingBag',
  'RNN', 'LSTM', 'GRU', 'RNNCell', 'LSTMCell', 'GRUCell',
  'MultiheadAttention', 'Transformer', 'TransformerEncoderLayer', 'TransformerDecoderLayer', 'AdaptiveLogSoftmaxWithLoss',
]);

/** `torch.nn.Linear(...)` (any import spelling) or `torch.nn.modules.linear.Linear(...)`: a module whose weights start random. */
function randomModule(call: Call): boolean {
  const callee = call.callee;
  if (!callee?.startsWith('torch.nn.')) return false;
  const name = lastSegment(callee);
  // A module built on the meta device has no values to draw.
  if (call.spread || (call.keywords.device?.kind === 'string' && call.keywords.device.value === 'meta')) return false;
  return RANDOM_MODULES.has(name) && (callee === `torch.nn.${name}` || /^torch\.nn\.modules\.[a-z_]+\./.test(callee));
}

/** What the call draws, when it draws from torch's default generator (a `generator=` argument means it does not). */
function draw(call: Call): string | undefined {
  const callee = call.callee;
  if (!callee?.startsWith('torch.') || hasKeyword(call, 'generator') || call.spread) return undefined;
  const name = lastSegment(callee);
  if (callee === `torch.${name}` && TENSOR_DRAWS.has(name)) return `${callee}() draws`;
  if (callee === `torch.nn.init.${name}` && INITIALIZERS.has(name)) return `${callee}() initialises weights`;
  if (!callee.startsWith('torch.utils.data.')) return undefined;
  if (name === 'random_split' || name === 'RandomSampler' || name === 'SubsetRandomSampler') return `${callee}() draws`;
  if (name === 'DataLoader' && isTrue(call.keywords.shuffle)) return `${callee}(shuffle=True) shuffles`;
  return undefined;
}

const rule: ScanRule = {
  meta: {
    id: 'RPV-S103',
    title: 'PyTorch random numbers come from a seeded generator',
    category: 'randomness',
    severity: 'error',
    weight: 8,
    languages: ['python'],
    description: 'Calls that draw from PyTorch\'s default generator with no `torch.manual_seed(n)` before them on that path and no `generator=` of their own: torch.rand/randn/randint/randperm/normal/bernoulli/multinomial, torch.nn.init initialisers, random_split, RandomSampler, and `DataLoader(shuffle=True)`; and torch.nn modules whose construction initialises weights randomly (Linear, Conv*, Embedding, LSTM/GRU/RNN, MultiheadAttention, Transformer layers, …), reported once per file at the first one built with no seed before it. Helpers that seed torch count (torch.random.manual_seed, transformers.set_seed, lightning\'s seed_everything); `torch.use_deterministic_algorithms` does not seed.',
    why: 'PyTorch seeds its default generator from the clock: initial weights, dropout masks, the data order of a shuffling DataLoader and random splits all change from run to run, and so do the metrics.',
    fix: 'Call `torch.manual_seed(SEED)` at start-up before building models and loaders, or pass a seeded generator: `DataLoader(ds, shuffle=True, generator=torch.Generator().manual_seed(SEED), worker_init_fn=seed_worker)`.',
    example: {
      language: 'python',
      failing: 'import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader\n\nmodel = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))\nweights = torch.randn(10, 10)\nloader = DataLoader(dataset, batch_size=32, shuffle=True)\n',
      passing: 'import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader\n\ntorch.manual_seed(42)\nmodel = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))\nweights = torch.randn(10, 10)\nloader = DataLoader(dataset, batch_size=32, shuffle=True)\n',
    },
  },
  check({ facts, flow }) {
    const hits = facts.calls.flatMap((call) => {
      const what = draw(call);
      if (!what || seededBefore(flow, call, 'torch')) return [];
      return [callHit(call, `${what} from torch's default generator with no torch.manual_seed() before it`)];
    });
    // A model is built from many layers, each drawing its weights: one finding, at the first layer
    // built with no seed before it, says what a finding per layer would.
    const modules = facts.calls.filter((call) => randomModule(call) && !seededBefore(flow, call, 'torch'));
    const [first] = modules.sort((a, b) => a.offset - b.offset);
    if (first) {
      const more = modules.length > 1 ? ` (and ${modules.length - 1} more module${modules.length > 2 ? 's' : ''} in this file)` : '';
      hits.push(callHit(first, `${first.callee}() initialises its weights from torch's default generator with no torch.manual_seed() before it${more}`));
    }
    return hits.sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
  },
};
export default rule;
