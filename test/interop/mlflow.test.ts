/**
 * The MLflow importer on a hand-built MLflow file store (fixtures/mlflow/project: mlruns with a
 * well-recorded run, a bare run and a deleted one, the training data beside it), copied into a
 * temporary directory for the tests that break it.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { Checker } from '../../src/check/engine.js';
import type { BundleResult } from '../../src/check/types.js';
import { hashDirectory } from '../../src/base/hash.js';
import { importMlflow } from '../../src/interop/mlflow.js';
import { exportRoCrate } from '../../src/interop/ro-crate.js';
import { openBundle } from '../../src/io/load-bundle.js';
import { MlflowLayoutError, readRuns } from '../../src/interop/mlflow-store.js';
import { UserError } from '../../src/base/user-error.js';
import { PROV, readBundle, REPROV } from '../support/bundle.js';

const PROJECT = fileURLToPath(new URL('../../fixtures/mlflow/project/', import.meta.url));
const MLRUNS = join(PROJECT, 'mlruns');
const GOOD = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const BARE = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const DELETED = 'dddddddddddddddddddddddddddddddd';
const MNIST = '274538148952064816';
const GOOD_DIR = join(MLRUNS, MNIST, GOOD);
const SPDX = 'http://spdx.org/rdf/terms#';

const temp = () => mkdtempSync(join(tmpdir(), 'reprov-mlflow-'));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A copy of the fixture project to break. */
function projectCopy(): { project: string; mlruns: string; good: string } {
  const project = join(temp(), 'project');
  cpSync(PROJECT, project, { recursive: true });
  return { project, mlruns: join(project, 'mlruns'), good: join(project, 'mlruns', MNIST, GOOD) };
}

async function check(dir: string): Promise<BundleResult> {
  const result = await new Checker({ rules: RULES }).checkFile(join(dir, 'prov.json'));
  if (!('rules' in result)) throw new Error(result.message);
  return result;
}

const fired = (result: BundleResult) => new Set(result.findings.map((f) => f.rule));
const passes = (result: BundleResult, id: string) => result.rules.some((r) => r.rule.id === id && r.applies && !r.findings.length);

