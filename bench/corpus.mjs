/**
 * Realistic, varied inputs for the check and scan benchmarks (bench/check.mjs, bench/scan.mjs,
 * bench/jobs.mjs), deterministic for a given count.
 *
 * Bundles (`makeBundles`): a set of distinct templates, each made once under
 * bench/out/check/templates/ through the CLI (`record`, `import`, `convert`) or
 * bench/generate-ml-run.mjs, then copied round-robin (a recorded run's copy gets its own run id):
 * - recorded runs of a Python script: clean git tree, seed, pinned requirements and a data input;
 *   a dirty tree with unpinned requirements and no seed; no git at all, a failing command;
 * - generated ML-run documents (PROV-JSON as third-party tools write it, and Turtle) of 60 to
 *   4000 entities (0.5k to 31k triples), one carrying a GitHub token in a parameter value;
 * - the two yProv4ML documents of /work/shared/fixtures/yprov4ml, imported (skipped when absent);
 * - the runs of fixtures/mlflow/project/mlruns, imported.
 *
 * Source files (`makePython`, `makeTypeScript`): training scripts of ~150 lines; file i has a
 * deterministic subset of the hazards the scan rules find (RPV-S101-S106, T101-T102, D101-D102),
 * about one file in three none.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist', 'cli', 'reprov.cjs');
const TEMPLATES = join(ROOT, 'bench', 'out', 'check', 'templates');
const YPROV4ML = '/work/shared/fixtures/yprov4ml';
const MLRUNS = join(ROOT, 'fixtures', 'mlflow', 'project', 'mlruns');
/** git without the user's configuration (as test/support/git.ts). */
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

const reprov = (args, cwd = ROOT) => execFileSync(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: GIT_ENV, stdio: 'ignore' });

const TRAIN = `import random, sys
import reprov
lr = float(sys.argv[1])
for step in range(20):
    reprov.log_metric("loss", round(lr * 10 / (step + 1) + random.random() / 100, 6), step=step)
    reprov.log_metric("val_acc", round(0.5 + lr * step, 6), step=step, context="validation")
if len(sys.argv) > 2:
    raise RuntimeError("diverged")
`;

/** Records a run of TRAIN in `project` (a fresh directory) as the bundle `out`. */
function recordRun(project, out, { gitState, seed, requirements, fail }) {
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'train.py'), TRAIN);
  writeFileSync(join(project, 'data.csv'), 'x,y\n1,2\n3,4\n');
  writeFileSync(join(project, 'requirements.txt'), requirements);
  if (gitState !== 'none') {
    git(project, 'init', '-q', '-b', 'main');
    git(project, '-c', 'user.name=Bench', '-c', 'user.email=bench@example.org', 'add', '.');
    git(project, '-c', 'user.name=Bench', '-c', 'user.email=bench@example.org', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'experiment');
    if (gitState === 'dirty') writeFileSync(join(project, 'train.py'), TRAIN.replace('range(20)', 'range(25)'));
  }
  const args = ['record', '-q', '--no-hardware', '--no-system', ...(gitState === 'none' ? ['--no-git'] : []), '-e', 'bench', '-o', out,
    '-p', 'lr=0.1', '-p', 'opt=adam', '-i', 'data.csv', '-i', 'requirements.txt', ...(seed === undefined ? [] : ['-s', String(seed)]),
    '--', 'python3', 'train.py', '0.1', ...(fail ? ['fail'] : [])];
  try {
    reprov(args, project);
  } catch (e) {
    if (!fail) throw e; // a failing command makes record exit 1, its bundle written
  }
}

/** A generated ML-run document of `entities` entities as `dir`/prov.json, or converted to prov.ttl. */
function generated(dir, entities, { seed, turtle, secret }) {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'prov.json');
  execFileSync(process.execPath, [join(ROOT, 'bench', 'generate-ml-run.mjs'), String(entities), json, '--seed', String(seed)], { stdio: 'ignore' });
  if (secret) {
    // a parameter a third-party tool logged verbatim: an access token among the hyperparameters
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    doc.entity['run:param_hf_token'] = { 'prov:type': { $: 'mls:HyperParameterSetting', type: 'prov:QUALIFIED_NAME' }, 'prov:label': 'hub_token', 'ex:value': 'ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAB7c' };
    writeFileSync(json, JSON.stringify(doc));
  }
  if (turtle) {
    reprov(['convert', json, '-t', 'turtle', '-o', join(dir, 'prov.ttl'), '--quiet']);
    rmSync(json);
  }
}

