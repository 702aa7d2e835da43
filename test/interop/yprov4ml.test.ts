/**
 * The yProv4ML importer: the project's own fixtures of the three generations
 * (fixtures/yprov4ml/gen{1,2,3}-*.json), and the real yProv4ML files in ../shared/fixtures/yprov4ml
 * (third-party data read in place; those tests skip when the folder is absent).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFactory, Store, type Literal, type NamedNode, type Term } from 'n3';
import { isomorphic } from 'rdf-isomorphic';
import { afterAll, describe, expect, it } from 'vitest';
import { importYProv4ml, isYProv4ml, yProv4mlGeneration, type YProv4mlImport, type YProv4mlImportOptions } from '../../src/interop/yprov4ml.js';
import type { ProvDataset } from '../../src/io/dataset.js';
import { readProv, type ReadOptions } from '../../src/io/read.js';
import { writeProv } from '../../src/io/write.js';
import { XSD } from '../../src/prov/namespaces.js';
import { dcat, mls, prov, rdf, rdfs, reprov, schema, spdx } from '../../src/prov/vocabulary.js';
import { UserError } from '../../src/base/user-error.js';

const { namedNode } = DataFactory;
const FIXTURES = fileURLToPath(new URL('../../fixtures/yprov4ml/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/fixtures/yprov4ml/', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/train-run.json', import.meta.url));

const GEN1 = 'gen1-cifar-resnet.json';
const GEN2 = 'gen2-mnist-linear.json';
const GEN3 = 'gen3-mnist-cnn.json';

interface Imported {
  dataset: ProvDataset;
  result: YProv4mlImport;
  store: Store;
  run: NamedNode;
}

async function read(text: string, options: ReadOptions = {}): Promise<ProvDataset> {
  return readProv(text, { format: 'provjson', ...options });
}

async function importText(text: string, options: YProv4mlImportOptions = {}, readOptions: ReadOptions = {}): Promise<Imported> {
  const dataset = await read(text, readOptions);
  const result = await importYProv4ml(dataset.quads, dataset.prefixes, options);
  return { dataset, result, store: new Store(result.quads), run: result.run };
}

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

const objects = (store: Store, subject: Term, predicate: NamedNode) => store.getObjects(subject, predicate, null);

function one(store: Store, subject: Term, predicate: NamedNode): Term {
  const found = objects(store, subject, predicate);
  expect(found, `${subject.value} ${predicate.value}`).toHaveLength(1);
  return found[0]!;
}

/** The value and XSD datatype (local name) of the one literal `subject predicate ?`. */
function literalOf(store: Store, subject: Term, predicate: NamedNode): { value: string; type: string } {
  const term = one(store, subject, predicate) as Literal;
  expect(term.termType).toBe('Literal');
  return { value: term.value, type: term.datatype.value.replace(XSD, '') };
}

function hasType(store: Store, subject: Term, type: NamedNode): boolean {
  return store.has(DataFactory.quad(subject as NamedNode, rdf.type, type));
}

/** What the run used that has `type`, by rdfs:label. */
function usedByLabel(imported: Imported, type: NamedNode): Map<string, Term> {
  const { store, run } = imported;
  const found = new Map<string, Term>();
  for (const entity of objects(store, run, prov.used)) {
    if (!hasType(store, entity, type)) continue;
    for (const label of objects(store, entity, rdfs.label)) found.set(label.value, entity);
  }
  return found;
}

function parameter(imported: Imported, name: string): Term {
  const node = usedByLabel(imported, reprov.Parameter).get(name);
  expect(node, `parameter ${name}`).toBeDefined();
  expect(hasType(imported.store, node!, mls.HyperParameterSetting)).toBe(true);
  return node!;
}

function seeds(imported: Imported): Term[] {
  return objects(imported.store, imported.run, prov.used).filter((e) => hasType(imported.store, e, reprov.Seed));
}

function usedOne(imported: Imported, type: NamedNode): Term {
  const found = objects(imported.store, imported.run, prov.used).filter((e) => hasType(imported.store, e, type));
  expect(found, type.value).toHaveLength(1);
  return found[0]!;
}

