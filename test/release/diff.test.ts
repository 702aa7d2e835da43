// These tests read yProv4ML documents, which the library entry registers for every reader.
import '../../src/interop/yprov4ml-mark.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../../src/io/load-bundle.js';
import { DIFF_SECTIONS, DiffInputError, diffBundles, type DiffEntry, type DiffReport } from '../../src/release/diff.js';
import { DIFF_REPORT_SCHEMA_PATH, renderDiffText, toDiffJson } from '../../src/release/diff-report.js';
import { openBundle } from '../../src/io/load-bundle.js';
import { mergeBundles } from '../../src/run/merge.js';
import { startRun } from '../../src/run/run.js';
import { decimalDifference } from '../../src/release/decimal.js';
import { RUN_PREFIXES } from '../../src/prov/vocabulary.js';
import { git, recordRun, sha256, workspace, write } from './workspace.js';

const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(DIFF_REPORT_SCHEMA_PATH, 'utf8')) as object);
const schemaErrors = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));

const diff = async (a: string, b: string) => diffBundles(await openBundle(a), await openBundle(b));
/** The entries of a section that differ, as `key: a → b`. */
const changes = (report: DiffReport, section: string) => report.sections.find((s) => s.name === section)!.entries
  .filter((e) => e.change !== 'same').map((e) => `${e.key}: ${e.a ?? '∅'} → ${e.b ?? '∅'}`);
const entry = (report: DiffReport, section: string, key: string): DiffEntry => {
  const found = report.sections.find((s) => s.name === section)?.entries.find((e) => e.key === key);
  if (!found) throw new Error(`no entry ${key} in ${section}`);
  return found;
};

const PREFIXES = Object.entries(RUN_PREFIXES).map(([p, iri]) => `@prefix ${p}: <${iri}> .`).join('\n');
const turtle = (body: string) => parseBundle(`${PREFIXES}\n<urn:r/run> a prov:Activity, mls:Run .\n${body}`, 'bundle.ttl', '.');