describe('importMlflow: the well-recorded run', async () => {
  const out = temp();
  const result = await importMlflow(MLRUNS, { out });
  const dir = join(out, GOOD);
  const bundle = readBundle(dir);
  const text = readFileSync(join(dir, 'prov.json'), 'utf8') + readFileSync(join(dir, 'prov.ttl'), 'utf8');
  const values = (suffix: string, predicate: string) => bundle.values(suffix, predicate);

  it('writes one bundle per active run and skips the deleted one, saying why', () => {
    expect(result.imported.map((r) => r.runId).sort()).toEqual([BARE, GOOD]);
    expect(readdirSync(out).sort()).toEqual([BARE, GOOD]);
    expect(result.skipped).toEqual([expect.stringContaining(`${DELETED}: deleted in MLflow`)]);
    expect(readdirSync(dir).sort()).toEqual(['.reprov-bundle', 'metrics', 'prov.json', 'prov.ttl']);
  });

  it('describes the run from meta.yaml: name, experiment, times, status', () => {
    expect(values('run', 'http://www.w3.org/2000/01/rdf-schema#label')).toEqual(['good-run']);
    expect(values('run', `${REPROV}experiment`)).toEqual(['mnist']);
    expect(values('run', `${PROV}startedAtTime`)).toEqual(['2024-05-01T12:00:00.000Z']);
    expect(values('run', `${PROV}endedAtTime`)).toEqual(['2024-05-01T12:05:00.000Z']);
    expect(values('run', `${REPROV}status`)).toEqual(['succeeded']);
    expect(values('run', `${REPROV}complete`)).toEqual(['true']);
    expect(values('agent/user', 'http://www.w3.org/2000/01/rdf-schema#label')).toEqual(['ana']);
    expect(values('agent/mlflow', 'https://schema.org/version')).toEqual(['2.12.1']);
  });

  it('types parameters, nested keys included, and makes the seed parameter a reprov:Seed', () => {
    expect(values('param/lr', `${PROV}value`)).toEqual(['0.001']);
    expect(bundle.quads.find((q) => q.subject.value.endsWith('/param/lr') && q.predicate.value === `${PROV}value`)?.object)
      .toMatchObject({ datatype: { value: 'http://www.w3.org/2001/XMLSchema#double' } });
    expect(values('param/optimizer/name', `${PROV}value`)).toEqual(['adam']);
    expect(bundle.subjectsOfType(`${REPROV}Seed`)).toEqual([`urn:reprov:run:${GOOD}/seed/seed`]);
    expect(values('seed/seed', `${PROV}value`)).toEqual(['42']);
    expect(values('seed/seed', `${PROV}wasDerivedFrom`)).toEqual([`urn:reprov:run:${GOOD}/param/seed`]);
  });

  it('keeps secrets out: a token parameter and credentials in the repository URL are redacted', () => {
    expect(values('param/hf_token', `${PROV}value`)).toEqual(['[REDACTED:token]']);
    expect(values('code', 'https://schema.org/codeRepository')).toEqual(['https://github.com/ana/mnist.git']);
    expect(text).not.toContain('FAKEtoken');
    expect(text).not.toContain('ghp_');
  });

  it('maps the git tags to the code state, and says MLflow does not record uncommitted changes', () => {
    expect(values('code', `${REPROV}commit`)).toEqual(['3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4']);
    expect(values('code', `${REPROV}unknownReason`)).toEqual([expect.stringContaining('uncommitted changes')]);
    expect(values('command', `${REPROV}entryPoint`)).toEqual(['train.py']);
    expect(values('environment', `${REPROV}pythonVersion`)).toEqual(['3.11.4']);
  });

  it('writes each metric as a CSV in reprov\'s layout, summarised and hashed; system/ metrics in the system context, val/ in validation', () => {
    const loss = 'metrics/loss_training_mlflow_GR0.csv';
    expect(readFileSync(join(dir, loss), 'utf8')).toBe('loss,training,mlflow\n0,0.9,1714564801000,0\n0,0.5,1714564802000,1\n0,0.25,1714564803000,2\n');
    expect(values('metric/training/loss', `${REPROV}metricFile`)).toEqual([loss]);
    expect(values('metric/training/loss', `${REPROV}lastValue`)).toEqual(['0.25']);
    expect(values('metric/training/loss', `${REPROV}maxValue`)).toEqual(['0.9']);
    expect(values('metric/training/loss/checksum/sha256', `${SPDX}checksumValue`)).toEqual([sha256(join(dir, loss))]);
    // The phase comes from the key's first word: val/accuracy was logged in validation.
    expect(values('metric/validation/val/accuracy', `${REPROV}pointCount`)).toEqual(['3']);
    expect(values('metric/system/cpu_utilization_percentage', `${REPROV}lastValue`)).toEqual(['NaN']);
  });

  it('hashes the dataset input found beside mlruns and keeps MLflow\'s digest', () => {
    const data = join(PROJECT, 'data', 'train.csv');
    expect(values('data/input/mnist-train', `${PROV}atLocation`)).toEqual([data]);
    expect(values('data/input/mnist-train/checksum/sha256', `${SPDX}checksumValue`)).toEqual([sha256(data)]);
    expect(values('data/input/mnist-train', 'http://purl.org/dc/terms/identifier')).toEqual(['3e1f0a2b']);
    expect(values('run', `${PROV}used`)).toContain(`urn:reprov:run:${GOOD}/data/input/mnist-train`);
  });

  it('hashes the logged model directory and records its pinned requirements file', async () => {
    const model = join(GOOD_DIR, 'artifacts', 'model');
    expect(bundle.subjectsOfType('http://www.w3.org/ns/mls#Model')).toEqual([`urn:reprov:run:${GOOD}/data/output/model`]);
    expect(values('data/output/model/checksum/sha256', `${SPDX}checksumValue`)).toEqual([(await hashDirectory(model)).sha256]);
    expect(values('data/output/model', `${PROV}generatedAtTime`)).toEqual(['2024-05-01T12:04:50.123Z']);
    const requirements = `model/model/dependencies/requirements.txt`;
    expect(values(requirements, `${PROV}atLocation`)).toEqual([join(model, 'requirements.txt')]);
    expect(values(requirements, `${REPROV}pinned`)).toEqual(['true']);
    expect(values('data/output/confusion_matrix.csv/checksum/sha256', `${SPDX}checksumValue`)).toEqual([sha256(join(GOOD_DIR, 'artifacts', 'confusion_matrix.csv'))]);
  });

  it('scores higher than the bare run under check: commit, seed, hashed data and requirements pass there and fire on the bare run', async () => {
    const good = await check(dir);
    const bare = await check(join(out, BARE));
    expect(good.score).toBeGreaterThan(bare.score!);
    for (const id of ['RPV-C001', 'RPV-C003', 'RPV-S001', 'RPV-D001', 'RPV-D003', 'RPV-P001', 'RPV-P002', 'RPV-M004', 'RPV-M005', 'RPV-X001']) {
      expect(passes(good, id), id).toBe(true);
    }
    // What MLflow does not record still fires on the well-recorded run.
    for (const id of ['RPV-C002', 'RPV-E001', 'RPV-H001', 'RPV-T001']) expect(fired(good).has(id), id).toBe(true);
    for (const id of ['RPV-C001', 'RPV-C003', 'RPV-S001', 'RPV-P001']) expect(fired(bare).has(id), id).toBe(true);
  });
});

