/** Real workspaces for verify and diff: a git repository in a temp directory and runs recorded in it with the run API. */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRun, type StartRunOptions } from '../../src/run/run.js';
import { tempDirs } from '../support/collect.js';
import { initRepo } from '../support/git.js';

export const tempDir = tempDirs('release');

export { git, write } from '../support/git.js';

export const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * A repository on `main` with one commit: train.py, requirements.txt, data/train.csv,
 * data/images/{a,b}.txt, and a .gitignore that keeps bundles (runs/) and models out of git status.
 */
export function workspace(): string {
  return initRepo(tempDir(), {
    'train.py': 'print("train")\n',
    'requirements.txt': 'numpy==1.26.4\n',
    'data/train.csv': 'x,y\n1,2\n3,4\n',
    'data/images/a.txt': 'a\n',
    'data/images/b.txt': 'b\n',
    '.gitignore': 'runs/\nmodel.bin\n',
  });
}

export interface RecordSpec {
  lr?: number;
  seed?: number;
  /** Written to model.bin, the run's output. */
  model?: string;
  /** Extra run options (includeDiff...). */
  options?: Partial<StartRunOptions>;
}

/**
 * Records a run in `cwd` as a training script would (parameters, a seed, data/train.csv and the
 * data/images directory as inputs, two loss points, model.bin as output), with git and
 * dependency collection on; returns the bundle directory `runs/<name>`.
 */
export async function recordRun(cwd: string, name: string, spec: RecordSpec = {}): Promise<string> {
  const lr = spec.lr ?? 0.01;
  const run = await startRun({
    experiment: 'mnist', cwd, dir: join('runs', name), runId: name, snapshotIntervalMs: 0,
    collect: { system: false, hardware: false }, env: {}, ...spec.options,
  });
  run.logParams({ lr, epochs: 3 });
  run.logSeed('numpy', spec.seed ?? 0, 'numpy');
  await run.logDataset('data/train.csv');
  await run.logInput('data/images', 'dataset');
  run.logMetric('loss', 1, { context: 'training', step: 0 });
  run.logMetric('loss', lr * 10, { context: 'training', step: 1 });
  writeFileSync(join(cwd, 'model.bin'), spec.model ?? 'weights');
  await run.logModel('model.bin');
  return (await run.end()).dir;
}
