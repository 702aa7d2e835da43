/**
 * A small, real training run recorded with reprov's run API: logistic regression on
 * examples/data/blobs.csv (400 points, two classes), trained by mini-batch gradient descent with
 * a seeded generator. Run it after `npm ci`:
 *
 *   node dist/examples/train-logistic.js [--out DIR] [--epochs N] [--lr X] [--seed N]
 *
 * It writes the model to DIR/model.json and the provenance bundle (prov.json, prov.ttl,
 * metrics/*.csv) to DIR.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { withRun } from 'reprov';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'runs/example' },
    epochs: { type: 'string', default: '20' },
    lr: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '42' },
    data: { type: 'string', default: 'examples/data/blobs.csv' },
  },
});
const epochs = Number(args.epochs);
const learningRate = Number(args.lr);
const seed = Number(args.seed);
const batchSize = 32;

/** mulberry32: a small seeded PRNG, so shuffling and initialisation are reproducible. */
function seededRandom(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rows = readFileSync(args.data, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
const random = seededRandom(seed);
const shuffled = rows.map((row) => ({ row, key: random() })).sort((a, b) => a.key - b.key).map(({ row }) => row);
const split = Math.floor(shuffled.length * 0.8);
const [train, validation] = [shuffled.slice(0, split), shuffled.slice(split)];

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const predict = (w: number[], x: number[]) => sigmoid(w[0]! + w[1]! * x[0]! + w[2]! * x[1]!);
function evaluate(w: number[], data: number[][]): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (const [x1, x2, y] of data as [number, number, number][]) {
    const p = Math.min(Math.max(predict(w, [x1, x2]), 1e-12), 1 - 1e-12);
    loss -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
    if ((p >= 0.5 ? 1 : 0) === y) correct++;
  }
  return { loss: loss / data.length, accuracy: correct / data.length };
}

await withRun({ experiment: 'logistic-blobs', dir: args.out, collect: { system: false } }, async (run) => {
  run.logParams({ epochs, learningRate, batchSize, model: 'logistic-regression' });
  run.logSeed('js', seed, 'js');
  await run.logDataset(args.data);

  let weights = [random() - 0.5, random() - 0.5, random() - 0.5];
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let start = 0; start < train.length; start += batchSize) {
      const batch = train.slice(start, start + batchSize);
      const gradient = [0, 0, 0];
      for (const [x1, x2, y] of batch as [number, number, number][]) {
        const error = predict(weights, [x1, x2]) - y;
        gradient[0]! += error;
        gradient[1]! += error * x1;
        gradient[2]! += error * x2;
      }
      weights = weights.map((w, i) => w - (learningRate * gradient[i]!) / batch.length);
      run.logMetric('loss', evaluate(weights, batch).loss, { context: 'training', epoch, step: step++ });
    }
    const scores = evaluate(weights, validation);
    run.logMetric('loss', scores.loss, { context: 'validation', epoch, step });
    run.logMetric('accuracy', scores.accuracy, { context: 'validation', epoch, step });
  }
  mkdirSync(args.out, { recursive: true });
  const modelPath = join(args.out, 'model.json');
  writeFileSync(modelPath, JSON.stringify({ weights }, null, 2) + '\n');
  await run.logModel(modelPath);
  process.stdout.write(`validation accuracy ${evaluate(weights, validation).accuracy.toFixed(3)}; bundle in ${args.out}\n`);
});
