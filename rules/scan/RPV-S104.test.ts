import { describe, expect, it } from 'vitest';
import rule from './RPV-S104.js';
import { code, hits } from '../../test/scan/support.js';

describe('RPV-S104 TensorFlow and Keras random ops are seeded', () => {
  it('Python: flags tf.random ops, Keras initialisers and tf.data shuffles with neither a global nor an op seed', async () => {
    expect(await hits(rule, code(`
      import tensorflow as tf
      from tensorflow import keras
      tf.random.normal([2])
      keras.initializers.HeNormal()
      tf.data.Dataset.range(10).shuffle(10)
      tf.random.uniform([2], seed=1)
      tf.data.Dataset.range(10).shuffle(10, seed=1)
    `))).toEqual(['3:tensorflow.random.normal', '4:tensorflow.keras.initializers.HeNormal', '5:tensorflow.data.Dataset.range().shuffle']);
  });
  it('Python: passes ops after tf.random.set_seed or keras.utils.set_random_seed', async () => {
    expect(await hits(rule, 'import tensorflow as tf\ntf.random.set_seed(1)\ntf.random.normal([2])\n')).toEqual([]);
    expect(await hits(rule, 'import keras\nimport tensorflow as tf\nkeras.utils.set_random_seed(1)\ntf.random.shuffle(x)\n')).toEqual([]);
    expect(await hits(rule, 'import tensorflow as tf\ntf.random.normal([2])\ntf.random.set_seed(1)\n')).toEqual(['2:tensorflow.random.normal']);
  });
  it('TensorFlow.js: flags random ops without their seed argument, resolving namespace and named imports', async () => {
    expect(await hits(rule, code(`
      import * as tf from '@tensorflow/tfjs';
      import { randomNormal as rn } from '@tensorflow/tfjs-node';
      tf.randomUniform([2]);
      rn([2], 0, 1);
      tf.randomUniform([2], 0, 1, 'float32', 7);
      rn([2], 0, 1, 'float32', 7);
      tf.initializers.heNormal({ seed: 7 });
      tf.initializers.heNormal({});
      tf.util.shuffle(xs);
    `, ), 'typescript')).toEqual(['3:@tensorflow/tfjs.randomUniform', '4:@tensorflow/tfjs-node.randomNormal', '8:@tensorflow/tfjs.initializers.heNormal', '9:@tensorflow/tfjs.util.shuffle']);
  });
  it('TensorFlow.js: a local object with the same method names is not TensorFlow', async () => {
    expect(await hits(rule, 'const tf = makeFake();\ntf.randomUniform([2]);\n', 'typescript')).toEqual([]);
  });
});
