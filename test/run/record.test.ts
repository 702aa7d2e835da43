/** `reprov record` as a user runs it: the built CLI in a subprocess around real commands. */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, reprov } from '../support/cli.js';
import { PROV, REPROV, readBundle } from '../support/bundle.js';

const PYTHON = '/usr/bin/python3';
const numpyPresent = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const workdir = () => mkdtempSync(join(tmpdir(), 'reprov-record-'));
/** Fast: no hardware probing or system sampling, which other tests cover. */
const QUICK = ['--no-hardware', '--no-system'];

describe('reprov record', () => {
  it('runs the command, passes stdin and stdout through, exits with its code, and records a failed run', () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'data.csv'), 'a,b\n1,2\n');
    const result = reprov(['record', ...QUICK, '-o', 'bundle', '--param', 'lr=0.1', '--param', 'name=baseline', '--seed', '7', '--input', 'data.csv', '--produces', 'out.txt',
      '--', 'sh', '-c', 'cat > out.txt; echo produced; exit 3'], { cwd, input: 'from stdin\n' });
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('produced\n');
    expect(readFileSync(join(cwd, 'out.txt'), 'utf8')).toBe('from stdin\n');
    const bundle = readBundle(join(cwd, 'bundle'));
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['failed']);
    expect(bundle.values('run', `${REPROV}exitCode`)).toEqual(['3']);
    expect(bundle.values('param/lr', `${PROV}value`)).toEqual(['0.1']);
    expect(bundle.values('param/name', `${PROV}value`)).toEqual(['baseline']);
    expect(bundle.values('seed/global', `${PROV}value`)).toEqual(['7']);
    expect(bundle.values('data/input/data.csv', `${PROV}atLocation`)).toEqual(['data.csv']);
    expect(bundle.values('data/output/out.txt', `${PROV}wasGeneratedBy`)).toHaveLength(1);
    expect(bundle.values('command', `${REPROV}commandLine`)).toEqual(["sh -c 'cat > out.txt; echo produced; exit 3'"]);
  });

  it('reads parameters from JSON and YAML files, nested keys joined with dots', () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'params.yaml'), 'optimizer:\n  name: adam\n  lr: 0.001\nepochs: 5\n');
    writeFileSync(join(cwd, 'more.json'), '{"batch_size": 32}');
    expect(reprov(['record', ...QUICK, '-o', 'b', '--params', 'params.yaml', '--params', 'more.json', '--', 'true'], { cwd }).status).toBe(0);
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('param/optimizer.lr', `${PROV}value`)).toEqual(['0.001']);
    expect(bundle.values('param/optimizer.name', `${PROV}value`)).toEqual(['adam']);
    expect(bundle.values('param/batch_size', `${PROV}value`)).toEqual(['32']);
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['succeeded']);
  });

  it('reads a conda environment.yml through the shipped CLI (yaml loads on use there too)', () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'environment.yml'), 'name: train\ndependencies:\n  - numpy=1.26.4\n  - pandas\n');
    const result = reprov(['record', '--no-git', '--no-hardware', '--no-system', '-o', 'b', '--', 'true'], { cwd });
    expect(result.status, result.stderr).toBe(0);
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('dependencies/environment.yml', `${REPROV}ecosystem`)).toEqual(['conda']);
    expect(bundle.values('dependencies/environment.yml', `${REPROV}unpinnedCount`)).toEqual(['1']);
  });

  describe('bad input: exit 2, one line, and the command never starts', () => {
    const cases: [string, string[], string][] = [
      ['an unreadable input path', ['--input', 'missing.csv'], 'record: --input missing.csv: no such file or directory'],
      ['an unknown option', ['--frobnicate'], "unknown option '--frobnicate'"],
      ['a bad parameter file', ['--params', 'bad.json'], 'record: --params bad.json: invalid JSON'],
      ['a malformed --param', ['--param', 'lr'], 'record: --param lr: expected name=value'],
      ['a seed that is not an integer', ['--seed', 'abc'], 'record: --seed abc: a seed is an integer'],
    ];
    it.each(cases)('%s', (_name, options, message) => {
      const cwd = workdir();
      writeFileSync(join(cwd, 'bad.json'), '{"lr": }');
      const result = reprov(['record', ...QUICK, '-o', 'b', ...options, '--', 'touch', 'started'], { cwd });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('(run with'))).toHaveLength(1);
      expect(existsSync(join(cwd, 'started'))).toBe(false);
      expect(existsSync(join(cwd, 'b'))).toBe(false);
    });
  });

  it('forwards SIGTERM to the command and records the run as interrupted', async () => {
    const cwd = workdir();
    const child = spawn(process.execPath, [CLI, 'record', ...QUICK, '-o', 'b', '--', 'sh', '-c', 'trap "echo got TERM; exit 143" TERM; touch started; while true; do sleep 0.05; done'], { cwd });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    await waitFor(() => existsSync(join(cwd, 'started')));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(stdout).toContain('got TERM');
    expect(code).toBe(143);
    expect(readBundle(join(cwd, 'b')).values('run', `${REPROV}status`)).toEqual(['interrupted']);
  });

  it('leaves a valid bundle marked incomplete when the wrapper itself is killed', async () => {
    const cwd = workdir();
    const child = spawn(process.execPath, [CLI, 'record', ...QUICK, '-o', 'b', '--', 'sh', '-c', 'touch started; sleep 30'], { cwd, detached: true });
    await waitFor(() => existsSync(join(cwd, 'started')));
    process.kill(-child.pid!, 'SIGKILL');
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['running']);
    expect(bundle.values('run', `${REPROV}complete`)).toEqual(['false']);
    expect(readdirSync(join(cwd, 'b')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('never writes a secret from the environment or the command line', () => {
    const cwd = workdir();
    const secrets = {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      GITHUB_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH',
      MY_API_KEY: 'supersecretapikeyvalue1',
      DB_SECRET: 'anothersecretvalue22',
    };
    const result = spawnSync(process.execPath, [CLI, 'record', ...QUICK, '-o', 'b', '--',
      'sh', '-c', 'exit 0', 'https://alice:hunter2pass@example.com/data', '--password', 'correcthorse', '--token', secrets.HF_TOKEN],
    { cwd, env: { ...process.env, ...secrets, OMP_NUM_THREADS: '4' }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const written = readdirSync(join(cwd, 'b'), { recursive: true }).map(String)
      .filter((f) => statSync(join(cwd, 'b', f)).isFile())
      .map((f) => readFileSync(join(cwd, 'b', f), 'utf8')).join('\n');
    for (const secret of [...Object.values(secrets), 'hunter2pass', 'correcthorse']) expect(written).not.toContain(secret);
    expect(written).toContain('OMP_NUM_THREADS');
  });

  describe.skipIf(!numpyPresent && !process.env.CI)('a real Python training script', () => {
    it('records the NumPy example: Python version, seed, parameters, data in and model out', () => {
      const cwd = workdir();
      cpSync(join(REPO, 'examples'), join(cwd, 'examples'), { recursive: true });
      const result = reprov(['record', '--no-system', '--seed', 'numpy=0', '--param', 'lr=0.5', '--input', 'examples/data/blobs.csv', '--produces', 'model.npy', '-o', 'b',
        '--', PYTHON, 'examples/train_numpy.py', '--lr', '0.5', '--seed', '0', '--out', 'model.npy'], { cwd });
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/validation accuracy 0\.\d+/);
      const bundle = readBundle(join(cwd, 'b'));
      expect(bundle.values('environment', `${REPROV}pythonVersion`)[0]).toMatch(/^3\.\d+\.\d+$/);
      expect(bundle.values('command', `${REPROV}entryPoint`)).toEqual(['examples/train_numpy.py']);
      expect(bundle.values('seed/numpy', `${REPROV}rng`)).toEqual(['numpy']);
      expect(bundle.values('data/output/model.npy', `${PROV}wasGeneratedBy`)).toHaveLength(1);
      expect(bundle.values('hardware', `${REPROV}cpuThreads`)).toHaveLength(1);
    });
  });
});

describe('reprov merge', () => {
  it('unifies the bundles of two ranks under one run', () => {
    const cwd = workdir();
    for (const rank of ['0', '1']) {
      const result = spawnSync(process.execPath, [CLI, 'record', ...QUICK, '-o', `rank${rank}`, '-e', 'ddp', '--', 'true'], { cwd, env: { ...process.env, RANK: rank, WORLD_SIZE: '2' }, encoding: 'utf8' });
      expect(result.status).toBe(0);
    }
    const merged = reprov(['merge', 'rank0', 'rank1', '-o', 'merged'], { cwd });
    expect(merged.status).toBe(0);
    const bundle = readBundle(join(cwd, 'merged'));
    const parts = bundle.quads.filter((q) => q.predicate.value === 'http://purl.org/dc/terms/hasPart');
    expect(parts).toHaveLength(2);
    expect(new Set(parts.map((q) => q.object.value)).size).toBe(2);
    // The merged run and both rank runs.
    expect(bundle.values('run', `${REPROV}experiment`)).toEqual(['ddp', 'ddp', 'ddp']);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the TypeScript example (examples/train-logistic.ts)', () => {
  it('trains a real model through the run API and writes its bundle', () => {
    const out = join(workdir(), 'example');
    const result = spawnSync(process.execPath, [join(REPO, 'dist/examples/train-logistic.js'), '--out', out, '--epochs', '5'], { cwd: REPO, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const accuracy = Number(/validation accuracy (\d\.\d+)/.exec(result.stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(0.75);
    const bundle = readBundle(out);
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['succeeded']);
    expect(bundle.values('param/epochs', `${PROV}value`)).toEqual(['5']);
    expect(bundle.values('seed/js', `${PROV}value`)).toEqual(['42']);
    expect(Number(bundle.values('metric/training/loss', `${REPROV}pointCount`)[0])).toBe(5 * 10);
    expect(bundle.values('data/input/blobs.csv', `${PROV}atLocation`)).toEqual(['examples/data/blobs.csv']);
    expect(bundle.values('data/output/model.json', `${PROV}wasGeneratedBy`)).toHaveLength(1);
  });
});
