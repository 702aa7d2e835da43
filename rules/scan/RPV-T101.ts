import { isFalse, isTrue, lastSegment } from '../../src/scan/facts.js';
import type { Hit, ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';

const TRAINERS = new Set(['pytorch_lightning.Trainer', 'lightning.Trainer', 'lightning.pytorch.Trainer']);

const rule: ScanRule = {
  meta: {
    id: 'RPV-T101',
    title: 'cuDNN is not left to autotune or run nondeterministic kernels',
    category: 'determinism',
    severity: 'warning',
    weight: 5,
    languages: ['python'],
    description: '`torch.backends.cudnn.benchmark = True`, `torch.backends.cudnn.deterministic = False`, and a Lightning `Trainer(benchmark=True)`.',
    why: 'With benchmark on, cuDNN times several convolution algorithms at start-up and keeps the fastest, which can differ from run to run and from machine to machine, and some of them are nondeterministic; deterministic=False allows those kernels outright. Two runs with the same seed then give different weights.',
    fix: 'Set `torch.backends.cudnn.benchmark = False` and `torch.backends.cudnn.deterministic = True` (or `torch.use_deterministic_algorithms(True)`) for runs that must be reproduced, and record the setting.',
    example: {
      language: 'python',
      failing: 'import torch\n\ntorch.backends.cudnn.benchmark = True\n',
      passing: 'import torch\n\ntorch.backends.cudnn.benchmark = False\ntorch.backends.cudnn.deterministic = True\n',
    },
  },
  check({ facts }) {
    const hits: Hit[] = [];
    for (const assignment of facts.assignments) {
      if (!assignment.resolved) continue;
      if (assignment.target === 'torch.backends.cudnn.benchmark' && isTrue(assignment.value)) {
        hits.push({ at: assignment.at, focus: assignment.target, message: 'cuDNN autotuning is switched on (torch.backends.cudnn.benchmark = True)' });
      }
      if (assignment.target === 'torch.backends.cudnn.deterministic' && isFalse(assignment.value)) {
        hits.push({ at: assignment.at, focus: assignment.target, message: 'cuDNN may run nondeterministic kernels (torch.backends.cudnn.deterministic = False)' });
      }
    }
    for (const call of facts.calls) {
      if (call.callee && TRAINERS.has(call.callee) && isTrue(call.keywords.benchmark)) hits.push(callHit(call, `${lastSegment(call.callee)}(benchmark=True) switches cuDNN autotuning on`));
    }
    return hits;
  },
};
export default rule;
