/**
 * The calls that seed each random number generator the rules know, and the test "seeded before
 * this draw" the randomness rules share.
 */
import { lastSegment, type Call } from './facts.js';
import type { CallTest, Flow, Point } from './flow.js';

export type Generator = 'python' | 'numpy' | 'torch' | 'tensorflow';

const ALL: Generator[] = ['python', 'numpy', 'torch', 'tensorflow'];

/** Canonical seeding functions and the generators each one seeds. */
const SEEDERS: Record<string, Generator[]> = {
  'random.seed': ['python'],
  'numpy.random.seed': ['numpy'],
  'torch.manual_seed': ['torch'],
  'torch.random.manual_seed': ['torch'],
  'tensorflow.random.set_seed': ['tensorflow'],
  'tensorflow.set_random_seed': ['tensorflow'],
  'tensorflow.compat.v1.set_random_seed': ['tensorflow'],
  'tensorflow.keras.utils.set_random_seed': ['python', 'numpy', 'tensorflow'],
  'keras.utils.set_random_seed': ['python', 'numpy', 'tensorflow'],
  'transformers.set_seed': ALL,
  'transformers.trainer_utils.set_seed': ALL,
  'accelerate.utils.set_seed': ALL,
  'pytorch_lightning.seed_everything': ['python', 'numpy', 'torch'],
  'lightning.seed_everything': ['python', 'numpy', 'torch'],
  'lightning.pytorch.seed_everything': ['python', 'numpy', 'torch'],
  'lightning.fabric.seed_everything': ['python', 'numpy', 'torch'],
};

/** Top-level packages whose functions are known: anything else imported is taken for the project's own code. */
const LIBRARIES = new Set(['random', 'numpy', 'torch', 'tensorflow', 'keras', 'transformers', 'accelerate', 'pytorch_lightning', 'lightning', 'sklearn', 'jax', 'os', 'sys']);

/**
 * Whether a call seeds `generator` with an explicit seed (`random.seed()` with no argument seeds
 * from the clock or os.urandom, so it does not count). A seed helper imported from the project's
 * own modules (`from utils import set_seed`) cannot be looked into from this file; one whose name
 * says it seeds is taken to seed every generator.
 */
export function seeds(call: Call, generator: Generator): boolean {
  if (call.callee === undefined || !hasSeedArgument(call)) return false;
  const known = Object.hasOwn(SEEDERS, call.callee) ? SEEDERS[call.callee] : undefined;
  if (known) return known.includes(generator);
  return !LIBRARIES.has(call.callee.split('.')[0]!) && /seed/i.test(lastSegment(call.callee));
}

function hasSeedArgument(call: Call): boolean {
  const first = call.args[0] ?? call.keywords.seed;
  return call.spread || (first !== undefined && first.kind !== 'none');
}

const tests = new Map<string, CallTest>();

/** Whether `generator` is seeded before `point` on every path to it (see Flow). */
export function seededBefore(flow: Flow, point: Point, ...generators: Generator[]): boolean {
  const key = generators.join(',');
  let test = tests.get(key);
  if (!test) tests.set(key, (test = (call) => generators.some((g) => seeds(call, g))));
  return flow.precededBy(point, test);
}