/** The template bundles (directories), made once. */
export function bundleTemplates() {
  const marker = join(TEMPLATES, '.complete');
  if (!existsSync(marker)) {
    rmSync(TEMPLATES, { recursive: true, force: true });
    mkdirSync(TEMPLATES, { recursive: true });
    const projects = join(TEMPLATES, '..', 'projects');
    rmSync(projects, { recursive: true, force: true });
    recordRun(join(projects, 'clean'), join(TEMPLATES, 'recorded-clean'), { gitState: 'clean', seed: 1, requirements: 'numpy==1.26.4\ntorch==2.2.1\n' });
    recordRun(join(projects, 'dirty'), join(TEMPLATES, 'recorded-dirty-unpinned-noseed'), { gitState: 'dirty', requirements: 'numpy>=1.20\ntorch\n' });
    recordRun(join(projects, 'nogit'), join(TEMPLATES, 'recorded-nogit-failed'), { gitState: 'none', seed: 7, requirements: 'numpy==1.26.4\n', fail: true });
    const sizes = [[60, false], [250, true], [600, false], [1300, true], [2500, false], [4000, true]];
    sizes.forEach(([entities, turtle], k) => generated(join(TEMPLATES, `generated-${entities}${turtle ? '-ttl' : ''}`), entities, { seed: 100 + k, turtle }));
    generated(join(TEMPLATES, 'generated-400-secret'), 400, { seed: 99, turtle: false, secret: true });
    if (existsSync(YPROV4ML)) {
      for (const file of readdirSync(YPROV4ML).filter((f) => f.endsWith('.json'))) {
        reprov(['import', 'yprov4ml', join(YPROV4ML, file), '-o', join(TEMPLATES, `yprov4ml-${file.replace(/\.json$/, '')}`), '-q']);
      }
    }
    const mlflow = join(TEMPLATES, '..', 'mlflow');
    rmSync(mlflow, { recursive: true, force: true });
    reprov(['import', 'mlflow', MLRUNS, '-o', mlflow, '-q']);
    for (const run of readdirSync(mlflow)) cpSync(join(mlflow, run), join(TEMPLATES, `mlflow-${run.slice(0, 8)}`), { recursive: true });
    writeFileSync(marker, '');
  }
  return readdirSync(TEMPLATES).filter((name) => !name.startsWith('.')).sort().map((name) => join(TEMPLATES, name));
}

/** `count` bundles under `dir` (made once per count): the templates round-robin, each copy its own run. */
export function makeBundles(dir, count) {
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  const templates = bundleTemplates();
  for (let i = 0; i < count; i++) {
    const target = join(dir, `b${String(i).padStart(5, '0')}`);
    cpSync(templates[i % templates.length], target, { recursive: true });
    // its own run: the run's IRIs and its label differ from every other copy's
    for (const file of readdirSync(target).filter((f) => /^prov\.(json|ttl)$/.test(f))) {
      const path = join(target, file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(/urn:reprov:run:([0-9A-Za-z-]+)/g, `urn:reprov:run:$1-${i}`));
    }
  }
  writeFileSync(marker, '');
  return dir;
}

/** Template name -> how many of `count` bundles are its copies (for the report). */
export function bundleMix(count) {
  const templates = bundleTemplates();
  return templates.map((t, k) => [t.split('/').pop(), Math.floor(count / templates.length) + (k < count % templates.length ? 1 : 0)]);
}

// --- source files --------------------------------------------------------------------------------

/** Whether file `i` has hazard `k` of `kinds`: a fixed pattern, about one file in three clean. */
const has = (i, k, kinds) => i % 3 !== 0 && ((i * 2654435761) >>> (k * 3)) % kinds <= 1;

/** Python hazards, each found by the rule named: module-level code that runs before main() seeds. */
const PY_HAZARDS = [
  ['RPV-S101', [], ['SPLIT = random.random()']],
  ['RPV-S102', [], ['NOISE = np.random.rand(16)']],
  ['RPV-S103', [], ['PROBE = nn.Linear(16, 16)']],
  ['RPV-S104', ['import tensorflow as tf'], ['JITTER = tf.random.normal([16])']],
  ['RPV-S105', [], ['HOLDOUT = train_test_split(list(range(100)), test_size=0.1)']],
  ['RPV-T101', [], ['torch.backends.cudnn.benchmark = True']],
  ['RPV-T102', [], ['torch.use_deterministic_algorithms(False)']],
  ['RPV-D101', ['from transformers import AutoModel'], ['ENCODER = AutoModel.from_pretrained("bert-base-uncased")']],
  ['RPV-D102', ['import requests'], ['', 'def fetch_labels(path="labels.csv"):', '    response = requests.get("https://example.org/labels.csv", timeout=30)',
    '    with open(path, "wb") as out:', '        out.write(response.content)', '    return path']],
];

