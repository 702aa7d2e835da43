import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isomorphic } from 'rdf-isomorphic';
import { describe, expect, it } from 'vitest';
import { readProv } from '../../src/io/read.js';
import { startRun, withRun } from '../../src/run/run.js';
import { PROV, REPROV, readBundle } from '../support/bundle.js';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const OFF = { git: false, hardware: false, system: false, dependencies: false } as const;

describe('run API', () => {
  it('records parameters, metrics, seeds, data and status in PROV-JSON and Turtle from one graph', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'reprov-run-'));
    writeFileSync(join(cwd, 'train.csv'), 'x,y\n1,2\n');
    const run = await startRun({ experiment: 'unit', cwd, dir: 'bundle', collect: OFF, metricFlushEvery: 100, snapshotIntervalMs: 0 });
    run.logParams({ lr: 0.01, epochs: 3, optimizer: 'adam' });
    run.logSeed('numpy', 1234, 'numpy');
    await run.logDataset('train.csv');
    for (let step = 0; step < 1000; step++) run.logMetric('loss', 1 / (step + 1), { context: 'training', step, epoch: Math.floor(step / 100) });
    run.logMetric('accuracy', 0.9, { context: 'validation', step: 999 });
    writeFileSync(join(cwd, 'model.bin'), 'weights');
    await run.logModel(join(cwd, 'model.bin'));
    const files = await run.end();

    const bundle = readBundle(files.dir);
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['succeeded']);
    expect(bundle.values('run', `${REPROV}complete`)).toEqual(['true']);
    expect(bundle.values('param/lr', `${PROV}value`)).toEqual(['0.01']);
    expect(bundle.values('param/optimizer', `${PROV}value`)).toEqual(['adam']);
    expect(bundle.values('seed/numpy', `${PROV}value`)).toEqual(['1234']);
    expect(bundle.values('metric/training/loss', `${REPROV}pointCount`)).toEqual(['1000']);
    expect(bundle.values('metric/training/loss', `${REPROV}lastValue`)).toEqual(['0.001']);

    const csv = join(files.dir, 'metrics', 'loss_training_reprov_GR0.csv');
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('loss,training,reprov');
    expect(lines).toHaveLength(1001);
    expect(lines[1]).toMatch(/^0,1,\d{13},0$/);
    const checksum = bundle.quads.find((q) => q.subject.value.endsWith('metric/training/loss/checksum/sha256') && q.predicate.value.endsWith('checksumValue'));
    expect(checksum?.object.value).toBe(sha256(csv));

    const model = bundle.quads.find((q) => q.predicate.value === `${PROV}atLocation` && q.object.value === 'model.bin');
    expect(model).toBeDefined();
    // prov.json and prov.ttl say exactly the same thing.
    const json = await readProv(readFileSync(files.provJson, 'utf8'), { format: 'provjson' });
    expect(isomorphic(json.quads, bundle.quads)).toBe(true);
  });

  it('leaves a bundle marked running and incomplete while the run goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-run-'));
    const run = await startRun({ experiment: 'partial', cwd: dir, dir: 'b', collect: OFF, snapshotIntervalMs: 0 });
    run.logMetric('loss', 0.5);
    await run.snapshot();
    const bundle = readBundle(join(dir, 'b'));
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['running']);
    expect(bundle.values('run', `${REPROV}complete`)).toEqual(['false']);
    await run.end();
    await expect(run.end()).rejects.toThrow('already ended');
  });

  it('withRun marks the run failed when the body throws, and rethrows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-run-'));
    await expect(withRun({ experiment: 'boom', cwd: dir, dir: 'b', collect: OFF, snapshotIntervalMs: 0 }, () => {
      throw new Error('diverged');
    })).rejects.toThrow('diverged');
    expect(readBundle(join(dir, 'b')).values('run', `${REPROV}status`)).toEqual(['failed']);
  });

  it('collects git, environment and dependency state into the same bundle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-run-'));
    writeFileSync(join(dir, 'requirements.txt'), 'numpy==1.26.4\ntorch\n');
    const run = await startRun({ experiment: 'collect', cwd: dir, dir: 'b', collect: { system: false }, snapshotIntervalMs: 0 });
    const files = await run.end();
    const bundle = readBundle(files.dir);
    expect(bundle.values('code', `${REPROV}noRepositoryReason`)[0]).toContain('not a git repository');
    expect(bundle.values('dependencies/requirements.txt', `${REPROV}unpinnedCount`)).toEqual(['1']);
    expect(bundle.values('hardware', `${REPROV}cpuThreads`).length).toBe(1);
    expect(bundle.values('environment', `${REPROV}nodeVersion`)).toEqual([process.versions.node]);
    // Whatever the collectors add, prov.json says the same as prov.ttl.
    const json = await readProv(readFileSync(files.provJson, 'utf8'), { format: 'provjson' });
    expect(isomorphic(json.quads, bundle.quads)).toBe(true);
  });

  it('stores the diff of a dirty tree with includeDiff and names it (reprov:diffFile) beside its digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-run-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(join(dir, 'train.py'), 'print(1)\n');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', 'commit', '-qm', 'init');
    writeFileSync(join(dir, 'train.py'), 'print(2)\n');
    const run = await startRun({ experiment: 'diff', cwd: dir, dir: 'b', collect: { ...OFF, git: true }, includeDiff: true, snapshotIntervalMs: 0 });
    const files = await run.end();
    const bundle = readBundle(files.dir);
    expect(bundle.values('code', `${REPROV}diffFile`)).toEqual(['artifacts/code.diff']);
    const stored = readFileSync(join(files.dir, 'artifacts', 'code.diff'), 'utf8');
    expect(stored).toContain('+print(2)');
    expect(bundle.values('code', `${REPROV}diffSha256`)).toEqual([createHash('sha256').update(git('diff', 'HEAD')).digest('hex')]);
  });
});

describe('names from the API that no IRI can hold', () => {
  it('lone surrogates in parameter, metric and seed names become U+FFFD; the run still ends and its bundle reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-surrogate-'));
    const run = await startRun({ dir, experiment: 'x\ud800' });
    run.logParam('lr\ud800', 0.1);
    run.logMetric('loss\udc00', 1, { step: 0 });
    run.logSeed('numpy\ud800', 3);
    await run.end();
    const text = readFileSync(join(dir, 'prov.ttl'), 'utf8');
    expect(text).not.toMatch(/[\ud800-\udfff]/);
    expect(text).toContain('lr\ufffd');
    expect((await readProv(readFileSync(join(dir, 'prov.json'), 'utf8'), { format: 'provjson' })).quads.length).toBeGreaterThan(10);
  });
});
