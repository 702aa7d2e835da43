/**
 * The ranks of a distributed run recorded into one directory (torchrun launching
 * `reprov record -o runs/x -- python train.py` per rank): each rank's files, marker and lock are
 * its own, and `reprov merge` of the directory takes every rank once. Real `reprov record`
 * subprocesses, started together, with the launchers' variables.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { REPROV, readBundle } from '../support/bundle.js';
import { isDistributed, rankFromEnv } from '../../src/run/rank.js';
import { startRun } from '../../src/run/run.js';

const workdir = () => mkdtempSync(join(tmpdir(), 'reprov-ranks-'));
const QUICK = ['--no-hardware', '--no-system', '--no-git', '--no-instrument'];
const LAUNCHER_VARIABLES = /^(RANK|LOCAL_RANK|WORLD_SIZE|OMPI_COMM_WORLD_.*|PMI_.*|MPI_LOCALRANKID|SLURM_.*)$/;
/** The test runner's environment without any launcher's variables, plus `extra`. */
const envWith = (extra: Record<string, string>) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !LAUNCHER_VARIABLES.test(name))), NO_COLOR: '1', ...extra,
});

interface Done { status: number | null; stderr: string }

/** `reprov record` as a launcher starts it, without waiting. */
function launch(cwd: string, env: Record<string, string>, args: string[], command = ['sh', '-c', 'sleep 0.5']): Promise<Done> {
  const child = spawn(process.execPath, [CLI, 'record', ...QUICK, ...args, '--', ...command], { cwd, env: envWith(env) });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((done) => child.on('close', (status) => done({ status, stderr })));
}

const record = (cwd: string, env: Record<string, string>, args: string[], command = ['true']) =>
  spawnSync(process.execPath, [CLI, 'record', ...QUICK, ...args, '--', ...command], { cwd, env: envWith(env), encoding: 'utf8' });

/** The bundle file's Turtle, read back. */
const bundleOf = (dir: string, file: string) => {
  const tmp = mkdtempSync(join(tmpdir(), 'reprov-ranks-read-'));
  writeFileSync(join(tmp, 'prov.ttl'), readFileSync(join(dir, file)));
  return readBundle(tmp);
};

const visible = (dir: string) => readdirSync(dir).sort();