/** The hazards file `i` of a Python corpus has (rule ids). */
export const pythonHazards = (i) => PY_HAZARDS.filter((_, k) => has(i, k, PY_HAZARDS.length)).map(([rule]) => rule);

export function makePython(i) {
  const chosen = PY_HAZARDS.filter((_, k) => has(i, k, PY_HAZARDS.length));
  const lines = [
    `"""Training script ${i}: a small classifier with its data pipeline."""`,
    'import argparse', 'import hashlib', 'import random', '', 'import numpy as np', 'import torch', 'import torch.nn as nn',
    'from torch.utils.data import DataLoader, TensorDataset', 'from sklearn.model_selection import train_test_split',
    ...chosen.flatMap(([, imports]) => imports), '',
    `SEED = ${i}`, '',
    ...chosen.flatMap(([, , code]) => code), '', '',
    'def set_seed(seed):', '    random.seed(seed)', '    np.random.seed(seed)', '    torch.manual_seed(seed)', '', '',
  ];
  for (let layer = 0; layer < 6; layer++) {
    lines.push(
      `class Block${layer}(nn.Module):`, '    def __init__(self, width):', '        super().__init__()',
      '        self.linear = nn.Linear(width, width)', '        self.norm = nn.LayerNorm(width)', '        self.drop = nn.Dropout(0.1)', '',
      '    def forward(self, x):', '        y = self.linear(self.norm(x))', '        return x + self.drop(torch.relu(y))', '', '',
    );
  }
  for (let step = 0; step < 5; step++) {
    lines.push(
      `def augment_${step}(batch, scale=${step + 1}):`, '    noise = torch.randn_like(batch) * 0.01 * scale',
      `    if random.random() < 0.${step + 1}:`, '        batch = batch.flip(0)', '    return batch + noise', '', '',
    );
  }
  lines.push(
    'def load(path):', '    data = np.load(path)', '    digest = hashlib.sha256(data.tobytes()).hexdigest()', '    return data, digest', '', '',
    'def build(width, depth):', '    blocks = [Block0(width), Block1(width), Block2(width), Block3(width), Block4(width), Block5(width)]',
    '    return nn.Sequential(*blocks[:depth], nn.Linear(width, 10))', '', '',
    'def train(args):', '    set_seed(SEED)', '    features = torch.randn(1024, args.width)', '    labels = torch.randint(0, 10, (1024,))',
    '    x_train, x_val, y_train, y_val = train_test_split(features, labels, test_size=0.2, random_state=SEED)',
    '    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=True)',
    '    model = build(args.width, args.depth)', '    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)',
    '    for epoch in range(args.epochs):', '        for xb, yb in loader:',
    '            xb = augment_0(augment_1(augment_2(augment_3(augment_4(xb)))))', '            optimizer.zero_grad()',
    '            loss = nn.functional.cross_entropy(model(xb), yb)', '            loss.backward()', '            optimizer.step()',
    '        print(f"epoch {epoch}: {loss.item():.4f}")', '    return model', '', '',
    'def evaluate(model, x, y):', '    with torch.no_grad():', '        return (model(x).argmax(1) == y).float().mean().item()', '', '',
    'def main():', '    parser = argparse.ArgumentParser()', '    parser.add_argument("--width", type=int, default=64)',
    '    parser.add_argument("--depth", type=int, default=4)', '    parser.add_argument("--lr", type=float, default=1e-3)',
    '    parser.add_argument("--epochs", type=int, default=3)', '    parser.add_argument("--batch-size", type=int, default=32)',
    '    args = parser.parse_args()', '    model = train(args)', `    jitter = np.random.rand(${i % 7 + 1})`, '    print(model, jitter)', '', '',
    'if __name__ == "__main__":', '    main()',
  );
  return lines.join('\n') + '\n';
}

/** TypeScript hazards: Math.random, an unseeded TensorFlow.js draw, a download written unverified. */
const TS_HAZARDS = [
  ['RPV-S106', [], ['export const dropoutMask = Array.from({ length: 16 }, () => Math.random() < 0.1);']],
  ['RPV-S104', [], ['export const probeInit = tf.randomUniform([16, 8]);']],
  ['RPV-D102', ["import { writeFileSync } from 'node:fs';"], ['export async function fetchLabels(path = \'labels.json\'): Promise<void> {',
    "  const response = await fetch('https://example.org/labels.json');", '  writeFileSync(path, Buffer.from(await response.arrayBuffer()));', '}']],
];

