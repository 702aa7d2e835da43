/**
 * `reprov scan` speed: 1000 generated Python training scripts and 1000 TypeScript ones (about
 * 150 lines each, with imports, classes, helpers, seeds and hazards), each language scanned by
 * the CLI in its own process (start-up and parser loading included), with its default worker
 * threads and again in one thread (-j 1). Prints the figures.
 *
 *   npm run build && node bench/scan.mjs [FILES]      (default 1000 per language)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist', 'cli', 'reprov.mjs');
const count = Number(process.argv[2] ?? 1000);

function python(i) {
  const lines = [
    `"""Training script ${i}: a small classifier with its data pipeline."""`,
    'import argparse', 'import hashlib', 'import random', '', 'import numpy as np', 'import torch', 'import torch.nn as nn',
    'from torch.utils.data import DataLoader, TensorDataset', 'from sklearn.model_selection import train_test_split', '',
    `SEED = ${i}`, '', '',
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

function typescript(i) {
  const lines = [
    `// Training script ${i}: a TensorFlow.js regression model and its data.`,
    "import * as tf from '@tensorflow/tfjs';", "import { createHash } from 'node:crypto';", "import { readFileSync } from 'node:fs';", '',
    `const SEED = ${i};`, '', 'interface Example {', '  features: number[];', '  label: number;', '}', '',
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
    '  const trained = await train(data);', `  const probe = tf.randomUniform([${i % 5 + 1}, 8]);`, '  trained.predict(probe);', '}', '',
    'void main();',
  );
  return lines.join('\n') + '\n';
}

function scan(dir, jobs) {
  const started = process.hrtime.bigint();
  const args = [cli, 'scan', dir, '-f', 'json', '--fail-on', 'none', ...(jobs ? ['-j', String(jobs)] : [])];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(result.stderr);
  const report = JSON.parse(result.stdout);
  return { seconds, files: report.files.length, findings: report.summary.errors + report.summary.warnings + report.summary.infos };
}

const work = mkdtempSync(join(tmpdir(), 'reprov-bench-scan-'));
try {
  let lines = { python: 0, typescript: 0 };
  for (const [language, make, ext] of [['python', python, 'py'], ['typescript', typescript, 'ts']]) {
    mkdirSync(join(work, language));
    for (let i = 0; i < count; i++) {
      const text = make(i);
      lines[language] += text.split('\n').length - 1;
      writeFileSync(join(work, language, `train_${i}.${ext}`), text);
    }
  }
  console.log(`reprov scan, ${count} files per language (node ${process.version})`);
  for (const [language, limit] of [['python', 5], ['typescript', 20]]) {
    const { seconds, files, findings } = scan(join(work, language));
    const average = Math.round(lines[language] / count);
    const single = scan(join(work, language), 1).seconds;
    console.log(`${language.padEnd(10)} ${files} files (${average} lines each): ${seconds.toFixed(2)} s, ${Math.round(files / seconds)} files/s, ${findings} findings (aim: under ${limit} s); in one thread (-j 1) ${single.toFixed(2)} s`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
