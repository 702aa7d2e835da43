/** Real workspaces for verify and diff: a git repository in a temp directory and runs recorded in it with the run API. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startRun, type StartRunOptions } from '../../src/run/run.js';
import { tempDirs } from '../support/collect.js';

export const tempDir = tempDirs('release');

/** Runs git in `dir` without the user's global or system configuration. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  }).trim();
}

export function write(dir: string, file: string, content: string): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), content);
}

export const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * A repository on `main` with one commit: train.py, requirements.txt, data/train.csv,
 * data/images/{a,b}.txt, and a .gitignore that keeps bundles (runs/) and models out of git status.
 */
export function workspace(): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.org');
  git(dir, 'config', 'commit.gpgsign', 'false');
  write(dir, 'train.py', 'print("train")\n');
  write(dir, 'requirements.txt', 'numpy==1.26.4\n');
  write(dir, 'data/train.csv', 'x,y\n1,2\n3,4\n');
  write(dir, 'data/images/a.txt', 'a\n');
  write(dir, 'data/images/b.txt', 'b\n');
  write(dir, '.gitignore', 'runs/\nmodel.bin\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
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
