/**
 * `reprov reproduce` through the built CLI: real git repositories in temp directories, runs
 * recorded with `reprov record` around Debian's Python and numpy, reruns in a git worktree.
 * After every test the repository's working tree and `git worktree list` are as before, and no
 * temporary directory of the command is left behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { REPRODUCE_REPORT_SCHEMA_PATH } from '../../src/release/reproduce-report.js';
import { compareSeries, shellSplit } from '../../src/release/reproduce.js';
import { CLI, REPO, reprov } from '../support/cli.js';
import { initRepo } from '../support/git.js';
import { git, sha256, tempDir, write } from './workspace.js';

const PYTHON = '/usr/bin/python3';
const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(REPRODUCE_REPORT_SCHEMA_PATH, 'utf8')) as object);

/** A numpy "training": a seeded (or not) generator, data/values.txt read, a loss per step, out.txt written. */
const train = (rng: string, steps = 5) => `import numpy as np
import reprov
rng = ${rng}
data = np.loadtxt("data/values.txt")
w = 0.0
for step in range(${steps}):
    w = w + float(rng.normal()) * float(data.sum())
    reprov.log_metric("loss", w, step=step)
with open("out.txt", "w") as f:
    f.write(repr(w) + "\\n")
`;

/** Sums the same seeded values in an order drawn without a seed: equal up to rounding. */
const SUMMATION = `import numpy as np
import reprov
values = np.random.default_rng(7).normal(size=2000) * 1000.0
order = np.random.default_rng()
for step in range(5):
    total = 0.0
    for v in values[order.permutation(len(values))]:
        total += float(v)
    reprov.log_metric("sum", total, step=step)
with open("out.txt", "w") as f:
    f.write("%.3f\\n" % total)
`;

/** A repository with train.py committed; data/ (the input) and runs/, out.txt ignored. */
function repo(script: string): string {
  const ws = initRepo(tempDir(), { 'train.py': script, '.gitignore': 'runs/\nout.txt\ndata/\n' });
  write(ws, 'data/values.txt', '1.5\n2.25\n-0.75\n');
  return ws;
}

function record(ws: string, name: string, ...flags: string[]): string {
  const result = reprov(['record', '-q', '--no-system', '-o', `runs/${name}`, ...flags, '--', PYTHON, 'train.py'], { cwd: ws });
  expect(result.stderr.replace(/^reprov: not recording: .*\n/m, '')).toBe('');
  expect(result.status).toBe(0);
  return join(ws, 'runs', name);
}

interface Report {
  verdict: string;
  summary: string;
  preconditions: { kind: string; subject: string; status: string; message: string }[];
  outputs: { path: string; status: string }[];
  metrics: { name: string; context: string; status: string; compared: number; firstDivergence?: { step: number | null }; maxDeviation?: { absolute: number } }[];
  rerun?: { bundle: string; worktree: string; kept: boolean; programBundle?: string };
  hazards: { rule: string }[];
}

function reproduceJson(ws: string, ...args: string[]): { status: number | null; report: Report; stderr: string } {
  const result = reprov(['reproduce', '-q', '-f', 'json', ...args], { cwd: ws });
  const report = JSON.parse(result.stdout) as Report;
  expect(validate(report) ? [] : validate.errors).toEqual([]);
  return { status: result.status, report, stderr: result.stderr };
}

