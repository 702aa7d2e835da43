/**
 * RO-Crate export of real bundles written in temporary directories: one recorded with the run
 * API (its files beside it), and a hand-written one whose paths try to leave its directory.
 * The metadata is expanded with jsonld against the contexts shipped in contexts/, offline.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import jsonld from 'jsonld';
import { Parser, Store, type Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import { exportRoCrate, PROCESS_RUN_CRATE } from '../../src/interop/ro-crate.js';
import { loadBundle } from '../../src/io/load-bundle.js';
import { startRun } from '../../src/run/run.js';
import { UserError } from '../../src/base/user-error.js';

const CONTEXTS = fileURLToPath(new URL('../../contexts/', import.meta.url));
const SCHEMA = 'http://schema.org/';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const BASE = 'arcp://uuid,2b6b1c6e-3c1a-4f0e-9c55-0c0f6a1f1d11/';

const temp = () => mkdtempSync(join(tmpdir(), 'reprov-crate-'));
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
type Entity = Record<string, unknown> & { '@id': string };

/** A run recorded in `dir` (the bundle and the run's working directory are the same), with a data input, a model and metrics. */
async function recordedBundle(): Promise<string> {
  const dir = temp();
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'train set.csv'), 'x,y\n1,2\n');
  const run = await startRun({
    experiment: 'crate', dir, cwd: dir, runId: 'crate-run', snapshotIntervalMs: 0, argv: ['node', 'train.js', '--epochs', '2'],
    collect: { git: false, environment: false, hardware: false, dependencies: false, determinism: false, system: false },
  });
  run.logParam('lr', 0.01);
  run.logSeed('torch', 7, 'torch');
  await run.logDataset('data/train set.csv');
  run.logMetric('loss', 0.5, { step: 0 });
  run.logMetric('loss', 0.25, { step: 1 });
  writeFileSync(join(dir, 'model.bin'), 'weights');
  await run.logModel('model.bin');
  await run.end({ status: 'succeeded' });
  return dir;
}

/** The metadata expanded with jsonld, contexts served from contexts/ only: any other URL fails the test. */
async function expand(metadata: unknown): Promise<Store> {
  const index = JSON.parse(readFileSync(join(CONTEXTS, 'index.json'), 'utf8')) as Record<string, string>;
  const documentLoader = async (url: string) => {
    if (!index[url]) throw new Error(`fetch attempted: ${url}`);
    return { contextUrl: null, documentUrl: url, document: JSON.parse(readFileSync(join(CONTEXTS, index[url]!), 'utf8')) };
  };
  const nquads = await jsonld.toRDF(await jsonld.expand(metadata, { documentLoader, base: BASE }), { format: 'application/n-quads' });
  return new Store(new Parser({ format: 'N-Quads' }).parse(nquads as string));
}

const entities = (metadata: { '@graph': Entity[] }) => new Map(metadata['@graph'].map((e) => [e['@id'], e]));
const refs = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => (v as { '@id': string })['@id']);