/** The entity whose yProv4ML label, rdfs:label or IRI ends with `suffix`. */
function entity(imported: Imported, suffix: string): NamedNode {
  const found = imported.store.getSubjects(rdf.type, prov.Entity, null).filter((s) => decodeURIComponent(s.value).endsWith(suffix));
  expect(found, suffix).toHaveLength(1);
  return found[0] as NamedNode;
}

async function roundTrips(result: YProv4mlImport): Promise<void> {
  const text = await writeProv({ quads: result.quads, prefixes: result.prefixes, warnings: [], skipped: [] }, 'provjson');
  const back = await read(text);
  expect(isomorphic(back.quads, result.quads)).toBe(true);
}

/** Every node the importer minted is a prov:Entity (so PROV-JSON keeps it), under `<run>/reprov/`. */
function mintedNodesAreEntities(imported: Imported): void {
  const base = `${imported.run.value}/reprov/`;
  const minted = new Set(imported.result.added.filter((q) => q.subject.value.startsWith(base)).map((q) => q.subject.value));
  expect(minted.size).toBeGreaterThan(0);
  for (const node of minted) expect(hasType(imported.store, namedNode(node), prov.Entity), node).toBe(true);
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A directory holding `files` (relative path -> content), as the directory yProv4ML ran in. */
function workDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'reprov-yprov4ml-'));
  tempDirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('detection', () => {
  it.each([[GEN1, 1], [GEN2, 2], [GEN3, 3]] as const)('%s is yProv4ML generation %i', async (name, generation) => {
    const { quads } = await read(fixture(name));
    expect(isYProv4ml(quads)).toBe(true);
    expect(yProv4mlGeneration(quads)).toBe(generation);
    expect((await importYProv4ml(quads)).generation).toBe(generation);
  });

  it('a generation-1 document read with --namespace-base is still generation 1', async () => {
    const imported = await importText(fixture(GEN1), {}, { namespaceBase: 'https://example.org/ns/' });
    expect(imported.result.generation).toBe(1);
    expect(literalOf(imported.store, parameter(imported, 'lr'), prov.value)).toEqual({ value: '0.05', type: 'double' });
  });

  it('documents that are not yProv4ML output are not detected', async () => {
    const plain = '{"prefix": {"ex": "https://example.org/"}, "activity": {"ex:run": {"ex:experiment_name": "x"}}, "entity": {"ex:data": {}}}';
    for (const text of [readFileSync(EXAMPLE, 'utf8'), plain]) {
      const { quads, prefixes } = await read(text);
      expect(isYProv4ml(quads)).toBe(false);
      expect(yProv4mlGeneration(quads)).toBeUndefined();
      await expect(importYProv4ml(quads, prefixes)).rejects.toThrow(UserError);
    }
  });
});