describe('diffBundles on recorded runs', () => {
  it('names the differing parameters, seeds, determinism settings, data, code and environment, with metric deltas', async () => {
    const ws = workspace();
    const oldData = sha256(join(ws, 'data/train.csv'));
    const a = await recordRun(ws, 'a', { lr: 0.01, seed: 0, options: { env: { CUBLAS_WORKSPACE_CONFIG: ':4096:8' } } });
    const commitA = git(ws, 'rev-parse', 'HEAD');
    write(ws, 'data/train.csv', 'x,y\n1,2\n3,4\n5,6\n');
    git(ws, 'commit', '-q', '-am', 'more data');
    const b = await recordRun(ws, 'b', { lr: 0.02, seed: 1, options: { env: { CUBLAS_WORKSPACE_CONFIG: ':16:8' } } });
    const report = await diff(a, b);

    expect(report.equivalent).toBe(false);
    expect(report.differing).toEqual(['parameters', 'seeds', 'determinism', 'inputs', 'code', 'environment']);
    expect(changes(report, 'parameters')).toEqual(['lr: 0.01 → 0.02']);
    expect(changes(report, 'seeds')).toEqual(['numpy: 0 (numpy) → 1 (numpy)']);
    expect(changes(report, 'determinism')).toEqual(['CUBLAS_WORKSPACE_CONFIG: :4096:8 → :16:8']);
    expect(changes(report, 'inputs')).toEqual([`data/train.csv: ${oldData} → ${sha256(join(ws, 'data/train.csv'))}`]);
    expect(changes(report, 'code')).toEqual([`commit: ${commitA} → ${git(ws, 'rev-parse', 'HEAD')}`]);
    expect(changes(report, 'environment')).toEqual(['variable CUBLAS_WORKSPACE_CONFIG: :4096:8 → :16:8']);
    expect(entry(report, 'metrics', 'training/loss last')).toMatchObject({ a: '0.1', b: '0.2', change: 'changed', reproduction: false });
    expect(entry(report, 'metrics', 'training/loss last').delta).toBeCloseTo(0.1, 12);
    expect(entry(report, 'metrics', 'training/loss max')).toMatchObject({ a: '1', b: '1', change: 'same' });
    // Unchanged things are compared too, and are the same.
    expect(entry(report, 'inputs', 'data/images').change).toBe('same');
    expect(entry(report, 'dependencies', 'requirements.txt SHA-256').change).toBe('same');

    const text = renderDiffText(report);
    expect(text).toContain('\nparameters\n  ~ lr: 0.01 → 0.02\n');
    expect(text).toContain(`  ~ data/train.csv: ${oldData.slice(0, 12)}… → `);
    expect(text).toContain('  ~ training/loss last: 0.1 → 0.2 (Δ +0.1)');
    expect(text).not.toContain('data/images');
    expect(text).toMatch(/not equivalent: the runs differ in parameters, seeds, determinism, inputs, code, environment\n$/);
    expect(renderDiffText(report, { all: true })).toContain('  = data/images: ');
  });

  it('calls runs with the same inputs equivalent whatever their outputs and metrics', async () => {
    const ws = workspace();
    const a = await recordRun(ws, 'a', { model: 'weights 1' });
    const b = await recordRun(ws, 'b', { model: 'weights 2' });
    const report = await diff(a, b);
    expect(report.equivalent).toBe(true);
    expect(report.differing).toEqual([]);
    expect(changes(report, 'outputs')).toEqual([expect.stringMatching(/^model\.bin: [0-9a-f]{64} → [0-9a-f]{64}$/)]);
    expect(entry(report, 'outputs', 'model.bin').reproduction).toBe(false);
    expect(renderDiffText(report)).toMatch(/outputs \(results: not counted\)\n {2}~ model\.bin: .*\n\nequivalent: /);
  });

  it('shows uncommitted changes: dirty flag and diff digest count, the list of changed paths is informational', async () => {
    const ws = workspace();
    const a = await recordRun(ws, 'a');
    write(ws, 'train.py', 'print("changed")\n');
    const b = await recordRun(ws, 'b');
    const report = await diff(a, b);
    expect(changes(report, 'code')).toEqual([
      'changed files: none → train.py',
      expect.stringMatching(/^diff SHA-256: none → [0-9a-f]{64}$/),
      'dirty: false → true',
    ]);
    expect(entry(report, 'code', 'changed files').reproduction).toBe(false);
    expect(report.differing).toEqual(['code']);
    expect(renderDiffText(report)).toContain('  ~ changed files: none → train.py  (informational)');
  });

  it('produces JSON valid against schemas/diff-report.schema.json, with or without --all', async () => {
    const ws = workspace();
    const a = await recordRun(ws, 'a', { lr: 0.1 });
    const b = await recordRun(ws, 'b', { lr: 0.3 });
    const report = await diff(a, b);
    const doc = toDiffJson(report);
    expect(schemaErrors(doc)).toEqual([]);
    expect(schemaErrors(toDiffJson(report, { all: true }))).toEqual([]);
    expect(doc.sections.map((s) => s.name)).toEqual([...DIFF_SECTIONS]);
    expect(doc.sections.flatMap((s) => s.entries).every((e) => e.change !== 'same')).toBe(true);
    expect(toDiffJson(report, { all: true }).sections.flatMap((s) => s.entries).some((e) => e.change === 'same')).toBe(true);
    const bad = structuredClone(doc) as unknown as { sections: { entries: Record<string, unknown>[] }[] };
    bad.sections[1]!.entries[0]!.change = 'different';
    expect(schemaErrors(bad)).toEqual(['/sections/1/entries/0/change must be equal to one of the allowed values']);
  });
});