describe('importMlflow: --copy-artifacts', () => {
  it('copies the artifacts into the bundle, names them there, and leaves symbolic links out', async () => {
    const { mlruns, good } = projectCopy();
    symlinkSync('/etc/hostname', join(good, 'artifacts', 'host-link'));
    const out = temp();
    const [imported] = (await importMlflow(mlruns, { out, runs: [GOOD], copyArtifacts: true })).imported;
    const dir = join(out, GOOD);
    const bundle = readBundle(dir);
    expect(readFileSync(join(dir, 'artifacts', 'model', 'model.pkl'))).toEqual(readFileSync(join(GOOD_DIR, 'artifacts', 'model', 'model.pkl')));
    expect(existsSync(join(dir, 'artifacts', 'host-link'))).toBe(false);
    expect(imported!.notes.join('\n')).toMatch(/symbolic links not copied: host-link/);
    expect(bundle.values('data/output/model', `${PROV}atLocation`)).toEqual(['artifacts/model']);
    expect(bundle.values('model/model/dependencies/requirements.txt', `${PROV}atLocation`)).toEqual(['artifacts/model/requirements.txt']);
    expect(bundle.values('data/output/model/checksum/sha256', `${SPDX}checksumValue`)).toEqual([(await hashDirectory(join(GOOD_DIR, 'artifacts', 'model'))).sha256]);
    // What the bundle names is in the bundle: the export archives the model.
    const crate = join(temp(), 'crate');
    await exportRoCrate(await openBundle(dir), { out: crate });
    expect(readFileSync(join(crate, 'artifacts', 'model', 'model.pkl'))).toEqual(readFileSync(join(GOOD_DIR, 'artifacts', 'model', 'model.pkl')));
  });

  it('refuses a model artifact path that leaves the artifact directory', async () => {
    const { mlruns, good } = projectCopy();
    const history = join(good, 'tags', 'mlflow.log-model.history');
    writeFileSync(history, readFileSync(history, 'utf8').replace('"artifact_path": "model"', '"artifact_path": "../../../../../data"'));
    const out = temp();
    await importMlflow(mlruns, { out, runs: [GOOD] });
    const text = readFileSync(join(out, GOOD, 'prov.ttl'), 'utf8');
    expect(text).toMatch(/the model's artifacts are not at hand/);
  });
});

describe('importMlflow: choosing runs', () => {
  it('filters by experiment name or id and by run id', async () => {
    expect((await importMlflow(MLRUNS, { out: temp(), experiments: ['mnist'] })).imported.map((r) => r.runId)).toEqual([GOOD]);
    expect((await importMlflow(MLRUNS, { out: temp(), experiments: ['0'] })).imported.map((r) => r.runId)).toEqual([BARE]);
    expect((await importMlflow(MLRUNS, { out: temp(), runs: [BARE] })).imported.map((r) => r.runId)).toEqual([BARE]);
  });

  it('imports a deleted run when it is named, or with includeDeleted', async () => {
    const named = await importMlflow(MLRUNS, { out: temp(), runs: [DELETED] });
    expect(named.imported.map((r) => r.runId)).toEqual([DELETED]);
    const all = await importMlflow(MLRUNS, { out: temp(), includeDeleted: true });
    expect(all.imported).toHaveLength(3);
    expect(readBundle(all.imported.find((r) => r.runId === DELETED)!.dir).values('run', `${REPROV}status`)).toEqual(['failed']);
  });

  it('names what there is when a filter matches nothing', async () => {
    await expect(importMlflow(MLRUNS, { out: temp(), experiments: ['cifar'] })).rejects.toThrow(/no experiment 'cifar' \(there are: 0 'Default', 274538148952064816 'mnist'\)/);
    await expect(importMlflow(MLRUNS, { out: temp(), experiments: ['mnist'], runs: [BARE] })).rejects.toThrow(`no run ${BARE} in experiment 'mnist'`);
  });

  it('replaces an earlier import of the same run, and refuses to replace a directory that is not a bundle', async () => {
    const out = temp();
    await importMlflow(MLRUNS, { out, runs: [GOOD] });
    writeFileSync(join(out, GOOD, 'stale.txt'), 'from before');
    await expect(importMlflow(MLRUNS, { out, runs: [GOOD] })).rejects.toThrow(/already holds a reprov bundle .*: pass --overwrite to replace it/);
    await importMlflow(MLRUNS, { out, runs: [GOOD], overwrite: true });
    expect(existsSync(join(out, GOOD, 'stale.txt'))).toBe(false);
    mkdirSync(join(out, BARE));
    writeFileSync(join(out, BARE, 'notes.md'), 'mine');
    await expect(importMlflow(MLRUNS, { out, runs: [BARE] })).rejects.toThrow(/not empty and not written by reprov \(no \.reprov-bundle\): refusing to write into it/);
    expect(readFileSync(join(out, BARE, 'notes.md'), 'utf8')).toBe('mine');
  });
});

describe('importMlflow: what is not at hand, and old layouts', () => {
  it('records a model whose artifacts are gone without a checksum, so check flags it', async () => {
    const { mlruns, good } = projectCopy();
    rmSync(join(good, 'artifacts'), { recursive: true });
    const out = temp();
    const result = await importMlflow(mlruns, { out, runs: [GOOD] });
    expect(result.imported[0]!.notes).toContain('model model: not hashed (its artifacts are not at hand)');
    expect(readBundle(join(out, GOOD)).values('data/output/model', `${REPROV}unknownReason`)).toEqual([expect.stringContaining('not at hand')]);
    expect(fired(await check(join(out, GOOD))).has('RPV-D003')).toBe(true);
  });

  it('reads metric lines without a step (MLflow before steps), scikit-learn\'s random_state as a seed, and non-local dataset sources', async () => {
    const { mlruns, good } = projectCopy();
    writeFileSync(join(good, 'metrics', 'loss'), '1714564801000 0.9\n1714564802000 inf\n');
    writeFileSync(join(good, 'params', 'random_state'), '7'); // scikit-learn's seed
    const datasets = join(mlruns, MNIST, 'datasets');
    const meta = join(datasets, readdirSync(datasets)[0]!, 'meta.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace(`source: '{"uri": "data/train.csv"}'`, `source: '{"uri": "s3://bucket/mnist/train.csv"}'`));
    const out = temp();
    await importMlflow(mlruns, { out, runs: [GOOD] });
    const bundle = readBundle(join(out, GOOD));
    expect(readFileSync(join(out, GOOD, 'metrics/loss_training_mlflow_GR0.csv'), 'utf8')).toBe('loss,training,mlflow\n0,0.9,1714564801000,0\n0,Infinity,1714564802000,0\n');
    expect(bundle.values('seed/random_state', `${PROV}value`)).toEqual(['7']);
    expect(bundle.values('seed/random_state', `${REPROV}rng`)).toEqual(['numpy']);
    expect(bundle.values('data/input/mnist-train', `${PROV}atLocation`)).toEqual(['s3://bucket/mnist/train.csv']);
    expect(bundle.values('data/input/mnist-train', `${REPROV}unknownReason`)).toEqual(['sha256: the source s3://bucket/mnist/train.csv is not a local file']);
    expect(fired(await check(join(out, GOOD))).has('RPV-D001')).toBe(true);
  });
});

describe('importMlflow: bad layouts are one-line errors naming the file and line', () => {
  const failure = async (mlruns: string, out = temp()): Promise<{ message: string; out: string }> => {
    try {
      await importMlflow(mlruns, { out });
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).not.toContain('\n');
      return { message: (error as Error).message, out };
    }
    throw new Error('expected the import to fail');
  };

  it('a run without meta.yaml', async () => {
    const { mlruns, good } = projectCopy();
    rmSync(join(good, 'meta.yaml'));
    expect((await failure(mlruns)).message).toBe(`${join(good, 'meta.yaml')}: missing`);
  });

  it('malformed YAML, with line and column', async () => {
    const { mlruns } = projectCopy();
    writeFileSync(join(mlruns, '0', 'meta.yaml'), 'experiment_id: "0"\nname: [Default\n');
    expect((await failure(mlruns)).message).toMatch(new RegExp(`^${join(mlruns, '0', 'meta.yaml')}:3:1: malformed YAML: `));
  });

  it('a metric line that is not `timestamp value step`, leaving no half-written bundle', async () => {
    const { mlruns, good } = projectCopy();
    writeFileSync(join(good, 'metrics', 'loss'), '1714564801000 0.9 0\n1714564802000 oops 1\n');
    const { message, out } = await failure(mlruns);
    expect(message).toBe(`${join(good, 'metrics', 'loss')}:2: expected 'timestamp value step', found '1714564802000 oops 1'`);
    expect(readdirSync(out).filter((name) => name !== BARE)).toEqual([]);
  });

  it('an unknown status, a malformed model history, a directory that is no mlruns', async () => {
    const first = projectCopy();
    const meta = join(first.good, 'meta.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('status: 3', 'status: 9'));
    expect((await failure(first.mlruns)).message).toBe(`${meta}: status: expected 1-5 (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED), found 9`);

    const second = projectCopy();
    writeFileSync(join(second.good, 'tags', 'mlflow.log-model.history'), '[{"artifact_path": "model"');
    expect((await failure(second.mlruns)).message).toMatch(new RegExp(`^${join(second.good, 'tags', 'mlflow.log-model.history')}: malformed JSON`));

    const empty = temp();
    expect(() => readRuns(empty)).toThrow(MlflowLayoutError);
    expect(() => readRuns(empty)).toThrow(`${empty}: no MLflow experiment (no <experiment id>/meta.yaml): is this an mlruns directory?`);
    expect(() => readRuns(join(empty, 'nope'))).toThrow(`${join(empty, 'nope')}: no such directory`);
    // Directories, none of them an experiment (say, /etc): not a store, rather than a missing meta.yaml in the first one.
    const other = temp();
    mkdirSync(join(other, 'ssh'));
    mkdirSync(join(other, 'java'));
    expect(() => readRuns(other)).toThrow(`${other}: no MLflow experiment (no <experiment id>/meta.yaml): is this an mlruns directory?`);
  });
});
