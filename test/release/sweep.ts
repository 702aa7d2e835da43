/** A small sweep recorded through the CLI in a temp directory, for `reprov runs` and `reprov query` tests. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO, reprov } from '../support/cli.js';

export const YPROV4ML_FIXTURES = '/work/shared/fixtures/yprov4ml';
/** `x,y\n1,2\n`: its SHA-256 is the one docs/queries.md looks up. */
export const DATA = 'x,y\n1,2\n';
export const DATA_SHA256 = '81bf9fa83c6f7f151bd491a98cd7d933de3965289e3ebd77c6c425f7eaa16392';

const TRAIN = `import sys, reprov
lr = float(sys.argv[1])
for step in range(3):
    reprov.log_metric("loss", round(lr * 10 / (step + 1), 6), step=step)
    reprov.log_metric("val_acc", round(0.5 + lr * step, 6), step=step, context="validation")
if len(sys.argv) > 2:
    raise RuntimeError("diverged")
`;

export interface SweepRun { name: string; experiment: string; lr: number; epochs: number; seed?: number; opt: string; fail?: boolean }

/** Three runs of `sweep` (epochs 9, 10, 100: text and numeric order differ), one of `other` without a seed, one that fails. */
export const SWEEP: SweepRun[] = [
  { name: 'a', experiment: 'sweep', lr: 0.1, epochs: 9, seed: 1, opt: 'adam' },
  { name: 'b', experiment: 'sweep', lr: 0.01, epochs: 10, seed: 2, opt: 'sgd' },
  { name: 'c', experiment: 'sweep', lr: 0.001, epochs: 100, seed: 3, opt: 'adamw' },
  { name: 'd', experiment: 'other', lr: 0.05, epochs: 10, opt: 'sgd' },
  { name: 'e', experiment: 'other', lr: 0.2, epochs: 9, seed: 5, opt: 'adam', fail: true },
];

/** Records SWEEP under `<root>/runs/<name>`, with data.csv and train.py as inputs. */
export function recordSweep(): string {
  const root = mkdtempSync(join(tmpdir(), 'reprov-runs-'));
  writeFileSync(join(root, 'data.csv'), DATA);
  writeFileSync(join(root, 'train.py'), TRAIN);
  mkdirSync(join(root, 'runs'));
  for (const run of SWEEP) {
    const args = ['record', '-q', '--no-git', '--no-hardware', '--no-system', '-e', run.experiment, '-o', `runs/${run.name}`,
      '-p', `lr=${run.lr}`, '-p', `epochs=${run.epochs}`, '-p', `opt=${run.opt}`, '-i', 'data.csv', '-i', 'train.py',
      ...(run.seed === undefined ? [] : ['-s', String(run.seed)]), '--', 'python3', 'train.py', String(run.lr), ...(run.fail ? ['fail'] : [])];
    const result = reprov(args, { cwd: root });
    expect(result.status, result.stderr).toBe(run.fail ? 1 : 0);
  }
  return root;
}

/** Imports each yProv4ML fixture into `<root>/yprov/<name>` (a reprov bundle with prov.ttl). */
export function importYProv4ML(root: string): string[] {
  return readdirSync(YPROV4ML_FIXTURES).filter((f) => f.endsWith('.json')).map((file) => {
    const out = join(root, 'yprov', file.replace(/\.json$/, ''));
    const result = reprov(['import', 'yprov4ml', join(YPROV4ML_FIXTURES, file), '-o', out, '-q']);
    expect(result.status, result.stderr).toBe(0);
    return out;
  });
}

/** One line naming what is wrong, exit 2, nothing on stdout, no stack trace. */
export function expectOneLineError(result: ReturnType<typeof reprov>, ...fragments: string[]): void {
  expect(result.status, result.stdout + result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

interface Term { type: string; value: string; datatype?: string; 'xml:lang'?: string }
export interface Results { head: { vars?: string[] }; boolean?: boolean; results?: { bindings: Record<string, Term>[] } }

const COOKBOOK = readFileSync(join(REPO, 'docs', 'queries.md'), 'utf8');
/** Each ```sparql block of docs/queries.md's cookbook, with the heading above it. */
export const QUERIES = [...COOKBOOK.matchAll(/^### (.+)$[\s\S]*?^```sparql\n([\s\S]*?)^```$/gm)].map((m) => ({ title: m[1]!, query: m[2]! }));

const NUMERIC = /#(integer|int|long|short|decimal|double|float)$/;

/** A row as a comparable string: numbers by value (1.0 = 1), blank nodes by kind only. */
export function rows(results: Results): string[] {
  const vars = results.head.vars ?? [];
  return (results.results?.bindings ?? []).map((binding) => JSON.stringify(vars.map((v) => {
    const term = binding[v];
    if (!term) return null;
    if (term.type === 'bnode') return 'bnode';
    if (term.type === 'literal' && term.datatype && NUMERIC.test(term.datatype)) return `number ${Number(term.value)}`;
    if (term.type === 'literal') return `literal ${term.value}${term['xml:lang'] ? `@${term['xml:lang']}` : ''}${term.datatype && !term.datatype.endsWith('#string') ? `^^${term.datatype}` : ''}`;
    return `${term.type} ${term.value}`;
  }))).sort();
}