describe('metric deltas: every digit that differs, never rounded', () => {
  /** A run recorded through the run API in `ws` whose metrics end at the given values (one point each, context `training`). */
  const recordMetrics = async (ws: string, name: string, metrics: Record<string, number>) => {
    const run = await startRun({ experiment: 'lm', cwd: ws, dir: join('runs', name), runId: name, snapshotIntervalMs: 0, collect: { system: false, hardware: false, git: false, dependencies: false }, env: {} });
    for (const [metric, value] of Object.entries(metrics)) run.logMetric(metric, value, { context: 'training', step: 0 });
    return (await run.end()).dir;
  };

  it('prints integer deltas exactly, however large, and float deltas with the digits the two values hold', async () => {
    const ws = workspace();
    const a = await recordMetrics(ws, 'a', { tokens: 0, big: 2 ** 60, acc: 0.1, loss: 1, tiny: 1, drop: 0.5, neg: 1e21 });
    const b = await recordMetrics(ws, 'b', { tokens: 487010304, big: 2 ** 60 + 256, acc: 0.3, loss: 1.0000000000000002, tiny: 1 + 2 ** -52 * 2, drop: 0.375, neg: 1e21 + 131072 });
    const report = await diff(a, b);
    const text = renderDiffText(report);
    expect(text).toContain('  ~ training/tokens last: 0 → 487010304 (Δ +487010304)');
    // 2^60 and 2^60 + 256, recorded as their shortest text: the doubles differ by 256, not 200.
    expect(text).toContain('  ~ training/big last: 1152921504606847000 → 1152921504606847200 (Δ +256)');
    // 0.3 − 0.1 in doubles is 0.19999999999999998; the values as recorded differ by 0.2.
    expect(text).toContain('  ~ training/acc last: 0.1 → 0.3 (Δ +0.2)');
    expect(entry(report, 'metrics', 'training/acc last').delta).toBe(0.2);
    // Adjacent doubles: the delta is not rounded away to 0 or to 1e-16.
    expect(text).toContain('  ~ training/loss last: 1 → 1.0000000000000002 (Δ +2e-16)');
    expect(text).toContain('  ~ training/tiny last: 1 → 1.0000000000000004 (Δ +4e-16)');
    expect(text).toContain('  ~ training/drop last: 0.5 → 0.375 (Δ −0.125)');
    expect(text).toContain('  ~ training/neg last: 1e+21 → 1.0000000000000001e+21 (Δ +131072)');
    expect(text).not.toMatch(/Δ ±0\)/);
  });

  it('reads hostile values as data: huge exponents, long digit strings and words give no exact delta and no hang', () => {
    expect(decimalDifference('1e999999', '1')).toBeUndefined();
    expect(decimalDifference('1'.repeat(100_000), '1')).toBeUndefined();
    expect(decimalDifference('NaN', '1')).toBeUndefined();
    expect(decimalDifference('0x10', '1')).toBeUndefined();
    expect(decimalDifference('.', '1')).toBeUndefined();
    expect(decimalDifference('1e-300', '1e300')).toBe(`9.${'9'.repeat(599)}e+299`);
    expect(decimalDifference('1e300', '1e-300')).toBe(`-9.${'9'.repeat(599)}e+299`);
    expect(decimalDifference('1e-500', '1e500')).toBeUndefined();
    expect(decimalDifference('-0', '0')).toBe('0');
    expect(decimalDifference('1.50', '1.5')).toBe('0');
    expect(decimalDifference('2.5E-3', '0.0025001')).toBe('1e-7');
    // An integer with more digits than a double holds is taken as written.
    expect(decimalDifference('123456789012345678901234567890', '123456789012345678901234567891')).toBe('1');
    expect(decimalDifference('123456789012345678901234567890', '0')).toBe('-1.2345678901234567890123456789e+29');
  });
});