describe('exportRoCrate: a recorded bundle', async () => {
  const bundleDir = await recordedBundle();
  const out = join(temp(), 'crate');
  const result = await exportRoCrate(await loadBundle(join(bundleDir, 'prov.json')), { out });
  const metadata = JSON.parse(readFileSync(join(out, 'ro-crate-metadata.json'), 'utf8')) as { '@context': unknown; '@graph': Entity[] };
  const byId = entities(metadata);
  const action = metadata['@graph'].find((e) => e['@type'] === 'CreateAction')!;

  it('has the metadata descriptor and a root Dataset conforming to the Process Run Crate profile', () => {
    expect(byId.get('ro-crate-metadata.json')).toMatchObject({ '@type': 'CreativeWork', conformsTo: { '@id': 'https://w3id.org/ro/crate/1.1' }, about: { '@id': './' } });
    expect(byId.get('./')).toMatchObject({ '@type': 'Dataset', conformsTo: { '@id': PROCESS_RUN_CRATE }, mentions: [{ '@id': action['@id'] }] });
    expect(byId.get(PROCESS_RUN_CRATE)).toMatchObject({ '@type': 'CreativeWork', version: '0.5' });
  });

  it('describes the run as a CreateAction: times, status, instrument, inputs, parameters, outputs', () => {
    expect(action).toMatchObject({ '@id': 'urn:reprov:run:crate-run/run', name: 'crate', actionStatus: { '@id': `${SCHEMA}CompletedActionStatus` } });
    expect(action.startTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(action.endTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byId.get(refs(action.instrument)[0]!)!['@type']).toBe('SoftwareApplication');
    const object = refs(action.object).map((id) => byId.get(id)!);
    expect(object).toContainEqual(expect.objectContaining({ '@id': 'data/train%20set.csv', '@type': 'File', sha256: sha256('x,y\n1,2\n'), contentSize: 8 }));
    expect(object).toContainEqual(expect.objectContaining({ '@type': 'PropertyValue', name: 'lr', value: 0.01 }));
    expect(object).toContainEqual(expect.objectContaining({ '@type': 'PropertyValue', name: 'torch', value: 7, description: 'random seed (torch)' }));
    const result = refs(action.result);
    expect(result).toContain('model.bin');
    expect(byId.get('model.bin')).toMatchObject({ '@type': 'File', sha256: sha256('weights'), contentSize: 7 });
    expect(result).toContain('metrics/loss_training_reprov_GR0.csv');
  });

  it('copies the files the bundle names and the bundle itself, with the sha256 the metadata states', () => {
    expect(result.notCopied).toEqual([]);
    expect(result.changed).toEqual([]);
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(out.length + 1)).sort();
    expect(files).toEqual(['.reprov-bundle', 'data/train set.csv', 'metrics/loss_training_reprov_GR0.csv', 'model.bin', 'prov.json', 'prov.ttl', 'ro-crate-metadata.json']);
    for (const path of files.filter((f) => f !== 'ro-crate-metadata.json' && f !== '.reprov-bundle')) {
      const entity = byId.get(path.split('/').map(encodeURIComponent).join('/'))!;
      expect(entity.sha256, path).toBe(sha256(readFileSync(join(out, path))));
      expect(refs(byId.get('./')!.hasPart)).toContain(entity['@id']);
    }
    expect(readFileSync(join(out, 'prov.json'), 'utf8')).toBe(readFileSync(join(bundleDir, 'prov.json'), 'utf8'));
    expect(refs(byId.get('prov.ttl')!.about)).toEqual([action['@id']]);
  });

  it('expands offline with the shipped RO-Crate 1.1 context, and every entity it references is described', async () => {
    const store = await expand(metadata);
    const subjects = new Set(store.getSubjects(null, null, null).map((s) => s.value));
    expect(store.getQuads(null, RDF_TYPE, `${SCHEMA}CreateAction`, null)).toHaveLength(1);
    expect(store.getQuads(`${BASE}`, 'http://purl.org/dc/terms/conformsTo', PROCESS_RUN_CRATE, null)).toHaveLength(1);
    expect(store.getQuads(null, `${SCHEMA}sha256`, null, null).length).toBeGreaterThanOrEqual(5);
    const dangling = store.getQuads(null, null, null, null)
      .filter((q: Quad) => q.object.termType === 'NamedNode' && q.predicate.value !== RDF_TYPE && q.predicate.value !== `${SCHEMA}actionStatus`)
      .filter((q) => !subjects.has(q.object.value));
    expect(dangling.map((q) => `${q.predicate.value} ${q.object.value}`)).toEqual([]);
  });

  it('writes the same crate as a zip', async () => {
    const zip = join(temp(), 'crate.zip');
    const zipped = await exportRoCrate(await loadBundle(join(bundleDir, 'prov.ttl')), { out: zip });
    expect(zipped.format).toBe('zip');
    const entries = unzipSync(readFileSync(zip));
    expect(Object.keys(entries).sort()).toEqual(['data/train set.csv', 'metrics/loss_training_reprov_GR0.csv', 'model.bin', 'prov.json', 'prov.ttl', 'ro-crate-metadata.json']);
    const inZip = JSON.parse(new TextDecoder().decode(entries['ro-crate-metadata.json'])) as { '@graph': Entity[] };
    expect(entities(inZip).get('model.bin')!.sha256).toBe(sha256(entries['model.bin']!));
    expect(new TextDecoder().decode(entries['data/train set.csv'])).toBe('x,y\n1,2\n');
    expect(readdirSync(join(zip, '..'))).toEqual(['crate.zip']);
  });
});

