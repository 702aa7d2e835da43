/**
 * A strict TypeScript project that installs the packed tarball compiles against reprov's types
 * with nothing else installed by hand (no `@types/n3`): the published .d.ts files name n3 and
 * @rdfjs/types, so those type packages are `dependencies`, not `devDependencies`.
 *
 * The install is a real `npm ci` of the tarball, offline: its package-lock is cut from this
 * repository's lock (the packages reachable from the tarball's `dependencies`, with their registry
 * URLs and integrities), so npm takes every tarball from its cache, which
 * `npm ci` of this repository filled. No packument is needed, and nothing reachable only from
 * reprov's devDependencies gets installed: a type package missing from `dependencies` fails here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

interface LockEntry {
  version?: string;
  name?: string;
  resolved?: string;
  link?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

/** The lock of a project that depends on the tarball `tgz` alone. */
function consumerLock(tgz: string): { manifest: object; lock: object } {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; license: string; dependencies: Record<string, string> };
  const packages = (JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  const keep = new Map<string, LockEntry>();
  // Node's resolution over the lock's layout: `from`/node_modules/name, then each enclosing node_modules.
  const resolveFrom = (from: string, name: string): string | undefined => {
    for (let base = from; ; ) {
      const at = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (packages[at]) return at;
      if (!base) return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };
  const visit = (from: string, name: string, optional: boolean) => {
    const at = resolveFrom(from, name);
    if (!at) {
      if (optional) return;
      throw new Error(`${name} (needed from ${from || 'the package'}) is not in package-lock.json: run npm install`);
    }
    if (keep.has(at)) return;
    const entry = packages[at]!;
    keep.set(at, entry);
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(at, dep, false);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(at, dep, true);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) if (!entry.peerDependenciesMeta?.[dep]?.optional) visit(at, dep, true);
  };
  for (const dep of Object.keys(pkg.dependencies)) visit('', dep, false);

  const dependencies: Record<string, string> = { [pkg.name]: `file:${tgz}` };
  const lockPackages: Record<string, object> = {
    '': { name: 'consumer', version: '1.0.0', dependencies },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: `file:${tgz}`, license: pkg.license, dependencies: pkg.dependencies },
  };
  for (const [at, entry] of keep) {
    const { dev, devOptional, peer, ...rest } = entry;
    if (devOptional) rest.optional = true;
    const name = entry.name ?? at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
    // With its URL and integrity, npm takes the tarball from its cache without asking for the packument.
    if (!rest.resolved && !rest.link) rest.resolved = `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    lockPackages[at] = rest;
  }
  return {
    manifest: { name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies },
    lock: { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages: lockPackages },
  };
}

/** The main API as a user's code calls it, typed against the package's own exports. */
const CONSUMER = `import {
  startRun, withRun, convert, checkBundles, readProv, writeProv, Run, ProvInputError,
  type Value, type Params, type ParamValue, type StartRunOptions, type RunStatus, type CheckedBundles, type DataKind,
} from 'reprov';

const config = { optimizer: { name: 'adam', lr: 0.1, betas: [0.9, 0.999] }, epochs: 5 };
const options: StartRunOptions = { experiment: 'consumer', dir: 'runs/consumer', params: config, collect: { git: false } };
const run: Run = await startRun(options);
run.logParams({ optimizer: { lr: 0.1 } });
run.logParam('batch_size', 64);
const scalar: Value = 'adam';
const nested: ParamValue = { scheduler: { warmup: 100 } };
const more: Params = { scalar, nested };
run.logParams(more);
// A config typed by an interface (no index signature) is taken as it is.
interface TrainConfig { optimizer: { name: string; lr: number }; epochs: number; warmup?: number }
const typed: TrainConfig = { optimizer: { name: 'sgd', lr: 0.01 }, epochs: 3 };
run.logParams(typed);
run.logParam('optimizer', typed.optimizer);
run.logSeed('js', 42);
for (let step = 0; step < 3; step++) run.logMetric('loss', 1 / (step + 1), { context: 'training', step, epoch: 0 });
const kind: DataKind = 'dataset';
const node = await run.logInput('data/train.csv', kind);
const iri: string = node.value;
const status: RunStatus = 'succeeded';
const files = await run.end({ status: status === 'succeeded' ? 'succeeded' : 'failed' });
const best = await withRun({ experiment: 'again' }, async (r) => { r.logMetric('accuracy', 0.9); return 0.9; });

const { output, warnings } = await convert('{}', { to: 'turtle', file: 'run.json' });
const dataset = await readProv(output, { format: 'turtle' });
const provJson: string = await writeProv(dataset, 'provjson');
const checked: CheckedBundles = await checkBundles([files.dir], { failOn: 'error' });
const scores: (number | null)[] = checked.result.bundles.map((b) => b.score);
const passed: boolean = checked.gate.passed;
try { await readProv('{', { format: 'provjson' }); } catch (error) { if (error instanceof ProvInputError) console.log(error.problem); }
console.log(iri, best, warnings.length, provJson.length, dataset.quads.length, scores, passed);

// The types are real, not \`any\`: each of these must be an error, or tsc reports the unused directive.
// @ts-expect-error a metric value is a number
run.logMetric('loss', 'high');
// @ts-expect-error a parameter value is not a function
run.logParams({ callback: () => 1 });
// @ts-expect-error nor a Map, however deep
run.logParams({ nested: { table: new Map<string, number>() } });
// @ts-expect-error nor a function given by name
run.logParam('callback', () => 1);
// @ts-expect-error startRun needs an experiment
await startRun({});
`;

const tsconfig = {
  compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true },
  files: ['consumer.ts'],
};

describe('the packed package in a strict TypeScript project', () => {
  const work = mkdtempSync(join(tmpdir(), 'reprov-consumer-'));
  // node_modules holds some 500 packages: removing them takes seconds on a loaded machine.
  afterAll(() => rm(work, { recursive: true, force: true }), 120_000);

  it('installs offline with no extra package and type-checks the main API with zero errors', () => {
    if (!existsSync(join(REPO, 'dist/src/index.d.ts'))) throw new Error('dist/src/index.d.ts is missing: run npm run build');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string }[];
    const tgz = join(work, packed[0]!.filename);
    const project = join(work, 'project');
    mkdirSync(project);
    const { manifest, lock } = consumerLock(tgz);
    writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
    const install = spawnSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project, encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    // What only reprov's devDependencies bring is not there (the check below would otherwise prove nothing).
    expect(existsSync(join(project, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/reprov/dist/src/index.d.ts'))).toBe(true);

    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    writeFileSync(join(project, 'consumer.ts'), CONSUMER);
    // This repository's TypeScript: it resolves `reprov` and every type from the project's node_modules.
    const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    // And the installed package runs: the entry point loads and converts.
    const smoke = spawnSync(process.execPath, ['--input-type=module', '-e', `import { convert } from 'reprov'; const r = await convert('{"entity": {"ex:e": {}}, "prefix": {"ex": "http://example.org/"}}', { to: 'ntriples' }); console.log(r.output.trim());`], { cwd: project, encoding: 'utf8' });
    expect(smoke.stderr).toBe('');
    expect(smoke.stdout).toContain('<http://example.org/e> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/prov#Entity> .');

    // The bin is the bundled CLI (tools/bundle-cli.mjs): installed elsewhere, it still finds the
    // package's shapes and schema, and the packages it leaves outside the bundle.
    const installed = join(project, 'node_modules/reprov');
    const cli = join(installed, (JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { bin: { reprov: string } }).bin.reprov);
    const reprov = (args: string[], input?: string) => spawnSync(process.execPath, [cli, ...args], { cwd: project, input, encoding: 'utf8' });
    writeFileSync(join(project, 'run.json'), '{"prefix": {"ex": "http://example.org/"}, "activity": {"ex:run": {}}, "entity": {"ex:model": {}}, "wasGeneratedBy": {"_:g": {"prov:entity": "ex:model", "prov:activity": "ex:run"}}}');
    const converted = reprov(['convert', 'run.json', '-o', 'prov.ttl']);
    expect(converted.stderr).toBe('');
    const checked = reprov(['check', 'prov.ttl', '-f', 'json']);
    expect(checked.stderr).toBe('');
    expect((JSON.parse(checked.stdout) as { bundles: { file: string }[] }).bundles.map((b) => b.file)).toEqual(['prov.ttl']);
    const invalid = reprov(['convert', '-', '-t', 'nt', '--from', 'provjson'], '{"entitty": {}}');
    expect(invalid.stderr).toBe("reprov: <stdin>:/entitty: unknown top-level key 'entitty'; did you mean 'entity'?\n");
  }, 300_000);
});
