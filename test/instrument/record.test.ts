/** `reprov record -- /usr/bin/python3 ...`: what the instrumentation puts in the bundle, through the built CLI. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { PROV, REPROV, readBundle } from '../support/bundle.js';

const PYTHON = '/usr/bin/python3';
const pythonPresent = spawnSync(PYTHON, ['-c', 'import sys; assert sys.version_info >= (3, 8)'], { stdio: 'ignore' }).status === 0;
const numpyPresent = pythonPresent && spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const QUICK = ['--no-hardware', '--no-system', '--no-git'];
const SPDX = 'http://spdx.org/rdf/terms#';

function project(files: Record<string, string>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'reprov-instrument-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(cwd, name, '..'), { recursive: true });
    writeFileSync(join(cwd, name), text);
  }
  return cwd;
}

const TRAIN = `
import random, sys
import reprov
random.seed(7)
data = open("data/train.csv").read()
reprov.log_params({"optimizer": {"lr": 0.01}, "hf_token": "hf_abcdefghijklmnopqrstuvwxyz0123456789"})
for step in range(150):
    reprov.log_metric("loss", 1.0 / (step + 1), step=step, epoch=step // 50)
with reprov.context("validation"):
    reprov.log_metric("accuracy", 0.9, step=149)
reprov.log_metric("ghp_abcdefghijklmnopqrstuvwxyz0123456789", 1.0)
open("model.bin", "wb").write(b"weights")
print("trained")
`;

describe.skipIf(!pythonPresent)('reprov record with instrumentation', () => {
  it('records seeds with their call site, metrics, parameters, files read and written, and the modules run', () => {
    const cwd = project({ 'train.py': TRAIN, 'data/train.csv': 'a,b\n1,2\n', 'unused.py': 'import os\n' });
    const result = reprov(['record', ...QUICK, '-o', 'b', '--', PYTHON, 'train.py'], { cwd });
    expect(result.stderr).not.toContain('instrumentation error');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('trained\n');
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('seed/python', `${PROV}value`)).toEqual(['7']);
    expect(bundle.values('seed/python', `${REPROV}rng`)).toEqual(['python']);
    expect(bundle.values('seed/python', `${REPROV}source`)).toEqual(['random.seed']);
    expect(bundle.values('seed/python', `${REPROV}sourceFile`)).toEqual(['train.py']);
    expect(bundle.values('seed/python', `${REPROV}line`)).toEqual(['4']);
    expect(bundle.values('param/optimizer.lr', `${PROV}value`)).toEqual(['0.01']);
    expect(bundle.values('param/hf_token', `${PROV}value`)[0]).toMatch(/^\[REDACTED/);
    expect(readFileSync(join(cwd, 'b', 'prov.ttl'), 'utf8')).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    // 150 points in the same CSV side file the run API writes.
    const csv = readFileSync(join(cwd, 'b', 'metrics', 'loss_training_reprov_GR0.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('loss,training,reprov');
    expect(csv).toHaveLength(151);
    expect(csv[150]!.split(',')).toEqual(['2', String(1 / 150), expect.stringMatching(/^\d+$/), '149']);
    expect(bundle.values('metric/training/loss', `${REPROV}pointCount`)).toEqual(['150']);
    expect(bundle.values('metric/validation/accuracy', `${REPROV}lastValue`)).toEqual(['0.9']);
    expect(readdirSync(join(cwd, 'b', 'metrics')).join(' ')).not.toContain('ghp_');
    // An input read without --input, pinned by its digest; an output written.
    expect(bundle.values('data/input/train.csv', `${PROV}atLocation`)).toEqual(['data/train.csv']);
    expect(bundle.values('data/input/train.csv', `${REPROV}source`)).toEqual(['instrumentation']);
    expect(bundle.values('data/input/train.csv', `${SPDX}checksum`)).toHaveLength(1);
    expect(bundle.values('data/output/model.bin', `${PROV}wasGeneratedBy`)).toHaveLength(1);
    expect(bundle.values('code', `${REPROV}executedFile`)).toEqual(['train.py']);
    const check = reprov(['check', 'b', '-f', 'json'], { cwd });
    const report = JSON.parse(check.stdout) as { bundles: { findings: { rule: string }[] }[] };
    const rules = report.bundles[0]!.findings.map((f) => f.rule);
    expect(rules).not.toContain('RPV-S001');
    expect(rules).not.toContain('RPV-D001');
  });

  it('reads the metric files the run wrote (a Lightning CSVLogger file) into metric series, naming the file', () => {
    const writer = 'import os\nos.makedirs("logs/version_0", exist_ok=True)\nwith open("logs/version_0/metrics.csv", "w") as f:\n    f.write("epoch,step,train_loss,val_loss\\n0,0,1.0,\\n0,1,0.5,\\n0,1,,0.7\\n")\n';
    const cwd = project({ 'w.py': writer });
    expect(reprov(['record', ...QUICK, '-o', 'b', '--', PYTHON, 'w.py'], { cwd }).status).toBe(0);
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('metric/training/loss', `${REPROV}pointCount`)).toEqual(['2']);
    expect(bundle.values('metric/validation/loss', `${REPROV}source`)).toEqual(['lightning-csv:logs/version_0/metrics.csv']);
  });

  it('records the exception that ended the run', () => {
    const cwd = project({ 'fail.py': 'def load(path):\n    return open(path).read()\n\nload("missing.csv")\n' });
    const result = reprov(['record', ...QUICK, '-o', 'b', '--', PYTHON, 'fail.py'], { cwd });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('FileNotFoundError');
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['failed']);
    expect(bundle.values('exception', `${REPROV}exceptionType`)).toEqual(['FileNotFoundError']);
    expect(bundle.values('exception', `${REPROV}sourceFile`)).toEqual(['fail.py']);
    expect(bundle.values('exception', `${REPROV}line`)).toEqual(['2']);
    expect(bundle.values('exception', `${REPROV}message`)[0]).toContain('missing.csv');
  });

  it('records none of it with --no-instrument', () => {
    const cwd = project({ 'train.py': TRAIN, 'data/train.csv': 'a,b\n1,2\n' });
    const result = reprov(['record', ...QUICK, '--no-instrument', '-o', 'b', '--', PYTHON, 'train.py'], { cwd });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('reprov: not recording');
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('seed/python', `${PROV}value`)).toEqual([]);
    expect(bundle.values('data/input/train.csv', `${PROV}atLocation`)).toEqual([]);
    expect(bundle.values('code', `${REPROV}executedFile`)).toEqual([]);
    expect(existsSync(join(cwd, 'b', 'metrics', 'loss_training_reprov_GR0.csv'))).toBe(false);
  });

  it.skipIf(!numpyPresent)('records numpy seeds and the numpy version', () => {
    const cwd = project({ 'np_seed.py': 'import numpy as np\nnp.random.seed(42)\nrng = np.random.default_rng(1234)\nprint(rng.integers(10))\n' });
    expect(reprov(['record', ...QUICK, '-o', 'b', '--', PYTHON, 'np_seed.py'], { cwd }).status).toBe(0);
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('seed/numpy', `${PROV}value`)).toEqual(['42']);
    expect(bundle.values('seed/numpy', `${REPROV}line`)).toEqual(['2']);
    expect(bundle.values('seed/numpy-2', `${PROV}value`)).toEqual(['1234']);
    expect(bundle.values('seed/numpy-2', `${REPROV}source`)).toEqual(['numpy.random.default_rng']);
    expect(bundle.values('environment/framework/numpy', 'https://schema.org/version')[0]).toMatch(/^\d+\.\d+/);
  });

  it('with --scan, scans the files the run executed, not the whole directory', () => {
    const hazard = 'import numpy as np\nx = np.random.rand(3)\n';
    const cwd = project({ 'main.py': 'import helper\nprint("ok")\n', 'helper.py': hazard, 'never_run.py': hazard });
    const result = reprov(['record', ...QUICK, '--scan', '-o', 'b', '--', PYTHON, 'main.py'], { cwd });
    expect(result.status).toBe(0);
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('code', `${REPROV}scannedFileCount`)).toEqual(['2']);
    const files = bundle.quads.filter((q) => q.predicate.value === `${REPROV}sourceFile`).map((q) => q.object.value);
    expect(files).not.toContain('never_run.py');
  });
});