describe('exportRoCrate: a bundle kept beside the code (runs/a, as reprov record -o runs/a writes it)', async () => {
  const workspace = temp();
  writeFileSync(join(workspace, 'train.csv'), 'x,y\n1,2\n');
  const run = await startRun({
    experiment: 'beside', dir: join('runs', 'a'), cwd: workspace, runId: 'beside', snapshotIntervalMs: 0,
    collect: { git: false, environment: false, hardware: false, dependencies: false, determinism: false, system: false },
  });
  await run.logDataset('train.csv');
  run.logMetric('loss', 0.5, { step: 0 });
  writeFileSync(join(workspace, 'model.bin'), 'weights');
  await run.logModel('model.bin');
  await run.end({ status: 'succeeded' });
  const bundle = await loadBundle(join(workspace, 'runs', 'a', 'prov.ttl'));
  const filesOf = (out: string) => readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(out.length + 1)).sort();

  it('takes what the run read and wrote from --root and its metric files from the bundle, each where the workspace has it', async () => {
    const out = join(temp(), 'crate');
    const result = await exportRoCrate(bundle, { out, root: workspace });
    expect(result.notCopied).toEqual([]);
    expect(filesOf(out)).toEqual(['.reprov-bundle', 'model.bin', 'ro-crate-metadata.json', 'runs/a/metrics/loss_training_reprov_GR0.csv', 'runs/a/prov.json', 'runs/a/prov.ttl', 'train.csv']);
  });

  it('without --root, keeps the bundle and its metric files and says the run\'s files are not under the bundle', async () => {
    const out = join(temp(), 'crate');
    const result = await exportRoCrate(bundle, { out });
    expect(filesOf(out)).toEqual(['.reprov-bundle', 'metrics/loss_training_reprov_GR0.csv', 'prov.json', 'prov.ttl', 'ro-crate-metadata.json']);
    expect(result.notCopied).toEqual([
      expect.stringMatching(/^train\.csv \(.*\): not found in .*runs\/a; not copied$/),
      expect.stringMatching(/^model\.bin \(.*\): not found in .*runs\/a; not copied$/),
    ]);
  });
});

describe('exportRoCrate: paths from the bundle never leave its directory', async () => {
  const parent = temp();
  const dir = join(parent, 'bundle');
  mkdirSync(dir);
  writeFileSync(join(parent, 'outside.txt'), 'secret next door');
  writeFileSync(join(dir, 'kept.txt'), 'inside');
  symlinkSync(join(parent, 'outside.txt'), join(dir, 'link.txt'));
  const output = (name: string, location: string) => `<urn:r/${name}> a prov:Entity, reprov:File ; prov:atLocation "${location}" ; prov:wasGeneratedBy <urn:r/run> .`;
  writeFileSync(join(dir, 'prov.ttl'), [
    '@prefix prov: <http://www.w3.org/ns/prov#> . @prefix reprov: <https://w3id.org/reprov#> . @prefix mls: <http://www.w3.org/ns/mls#> .',
    '<urn:r/run> a prov:Activity, mls:Run ; reprov:status "failed" .',
    output('up', '../outside.txt'), output('absolute', join(parent, 'outside.txt')), output('link', 'link.txt'),
    output('missing', 'gone.bin'), output('kept', 'kept.txt'),
  ].join('\n'));
  const out = join(temp(), 'crate');
  const result = await exportRoCrate(await loadBundle(join(dir, 'prov.ttl')), { out });
  const metadata = JSON.parse(readFileSync(join(out, 'ro-crate-metadata.json'), 'utf8')) as { '@graph': Entity[] };

  it('copies only what lies inside, and says why each other file is not copied', () => {
    expect(readdirSync(out).sort()).toEqual(['.reprov-bundle', 'kept.txt', 'prov.ttl', 'ro-crate-metadata.json']);
    expect(result.notCopied).toEqual([
      `../outside.txt (urn:r/up): it leaves ${dir} (..): only files inside it are copied; not copied`,
      `${join(parent, 'outside.txt')} (urn:r/absolute): an absolute path: only files inside ${dir} are copied; not copied`,
      `link.txt (urn:r/link): a symbolic link out of ${dir}: it is not copied; not copied`,
      `gone.bin (urn:r/missing): not found in ${dir}; not copied`,
    ]);
    expect(JSON.stringify(metadata)).not.toContain('secret next door');
    expect(entities(metadata).get('urn:r/up')).toMatchObject({ '@type': 'File', alternateName: '../outside.txt', description: expect.stringContaining('Not in the crate') });
    expect(entities(metadata).get('urn:r/run')).toMatchObject({ actionStatus: { '@id': `${SCHEMA}FailedActionStatus` }, error: 'the run ended failed', instrument: { '@id': 'urn:r/run#software' } });
  });

  it('takes relative paths from --root when given (the run\'s working directory), with the same confinement', async () => {
    const second = join(parent, 'second');
    mkdirSync(second);
    writeFileSync(join(second, 'prov.ttl'), [
      '@prefix prov: <http://www.w3.org/ns/prov#> . @prefix reprov: <https://w3id.org/reprov#> . @prefix mls: <http://www.w3.org/ns/mls#> .',
      '<urn:r/run> a prov:Activity, mls:Run .', output('workspace', 'outside.txt'), output('up', '../outside.txt'),
    ].join('\n'));
    const widened = await exportRoCrate(await loadBundle(join(second, 'prov.ttl')), { out: join(temp(), 'crate'), root: parent });
    expect(widened.files.sort()).toEqual(['outside.txt', 'ro-crate-metadata.json', 'second/prov.ttl']);
    expect(widened.notCopied).toEqual([`../outside.txt (urn:r/up): it leaves ${parent} (..): only files inside it are copied; not copied`]);
  });
});

