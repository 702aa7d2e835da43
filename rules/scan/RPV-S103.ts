import { hasKeyword, isTrue, lastSegment, type Call } from '../../src/scan/facts.js';
import type { ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';
import { seededBefore } from '../../src/scan/seeds.js';

const TENSOR_DRAWS = new Set(['rand', 'rand_like', 'randn', 'randn_like', 'randint', 'randint_like', 'randperm', 'normal', 'bernoulli', 'multinomial', 'poisson']);
const INITIALIZERS = new Set([
  'uniform_', 'normal_', 'trunc_normal_', 'xavier_uniform_', 'xavier_normal_', 'kaiming_uniform_', 'kaiming_normal_', 'orthogonal_', 'sparse_',
  'uniform', 'normal', 'xavier_uniform', 'xavier_normal', 'kaiming_uniform', 'kaiming_normal', 'orthogonal', 'sparse',
]);

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
    description: 'Calls that draw from PyTorch\'s default generator with no `torch.manual_seed(n)` before them on that path and no `generator=` of their own: torch.rand/randn/randint/randperm/normal/bernoulli/multinomial, torch.nn.init initialisers, random_split, RandomSampler, and `DataLoader(shuffle=True)`. Helpers that seed torch count (transformers.set_seed, lightning\'s seed_everything).',
    why: 'PyTorch seeds its default generator from the clock: initial weights, dropout masks, the data order of a shuffling DataLoader and random splits all change from run to run, and so do the metrics.',
    fix: 'Call `torch.manual_seed(SEED)` at start-up before building models and loaders, or pass a seeded generator: `DataLoader(ds, shuffle=True, generator=torch.Generator().manual_seed(SEED), worker_init_fn=seed_worker)`.',
    example: {
      language: 'python',
      failing: 'import torch\nfrom torch.utils.data import DataLoader\n\nweights = torch.randn(10, 10)\nloader = DataLoader(dataset, batch_size=32, shuffle=True)\n',
      passing: 'import torch\nfrom torch.utils.data import DataLoader\n\ntorch.manual_seed(42)\nweights = torch.randn(10, 10)\nloader = DataLoader(dataset, batch_size=32, shuffle=True)\n',
    },
  },
  check({ facts, flow }) {
    return facts.calls.flatMap((call) => {
      const what = draw(call);
      if (!what || seededBefore(flow, call, 'torch')) return [];
      return [callHit(call, `${what} from torch's default generator with no torch.manual_seed() before it`)];
    });
  },
};
export default rule;