describe('generation 1 (prov4ml, yProv4ML: and context: prefixes)', async () => {
  const imported = await importText(fixture(GEN1));
  const { store, run } = imported;

  it('the run activity is an mls:Run with its experiment and times', () => {
    expect(run.value).toBe('urn:reprov:ns:context:cifar_resnet_GR0_2');
    expect(hasType(store, run, mls.Run)).toBe(true);
    expect(literalOf(store, run, reprov.experiment).value).toBe('cifar_resnet');
    expect(literalOf(store, run, prov.startedAtTime)).toEqual({ value: '2024-06-10T09:40:00.251Z', type: 'dateTime' });
    expect(literalOf(store, run, prov.endedAtTime)).toEqual({ value: '2024-06-10T10:40:12.903Z', type: 'dateTime' });
    expect(literalOf(store, namedNode('urn:reprov:ns:context:Context.TRAINING'), reprov.contextKind).value).toBe('training');
    expect(hasType(store, namedNode('urn:reprov:ns:context:Context.MODELS'), reprov.Context)).toBe(true);
  });

  it('log_param attributes become typed parameters', () => {
    expect(literalOf(store, parameter(imported, 'lr'), prov.value)).toEqual({ value: '0.05', type: 'double' });
    expect(literalOf(store, parameter(imported, 'batch_size'), prov.value)).toEqual({ value: '128', type: 'int' });
    expect(literalOf(store, parameter(imported, 'optimizer'), prov.value)).toEqual({ value: 'SGD', type: 'string' });
    // yProv4ML's own attributes are not parameters
    for (const name of ['experiment_name', 'execution_start_time', 'source_code', 'python_version', 'level']) {
      expect(usedByLabel(imported, reprov.Parameter).has(name), name).toBe(false);
    }
  });

  it('torch_seed becomes a torch seed', () => {
    const [seed, ...more] = seeds(imported);
    expect(more).toHaveLength(0);
    expect(literalOf(store, seed!, prov.value)).toEqual({ value: '1234', type: 'int' });
    expect(literalOf(store, seed!, reprov.rng).value).toBe('torch');
  });

  it('a parameter logged as a metric has no value unless its metric file is at hand', () => {
    const epochs = parameter(imported, 'epochs');
    expect(objects(store, epochs, prov.value)).toHaveLength(0);
    expect(literalOf(store, epochs, reprov.unknownReason).value).toContain('param_epochs_Context.TRAINING_GR0.csv');
    expect(one(store, epochs, prov.wasDerivedFrom).value).toBe('urn:reprov:ns:cifar_resnet_GR0_2:param_epochs');
    expect(imported.result.notes.join('\n')).toContain('value not in the document: epochs');
  });

  it('yProv4ML:source_code <remote>/<commit> becomes the code state', () => {
    const code = usedOne(imported, reprov.CodeState);
    expect(hasType(store, code, schema.SoftwareSourceCode)).toBe(true);
    expect(literalOf(store, code, schema.codeRepository)).toEqual({ value: 'git@github.com:example-lab/cifar-resnet.git', type: 'string' });
    expect(literalOf(store, code, reprov.commit).value).toBe('3f9c2a7d1e8b4c6a9f0e1d2c3b4a596877665544');
  });

  it('prov-ml:execution_command becomes the command', () => {
    const command = usedOne(imported, reprov.Command);
    expect(hasType(store, command, prov.Plan)).toBe(true);
    expect(literalOf(store, command, reprov.commandLine).value).toBe('python train.py --epochs 30 --lr 0.05');
    expect(literalOf(store, command, reprov.entryPoint).value).toBe('train.py');
  });

  it('python_version becomes the environment; SLURM ranks the cluster context', () => {
    const env = usedOne(imported, reprov.Environment);
    expect(literalOf(store, env, reprov.pythonVersion).value).toBe('3.11.9');
    expect(objects(store, env, schema.operatingSystem)).toHaveLength(0);
    const cluster = usedOne(imported, reprov.ClusterContext);
    expect(literalOf(store, cluster, reprov.scheduler).value).toBe('slurm');
    expect(literalOf(store, cluster, reprov.localRank)).toEqual({ value: '0', type: 'int' });
    expect(objects(store, run, prov.used).filter((e) => hasType(store, e, reprov.Hardware))).toHaveLength(0);
  });

  it('requirements.txt is a dependency file used by the run, pinning unknown; its Original is left alone', () => {
    const requirements = usedOne(imported, reprov.DependencyFile);
    expect(requirements.value).toBe('urn:reprov:ns:cifar_resnet_GR0_2:requirements.txt');
    expect(literalOf(store, requirements, prov.atLocation).value).toBe('prov/cifar_resnet_2/artifacts/requirements.txt');
    expect(literalOf(store, requirements, reprov.ecosystem).value).toBe('pypi');
    expect(objects(store, requirements, reprov.pinned)).toHaveLength(0);
    expect(literalOf(store, requirements, reprov.unknownReason).value).toContain('not at hand');
    expect(hasType(store, entity(imported, ':Original requirements.txt'), reprov.DependencyFile)).toBe(false);
  });

  it('data loaders are datasets used by the run; .pth checkpoints are models it generated', () => {
    expect([...usedByLabel(imported, dcat.Dataset).keys()].sort()).toEqual(['train_loader', 'val_loader']);
    const models = store.getSubjects(rdf.type, mls.Model, null).map((m) => decodeURIComponent(m.value.split(':').pop()!)).sort();
    expect(models).toEqual(['resnet18_final', 'resnet18_version_0', 'resnet18_version_1']);
    const final = entity(imported, ':resnet18_final');
    expect(objects(store, final, prov.wasGeneratedBy).some((a) => a.equals(run))).toBe(true);
    expect(literalOf(store, final, prov.atLocation).value).toBe('prov/cifar_resnet_2/artifacts/resnet18_final/resnet18_final.pth');
  });

  it('metric files are reprov:Metric nodes with their file and context', () => {
    const loss = entity(imported, ':Loss_train');
    expect(hasType(store, loss, reprov.Metric)).toBe(true);
    expect(hasType(store, loss, mls.ModelEvaluation)).toBe(true);
    expect(literalOf(store, loss, reprov.metricFile).value).toBe('prov/cifar_resnet_2/metrics/Loss_train_Context.TRAINING_GR0.csv');
    expect(one(store, loss, reprov.context).value).toBe('urn:reprov:ns:context:Context.TRAINING');
    expect(store.getSubjects(rdf.type, reprov.Metric, null)).toHaveLength(4);
  });

  it('keeps every original quad, mints prov:Entity nodes under the run, and round-trips through PROV-JSON', async () => {
    expect(imported.result.quads.slice(0, imported.dataset.quads.length)).toEqual(imported.dataset.quads);
    mintedNodesAreEntities(imported);
    await roundTrips(imported.result);
  });

  it('importing twice adds nothing more', async () => {
    expect((await importYProv4ml(imported.result.quads, imported.result.prefixes)).added).toHaveLength(0);
  });

  it('with the files at hand: requirements are hashed and checked for pins, CSV metrics read', async () => {
    const requirements = 'torch==2.3.1\nnumpy>=1.26  # any recent one\n\n# tools\n--index-url https://download.pytorch.org/whl/cu121\ntorchvision==0.18.1\n';
    const dir = workDir({
      'prov/cifar_resnet_2/artifacts/requirements.txt': requirements,
      'prov/cifar_resnet_2/metrics/param_epochs_Context.TRAINING_GR0.csv': 'param_epochs,Context.TRAINING,LoggingItemKind.METRIC\n0,30,1718012401000\n',
      'prov/cifar_resnet_2/metrics/Loss_train_Context.TRAINING_GR0.csv': 'Loss_train,Context.TRAINING,LoggingItemKind.METRIC\n0,2.31,1718012402000\n0,1.87,1718012403000\n1,1.42,1718012404000\n',
    });
    const atHand = await importText(fixture(GEN1), { baseDir: dir });
    const file = usedOne(atHand, reprov.DependencyFile);
    expect(literalOf(atHand.store, file, reprov.pinned)).toEqual({ value: 'false', type: 'boolean' });
    expect(literalOf(atHand.store, file, reprov.unpinnedCount).value).toBe('1');
    expect(literalOf(atHand.store, file, reprov.packageCount).value).toBe('3');
    const checksum = one(atHand.store, file, spdx.checksum);
    expect(one(atHand.store, checksum, spdx.algorithm).equals(spdx.checksumAlgorithm_sha256)).toBe(true);
    expect(literalOf(atHand.store, checksum, spdx.checksumValue).value).toBe(createHash('sha256').update(requirements).digest('hex'));
    expect(literalOf(atHand.store, parameter(atHand, 'epochs'), prov.value)).toEqual({ value: '30', type: 'int' });
    const loss = entity(atHand, ':Loss_train');
    expect(literalOf(atHand.store, loss, reprov.pointCount).value).toBe('3');
    expect(literalOf(atHand.store, loss, reprov.lastValue)).toEqual({ value: '1.42', type: 'double' });
    expect(literalOf(atHand.store, loss, reprov.lastStep).value).toBe('1');
    expect(literalOf(atHand.store, loss, reprov.minValue).value).toBe('1.42');
    expect(literalOf(atHand.store, loss, reprov.maxValue).value).toBe('2.31');
    mintedNodesAreEntities(atHand);
    await roundTrips(atHand.result);

    // The directory of the PROV file (yProv4ML's experiment_dir) works as well as the one it ran in.
    const fromBundleDir = await importText(fixture(GEN1), { baseDir: join(dir, 'prov/cifar_resnet_2') });
    expect(literalOf(fromBundleDir.store, usedOne(fromBundleDir, reprov.DependencyFile), reprov.pinned).value).toBe('false');
    expect(literalOf(fromBundleDir.store, parameter(fromBundleDir, 'epochs'), prov.value).value).toBe('30');
  });
});

