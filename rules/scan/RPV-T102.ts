import { isFalse, lastSegment } from '../../src/scan/facts.js';
import type { Hit, ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';

/** Attributes that switch determinism off when set to False (cuDNN's is RPV-T101's). */
const SWITCHES = new Set(['deterministic', 'experimental_deterministic']);

const rule: ScanRule = {
  meta: {
    id: 'RPV-T102',
    title: 'Deterministic execution is not switched off',
    category: 'determinism',
    severity: 'warning',
    weight: 5,
    languages: ['python'],
    description: '`torch.use_deterministic_algorithms(False)`, any call given `deterministic=False` (tf.data map/interleave, a Lightning Trainer, …), and `options.deterministic = False` / `options.experimental_deterministic = False` on tf.data options.',
    why: 'Switching determinism off lets the framework use atomic-add reductions and out-of-order parallel pipelines: floating-point sums and the order of elements change between runs even with every seed set.',
    fix: 'Leave determinism on (`torch.use_deterministic_algorithms(True)`, `deterministic=True`, or omit the option so tf.data stays ordered) in runs that must be reproduced; when speed needs it off, record that on the run.',
    example: {
      language: 'python',
      failing: 'import torch\n\ntorch.use_deterministic_algorithms(False)\n',
      passing: 'import torch\n\ntorch.use_deterministic_algorithms(True)\n',
    },
  },
  check({ facts }) {
    const hits: Hit[] = [];
    for (const call of facts.calls) {
      if (call.callee === 'torch.use_deterministic_algorithms' && isFalse(call.args[0] ?? call.keywords.mode)) {
        hits.push(callHit(call, 'deterministic algorithms are switched off (torch.use_deterministic_algorithms(False))'));
      } else if (isFalse(call.keywords.deterministic)) {
        hits.push(callHit(call, `${call.written}(deterministic=False) lets results depend on scheduling`));
      }
    }
    for (const assignment of facts.assignments) {
      // cuDNN's switch is RPV-T101's; a field of the program's own object (`self.deterministic`) is not a framework option.
      if (/^(?:torch\.backends\.cudnn|self|cls|this)\./.test(assignment.target) || !SWITCHES.has(lastSegment(assignment.target)) || !isFalse(assignment.value)) continue;
      hits.push({ at: assignment.at, focus: assignment.target, message: `${assignment.target} = False lets results depend on scheduling` });
    }
    return hits;
  },
};
export default rule;