describe('exportRoCrate: refusals', () => {
  it('refuses to replace a directory that is not a crate, and a bundle without a run', async () => {
    const bundleDir = await recordedBundle();
    const out = temp();
    writeFileSync(join(out, 'thesis.tex'), 'mine');
    await expect(exportRoCrate(await loadBundle(join(bundleDir, 'prov.json')), { out })).rejects.toThrow(/not empty and not written by reprov \(no \.reprov-bundle\): refusing to write into it/);
    expect(readdirSync(out)).toEqual(['thesis.tex']);

    const empty = temp();
    writeFileSync(join(empty, 'prov.ttl'), '<urn:x> a <http://www.w3.org/ns/prov#Entity> .');
    const crate = join(temp(), 'crate');
    const noRun = exportRoCrate(await loadBundle(join(empty, 'prov.ttl')), { out: crate });
    await expect(noRun).rejects.toThrow(UserError);
    await expect(noRun).rejects.toThrow(`${join(empty, 'prov.ttl')}: no run (mls:Run) in the bundle`);
    expect(existsSync(crate)).toBe(false);
  });
});

describe('exportRoCrate: the run\'s code (a run recorded through the CLI from a dirty git repository)', async () => {
  const { reprov } = await import('../support/cli.js');
  const { git, initRepo, write } = await import('../support/git.js');
  const repo = initRepo(temp(), { 'train.py': 'print("lr", 0.1)\n', '.gitignore': 'bundles/\n' });
  write(repo, 'train.py', 'print("lr", 0.5)  # changed after the commit\n');
  const RECORD = ['record', '--no-hardware', '--no-system', '--no-instrument'];
  const recorded = reprov([...RECORD, '--include-diff', '-o', 'bundles/diff', '--', 'python3', 'train.py', '--epochs', '1'], { cwd: repo });
  const plain = reprov([...RECORD, '-o', 'bundles/plain', '--', 'python3', 'train.py'], { cwd: repo });
  const filesOf = (out: string) => readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(out.length + 1)).sort();
  const exported = (bundle: string, root?: string) => {
    const out = join(temp(), 'crate');
    const result = reprov(['export', 'ro-crate', bundle, '-o', out, ...(root ? ['--root', root] : [])], { cwd: repo });
    expect(result.status, result.stderr).toBe(0);
    const metadata = JSON.parse(readFileSync(join(out, 'ro-crate-metadata.json'), 'utf8')) as { '@graph': Entity[] };
    return { out, result, byId: entities(metadata), metadata };
  };

  it('records the runs', () => {
    expect(recorded.status, recorded.stderr).toBe(0);
    expect(plain.status, plain.stderr).toBe(0);
    expect(git(repo, 'status', '--porcelain')).toBe('M train.py');
  });

  it('includes the stored diff and the entry script, each with its sha256, as parts of the run\'s instrument', () => {
    const { out, byId } = exported('bundles/diff', '.');
    expect(filesOf(out)).toEqual(expect.arrayContaining(['bundles/diff/artifacts/code.diff', 'train.py']));
    const diff = byId.get('bundles/diff/artifacts/code.diff')!;
    const diffText = readFileSync(join(out, 'bundles/diff/artifacts/code.diff'), 'utf8');
    expect(diffText).toContain('+print("lr", 0.5)  # changed after the commit');
    expect(diffText).toBe(readFileSync(join(repo, 'bundles/diff/artifacts/code.diff'), 'utf8'));
    expect(diff).toMatchObject({ '@type': 'File', encodingFormat: 'text/x-diff', sha256: sha256(diffText), contentSize: Buffer.byteLength(diffText) });
    const script = byId.get('train.py')!;
    expect(script).toMatchObject({ '@type': ['File', 'SoftwareSourceCode'], name: 'train.py', sha256: sha256(readFileSync(join(repo, 'train.py'))) });
    expect(readFileSync(join(out, 'train.py'), 'utf8')).toBe(readFileSync(join(repo, 'train.py'), 'utf8'));
    const action = [...byId.values()].find((e) => e['@type'] === 'CreateAction')!;
    const instrument = byId.get(refs(action.instrument)[0]!)!;
    expect(instrument['@type']).toBe('SoftwareSourceCode');
    expect(refs(instrument.hasPart).sort()).toEqual(['bundles/diff/artifacts/code.diff', 'train.py']);
    expect(refs(byId.get('./')!.hasPart)).toEqual(expect.arrayContaining(['bundles/diff/artifacts/code.diff', 'train.py']));
  });

  it('includes the entry script of a run recorded without --include-diff (no diff to include), and leaves the script out without --root', () => {
    const { out, byId } = exported('bundles/plain', '.');
    expect(filesOf(out)).toContain('train.py');
    expect(filesOf(out).some((f) => f.endsWith('.diff'))).toBe(false);
    expect(byId.get('train.py')).toBeDefined();
    const alone = exported('bundles/plain');
    expect(filesOf(alone.out)).not.toContain('train.py');
    expect(alone.result.stderr).not.toContain('entry script');
  });

  describe('hostile entry points and diff paths never leave the root', () => {
    const box = temp();
    const work = join(box, 'work');
    mkdirSync(join(work, 'dir.py'), { recursive: true });
    writeFileSync(join(box, 'secret.py'), 'SECRET = "next door"\n');
    symlinkSync(join(box, 'secret.py'), join(work, 'link.py'));
    const bundleWith = (name: string, entry: string, diff?: string) => {
      const dir = join(work, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'prov.ttl'), [
        '@prefix prov: <http://www.w3.org/ns/prov#> . @prefix reprov: <https://w3id.org/reprov#> . @prefix mls: <http://www.w3.org/ns/mls#> .',
        '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/cmd>, <urn:r/code> .',
        `<urn:r/cmd> a prov:Entity, reprov:Command ; reprov:entryPoint ${JSON.stringify(entry)} .`,
        `<urn:r/code> a prov:Entity, reprov:CodeState ; reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4"${diff ? ` ; reprov:diffFile ${JSON.stringify(diff)}` : ''} .`,
      ].join('\n'));
      return join(dir, 'prov.ttl');
    };
    const cases: [string, string, string | undefined, RegExp | undefined][] = [
      ['up', '../secret.py', '../../secret.py', /leaves/],
      ['deep', '../../../../../../etc/passwd', 'a/../../../../etc/passwd', /leaves/],
      ['link', 'link.py', undefined, /symbolic link out/],
      ['absolute', join(box, 'secret.py'), join(box, 'secret.py'), undefined],
      ['directory', 'dir.py', undefined, undefined],
      ['fifo-like', '/dev/zero', undefined, undefined],
    ];
    for (const [name, entry, diff, reason] of cases) {
      it(`${name}: ${entry} is not copied`, async () => {
        const out = join(temp(), 'crate');
        const result = await exportRoCrate(await loadBundle(bundleWith(name, entry, diff)), { out, root: work });
        const all = filesOf(out).map((f) => readFileSync(join(out, f), 'utf8'));
        expect(all.some((content) => content.includes('next door') || content.includes('root:'))).toBe(false);
        expect(filesOf(out)).toEqual(['.reprov-bundle', `${name}/prov.ttl`, 'ro-crate-metadata.json'].sort());
        if (reason) expect(result.notCopied).toContainEqual(expect.stringMatching(new RegExp(`^${entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(urn:r/cmd, the entry script\\): .*${reason.source}`)));
        if (diff) expect(result.notCopied).toContainEqual(expect.stringContaining(`${diff} (urn:r/code, the stored diff)`));
      });
    }
  });
});