describe('diffBundles on what one machine cannot record twice', () => {
  const gpu = (driver: string, uuid: string) => `<urn:r/hardware> a prov:Entity, reprov:Hardware ; reprov:cpuModel "EPYC 9654" ; reprov:gpuCount 1 ; reprov:gpu <urn:r/hardware/gpu/0> .
<urn:r/run> prov:used <urn:r/hardware> .
<urn:r/hardware/gpu/0> a prov:Entity, reprov:GPU ; reprov:gpuIndex 0 ; schema:name "NVIDIA H100 80GB HBM3" ; reprov:driverVersion "${driver}" ; reprov:cudaVersion "12.4" ; reprov:uuid "${uuid}" .`;
  const freeze = (...packages: string[]) => `<urn:r/dependencies/pip-freeze> a prov:Entity, reprov:DependencyFile ; rdfs:label "python3 -m pip freeze" ; reprov:pinned true ;
  ${packages.map((p) => `reprov:package "${p}"`).join(' ; ')} .`;
  const env = (host: string) => `<urn:r/environment> a prov:Entity, reprov:Environment ; reprov:hostname "${host}" ; reprov:pythonVersion "3.12.4" .`;

  it('compares packages by name and GPUs by index; a different card serial or host alone keeps runs equivalent', async () => {
    const a = await turtle([gpu('550.54.15', 'GPU-aaaa'), freeze('numpy==1.26.4', 'torch==2.3.0', 'tqdm==4.66.0'), env('node-a')].join('\n'));
    const sameCardElsewhere = await turtle([gpu('550.54.15', 'GPU-bbbb'), freeze('numpy==1.26.4', 'torch==2.3.0', 'tqdm==4.66.0'), env('node-b')].join('\n'));
    const informational = diffBundles(a, sameCardElsewhere);
    expect(changes(informational, 'hardware')).toEqual(['GPU 0 UUID: GPU-aaaa → GPU-bbbb']);
    expect(changes(informational, 'environment')).toEqual(['hostname: node-a → node-b']);
    expect(informational.equivalent).toBe(true);
    expect(renderDiffText(informational)).toContain('  ~ hostname: node-a → node-b  (informational)');

    const upgraded = await turtle([gpu('555.42.02', 'GPU-aaaa'), freeze('numpy==2.0.0', 'torch==2.3.0', 'scipy==1.13.0'), env('node-a')].join('\n'));
    const report = diffBundles(a, upgraded);
    expect(changes(report, 'hardware')).toEqual(['GPU 0 driver: 550.54.15 → 555.42.02']);
    expect(changes(report, 'dependencies')).toEqual([
      'python3 -m pip freeze package numpy: 1.26.4 → 2.0.0',
      'python3 -m pip freeze package scipy: ∅ → 1.13.0',
      'python3 -m pip freeze package tqdm: 4.66.0 → ∅',
    ]);
    expect(entry(report, 'dependencies', 'python3 -m pip freeze package scipy').change).toBe('added');
    expect(entry(report, 'dependencies', 'python3 -m pip freeze package tqdm').change).toBe('removed');
    expect(report.differing).toEqual(['dependencies', 'hardware']);
    expect(renderDiffText(report)).toContain('  + python3 -m pip freeze package scipy: (not recorded) → 1.13.0');
  });

  it('treats numbers equal as numbers as the same value', async () => {
    const param = (value: string) => turtle(`<urn:r/param/lr> a prov:Entity, reprov:Parameter ; rdfs:label "lr" ; prov:value ${value} .`);
    expect(diffBundles(await param('"1"'), await param('"1.0"')).equivalent).toBe(true);
    expect(changes(diffBundles(await param('"1"'), await param('"1.5"')), 'parameters')).toEqual(['lr: 1 → 1.5']);
    expect(changes(diffBundles(await param('"adam"'), await param('"sgd"')), 'parameters')).toEqual(['lr: adam → sgd']);
  });

  it('compares imported yProv4ML runs like recorded ones', async () => {
    const text = readFileSync('fixtures/yprov4ml/gen3-mnist-cnn.json', 'utf8');
    const a = await parseBundle(text, 'a.json', '.');
    const b = await parseBundle(text.replace('"prov:value": "0.001"', '"prov:value": "0.0005"'), 'b.json', '.');
    const report = diffBundles(a, b);
    expect(changes(report, 'parameters')).toEqual(['lr: 0.001 → 0.0005']);
    expect(report.differing).toEqual(['parameters']);
    expect(entry(report, 'code', 'commit')).toMatchObject({ a: '9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e', change: 'same' });
  });

  it('refuses a bundle with no run, or with several', async () => {
    const none = await parseBundle(`${PREFIXES}\n<urn:r/x> a prov:Entity .`, 'none.ttl', '.');
    const two = await turtle('<urn:r/run2> a prov:Activity, mls:Run .');
    const one = await turtle('');
    expect(() => diffBundles(none, one)).toThrow(new DiffInputError('none.ttl: the bundle records no run (mls:Run)'));
    expect(() => diffBundles(one, two)).toThrow(/^bundle\.ttl: the bundle holds 2 runs/);
    // Two runs in one namespace cannot be told apart, even when named.
    expect(() => diffBundles(one, two, { runB: 'urn:r/run2' })).toThrow(/shares its namespace urn:r\/ with the bundle's other runs/);
  });

  it("compares the runs of a merged bundle (one per rank) named with runA/runB, each with its own part of the graph", async () => {
    const ws = workspace();
    const rank0 = await recordRun(ws, 'rank0', { lr: 0.01, seed: 0 });
    const rank1 = await recordRun(ws, 'rank1', { lr: 0.02, seed: 1 });
    const merged = await mergeBundles([rank0, rank1]);
    const bundle = { ...merged, file: 'merged.ttl', baseDir: ws };
    expect(() => diffBundles(bundle, bundle)).toThrow(new DiffInputError('merged.ttl: the bundle holds 2 runs (a merged bundle?): name one with --run-a (rank0, rank1)'));
    expect(() => diffBundles(bundle, bundle, { runA: 'rank2' })).toThrow(new DiffInputError("merged.ttl: no run 'rank2' in the bundle (it holds rank0, rank1)"));
    const ranks = diffBundles(bundle, bundle, { runA: 'rank0', runB: 'urn:reprov:run:rank1/run' });
    expect(changes(ranks, 'parameters')).toEqual(['lr: 0.01 → 0.02']);
    expect(changes(ranks, 'seeds')).toEqual(['numpy: 0 (numpy) → 1 (numpy)']);
    // A rank taken out of the merged bundle is the rank's own bundle.
    const same = diffBundles(bundle, await openBundle(rank0), { runA: 'rank0' });
    expect(same.equivalent).toBe(true);
    expect(same.sections.flatMap((s) => s.entries).filter((e) => e.change !== 'same')).toEqual([]);
  });
});