describe('generation 2 (yProv4ML_Activity: / yProv4ML_Entity: / yProv4ML_Label:)', async () => {
  const imported = await importText(fixture(GEN2));
  const { store, run } = imported;

  it('the run activity is an mls:Run; its times come from the std.time sub-activity', () => {
    expect(run.value).toBe('urn:reprov:ns:yProv4ML_Activity:mnist_linear_GR0_0');
    expect(hasType(store, run, mls.Run)).toBe(true);
    expect(literalOf(store, run, reprov.experiment).value).toBe('mnist_linear');
    expect(literalOf(store, run, prov.startedAtTime)).toEqual({ value: '2025-03-18T14:02:11.573920', type: 'dateTime' });
    expect(literalOf(store, run, prov.endedAtTime)).toEqual({ value: '2025-03-18T14:09:47.120381', type: 'dateTime' });
    const source = namedNode('urn:reprov:ns:yProv4ML_Activity:Training-yProv4ML_Source:pyamdgpuinfo');
    expect(literalOf(store, source, reprov.contextKind).value).toBe('training');
  });

  it('yProv4ML_Label: attributes become parameters, seed included', () => {
    expect(literalOf(store, parameter(imported, 'lr'), prov.value)).toEqual({ value: '0.001', type: 'double' });
    expect(literalOf(store, parameter(imported, 'epochs'), prov.value)).toEqual({ value: '5', type: 'int' });
    expect(literalOf(store, parameter(imported, 'dataset transformation'), prov.value).value).toBe('Compose(\n    ToTensor()\n)');
    const [seed, ...more] = seeds(imported);
    expect(more).toHaveLength(0);
    expect(literalOf(store, seed!, prov.value)).toEqual({ value: '42', type: 'int' });
    expect(objects(store, seed!, reprov.rng)).toHaveLength(0); // "seed" does not say which generator
  });

  it('the doubly prefixed source_code becomes the code state', () => {
    const code = usedOne(imported, reprov.CodeState);
    expect(literalOf(store, code, schema.codeRepository)).toEqual({ value: 'https://github.com/example-lab/mnist-prov.git', type: 'anyURI' });
    expect(literalOf(store, code, reprov.commit).value).toBe('a1b2c3d4e5f60718293a4b5c6d7e8f9012345678');
    expect(usedByLabel(imported, reprov.Parameter).has('yProv4ML_Label:source_code')).toBe(false);
  });

  it('environment, command, dependency file', () => {
    expect(literalOf(store, usedOne(imported, reprov.Environment), reprov.pythonVersion).value).toBe('3.10.14');
    expect(literalOf(store, usedOne(imported, reprov.Command), reprov.entryPoint).value).toBe('/workspace/mnist_linear_0/artifacts/prov4ml_torch.py');
    const requirements = usedOne(imported, reprov.DependencyFile);
    expect(literalOf(store, requirements, prov.atLocation).value).toBe('prov/mnist_linear_0/artifacts_GR0/./requirements.txt');
    expect(hasType(store, entity(imported, 'Original_requirements.txt-yProv4ML_Activity:mnist_linear_GR0_0'), reprov.DependencyFile)).toBe(false);
  });

  it('datasets, the model (the copy, not its Original) and the metric files', () => {
    expect([...usedByLabel(imported, dcat.Dataset).keys()].sort()).toEqual(['train_dataset', 'val_dataset']);
    const model = entity(imported, 'yProv4ML_Entity:mnist_model_final.pt-yProv4ML_Activity:mnist_linear_GR0_0');
    expect(hasType(store, model, mls.Model)).toBe(true);
    expect(objects(store, model, prov.wasGeneratedBy).some((a) => a.equals(run))).toBe(true);
    expect(literalOf(store, model, rdfs.label).value).toBe('mnist_model_final.pt');
    expect(hasType(store, entity(imported, 'Original_mnist_model_final.pt-yProv4ML_Activity:mnist_linear_GR0_0'), mls.Model)).toBe(false);
    const cpu = entity(imported, 'cpu_usage-yProv4ML_Activity:Training-yProv4ML_Source:pyamdgpuinfo');
    expect(hasType(store, cpu, reprov.Metric)).toBe(true);
    expect(literalOf(store, cpu, reprov.metricFile).value).toBe('prov/mnist_linear_0/metrics_GR0/cpu_usage_Training_pyamdgpuinfo_GR0.nc');
    expect(literalOf(store, cpu, rdfs.label).value).toBe('cpu_usage');
  });

  it('keeps the original quads, mints prov:Entity nodes and round-trips through PROV-JSON', async () => {
    expect(imported.result.quads.slice(0, imported.dataset.quads.length)).toEqual(imported.dataset.quads);
    mintedNodesAreEntities(imported);
    await roundTrips(imported.result);
  });
});

