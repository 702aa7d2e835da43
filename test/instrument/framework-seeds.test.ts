/**
 * The seed hooks of frameworks this machine does not have (TensorFlow, Keras, transformers,
 * Lightning), exercised on stand-in packages laid out as the real ones are where it matters: the
 * hooked function lives in the module the hook names (`transformers.trainer_utils.set_seed`,
 * `lightning.fabric.utilities.seed.seed_everything`, `tensorflow.random.set_seed`,
 * `keras.utils.set_random_seed`) and is re-exported by the package's `__init__` with
 * `from ... import`, so the hook must patch it before the re-export copies it. A seed helper that
 * seeds `random` itself is recorded once, by the outermost call, at the user's line.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { PROV, REPROV, readBundle } from '../support/bundle.js';

const PYTHON = '/usr/bin/python3';
const pythonPresent = spawnSync(PYTHON, ['-c', 'import sys'], { stdio: 'ignore' }).status === 0;
const sklearnPresent = spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
const QUICK = ['--no-hardware', '--no-system', '--no-git'];

const STAND_INS: Record<string, string> = {
  'transformers/__init__.py': 'from .trainer_utils import set_seed\n',
  'transformers/trainer_utils.py': 'import random\n\ndef set_seed(seed):\n    random.seed(seed)\n',
  'lightning/__init__.py': 'from lightning.fabric.utilities.seed import seed_everything\n',
  'lightning/fabric/__init__.py': '',
  'lightning/fabric/utilities/__init__.py': '',
  'lightning/fabric/utilities/seed.py': 'import random\n\ndef seed_everything(seed=None):\n    seed = 42 if seed is None else seed\n    random.seed(seed)\n    return seed\n',
  'tensorflow/__init__.py': 'from . import random\n',
  'tensorflow/random.py': 'def set_seed(seed):\n    pass\n',
  'keras/__init__.py': 'from . import utils\n',
  'keras/utils.py': 'def set_random_seed(seed):\n    pass\n',
};

/** A torch laid out as the real one where the device report reads it, on a machine with two GPUs whose CUDA the program used (or not). */
const CUDA_TORCH = (initialized: boolean): Record<string, string> => ({
  'torch/__init__.py': [
    '__version__ = "2.3.1+cu121"',
    'from . import version, cuda, backends',
    'import torch.backends.cudnn',
    'def manual_seed(seed):',
    '    pass',
    'def are_deterministic_algorithms_enabled():',
    '    return True',
    'class _State(object):',
    '    def tolist(self):',
    '        return [0] * 8',
    'def get_rng_state():',
    '    return _State()',
    '',
  ].join('\n'),
  'torch/version.py': 'cuda = "12.1"\n',
  'torch/cuda/__init__.py': [
    `def is_initialized():\n    return ${initialized ? 'True' : 'False'}`,
    // Counting devices initialises CUDA in the real torch: unused CUDA must not be asked.
    `def device_count():\n    ${initialized ? 'return 2' : 'raise RuntimeError("CUDA initialised by the instrumentation")'}`,
    'def get_device_name(index):\n    return ["NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-40GB"][index]',
    'def get_device_capability(index):\n    return [(9, 0), (8, 0)][index]',
    'def manual_seed(seed):\n    pass',
    'def manual_seed_all(seed):\n    pass',
    '',
  ].join('\n'),
  'torch/backends/__init__.py': '',
  'torch/backends/cudnn/__init__.py': 'benchmark = False\ndeterministic = True\ndef version():\n    return 8902\n',
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function record(script: string, packages: Record<string, string> = STAND_INS): ReturnType<typeof readBundle> {
  const cwd = mkdtempSync(join(tmpdir(), 'reprov-framework-seeds-'));
  dirs.push(cwd);
  for (const [name, text] of Object.entries({ ...packages, 'train.py': script })) {
    mkdirSync(join(cwd, name, '..'), { recursive: true });
    writeFileSync(join(cwd, name), text);
  }
  const result = reprov(['record', ...QUICK, '-o', 'b', '--', PYTHON, 'train.py'], { cwd });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stderr).not.toContain('instrumentation error');
  return readBundle(join(cwd, 'b'));
}

/** Every seed node of the bundle: its value, rng, the hooked function and the user's line. */
function seeds(bundle: ReturnType<typeof readBundle>): { node: string; value: string; rng: string; source: string; line: string }[] {
  const of = (node: string, predicate: string) => bundle.quads.find((q) => q.subject.value === node && q.predicate.value === predicate)?.object.value ?? '';
  return bundle.subjectsOfType(`${REPROV}Seed`).map((node) => ({
    node,
    value: of(node, `${PROV}value`),
    rng: of(node, `${REPROV}rng`),
    source: of(node, `${REPROV}source`),
    line: of(node, `${REPROV}line`),
  }));
}

describe.skipIf(!pythonPresent && !process.env.CI)('seed hooks of frameworks, on stand-ins laid out as the real packages', () => {
  it('transformers.set_seed (re-exported): one global seed at the user\'s line, not a second one from the random.seed inside it', () => {
    const found = seeds(record('from transformers import set_seed\n\nset_seed(1234)\n'));
    expect(found.map(({ value, rng, source, line }) => ({ value, rng, source, line }))).toEqual([{ value: '1234', rng: 'global', source: 'transformers.set_seed', line: '3' }]);
  });

  it("lightning's seed_everything() without an argument records the seed it chose (its return value)", () => {
    const found = seeds(record('import lightning as L\nL.seed_everything()\n'));
    expect(found.map(({ value, rng, source }) => ({ value, rng, source }))).toEqual([{ value: '42', rng: 'global', source: 'seed_everything' }]);
  });

  it('tensorflow.random.set_seed and keras.utils.set_random_seed', () => {
    const found = seeds(record('import tensorflow as tf\nimport keras\ntf.random.set_seed(5)\nkeras.utils.set_random_seed(6)\n'));
    expect(found.map(({ value, rng, source }) => ({ value, rng, source })).sort((a, b) => a.value.localeCompare(b.value))).toEqual([
      { value: '5', rng: 'tensorflow', source: 'tensorflow.random.set_seed' },
      { value: '6', rng: 'global', source: 'keras.utils.set_random_seed' },
    ]);
  });

  it.skipIf(!sklearnPresent && !process.env.CI)("scikit-learn's random_state (the real library): the seed each estimator was given, at the user's line", () => {
    const found = seeds(record([
      'from sklearn.datasets import make_classification',
      'from sklearn.ensemble import RandomForestClassifier',
      'X, y = make_classification(n_samples=40, random_state=3)',
      'RandomForestClassifier(n_estimators=3, random_state=42).fit(X, y)',
      'RandomForestClassifier(n_estimators=3).fit(X, y)',
      '',
    ].join('\n')));
    expect(found.map(({ value, rng, source, line }) => ({ value, rng, source, line })).sort((a, b) => a.value.localeCompare(b.value))).toEqual([
      { value: '3', rng: 'sklearn', source: 'sklearn random_state', line: '3' },
      { value: '42', rng: 'sklearn', source: 'sklearn random_state', line: '4' },
    ]);
  });
});

describe.skipIf(!pythonPresent && !process.env.CI)('CUDA facts, on a stand-in torch with two GPUs', () => {
  const of = (bundle: ReturnType<typeof readBundle>, suffix: string, predicate: string) => bundle.values(suffix, predicate);

  it('records the CUDA build, cuDNN version, device count, names and capabilities when the program used CUDA', () => {
    const bundle = record('import torch\ntorch.manual_seed(0)\ntorch.cuda.manual_seed_all(0)\n', CUDA_TORCH(true));
    expect(of(bundle, 'environment/framework/torch', `${REPROV}cudaVersion`)).toEqual(['12.1']);
    expect(of(bundle, 'environment/framework/torch', `${REPROV}cudnnVersion`)).toEqual(['8902']);
    expect(of(bundle, 'environment/framework/torch', `${REPROV}gpuCount`)).toEqual(['2']);
    expect(of(bundle, 'environment/framework/torch/device/0', 'https://schema.org/name')).toEqual(['NVIDIA H100 80GB HBM3']);
    expect(of(bundle, 'environment/framework/torch/device/1', `${REPROV}computeCapability`)).toEqual(['8.0']);
    expect(of(bundle, 'seed/torch-cuda', `${PROV}value`)).toEqual(['0']);
  });

  it('records only the CUDA build when the program never initialised CUDA (and asks nothing that would)', () => {
    const bundle = record('import torch\ntorch.manual_seed(0)\n', CUDA_TORCH(false));
    expect(of(bundle, 'environment/framework/torch', `${REPROV}cudaVersion`)).toEqual(['12.1']);
    expect(of(bundle, 'environment/framework/torch', `${REPROV}gpuCount`)).toEqual([]);
    expect(bundle.subjectsOfType(`${REPROV}GPU`).filter((s) => s.includes('/framework/'))).toEqual([]);
  });
});
