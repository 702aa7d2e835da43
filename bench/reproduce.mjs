#!/usr/bin/env node
/**
 * What `reprov reproduce` costs over running the command directly (issue 15): the git worktree,
 * placing the inputs, hashing them (preconditions, the rerun's record) and comparing outputs and
 * metrics. A seeded numpy script in a fresh git repository reads the head of one input file and
 * writes an output; measured with a 1 KB input and a 1 GB one (a sparse file: its bytes are
 * hashed like any other, the disk holds none). Median of N runs each; prints a markdown table.
 *
 *   npm run build && node bench/reproduce.mjs [--runs N] [--gb G]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli', 'reprov.cjs');
const PYTHON = '/usr/bin/python3';
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const RUNS = Number(option('--runs', '3'));
const GB = Number(option('--gb', '1'));

const SCRIPT = `import numpy as np, reprov
with open("data/input.bin", "rb") as f:
    head = f.read(1 << 20)
rng = np.random.default_rng(42)
w = rng.normal(size=64)
for step in range(50):
    w = w - 0.01 * (w - len(head) % 7)
    reprov.log_metric("loss", float((w ** 2).mean()), step=step)
np.save("model.npy", w)
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (run) => {
  const start = process.hrtime.bigint();
  const result = run();
  if (result.status !== 0) throw new Error(`failed (${result.status}): ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
};

function repository(inputBytes) {
  const dir = mkdtempSync(join(tmpdir(), 'reprov-bench-reproduce-'));
  const git = (...a) => execFileSync('git', a, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('config', 'user.email', 'bench@example.org');
  git('config', 'user.name', 'bench');
  writeFileSync(join(dir, 'train.py'), SCRIPT);
  writeFileSync(join(dir, '.gitignore'), 'data/\nmodel.npy\nruns/\n');
  git('add', '-A');
  git('commit', '-qm', 'bench');
  execFileSync('mkdir', ['-p', join(dir, 'data')]);
  writeFileSync(join(dir, 'data', 'input.bin'), '');
  truncateSync(join(dir, 'data', 'input.bin'), Math.round(inputBytes));
  return dir;
}

function measure(label, inputBytes) {
  const dir = repository(inputBytes);
  try {
    const recorded = spawnSync(process.execPath, [CLI, 'record', '-q', '-o', 'runs/original', '--', PYTHON, 'train.py'], { cwd: dir, encoding: 'utf8' });
    if (recorded.status !== 0) throw new Error(`record failed: ${recorded.stderr}`);
    const direct = [];
    const reproduce = [];
    for (let i = 0; i < RUNS; i++) {
      // Run directly, `import reprov` is the package's no-op logger (its directory on PYTHONPATH, no channel).
      direct.push(seconds(() => spawnSync(PYTHON, ['train.py'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'src', 'instrument', 'python') } })));
      reproduce.push(seconds(() => {
        const result = spawnSync(process.execPath, [CLI, 'reproduce', 'runs/original', '--out', `runs/rerun-${i}`, '-q', '-f', 'json'], { cwd: dir, encoding: 'utf8' });
        if (result.status === 0 && JSON.parse(result.stdout).verdict !== 'bitwise') throw new Error(`verdict ${JSON.parse(result.stdout).verdict}`);
        return result;
      }));
    }
    const d = median(direct);
    const r = median(reproduce);
    console.log(`| ${label} | ${d.toFixed(2)} s | ${r.toFixed(2)} s | +${(r - d).toFixed(2)} s | ${(r / d).toFixed(1)}x |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`reprov reproduce against running the command directly (median of ${RUNS}; verdict bitwise each time)\n`);
console.log('| input | command alone | reproduce | overhead | ratio |\n| --- | ---: | ---: | ---: | ---: |');
measure('1 KB', 1024);
measure(`${GB} GB (sparse)`, GB * 1024 ** 3);