export const typescriptHazards = (i) => TS_HAZARDS.filter((_, k) => has(i, k, TS_HAZARDS.length)).map(([rule]) => rule);

export function makeTypeScript(i) {
  const chosen = TS_HAZARDS.filter((_, k) => has(i, k, TS_HAZARDS.length));
  const lines = [
    `// Training script ${i}: a TensorFlow.js regression model and its data.`,
    "import * as tf from '@tensorflow/tfjs';", "import { createHash } from 'node:crypto';", "import { readFileSync } from 'node:fs';",
    ...chosen.flatMap(([, imports]) => imports), '',
    `const SEED = ${i};`, '', ...chosen.flatMap(([, , code]) => code), '',
    'interface Example {', '  features: number[];', '  label: number;', '}', '',
    'export function mulberry32(seed: number): () => number {', '  let a = seed >>> 0;', '  return () => {',
    '    a = (a + 0x6d2b79f5) >>> 0;', '    let t = a;', '    t = Math.imul(t ^ (t >>> 15), t | 1);',
    '    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);', '    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;', '  };', '}', '',
    'const random = mulberry32(SEED);', '',
  ];
  for (let k = 0; k < 6; k++) {
    lines.push(
      `export class Layer${k} {`, '  private readonly weights: tf.Tensor2D;', '', '  constructor(inputs: number, units: number) {',
      '    this.weights = tf.randomNormal([inputs, units], 0, 0.05, \'float32\', SEED) as tf.Tensor2D;', '  }', '',
      '  apply(x: tf.Tensor2D): tf.Tensor2D {', '    return tf.relu(tf.matMul(x, this.weights));', '  }', '}', '',
    );
  }
  for (let k = 0; k < 4; k++) {
    lines.push(
      `export function augment${k}(example: Example): Example {`, `  const scale = 1 + (random() - 0.5) * 0.${k + 1};`,
      '  return { features: example.features.map((f) => f * scale), label: example.label };', '}', '',
    );
  }
  lines.push(
    'export function shuffle<T>(items: T[]): T[] {', '  const out = [...items];', '  for (let i = out.length - 1; i > 0; i--) {',
    '    const j = Math.floor(random() * (i + 1));', '    [out[i], out[j]] = [out[j]!, out[i]!];', '  }', '  return out;', '}', '',
    'export function load(path: string, expected: string): Example[] {', '  const bytes = readFileSync(path);',
    "  const digest = createHash('sha256').update(bytes).digest('hex');", '  if (digest !== expected) throw new Error(`${path}: sha256 ${digest}`);',
    "  return JSON.parse(bytes.toString('utf8')) as Example[];", '}', '',
    'export function model(width: number): tf.Sequential {', '  const m = tf.sequential();',
    '  m.add(tf.layers.dense({ units: width, inputShape: [8], kernelInitializer: tf.initializers.glorotUniform({ seed: SEED }) }));',
    '  m.add(tf.layers.dense({ units: 1 }));', "  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });", '  return m;', '}', '',
    'export async function train(examples: Example[], epochs = 3): Promise<tf.Sequential> {', '  const m = model(32);',
    '  for (let epoch = 0; epoch < epochs; epoch++) {', '    const batch = shuffle(examples).map((e) => augment3(augment2(augment1(augment0(e)))));',
    '    const xs = tf.tensor2d(batch.map((e) => e.features));', '    const ys = tf.tensor2d(batch.map((e) => [e.label]));',
    '    const history = await m.fit(xs, ys, { epochs: 1, batchSize: 32, shuffle: false });',
    '    console.log(`epoch ${epoch}: ${history.history.loss}`);', '    tf.dispose([xs, ys]);', '  }', '  return m;', '}', '',
    'export async function main(): Promise<void> {', "  const data = load('data/train.json', '3c9909afec25354d551dae21590bb26e38d53f2173b8d3dc3eee4c047e7ab1c1');",
    '  const trained = await train(data);', `  const probe = tf.randomUniform([${i % 5 + 1}, 8], 0, 1, 'float32', SEED);`, '  trained.predict(probe);', '}', '',
    'void main();',
  );
  return lines.join('\n') + '\n';
}

/** Writes `count` files of `language` ('python' | 'typescript') into `dir`; returns the lines written. */
export function makeSources(dir, language, count) {
  mkdirSync(dir, { recursive: true });
  const [make, ext] = language === 'python' ? [makePython, 'py'] : [makeTypeScript, 'ts'];
  let lines = 0;
  for (let i = 0; i < count; i++) {
    const text = make(i);
    lines += text.split('\n').length - 1;
    writeFileSync(join(dir, `train_${i}.${ext}`), text);
  }
  return lines;
}
