import type { ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';

const rule: ScanRule = {
  meta: {
    id: 'RPV-S106',
    title: 'No Math.random in training code',
    category: 'randomness',
    severity: 'warning',
    weight: 4,
    languages: ['typescript'],
    description: 'Calls of JavaScript\'s `Math.random()`, which has no seed at all.',
    why: 'Math.random is seeded by the engine from the OS and cannot be seeded by the program: any shuffle, split, sample or initial weight drawn from it is different on every run.',
    fix: 'Draw from a seeded generator instead (a small PRNG such as mulberry32 or the `seedrandom` package, seeded from the run\'s seed) and record the seed.',
    example: {
      language: 'typescript',
      failing: 'const order = examples.map((e) => [Math.random(), e] as const).sort((a, b) => a[0] - b[0]);\n',
      passing: 'const random = mulberry32(SEED);\nconst order = examples.map((e) => [random(), e] as const).sort((a, b) => a[0] - b[0]);\n',
    },
  },
  check({ facts }) {
    return facts.calls.filter((call) => call.callee === 'Math.random').map((call) => callHit(call, 'Math.random() cannot be seeded'));
  },
};
export default rule;
