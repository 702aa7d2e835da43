import { hasKeyword, lastSegment, type Call } from '../../src/scan/facts.js';
import type { ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';
import { seededBefore } from '../../src/scan/seeds.js';

const PY_OPS = new Set(['uniform', 'normal', 'truncated_normal', 'shuffle', 'categorical', 'gamma', 'poisson', 'random_uniform', 'random_normal', 'random_shuffle', 'random_gamma', 'random_poisson', 'multinomial']);
const KERAS_INITIALIZERS = new Set([
  'RandomNormal', 'RandomUniform', 'TruncatedNormal', 'GlorotNormal', 'GlorotUniform', 'HeNormal', 'HeUniform', 'LecunNormal', 'LecunUniform', 'Orthogonal', 'VarianceScaling',
]);
const TFJS = new Set(['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-core']);
/** TensorFlow.js random ops and the position of their `seed` parameter. */
const TFJS_OPS: Record<string, number> = {
  randomUniform: 4, randomNormal: 4, truncatedNormal: 4, randomGamma: 4, randomStandardNormal: 2, multinomial: 2, randomUniformInt: 3,
};
const TFJS_INITIALIZERS = new Set(['glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform', 'orthogonal', 'randomNormal', 'randomUniform', 'truncatedNormal', 'varianceScaling']);

/** `tensorflow.keras.x`, `tf_keras.x` and `keras.x` are one API. */
function python(callee: string): string {
  return callee.replace(/^(?:tensorflow\.keras|tf_keras)\./, 'keras.');
}

/** Python: what the call draws without a seed of its own (global seed aside). */
function pythonDraw(call: Call): string | undefined {
  const callee = python(call.callee!);
  if (call.spread || hasKeyword(call, 'seed')) return undefined;
  const name = lastSegment(callee);
  if ((callee === `tensorflow.random.${name}` || callee === `tensorflow.${name}` || callee === `tensorflow.compat.v1.${name}` || callee === `tensorflow.compat.v1.random.${name}`) && PY_OPS.has(name)) {
    return `${call.callee}() draws`;
  }
  if ((callee === `keras.initializers.${name}` && KERAS_INITIALIZERS.has(name))) return `${call.callee}() initialises weights`;
  // tf.data.Dataset...shuffle(buffer_size, seed)
  if (callee.startsWith('tensorflow.data.') && name === 'shuffle' && call.args.length < 2) return `${call.callee}() shuffles`;
  return undefined;
}

/** JavaScript: TensorFlow.js ops drawn without their seed argument (TensorFlow.js has no global seed). */
function tfjsDraw(call: Call): string | undefined {
  const callee = call.callee!;
  const module = [...TFJS].find((m) => callee.startsWith(`${m}.`));
  if (!module || call.spread) return undefined;
  const path = callee.slice(module.length + 1);
  const name = lastSegment(path);
  const seedAt = Object.hasOwn(TFJS_OPS, path) ? TFJS_OPS[path] : undefined;
  if (seedAt !== undefined) return call.args.length > seedAt && call.args[seedAt]!.kind !== 'none' ? undefined : `${callee}() draws without a seed argument`;
  if (path === 'util.shuffle') return `${callee}() shuffles with Math.random, which cannot be seeded`;
  if (path === `initializers.${name}` && TFJS_INITIALIZERS.has(name) && !hasKeyword(call, 'seed')) return `${callee}() initialises weights without a seed`;
  if (path.startsWith('data.') && name === 'shuffle' && call.args.length < 2) return `${callee}() shuffles without a seed`;
  return undefined;
}

const rule: ScanRule = {
  meta: {
    id: 'RPV-S104',
    title: 'TensorFlow and Keras random ops are seeded',
    category: 'randomness',
    severity: 'error',
    weight: 6,
    languages: ['python', 'typescript'],
    description: 'Python: tf.random ops (uniform, normal, truncated_normal, shuffle, categorical, …), Keras initialisers and tf.data shuffles that have no `seed=` and no global seed (`tf.random.set_seed`, `keras.utils.set_random_seed`) before them on that path. TensorFlow.js (which has no global seed): tf.randomUniform/randomNormal/truncatedNormal/…, initialisers and dataset shuffles called without their seed argument, and tf.util.shuffle.',
    why: 'With neither a global nor an operation seed, TensorFlow draws each op\'s seed from the OS: weights, dropout and the order of the data differ on every run.',
    fix: 'Python: call `keras.utils.set_random_seed(SEED)` (seeds Python, NumPy and TensorFlow) at start-up. TensorFlow.js: pass the seed argument to every random op and initialiser, e.g. `tf.randomNormal([10, 10], 0, 1, "float32", SEED)`.',
    example: {
      language: 'python',
      failing: 'import tensorflow as tf\n\nnoise = tf.random.normal([32, 100])\n',
      passing: 'import tensorflow as tf\n\ntf.random.set_seed(42)\nnoise = tf.random.normal([32, 100])\n',
    },
  },
  check({ facts, flow }) {
    return facts.calls.flatMap((call) => {
      if (!call.callee) return [];
      if (facts.language === 'typescript') {
        const what = tfjsDraw(call);
        return what ? [callHit(call, what)] : [];
      }
      const what = pythonDraw(call);
      if (!what || seededBefore(flow, call, 'tensorflow')) return [];
      return [callHit(call, `${what} with no seed= and no tf.random.set_seed() before it`)];
    });
  },
};
export default rule;