/** One line naming what is wrong, exit 2, no stack trace. */
function expectOneLine(result: { status: number | null; stderr: string }, ...fragments: string[]): void {
  expect(result.status).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** A copy of a recorded bundle (outside the repository) with its prov.json changed by `edit`. */
function edited(bundle: string, edit: (json: string) => string): string {
  const copy = join(tempDir(), 'bundle');
  cpSync(bundle, copy, { recursive: true });
  rmSync(join(copy, 'prov.ttl'));
  writeFileSync(join(copy, 'prov.json'), edit(readFileSync(join(copy, 'prov.json'), 'utf8')));
  return copy;
}

const ourTemps = () => readdirSync(tmpdir()).filter((n) => n.startsWith('reprov-reproduce-')).sort();

/** The state a reproduce must leave as it found it. */
function snapshot(ws: string) {
  return { worktrees: git(ws, 'worktree', 'list', '--porcelain'), status: git(ws, 'status', '--porcelain', '--ignored=no'), temps: ourTemps() };
}

let watched: { ws: string; before: ReturnType<typeof snapshot> }[] = [];
function watch(ws: string): string {
  watched.push({ ws, before: snapshot(ws) });
  return ws;
}
afterEach(() => {
  const checked = watched;
  watched = [];
  for (const { ws, before } of checked) expect(snapshot(ws)).toEqual(before);
});

describe.skipIf(!hasNumpy)('reprov reproduce (Python with numpy)', () => {
  it('reproduces a seeded numpy training bitwise: same output, every loss point identical; JSON valid', () => {
    const ws = repo(train('np.random.default_rng(1234)'));
    const bundle = record(ws, 'a');
    watch(ws);
    const { status, report } = reproduceJson(ws, bundle);
    expect(report.verdict).toBe('bitwise');
    expect(status).toBe(0);
    expect(report.outputs).toEqual([expect.objectContaining({ path: 'out.txt', status: 'same' })]);
    expect(report.metrics).toEqual([expect.objectContaining({ name: 'loss', context: 'training', status: 'bitwise', compared: 5 })]);
    expect(report.rerun?.kept).toBe(false);
    expect(existsSync(report.rerun!.worktree)).toBe(false);
    // The rerun's own bundle is beside the original.
    expect(report.rerun?.bundle).toBe(join(ws, 'runs', 'a-rerun'));
    expect(existsSync(join(ws, 'runs', 'a-rerun', 'prov.json'))).toBe(true);

    const text = reprov(['reproduce', '-q', bundle, '--out', join(tempDir(), 'again')], { cwd: ws });
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^ {2}bitwise +training\/loss: 5 points compared$/m);
    expect(text.stdout).toMatch(/\nbitwise — bitwise: 1 output\(s\) and 5 metric point\(s\) identical\n$/);

    // --keep leaves the checkout (with the input copied read-only) for a look; it is then the person's to remove.
    const kept = reproduceJson(ws, bundle, '--keep', '--out', join(tempDir(), 'kept'));
    expect(kept.report.rerun?.kept).toBe(true);
    const worktree = kept.report.rerun!.worktree;
    expect(git(ws, 'worktree', 'list')).toContain(worktree);
    expect(readFileSync(join(worktree, 'data', 'values.txt'), 'utf8')).toBe('1.5\n2.25\n-0.75\n');
    expect(statSync(join(worktree, 'data', 'values.txt')).mode & 0o222).toBe(0);
    git(ws, 'worktree', 'remove', '--force', worktree);
    rmSync(join(worktree, '..'), { recursive: true, force: true });
  });

  it('says diverged at the first logged step for the same script drawing without a seed, with the hazard', () => {
    const ws = repo(train('np.random.default_rng()'));
    const bundle = record(ws, 'a');
    watch(ws);
    const { status, report } = reproduceJson(ws, bundle, '--rtol', '1e-6');
    expect(report.verdict).toBe('diverged');
    expect(status).toBe(1);
    expect(report.metrics[0]).toMatchObject({ name: 'loss', status: 'diverged', compared: 5, firstDivergence: { step: 0 } });
    expect(report.outputs[0]?.status).toBe('different');
    expect(report.summary).toMatch(/^diverged: metric training\/loss diverges at step 0 \(/);
    // The run's own hazard is named next to the divergence.
    expect(report.hazards.map((h) => h.rule)).toContain('RPV-S001');
  });

  it('does not rerun a seeded script whose data file changed (input digest): exit 2, one line', () => {
    const ws = repo(train('np.random.default_rng(1234)'));
    const bundle = record(ws, 'a');
    write(ws, 'data/values.txt', '1.5\n2.25\n-0.5\n');
    watch(ws);
    const result = reprov(['reproduce', '-q', bundle], { cwd: ws });
    expectOneLine(result, 'not rerun', 'data/values.txt', 'changed since the run');
    expect(result.stdout).toMatch(/^ {2}FAILED +input +data\/values\.txt: changed since the run/m);
    expect(existsSync(join(ws, 'runs', 'a-rerun'))).toBe(false);
    // The data found elsewhere (--data-root) with the recorded digest is used.
    const elsewhere = tempDir();
    write(elsewhere, 'data/values.txt', '1.5\n2.25\n-0.75\n');
    const { status, report } = reproduceJson(ws, bundle, '--data-root', elsewhere, '--out', join(tempDir(), 'b'));
    expect(report.verdict).toBe('bitwise');
    expect(status).toBe(0);
    // Accepted, the changed data is used and the run diverges, with the change named.
    const accepted = reproduceJson(ws, bundle, '--accept-changed-inputs', '--out', join(tempDir(), 'c'));
    expect(accepted.report.verdict).toBe('diverged');
    expect(accepted.report.preconditions.find((p) => p.kind === 'input')).toMatchObject({ status: 'warning', message: expect.stringContaining('changed since the run') });
  });

  it('reproduces a dirty run recorded with --include-diff by applying the diff; without the diff: not rerun', () => {
    const ws = repo(train('np.random.default_rng(1234)'));
    write(ws, 'train.py', train('np.random.default_rng(99)', 7)); // uncommitted: another seed, more steps
    const withDiff = record(ws, 'diff', '--include-diff');
    const without = record(ws, 'nodiff');
    git(ws, 'checkout', '-q', '--', 'train.py'); // the working tree is back at the commit
    watch(ws);
    const { status, report } = reproduceJson(ws, withDiff);
    expect(report.verdict).toBe('bitwise');
    expect(status).toBe(0);
    expect(report.metrics[0]?.compared).toBe(7);
    expect(report.preconditions.find((p) => p.kind === 'code')).toMatchObject({ status: 'ok', message: expect.stringContaining('stored diff') });

    const result = reprov(['reproduce', '-q', without], { cwd: ws });
    expectOneLine(result, 'not rerun', 'uncommitted changes', '--include-diff');

    // A stored diff named outside the bundle is never read: the run has no diff.
    const leaving = edited(withDiff, (j) => j.replace(/("reprov:diffFile": *")[^"]*"/, '$1../../../../etc/passwd"'));
    expectOneLine(reprov(['reproduce', '-q', leaving], { cwd: ws }), 'not rerun', 'holds no diff');
    // A diff that does not apply: the worktree made for it is removed again.
    const broken = edited(withDiff, (j) => j);
    writeFileSync(join(broken, 'artifacts', 'code.diff'), 'diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1,1 +1,1 @@\n-no such line\n+x\n');
    expectOneLine(reprov(['reproduce', '-q', broken], { cwd: ws }), 'not rerun', 'the stored diff does not apply');
  });

  it('sets again only variables a recording keeps: LD_PRELOAD and BASH_ENV in a hand-made bundle are not set, and it says so', () => {
    const ws = repo(train('np.random.default_rng(1234)'));
    const bundle = record(ws, 'a');
    watch(ws);
    const hostile = edited(bundle, (json) => {
      const doc = JSON.parse(json) as { entity: Record<string, Record<string, unknown>> };
      const environment = doc.entity['run:environment']!;
      const listed = [environment['reprov:variable'] ?? []].flat();
      for (const [name, value] of [['LD_PRELOAD', '/nonexistent/evil.so'], ['BASH_ENV', '/nonexistent/evil.sh']]) {
        doc.entity[`run:environment/variable/${name}`] = { 'prov:type': { $: 'reprov:EnvironmentVariable', type: 'prov:QUALIFIED_NAME' }, 'reprov:variableName': name, 'prov:value': value };
        listed.push({ $: `run:environment/variable/${name}`, type: 'prov:QUALIFIED_NAME' });
      }
      environment['reprov:variable'] = listed;
      return JSON.stringify(doc);
    });
    const { status, report, stderr } = reproduceJson(ws, hostile, '--out', join(tempDir(), 'rerun'));
    const { recipe, warnings } = report as unknown as { recipe: { environment: { name: string }[]; refusedVariables: string[] }; warnings: string[] };
    expect(recipe.refusedVariables).toEqual(['BASH_ENV', 'LD_PRELOAD']);
    expect(recipe.environment.map((e) => e.name)).not.toContain('LD_PRELOAD');
    expect(warnings).toContain('environment variables a recording never keeps, not set: BASH_ENV, LD_PRELOAD');
    // Set, the loader would have complained on every process the rerun started.
    expect(stderr).not.toContain('evil.so');
    expect(report.verdict).toBe('bitwise');
    expect(status).toBe(0);
    const script = reprov(['reproduce', hostile, '--script'], { cwd: ws });
    expect(script.stdout).not.toMatch(/^export (LD_PRELOAD|BASH_ENV)=/m);
  });

  it('is within tolerance at --rtol 1e-6 for a change of summation order, diverged at the default 0', () => {
    const ws = repo(SUMMATION);
    const bundle = record(ws, 'a');
    watch(ws);
    const loose = reproduceJson(ws, bundle, '--rtol', '1e-6', '--out', join(tempDir(), 'loose'));
    expect(loose.report.verdict).toBe('within tolerance');
    expect(loose.status).toBe(0);
    expect(loose.report.metrics[0]).toMatchObject({ name: 'sum', status: 'within tolerance', compared: 5 });
    expect(loose.report.metrics[0]?.maxDeviation?.absolute).toBeGreaterThan(0);
    const strict = reproduceJson(ws, bundle, '--out', join(tempDir(), 'strict'));
    expect(strict.report.verdict).toBe('diverged');
    expect(strict.status).toBe(1);
    expect(strict.report.outputs[0]?.status).toBe('same');
  });

  it('reruns a run made in a subdirectory there; --script prints a POSIX sh recipe that, run by hand, produces the same output', () => {
    const ws = initRepo(tempDir(), { 'exp/train.py': train('np.random.default_rng(1234)'), '.gitignore': 'runs/\nout.txt\ndata/\n' });
    const exp = join(ws, 'exp');
    write(exp, 'data/values.txt', '1.5\n2.25\n-0.75\n');
    const bundle = record(exp, 'a');
    const expected = sha256(join(exp, 'out.txt'));
    watch(ws);
    const { report } = reproduceJson(ws, bundle, '--out', join(tempDir(), 'rerun'));
    expect(report.verdict).toBe('bitwise');
    expect(report.outputs).toEqual([expect.objectContaining({ path: 'out.txt', status: 'same' })]);

    const script = reprov(['reproduce', bundle, '--script'], { cwd: exp });
    expect(script.status).toBe(0);
    expect(script.stdout).toMatch(/^#!\/bin\/sh\n/);
    expect(script.stdout).toContain('git -C "$repo" worktree add --detach');
    expect(script.stdout).toContain('\ncd exp\n');
    const dir = tempDir();
    writeFileSync(join(dir, 'reproduce.sh'), script.stdout);
    const target = join(tempDir(), 'checkout');
    const run = spawnSync('sh', [join(dir, 'reproduce.sh'), target], { cwd: exp, encoding: 'utf8', env: { ...process.env, REPROV: `${process.execPath} ${CLI}` } });
    const out = existsSync(join(target, 'worktree', 'exp', 'out.txt')) ? sha256(join(target, 'worktree', 'exp', 'out.txt')) : 'no out.txt';
    // The script leaves its worktree for the person; removed here as it tells.
    if (existsSync(join(target, 'worktree'))) git(ws, 'worktree', 'remove', '--force', join(target, 'worktree'));
    git(ws, 'worktree', 'prune');
    expect(run.stderr).toContain("reprov: the run's outputs are in");
    expect(run.status).toBe(0);
    expect(out).toBe(expected);
    expect(existsSync(join(target, 'bundle', 'prov.json'))).toBe(true);
  });

  it('--dry-run checks every precondition and runs nothing', () => {
    const ws = repo(train('np.random.default_rng(1234)'));
    const bundle = record(ws, 'a');
    watch(ws);
    const result = reprov(['reproduce', bundle, '--dry-run'], { cwd: ws });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ {2}ok +commit /m);
    expect(result.stdout).toMatch(/^ {2}ok +input +data\/values\.txt: found with the recorded SHA-256/m);
    expect(result.stdout).toMatch(/^ {2}ok +interpreter +\/usr\/bin\/python3: Python /m);
    expect(existsSync(join(ws, 'runs', 'a-rerun'))).toBe(false);
  });

  it('removes the worktree when interrupted (SIGINT) during the rerun', async () => {
    // NAP is not an environment variable reprov records: the rerun inherits it from here.
    const ws = repo('import os, time\nopen("started", "w").close()\ntime.sleep(float(os.environ.get("NAP", "0")))\n');
    const bundle = record(ws, 'a');
    watch(ws);
    const child = spawn(process.execPath, [CLI, 'reproduce', '-q', bundle, '--out', join(tempDir(), 'rerun')], { cwd: ws, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NAP: '60' } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const deadline = Date.now() + 30_000;
    while (!git(ws, 'worktree', 'list').includes('reprov-reproduce-') || !ourTemps().some((t) => existsSync(join(tmpdir(), t, 'worktree', 'started')))) {
      if (Date.now() > deadline) throw new Error('the rerun did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toContain('interrupted (SIGINT)');
    expect(code).toBe(130);
  }, 60_000);
});

/** A TypeScript/JavaScript training recorded with the run API: it writes its own bundle, runs/ts. */
const tsTrain = (draw: string) => `import { writeFileSync } from 'node:fs';
import { withRun } from ${JSON.stringify(join(REPO, 'dist', 'src', 'index.js'))};
let state = 42;
const seeded = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
await withRun({ experiment: 'ts', dir: 'runs/ts', collect: { system: false, hardware: false } }, async (run) => {
  run.logSeed('js', 42, 'js');
  await run.logDataset('data/values.txt');
  let w = 0;
  for (let step = 0; step < 5; step++) {
    w += ${draw} * 0.1;
    run.logMetric('loss', w, { step });
  }
  writeFileSync('model.json', JSON.stringify({ w }));
  await run.logModel('model.json');
});
`;

const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

/** A small PyTorch training: a linear model fitted to data/values.txt, a loss per step, the model saved. */
const TORCH_TRAIN = `import torch
import reprov
torch.manual_seed(3)
torch.use_deterministic_algorithms(True)
values = [float(v) for v in open("data/values.txt").read().split()]
x = torch.tensor(values).reshape(-1, 1)
y = 2 * x + 1
model = torch.nn.Sequential(torch.nn.Linear(1, 8), torch.nn.Dropout(0.1), torch.nn.Linear(8, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.05)
for step in range(20):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    reprov.log_metric("loss", loss.item(), step=step)
torch.save(model.state_dict(), "out.txt")
`;

// CI installs python3-torch (.ci/run): there this never skips.
describe.skipIf(!hasTorch && !process.env.CI)('reprov reproduce (PyTorch)', () => {
  it('reproduces a seeded, deterministic torch training bitwise: the saved model and all 20 loss points', () => {
    const ws = repo(TORCH_TRAIN);
    const bundle = record(ws, 'a');
    watch(ws);
    const { status, report } = reproduceJson(ws, bundle);
    expect(report.metrics).toEqual([expect.objectContaining({ name: 'loss', context: 'training', status: 'bitwise', compared: 20 })]);
    expect(report.outputs).toEqual([expect.objectContaining({ path: 'out.txt', status: 'same' })]);
    expect(report.verdict).toBe('bitwise');
    expect(status).toBe(0);
  });
});

describe('reprov reproduce (TypeScript run API)', () => {
  function tsRun(draw: string): { ws: string; bundle: string } {
    const ws = initRepo(tempDir(), { 'train.mjs': tsTrain(draw), '.gitignore': 'runs/\nmodel.json\ndata/\n' });
    write(ws, 'data/values.txt', '1\n2\n');
    const run = spawnSync(process.execPath, ['train.mjs'], { cwd: ws, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    return { ws, bundle: join(ws, 'runs', 'ts') };
  }

  it('reruns a seeded run bitwise, comparing the bundle the program writes itself', () => {
    const { ws, bundle } = tsRun('seeded()');
    watch(ws);
    const { status, report } = reproduceJson(ws, bundle);
    expect(report.verdict).toBe('bitwise');
    expect(status).toBe(0);
    expect(report.rerun?.programBundle).toBe(join(ws, 'runs', 'ts-rerun-program'));
    expect(report.outputs).toEqual([expect.objectContaining({ path: 'model.json', status: 'same' })]);
    expect(report.metrics).toEqual([expect.objectContaining({ name: 'loss', status: 'bitwise', compared: 5 })]);
  });

  it('says diverged at step 0 for Math.random', () => {
    const { ws, bundle } = tsRun('Math.random()');
    watch(ws);
    const { status, report } = reproduceJson(ws, bundle);
    expect(report.verdict).toBe('diverged');
    expect(status).toBe(1);
    expect(report.metrics[0]).toMatchObject({ status: 'diverged', firstDivergence: { step: 0 } });
  });
});

describe('reprov reproduce: bad input', () => {
  it('a bundle without a command or commit, another repository, a missing interpreter, a path that leaves the run: one line, exit 2, nothing left', () => {
    const ws = repo('print(open("data/values.txt").read())\n');
    const bundle = record(ws, 'a', '--no-instrument', '-i', 'data/values.txt');
    watch(ws);
    const noCommand = edited(bundle, (j) => j.replace(/"reprov:commandLine": *"[^"]*",?/, ''));
    expectOneLine(reprov(['reproduce', noCommand], { cwd: ws }), 'records no command line');
    const noCommit = edited(bundle, (j) => j.replace(/"reprov:commit": *"[^"]*",?/, ''));
    expectOneLine(reprov(['reproduce', noCommit], { cwd: ws }), 'records no git commit');
    const quote = edited(bundle, (j) => j.replace(/("reprov:commandLine": *")[^"]*"/, `$1${PYTHON} 'train.py"`));
    expectOneLine(reprov(['reproduce', quote], { cwd: ws }), 'unterminated quote');

    const other = initRepo(tempDir(), { 'README': 'another project\n' });
    watch(other);
    expectOneLine(reprov(['reproduce', bundle, '--root', other], { cwd: ws }), 'not rerun', 'not in the repository');
    expectOneLine(reprov(['reproduce', bundle, '--root', tempDir()], { cwd: ws }), '--root', 'not in a git repository');

    const noPython = edited(bundle, (j) => j.replace(/("reprov:commandLine": *")[^"]*"/, '$1/nonexistent/python3 train.py"'));
    expectOneLine(reprov(['reproduce', noPython], { cwd: ws }), 'not rerun', '/nonexistent/python3 is not found');

    const leaving = edited(bundle, (j) => j.replaceAll('"data/values.txt"', '"../../../../etc/hostname"'));
    expectOneLine(reprov(['reproduce', leaving], { cwd: ws }), 'not rerun', '../../../../etc/hostname', 'not found');

    // Shell syntax in a bundle stays text in --script: an argument quoted again, a comment kept to one line.
    const hostile = edited(bundle, (j) => j.replace(/("reprov:commandLine": *")[^"]*"/, `$1${PYTHON} train.py; touch INJECTED"`)
      .replaceAll('"data/values.txt"', '"data/values.txt\\ntouch INJECTED2"'));
    const script = reprov(['reproduce', hostile, '--script'], { cwd: ws });
    expect(script.status).toBe(2); // the input is not found: printed all the same, the failure as a comment
    expect(script.stdout).toContain('# PRECONDITION FAILED: input data/values.txt touch INJECTED2: not found');
    expect(script.stdout).toContain("/usr/bin/python3 'train.py;' touch INJECTED");
    expect(script.stdout.split('\n').filter((line) => /^\s*touch/.test(line))).toEqual([]);

    expectOneLine(reprov(['reproduce', bundle, '--rtol', '-1'], { cwd: ws }), '--rtol', "expected a number ≥ 0");
    expectOneLine(reprov(['reproduce', bundle, '--data-root', join(ws, 'no-such-dir')], { cwd: ws }), '--data-root', 'no such directory');
    expect(reprov(['reproduce', bundle, '-f', 'yaml'], { cwd: ws }).status).toBe(2);
  });
});

describe('metric comparison and the command line', () => {
  it('compares by step with rtol/atol, NaN only equal to NaN, missing steps diverge', () => {
    const p = (...values: [number, number][]) => values.map(([step, value]) => ({ step, value }));
    expect(compareSeries(p([0, 1], [1, 2]), p([0, 1], [1, 2]), 0, 0).status).toBe('bitwise');
    expect(compareSeries(p([0, 1], [1, 2]), p([0, 1], [1, 2 + 1e-9]), 1e-6, 0)).toMatchObject({ status: 'within tolerance', compared: 2 });
    expect(compareSeries(p([0, 1], [1, 2]), p([0, 1], [1, 2 + 1e-9]), 0, 0)).toMatchObject({ status: 'diverged', firstDivergence: { step: 1 } });
    expect(compareSeries(p([0, 1], [1, 2]), p([0, 1], [1, 2.5]), 0, 0.5).status).toBe('within tolerance');
    expect(compareSeries(p([0, NaN]), p([0, NaN]), 0, 0).status).toBe('bitwise');
    expect(compareSeries(p([0, 1]), p([0, NaN]), 1, 1).status).toBe('diverged');
    expect(compareSeries(p([0, 1], [1, 2], [2, 3]), p([0, 1], [1, 2]), 0, 0)).toMatchObject({ status: 'diverged', onlyOriginal: 1, firstDivergence: { step: 2 } });
  });

  it('splits a recorded command line back into its arguments', () => {
    expect(shellSplit(`python3 train.py --name 'it'\\''s here' ""`)).toEqual(['python3', 'train.py', '--name', "it's here", '']);
    expect(shellSplit('a "b \\"c\\"" d\\ e')).toEqual(['a', 'b "c"', 'd e']);
  });
});
