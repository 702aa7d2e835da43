/**
 * Metrics a program already writes, picked up by `reprov record` after the run with no code change
 * (issue 11): the run writes a Hugging Face Trainer `trainer_state.json` and TensorBoard event
 * files, real ones produced by the real libraries (fixtures/metric-files/SOURCES.md), and the
 * bundle holds their series, each naming the file it came from. A file written before the run
 * started is not the run's and is not read.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, reprov } from '../support/cli.js';
import { readBundle, REPROV } from '../support/bundle.js';

const PYTHON = '/usr/bin/python3';
const pythonPresent = spawnSync(PYTHON, ['-c', 'import shutil'], { stdio: 'ignore' }).status === 0;
const QUICK = ['--no-hardware', '--no-system', '--no-git'];
const FIXTURES = join(REPO, 'fixtures/metric-files');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reprov-metric-record-'));
  dirs.push(dir);
  return dir;
}

/** A "training script" that writes what the library wrote in the real run: a copy of the fixture. */
// shutil.copy, not copy2: the files are new, as the library would write them (copy2 keeps the fixture's old mtime).
const copying = (from: string, to: string) => `import shutil\nshutil.copytree(${JSON.stringify(from)}, ${JSON.stringify(to)}, copy_function=shutil.copy)\n`;

describe.skipIf(!pythonPresent && !process.env.CI)('reprov record reads the metric files the run wrote', () => {
  it("a Hugging Face Trainer's trainer_state.json becomes training and validation series", () => {
    const cwd = project();
    const result = reprov(['record', ...QUICK, '-o', 'b', '--', PYTHON, '-c', copying(join(FIXTURES, 'hf-lora-imdb'), 'out/checkpoint')], { cwd });
    expect(result.status, result.stderr).toBe(0);
    const bundle = readBundle(join(cwd, 'b'));
    // 18 training and 3 validation losses in the real file's log_history (test/collect/metric-files.test.ts).
    expect(bundle.values('metric/training/loss', `${REPROV}pointCount`)).toEqual(['18']);
    expect(bundle.values('metric/validation/loss', `${REPROV}pointCount`)).toEqual(['3']);
    expect(bundle.values('metric/validation/loss', `${REPROV}lastValue`).map(Number)[0]).toBeGreaterThan(0);
    expect(bundle.values('metric/training/loss', `${REPROV}source`)).toEqual(['hf-trainer-state:out/checkpoint/trainer_state.json']);
  });

  it("TensorBoard event files written by torch's SummaryWriter become series, per sub-run directory", () => {
    const cwd = project();
    const result = reprov(['record', ...QUICK, '-o', 'b', '--', PYTHON, '-c', copying(join(FIXTURES, 'torch-summarywriter/tensorboard'), 'runs')], { cwd });
    expect(result.status, result.stderr).toBe(0);
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('metric/training/loss', `${REPROV}pointCount`)).toEqual(['12']);
    expect(bundle.values('metric/validation/loss', `${REPROV}pointCount`)).toEqual(['3']);
    expect(bundle.values('metric/training/mae', `${REPROV}pointCount`)).toEqual(['3']);
    expect(bundle.values('metric/training/loss', `${REPROV}source`)[0]).toMatch(/^tensorboard:runs\/linear\/events\.out\.tfevents\./);
  });

  it('a metric file older than the run is not the run\'s: not read', () => {
    const cwd = project();
    cpSync(join(FIXTURES, 'hf-lora-imdb'), join(cwd, 'old'), { recursive: true });
    const past = Date.now() / 1000 - 3600;
    utimesSync(join(cwd, 'old', 'trainer_state.json'), past, past);
    const result = reprov(['record', ...QUICK, '-o', 'b', '--', PYTHON, '-c', 'pass'], { cwd });
    expect(result.status, result.stderr).toBe(0);
    expect(readBundle(join(cwd, 'b')).values('metric/training/loss', `${REPROV}pointCount`)).toEqual([]);
  });
});