describe('ranks recorded into one directory', () => {
  it('torchrun-style ranks started together each leave their own bundle, with rank and world size', async () => {
    const cwd = workdir();
    const results = await Promise.all([0, 1, 2].map((rank) => launch(cwd, { RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: '3' }, ['-o', 'runs/x', '-e', 'ddp'])));
    for (const result of results) expect(result).toMatchObject({ status: 0 });
    expect(visible(join(cwd, 'runs/x'))).toEqual([
      '.reprov-bundle.rank0', '.reprov-bundle.rank1', '.reprov-bundle.rank2',
      'prov.rank0.json', 'prov.rank0.ttl', 'prov.rank1.json', 'prov.rank1.ttl', 'prov.rank2.json', 'prov.rank2.ttl',
    ]);
    for (const rank of [0, 1, 2]) {
      const bundle = bundleOf(join(cwd, 'runs/x'), `prov.rank${rank}.ttl`);
      expect(bundle.values('run', `${REPROV}rank`)).toEqual([String(rank)]);
      expect(bundle.values('run', `${REPROV}worldSize`)).toEqual(['3']);
      expect(bundle.values('run', `${REPROV}localRank`)).toEqual([String(rank)]);
      expect(bundle.values('run', `${REPROV}status`)).toEqual(['succeeded']);
      const json = JSON.parse(readFileSync(join(cwd, 'runs/x', `prov.rank${rank}.json`), 'utf8')) as { activity: Record<string, Record<string, { $: string }>> };
      expect(json.activity['run:run']?.['reprov:rank']?.$).toBe(String(rank));
    }
    expect(results[1]!.stderr).toContain('recorded');
    expect(results[1]!.stderr).toContain('runs/x/prov.rank1.json');
  });

  it('tells the ranks apart under Open MPI, MPICH, srun and --rank; RANK=0 alone and a Slurm batch script are one process', () => {
    const cases: [Record<string, string>, string[], string][] = [
      [{ OMPI_COMM_WORLD_RANK: '1', OMPI_COMM_WORLD_SIZE: '2' }, [], 'prov.rank1.json'],
      [{ PMI_RANK: '2', PMI_SIZE: '4' }, [], 'prov.rank2.json'],
      [{ SLURM_PROCID: '3', SLURM_STEP_NUM_TASKS: '4', SLURM_NTASKS: '4', SLURM_STEP_ID: '0' }, [], 'prov.rank3.json'],
      // torchrun inside srun: torchrun's RANK is the process's rank, not srun's task.
      [{ SLURM_PROCID: '0', SLURM_STEP_NUM_TASKS: '1', SLURM_STEP_ID: '0', RANK: '5', WORLD_SIZE: '8' }, [], 'prov.rank5.json'],
      [{}, ['--rank', '0'], 'prov.rank0.json'],
      [{ RANK: '0' }, [], 'prov.json'],
      [{ SLURM_PROCID: '0', SLURM_NTASKS: '4', SLURM_JOB_ID: '77' }, [], 'prov.json'],
      [{ RANK: '0', WORLD_SIZE: '1' }, [], 'prov.json'],
    ];
    for (const [env, args, file] of cases) {
      const cwd = workdir();
      const result = record(cwd, env, ['-o', 'b', ...args]);
      expect(result.status, `${JSON.stringify(env)} ${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(visible(join(cwd, 'b')).filter((f) => f.endsWith('.json')), JSON.stringify(env)).toEqual([file]);
    }
  });

  it('RANK=0 and RANK=1 without WORLD_SIZE share the directory: prov.json and prov.rank1.json', async () => {
    const cwd = workdir();
    const results = await Promise.all(['0', '1'].map((rank) => launch(cwd, { RANK: rank }, ['-o', 'same'])));
    expect(results.map((r) => r.status)).toEqual([0, 0]);
    expect(visible(join(cwd, 'same'))).toEqual(['.reprov-bundle', '.reprov-bundle.rank1', 'prov.json', 'prov.rank1.json', 'prov.rank1.ttl', 'prov.ttl']);
  });

  it('two writers of one rank still refuse each other; --overwrite replaces that rank only', async () => {
    const cwd = workdir();
    const first = launch(cwd, { RANK: '1', WORLD_SIZE: '2' }, ['-o', 'x'], ['sh', '-c', 'touch started; sleep 2']);
    while (!existsSync(join(cwd, 'started'))) await new Promise((r) => setTimeout(r, 25));
    const second = record(cwd, { RANK: '1', WORLD_SIZE: '2' }, ['-o', 'x']);
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/^reprov: x: in use by reprov record \(run [^)]+\), pid \d+ on .* since .*: wait for it to finish, or choose another directory\n$/);
    // Another rank is not refused while rank 1 runs.
    expect(record(cwd, { RANK: '0', WORLD_SIZE: '2' }, ['-o', 'x']).status).toBe(0);
    expect((await first).status).toBe(0);

    const rank0 = readFileSync(join(cwd, 'x/prov.rank0.json'), 'utf8');
    const again = record(cwd, { RANK: '1', WORLD_SIZE: '2' }, ['-o', 'x']);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/x already holds a reprov bundle of rank 1 \(run .*\): pass --overwrite to replace it/);
    const before = readFileSync(join(cwd, 'x/prov.rank1.json'), 'utf8');
    expect(record(cwd, { RANK: '1', WORLD_SIZE: '2' }, ['-o', 'x', '--overwrite']).status).toBe(0);
    expect(readFileSync(join(cwd, 'x/prov.rank1.json'), 'utf8')).not.toBe(before);
    expect(readFileSync(join(cwd, 'x/prov.rank0.json'), 'utf8')).toBe(rank0);
    expect(visible(join(cwd, 'x')).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  it("a rank's recorder killed (SIGKILL) leaves no lock: its watchdog removes that rank's lock, and the rank records again", async () => {
    const cwd = workdir();
    const child = spawn(process.execPath, [CLI, 'record', ...QUICK, '-o', 'x', '--', 'sh', '-c', 'touch started; sleep 30'], { cwd, env: envWith({ RANK: '1', WORLD_SIZE: '2' }), detached: true, stdio: 'ignore' });
    while (!existsSync(join(cwd, 'started'))) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(join(cwd, 'x/.reprov-bundle.rank1.lock'))).toBe(true);
    process.kill(child.pid!, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (existsSync(join(cwd, 'x/.reprov-bundle.rank1.lock')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(join(cwd, 'x/.reprov-bundle.rank1.lock'))).toBe(false);
    expect(bundleOf(join(cwd, 'x'), 'prov.rank1.ttl').values('run', `${REPROV}complete`)).toEqual(['false']);
    expect(record(cwd, { RANK: '1', WORLD_SIZE: '2' }, ['-o', 'x', '--overwrite']).status).toBe(0);
  });

  it('refuses a hostile --rank in one line, ignores launcher values that are not ranks, and never writes over an unmarked rank file', () => {
    for (const bad of ['-1', 'abc', '1.5', '99999999999', '']) {
      const cwd = workdir();
      const result = record(cwd, {}, ['-o', 'b', '--rank', bad], ['touch', 'started']);
      expect(result.status, bad).toBe(2);
      expect(result.stderr).toMatch(/--rank: expected a whole number from 0 to 10000000/);
      expect(result.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('(run with'))).toHaveLength(1);
      expect(existsSync(join(cwd, 'started'))).toBe(false);
    }
    for (const value of ['../../etc/x', '1;rm -rf /', '-3', '0x10', '1e3', '99999999999', ' 1']) {
      const cwd = workdir();
      expect(record(cwd, { RANK: value, WORLD_SIZE: '4' }, ['-o', 'b']).status, value).toBe(0);
      expect(visible(join(cwd, 'b')).filter((f) => f.startsWith('prov')), value).toEqual(['prov.json', 'prov.ttl']);
    }
    // A prov.rank1.json that no marker says is reprov's (someone else's file) is never replaced.
    const cwd = workdir();
    expect(record(cwd, { RANK: '0', WORLD_SIZE: '2' }, ['-o', 'b']).status).toBe(0);
    writeFileSync(join(cwd, 'b/prov.rank1.json'), 'mine');
    const refused = record(cwd, { RANK: '1', WORLD_SIZE: '2' }, ['-o', 'b', '--overwrite']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('b: holds prov.rank1.json without .reprov-bundle.rank1: not written by reprov for this rank (1)');
    expect(readFileSync(join(cwd, 'b/prov.rank1.json'), 'utf8')).toBe('mine');
  });

  it('a whole-directory writer (merge -o) never replaces a directory of ranks', () => {
    const cwd = workdir();
    for (const rank of ['0', '1']) expect(record(cwd, { RANK: rank, WORLD_SIZE: '2' }, ['-o', 'x']).status).toBe(0);
    mkdirSync(join(cwd, 'y'));
    for (const rank of ['0', '1']) expect(record(cwd, { RANK: rank, WORLD_SIZE: '2' }, ['-o', 'y']).status).toBe(0);
    const result = spawnSync(process.execPath, [CLI, 'merge', 'y', '-o', 'x', '--overwrite'], { cwd, env: envWith({}), encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("x: holds the bundles of a distributed run's ranks (.reprov-bundle.rank0, .reprov-bundle.rank1): refusing to replace the whole directory");
    expect(visible(join(cwd, 'x'))).toContain('prov.rank1.json');
  });
});

describe('reprov merge takes each run once', () => {
  const merge = (cwd: string, args: string[]) => spawnSync(process.execPath, [CLI, 'merge', ...args], { cwd, env: envWith({}), encoding: 'utf8' });
  const hasParts = (dir: string) => readBundle(dir).quads.filter((q) => q.predicate.value === 'http://purl.org/dc/terms/hasPart').map((q) => q.object.value).sort();

  it('of a directory of rank files: one merged bundle with every rank once', async () => {
    const cwd = workdir();
    const results = await Promise.all(['0', '1'].map((rank) => launch(cwd, { RANK: rank, WORLD_SIZE: '2' }, ['-o', 'runs/x', '-e', 'ddp'])));
    expect(results.map((r) => r.status)).toEqual([0, 0]);
    const result = merge(cwd, ['runs/x', '-o', 'merged']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('reprov: merged 2 runs from 2 bundle files into merged\n');
    const parts = hasParts(join(cwd, 'merged'));
    expect(parts).toHaveLength(2);
    expect(new Set(parts).size).toBe(2);
    const bundle = readBundle(join(cwd, 'merged'));
    expect(bundle.quads.filter((q) => q.predicate.value === `${REPROV}rank`).map((q) => q.object.value).sort()).toEqual(['0', '1']);
    // Each rank's run node once, its statements not doubled by its Turtle twin.
    expect(bundle.quads.filter((q) => q.predicate.value === `${REPROV}status`)).toHaveLength(2);
  });

  it("of a run's directory (prov.json and prov.ttl), of both its files, or of the directory twice: one run", () => {
    const cwd = workdir();
    expect(record(cwd, {}, ['-o', 'b', '-e', 'one']).status).toBe(0);
    for (const [args, stderr] of [
      [['b'], 'reprov: merged 1 run from 1 bundle file into m\n'],
      [['b/prov.json', 'b/prov.ttl'], 'reprov: merged 1 run from 1 bundle file into m\n'],
      [['b', 'b'], 'reprov: merged 1 run from 1 bundle file into m\n'],
      // Its Turtle named first: still read once, and the duplicate said.
      [['b/prov.ttl', 'b/prov.json'], 'reprov: merge: skipped b/prov.json: its run is taken already\nreprov: merged 1 run from 1 bundle file into m\n'],
    ] as [string[], string][]) {
      const result = merge(cwd, [...args, '-o', 'm', '--overwrite']);
      expect(result.status, args.join(' ')).toBe(0);
      expect(result.stderr, args.join(' ')).toBe(stderr);
      expect(hasParts(join(cwd, 'm'))).toHaveLength(1);
    }
    // The same run copied under another name is the same run.
    mkdirSync(join(cwd, 'c'));
    writeFileSync(join(cwd, 'c/run.provjson'), readFileSync(join(cwd, 'b/prov.json')));
    writeFileSync(join(cwd, 'c/prov.ttl'), readFileSync(join(cwd, 'b/prov.ttl')));
    const copied = merge(cwd, ['c', '-o', 'm2']);
    expect(copied.status).toBe(0);
    expect(copied.stderr).toBe('reprov: merge: skipped c/prov.ttl: its run is taken already\nreprov: merged 1 run from 1 bundle file into m2\n');
  });
});

describe('rankFromEnv', () => {
  it('asks the innermost launcher first and reads only plain whole numbers', () => {
    expect(rankFromEnv({ RANK: '3', WORLD_SIZE: '4', LOCAL_RANK: '1', SLURM_PROCID: '0', SLURM_STEP_ID: '0' })).toEqual({ rank: 3, worldSize: 4, localRank: 1, source: 'RANK' });
    expect(rankFromEnv({ OMPI_COMM_WORLD_RANK: '2', OMPI_COMM_WORLD_SIZE: '8', SLURM_PROCID: '0', SLURM_NTASKS: '1' })).toEqual({ rank: 2, worldSize: 8, source: 'OMPI_COMM_WORLD_RANK' });
    expect(rankFromEnv({ SLURM_PROCID: '0', SLURM_NTASKS: '4' })).toBeUndefined();
    expect(rankFromEnv({ RANK: 'x', PMI_RANK: '1', PMI_SIZE: '2' })).toEqual({ rank: 1, worldSize: 2, source: 'PMI_RANK' });
    // A world size that cannot hold the rank is dropped; the rank stays.
    expect(rankFromEnv({ RANK: '5', WORLD_SIZE: '2' })).toEqual({ rank: 5, source: 'RANK' });
    expect(rankFromEnv({ RANK: '1'.repeat(100) })).toBeUndefined();
    expect(isDistributed(rankFromEnv({ RANK: '0' }))).toBe(false);
    expect(isDistributed(rankFromEnv({ RANK: '0', WORLD_SIZE: '2' }))).toBe(true);
  });
});

describe('the run API with ranks', () => {
  it('names each rank\'s metric files and replaces only its own on --overwrite', async () => {
    const cwd = workdir();
    const start = (rank: number, overwrite = false) => startRun({ experiment: 'ddp', cwd, dir: 'x', rank, worldSize: 2, env: {}, snapshotIntervalMs: 0, overwrite, collect: { git: false, hardware: false, system: false, dependencies: false, environment: false } });
    const [a, b] = await Promise.all([start(0), start(1)]);
    a.logMetric('loss', 0.5, { step: 0 });
    b.logMetric('loss', 0.25, { step: 0 });
    await Promise.all([a.end(), b.end()]);
    expect(visible(join(cwd, 'x/metrics'))).toEqual(['loss_training_reprov_GR0.csv', 'loss_training_reprov_GR1.csv']);
    expect(a.files.provJson).toBe(join(cwd, 'x/prov.rank0.json'));
    const again = await start(1, true);
    await again.end();
    expect(visible(join(cwd, 'x/metrics'))).toEqual(['loss_training_reprov_GR0.csv']);
    await expect(start(-1)).rejects.toThrow('rank: expected a whole number from 0, found -1');
  });
});