describe('generation 3 (prov: / provml: / yprov: / dcterms:)', async () => {
  const imported = await importText(fixture(GEN3));
  const { store, run } = imported;

  it('the run activity is an mls:Run; its prov:startedAtTime is kept', () => {
    expect(run.value).toBe('urn:reprov:ns:mnist_cnn_GR0_1:mnist_cnn_GR0_1');
    expect(hasType(store, run, mls.Run)).toBe(true);
    expect(literalOf(store, run, reprov.experiment).value).toBe('mnist_cnn');
    expect(literalOf(store, run, prov.startedAtTime)).toEqual({ value: '2025-11-20T09:12:44.118532', type: 'dateTime' });
    expect(literalOf(store, namedNode('urn:reprov:ns:mnist_cnn_GR0_1:pyamdgpuinfo//training'), reprov.contextKind).value).toBe('training');
  });

  it('provml:HyperParameter entities become parameters; random_seed a seed', () => {
    const lr = parameter(imported, 'lr');
    expect(literalOf(store, lr, prov.value)).toEqual({ value: '0.001', type: 'double' });
    expect(one(store, lr, prov.wasDerivedFrom).value).toBe('urn:reprov:ns:mnist_cnn_GR0_1:lr');
    expect(literalOf(store, parameter(imported, 'batch_size'), prov.value)).toEqual({ value: '64', type: 'int' });
    const [seed, ...more] = seeds(imported);
    expect(more).toHaveLength(0);
    expect(literalOf(store, seed!, rdfs.label).value).toBe('random_seed');
    expect(literalOf(store, seed!, prov.value)).toEqual({ value: '2025', type: 'int' });
    expect(usedByLabel(imported, reprov.Parameter).has('source_code')).toBe(false);
  });

  it('the source_code and execution_command parameters become the code state and the command', () => {
    const code = usedOne(imported, reprov.CodeState);
    expect(literalOf(store, code, schema.codeRepository)).toEqual({ value: 'https://github.com/example-lab/mnist-cnn.git', type: 'anyURI' });
    expect(literalOf(store, code, reprov.commit).value).toBe('9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e');
    expect(literalOf(store, usedOne(imported, reprov.Command), reprov.commandLine).value).toBe('python /workspace/mnist_cnn_1/artifacts/train_cnn.py');
  });

  it('the platform attributes become the environment and the hardware', () => {
    const env = usedOne(imported, reprov.Environment);
    expect(literalOf(store, env, reprov.pythonVersion).value).toBe('3.12.4');
    expect(literalOf(store, env, schema.operatingSystem).value).toBe('Linux');
    expect(literalOf(store, env, reprov.kernel).value).toBe('Linux 5.14.0-427.13.1.el9_4.x86_64');
    expect(literalOf(store, env, reprov.architecture).value).toBe('x86_64');
    const hardware = usedOne(imported, reprov.Hardware);
    // platform.processor() said "x86_64": an architecture, not a CPU model
    expect(objects(store, hardware, reprov.cpuModel)).toHaveLength(0);
    expect(literalOf(store, hardware, reprov.unknownReason).value).toContain('memory size');
  });

  it('CPU, memory and GPU attributes, when present, become reprov:Hardware and reprov:GPU terms', async () => {
    const doc = JSON.parse(fixture(GEN3));
    Object.assign(doc.activity.mnist_cnn_GR0_1, {
      'yprov:processor': 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz',
      'yprov:total_memory': { $: 540950138880, type: 'xsd:long' },
      'yprov:gpu_name': 'NVIDIA A100-SXM4-40GB',
      'yprov:gpu_count': { $: 1, type: 'xsd:int' },
    });
    const rich = await importText(JSON.stringify(doc));
    const hardware = usedOne(rich, reprov.Hardware);
    expect(literalOf(rich.store, hardware, reprov.cpuModel).value).toBe('Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz');
    expect(literalOf(rich.store, hardware, reprov.memoryBytes)).toEqual({ value: '540950138880', type: 'long' });
    expect(literalOf(rich.store, hardware, reprov.gpuCount).value).toBe('1');
    const gpu = one(rich.store, hardware, reprov.gpu);
    expect(hasType(rich.store, gpu, reprov.GPU)).toBe(true);
    expect(literalOf(rich.store, gpu, schema.name).value).toBe('NVIDIA A100-SXM4-40GB');
    expect(objects(rich.store, hardware, reprov.unknownReason)).toHaveLength(0);
    mintedNodesAreEntities(rich);
    await roundTrips(rich.result);
  });

  it('the dataset, the model, the dependency file, the source file and the metric files', () => {
    const [dataset, ...more] = objects(store, run, prov.used).filter((e) => hasType(store, e, dcat.Dataset));
    expect(more).toHaveLength(0);
    expect(dataset!.value).toBe('urn:reprov:ns:mnist_cnn_GR0_1:train_dataset//training');
    const model = entity(imported, ':cnn_final.pt//training');
    expect(hasType(store, model, mls.Model)).toBe(true);
    expect(objects(store, model, prov.wasGeneratedBy).some((a) => a.equals(run))).toBe(true);
    expect(literalOf(store, model, prov.atLocation).value).toBe('prov/mnist_cnn_1/artifacts_GR0/cnn_final/cnn_final.pt');
    expect(hasType(store, entity(imported, ':Original_cnn_final.pt//training'), mls.Model)).toBe(false);
    expect(usedOne(imported, reprov.DependencyFile).value).toBe('urn:reprov:ns:mnist_cnn_GR0_1:requirements.txt//mnist_cnn_GR0_1');
    expect(hasType(store, entity(imported, ':train_cnn.py//mnist_cnn_GR0_1'), schema.SoftwareSourceCode)).toBe(true);
    const cpu = entity(imported, ':pyamdgpuinfo//cpu_usage//training');
    expect(hasType(store, cpu, reprov.Metric)).toBe(true);
    expect(literalOf(store, cpu, reprov.metricFile).value).toBe('prov/mnist_cnn_1/metrics_GR0/cpu_usage_training_pyamdgpuinfo_GR0.csv');
    expect(one(store, cpu, reprov.context).value).toBe('urn:reprov:ns:mnist_cnn_GR0_1:pyamdgpuinfo//training');
  });

  it('keeps the original quads, mints prov:Entity nodes and round-trips through PROV-JSON', async () => {
    expect(imported.result.quads.slice(0, imported.dataset.quads.length)).toEqual(imported.dataset.quads);
    mintedNodesAreEntities(imported);
    await roundTrips(imported.result);
  });

  it('values written as Python dict text are unwrapped', async () => {
    const doc = JSON.parse(fixture(GEN3));
    delete doc.activity.mnist_cnn_GR0_1['prov:startedAtTime'];
    doc.activity.mnist_cnn_GR0_1['prov:startedAtTime'] = "{'$': '2025-11-20T09:12:44.118532', 'type': 'xsd:dateTime'}";
    doc.entity.batch_size['prov:value'] = "{'$': 64, 'type': 'xsd:int'}";
    const wrapped = await importText(JSON.stringify(doc));
    expect(objects(wrapped.store, wrapped.run, prov.startedAtTime).map((t) => (t as Literal).datatype.value.replace(XSD, '')).sort()).toEqual(['dateTime', 'string']);
    expect(literalOf(wrapped.store, parameter(wrapped, 'batch_size'), prov.value)).toEqual({ value: '64', type: 'int' });
  });

  // yprov4ml/datamodel/prov4ml_data.py @ 0b04244a writes a context's start as dict text in
  // prov:startedAtTime. The converter writes any prov:startedAtTime as PROV-JSON prov:startTime,
  // which reads back as an xsd:dateTime: the document does not round-trip. Not the importer's
  // doing (it keeps the quad as read); remove `.fails` once src/prov/to-prov-json.ts keeps
  // non-dateTime start times as plain attributes.
  it('a non-dateTime prov:startedAtTime round-trips as a plain attribute', async () => {
    const doc = JSON.parse(fixture(GEN3));
    doc.activity.training = { 'prov:startedAtTime': "{'$': '2025-11-20T09:12:46.904113', 'type': 'xsd:dateTime'}" };
    await roundTrips((await importText(JSON.stringify(doc))).result);
  });
});

