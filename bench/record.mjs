/**
 * Recording overhead: logMetric throughput, the cost of logging every step of a training loop,
 * and what `reprov record -- true` adds to a command.
 *
 *   npm run build && node bench/record.mjs
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startRun } from '../dist/src/run/run.js';

const CLI = new URL('../dist/cli/reprov.cjs', import.meta.url).pathname;
const OFF = { git: false, environment: false, hardware: false, dependencies: false, determinism: false, system: false };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const scratch = () => mkdtempSync(join(tmpdir(), 'reprov-bench-'));

async function metricThroughput(points, flushEvery) {
  const dir = scratch();
  const run = await startRun({ experiment: 'bench', cwd: dir, dir: 'b', collect: OFF, snapshotIntervalMs: 0, metricFlushEvery: flushEvery });
  const start = performance.now();
  for (let i = 0; i < points; i++) run.logMetric('loss', 1 / (i + 1), { step: i, timestamp: 0 });
  const logged = performance.now() - start;
  await run.end();
  const total = performance.now() - start;
  rmSync(dir, { recursive: true, force: true });
  return { buffered: points / (logged / 1000), withWrite: points / (total / 1000) };
}

/** One step of a small model: a 256x256 matrix-vector product and an update in plain JS (~0.1 ms, far less than a real training step). */
function makeStep() {
  const n = 256;
  const w = new Float64Array(n * n).map((_, i) => Math.sin(i));
  const x = new Float64Array(n).fill(0.5);
  const y = new Float64Array(n);
  return () => {
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += w[r * n + c] * x[c];
      y[r] = Math.tanh(s);
    }
    let loss = 0;
    let norm = 0;
    for (let r = 0; r < n; r++) {
      x[r] = 0.9 * x[r] + 0.1 * y[r];
      loss += y[r] * y[r];
      norm += x[r] * x[r];
    }
    // Left alone, x decays towards 0 into subnormal doubles and every step slows 20-30x on
    // x86 (issue 16): keep it on the unit sphere, so every number stays normal.
    norm = Math.sqrt(norm);
    for (let r = 0; r < n; r++) x[r] = norm > 1e-6 ? x[r] / norm : 0.5;
    return loss / n;
  };
}

async function loopOverhead(steps) {
  const step = makeStep();
  /** Times the loop alone (logging included) and, separately, the run's start and end. */
  const timeLoop = async (log) => {
    const dir = scratch();
    const t0 = performance.now();
    const run = await startRun({ experiment: 'bench', cwd: dir, dir: 'b', collect: OFF, snapshotIntervalMs: 0 });
    const t1 = performance.now();
    for (let i = 0; i < steps; i++) {
      const loss = step();
      if (log) {
        run.logMetric('loss', loss, { step: i, epoch: i >> 10 });
        run.logMetric('lr', 0.001, { step: i });
      }
    }
    const t2 = performance.now();
    await run.end();
    const t3 = performance.now();
    rmSync(dir, { recursive: true, force: true });
    return { loop: t2 - t1, fixed: t1 - t0 + (t3 - t2) };
  };
  await timeLoop(false); // warm-up
  const plain = [], logged = [], fixed = [];
  for (let r = 0; r < 7; r++) {
    plain.push((await timeLoop(false)).loop);
    const withLogging = await timeLoop(true);
    logged.push(withLogging.loop);
    fixed.push(withLogging.fixed);
  }
  return { plain: median(plain), logged: median(logged), fixed: median(fixed) };
}

function commandOverhead(runs) {
  const time = (args) => {
    const start = performance.now();
    const result = spawnSync(args[0], args.slice(1), { stdio: 'ignore', cwd: new URL('..', import.meta.url).pathname });
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
    return performance.now() - start;
  };
  const out = scratch();
  const bare = [], recorded = [], quick = [];
  for (let r = 0; r < runs; r++) {
    bare.push(time(['true']));
    recorded.push(time([process.execPath, CLI, 'record', '-o', join(out, `r${r}`), '--', 'true']));
    quick.push(time([process.execPath, CLI, 'record', '--no-hardware', '--no-system', '--no-git', '-o', join(out, `q${r}`), '--', 'true']));
  }
  rmSync(out, { recursive: true, force: true });
  return { bare: median(bare), recorded: median(recorded), quick: median(quick) };
}

const fmt = (n) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
console.log(`# reprov recording overhead (node ${process.version})\n`);
const buffered = await metricThroughput(5_000_000, 10_000_000);
const flushed = await metricThroughput(5_000_000, 100_000);
console.log('| logMetric, 5M points | points/s |\n|---|---:|');
console.log(`| buffered (no write during the loop) | ${fmt(buffered.buffered)} |`);
console.log(`| default flush every 100k points, including writing the CSV | ${fmt(flushed.withWrite)} |\n`);

const steps = 20_000;
const { plain, logged, fixed } = await loopOverhead(steps);
console.log(`| training loop, ${fmt(steps)} steps of ~${(plain / steps).toFixed(2)} ms, 2 metrics per step (median of 7) | ms |\n|---|---:|`);
console.log(`| loop without logging | ${plain.toFixed(0)} |\n| loop logging every step | ${logged.toFixed(0)} |`);
console.log(`| logging overhead | ${(((logged - plain) / plain) * 100).toFixed(2)}% (${(((logged - plain) * 1e6) / steps / 2).toFixed(0)} ns per logMetric) |`);
console.log(`| run start + end (bundle writes, metric files, digests), once per run | ${fixed.toFixed(0)} |\n`);

const { bare, recorded, quick } = commandOverhead(7);
console.log('| command (median of 7) | ms | added |\n|---|---:|---:|');
console.log(`| \`true\` | ${bare.toFixed(0)} | |`);
console.log(`| \`reprov record -- true\` (all collectors) | ${recorded.toFixed(0)} | ${(recorded - bare).toFixed(0)} |`);
console.log(`| \`reprov record --no-git --no-hardware --no-system -- true\` | ${quick.toFixed(0)} | ${(quick - bare).toFixed(0)} |`);
