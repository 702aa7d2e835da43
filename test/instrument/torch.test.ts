/**
 * Real PyTorch training runs (Debian's python3-torch under /usr/bin/python3) recorded through the
 * built CLI with no flag but `-o`: what the program did decides the score. CI installs
 * python3-torch (.ci/run), so there these tests never skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { PROV, REPROV, readBundle } from '../support/bundle.js';

const PYTHON = '/usr/bin/python3';
const torchAvailable = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

const TRAIN = `
import csv
import torch
import reprov

torch.manual_seed(0)
torch.use_deterministic_algorithms(True)
torch.backends.cudnn.benchmark = False

with open("data/train.csv") as f:
    rows = [[float(v) for v in row] for row in csv.reader(f)]
data = torch.tensor(rows)
x, y = data[:, :2], data[:, 2:]
model = torch.nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
reprov.log_params({"optimizer": {"name": "sgd", "lr": 0.1}, "steps": 120})
for step in range(120):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    reprov.log_metric("loss", loss.item(), step=step)
torch.save(model.state_dict(), "model.pt")
print("final loss %.6f" % loss.item())
`;

const DATA = Array.from({ length: 64 }, (_, i) => {
  const a = (i * 37 % 64) / 64;
  const b = (i * 11 % 64) / 64;
  return `${a},${b},${2 * a - b + 0.5}`;
}).join('\n') + '\n';

interface Report {
  bundles: { categories: Record<string, number>; findings: { rule: string; message: string }[] }[];
}

function recordAndCheck(script: string): { cwd: string; stdout: string; report: Report['bundles'][number] } {
  const cwd = mkdtempSync(join(tmpdir(), 'reprov-torch-'));
  mkdirSync(join(cwd, 'data'));
  writeFileSync(join(cwd, 'data', 'train.csv'), DATA);
  writeFileSync(join(cwd, 'train.py'), script);
  const recorded = reprov(['record', '-o', 'b', '--', PYTHON, 'train.py'], { cwd });
  expect(recorded.stderr).not.toContain('instrumentation error');
  expect(recorded.status).toBe(0);
  const check = reprov(['check', 'b', '-f', 'json'], { cwd });
  return { cwd, stdout: recorded.stdout, report: (JSON.parse(check.stdout) as Report).bundles[0]! };
}

describe.skipIf(!torchAvailable && !process.env.CI)('recording a PyTorch training run', () => {
  it('scores 100 on randomness, determinism and data for a seeded, deterministic run, with no flag but -o', () => {
    const { cwd, report, stdout } = recordAndCheck(TRAIN);
    expect(stdout).toMatch(/^final loss \d/);
    expect(report.categories).toMatchObject({ randomness: 100, determinism: 100, data: 100 });
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('seed/torch', `${PROV}value`)).toEqual(['0']);
    expect(bundle.values('seed/torch', `${REPROV}sourceFile`)).toEqual(['train.py']);
    expect(bundle.values('seed/torch', `${REPROV}line`)).toEqual(['6']);
    expect(bundle.values('determinism/torch.use_deterministic_algorithms', `${PROV}value`)).toEqual(['true']);
    expect(bundle.values('determinism/torch.backends.cudnn.benchmark', `${PROV}value`)).toEqual(['false']);
    expect(bundle.values('data/input/train.csv', `${PROV}atLocation`)).toEqual(['data/train.csv']);
    expect(bundle.subjectsOfType('http://www.w3.org/ns/mls#Model').some((s) => s.endsWith('/data/output/model.pt'))).toBe(true);
    expect(bundle.values('environment/framework/torch', 'https://schema.org/version')[0]).toMatch(/^\d+\.\d+/);
    expect(readFileSync(join(cwd, 'b', 'metrics', 'loss_training_reprov_GR0.csv'), 'utf8').trim().split('\n')).toHaveLength(121);
  });

  it('gets RPV-S001 without torch.manual_seed', () => {
    const { report } = recordAndCheck(TRAIN.replace('torch.manual_seed(0)\n', ''));
    expect(report.findings.map((f) => f.rule)).toContain('RPV-S001');
  });

  it('gets RPV-S001 naming torch when only random and numpy were seeded', () => {
    const { report } = recordAndCheck(TRAIN.replace('torch.manual_seed(0)\n', 'import random\nrandom.seed(0)\n'));
    const hit = report.findings.find((f) => f.rule === 'RPV-S001');
    expect(hit?.message).toMatch(/imported torch but the run records no seed for its generator .*torch\.manual_seed/);
  });

  it('gets a determinism finding with cudnn.benchmark = True', () => {
    const { report } = recordAndCheck(TRAIN.replace('torch.backends.cudnn.benchmark = False', 'torch.backends.cudnn.benchmark = True'));
    const findings = report.findings.filter((f) => f.rule.startsWith('RPV-T'));
    expect(findings.map((f) => f.rule)).toContain('RPV-T002');
    expect(findings.find((f) => f.rule === 'RPV-T002')!.message).toContain('torch.backends.cudnn.benchmark=true');
    expect(report.categories.determinism).toBeLessThan(100);
  });
});

describe.skipIf(!torchAvailable && !process.env.CI)('when settings and seeds took effect', () => {
  it('records the determinism in force at the first training step (first backward pass), with a note when the exit differs', () => {
    const script = TRAIN.replace('torch.save(', 'torch.backends.cudnn.benchmark = True\ntorch.use_deterministic_algorithms(False)\ntorch.save(');
    const { cwd, report } = recordAndCheck(script);
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('determinism/torch.backends.cudnn.benchmark', `${PROV}value`)).toEqual(['false']);
    expect(bundle.values('determinism/torch.use_deterministic_algorithms', `${PROV}value`)).toEqual(['true']);
    expect(bundle.values('determinism/torch.backends.cudnn.benchmark', `${REPROV}inForceAt`)).toEqual(['first training step']);
    expect(readFileSync(join(cwd, 'b', 'prov.ttl'), 'utf8')).toContain('torch.backends.cudnn.benchmark was false at the first training step and true at exit');
    expect(report.categories.determinism).toBe(100);
  });

  it('a program that never steps (no backward pass) is judged at exit', () => {
    const { cwd } = recordAndCheck('import torch\ntorch.manual_seed(0)\ntorch.backends.cudnn.benchmark = True\n');
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('determinism/torch.backends.cudnn.benchmark', `${PROV}value`)).toEqual(['true']);
    expect(bundle.values('determinism/torch.backends.cudnn.benchmark', `${REPROV}inForceAt`)).toEqual([]);
  });

  it('knows whether each global generator was drawn from before its first seed; RPV-S002 flags numpy and random, not torch', () => {
    const { cwd, report } = recordAndCheck([
      'import random, numpy as np, torch',
      'weights = torch.nn.Linear(3, 3)  # torch drawn before its seed (from its fixed default seed)',
      'order = np.random.permutation(10)  # numpy drawn before its seed (from entropy)',
      'torch.manual_seed(1)',
      'np.random.seed(2)',
      'random.seed(3)  # python seeded before any draw',
      'np.random.seed(4)  # a second seed says nothing of order',
      '',
    ].join('\n'));
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('seed/torch', `${REPROV}drawnBeforeSeed`)).toEqual(['true']);
    expect(bundle.values('seed/numpy', `${REPROV}drawnBeforeSeed`)).toEqual(['true']);
    expect(bundle.values('seed/python', `${REPROV}drawnBeforeSeed`)).toEqual(['false']);
    expect(bundle.values('seed/numpy-2', `${REPROV}drawnBeforeSeed`)).toEqual([]);
    expect(report.findings.filter((f) => f.rule === 'RPV-S002').map((f) => f.message)).toEqual([
      'numpy (seeded at train.py:5) was drawn from before it was seeded: those first numbers are not reproducible',
    ]);
  });

  it("numpy generators constructed with a seed in the user's code are recorded; the program sees the same types and streams", () => {
    const script = [
      'import pickle, numpy as np',
      'rs = np.random.RandomState(7)',
      'gen = np.random.Generator(np.random.PCG64(11))',
      'mt = np.random.MT19937(13)',
      'print(isinstance(np.random.mtrand._rand, np.random.RandomState), isinstance(rs, np.random.mtrand.RandomState),',
      '      issubclass(np.random.mtrand.RandomState, np.random.RandomState), type(rs).__name__, type(rs).__module__)',
      'print(rs.rand(), gen.random(), pickle.loads(pickle.dumps(rs)).rand(), rs.rand())',
      'print(np.random.RandomState().rand() != 2)  # from entropy: no seed',
      '',
    ].join('\n');
    const { cwd, stdout } = recordAndCheck(script);
    const plain = spawnSync(PYTHON, ['train.py'], { cwd, encoding: 'utf8' });
    expect(stdout).toBe(plain.stdout);
    expect(stdout.split('\n')[0]).toBe('True True True RandomState numpy.random.mtrand');
    const bundle = readBundle(join(cwd, 'b'));
    const seeds = bundle.subjectsOfType(`${REPROV}Seed`).map((node) => [bundle.quads.find((q) => q.subject.value === node && q.predicate.value === `${REPROV}source`)?.object.value, bundle.quads.find((q) => q.subject.value === node && q.predicate.value === `${PROV}value`)?.object.value]);
    expect(seeds.sort()).toEqual([['numpy.random.MT19937', '13'], ['numpy.random.PCG64', '11'], ['numpy.random.RandomState', '7']]);
  });
});