const realFiles = existsSync(SHARED) ? readdirSync(SHARED).filter((f) => f.endsWith('.json')).sort() : [];

describe.skipIf(realFiles.length === 0)('real yProv4ML files (../shared/fixtures/yprov4ml)', () => {
  it.each(realFiles)('%s: generation 1, run, parameters, checkpoints and metric files mapped', async (file) => {
    const text = readFileSync(join(SHARED, file), 'utf8');
    const doc = JSON.parse(text) as { activity: Record<string, Record<string, unknown>>; entity: Record<string, Record<string, unknown>> };
    const imported = await importText(text);
    const { store, run, result } = imported;
    expect(result.generation).toBe(1);

    // the run: the level-0 context activity
    const [runId] = Object.entries(doc.activity).find(([, a]) => (a['yProv4ML:level'] as { $: number }).$ === 0)!;
    const experimentName = doc.activity[runId]!['yProv4ML:experiment_name'] as string;
    expect(run.value).toBe(`urn:reprov:ns:context:${experimentName}`);
    expect(hasType(store, run, mls.Run)).toBe(true);
    expect(literalOf(store, run, reprov.experiment).value).toBe(experimentName.replace(/_GR0_\d+$/, ''));
    expect(literalOf(store, run, prov.startedAtTime).type).toBe('dateTime');
    expect(literalOf(store, usedOne(imported, reprov.Environment), reprov.pythonVersion).value).toBe('3.12.3');

    // parameters were logged as metrics (param_*): mapped, value in the .nc file; param_seed is the seed
    const params = usedByLabel(imported, reprov.Parameter);
    expect([...params.keys()].sort()).toEqual(['batch_size', 'epochs', 'lr', 'seed']);
    for (const node of params.values()) expect(literalOf(store, node, reprov.unknownReason).value).toMatch(/\.nc, not in the provenance document$/);
    const [seed, ...more] = seeds(imported);
    expect(more).toHaveLength(0);
    expect(one(store, seed!, prov.wasDerivedFrom).equals(params.get('seed')!)).toBe(true);

    // every .pth checkpoint is a model the run generated; every .nc file a metric
    const paths = Object.entries(doc.entity).map(([id, e]) => [id, e['yProv4ML:path'] as string] as const);
    const checkpoints = paths.filter(([, path]) => path.endsWith('.pth'));
    const metricFiles = paths.filter(([, path]) => path.endsWith('.nc'));
    expect(checkpoints.length).toBeGreaterThan(5);
    expect(metricFiles.length).toBeGreaterThan(5);
    const defaultNs = `urn:reprov:ns:${experimentName}:`;
    for (const [id, path] of checkpoints) {
      const node = namedNode(defaultNs + id);
      expect(hasType(store, node, mls.Model), id).toBe(true);
      expect(objects(store, node, prov.wasGeneratedBy).some((a) => a.equals(run)), id).toBe(true);
      expect(literalOf(store, node, prov.atLocation).value).toBe(path);
    }
    for (const [id, path] of metricFiles) {
      const node = namedNode(defaultNs + id);
      expect(hasType(store, node, reprov.Metric), id).toBe(true);
      expect(literalOf(store, node, reprov.metricFile).value).toBe(path);
    }
    expect(store.getSubjects(rdf.type, reprov.Metric, null)).toHaveLength(metricFiles.length);

    // data loaders and requirements.txt
    expect([...usedByLabel(imported, dcat.Dataset).keys()].sort()).toEqual(['test_loader', 'train_loader']);
    expect(usedOne(imported, reprov.DependencyFile).value).toBe(`${defaultNs}requirements.txt`);

    mintedNodesAreEntities(imported);
    await roundTrips(result);
  });
});
