/**
 * Paths and ids from any input never escape (issue 10): an MLflow store, a yProv4ML document or a
 * caller of the run API names files, and reprov must write only under the directory the user named
 * and read only inside the input. Each case builds a hostile input in a sandbox, runs the built CLI
 * (`npm run build` first) through the shared harness, and holds it to the promises: the documented
 * exit code, a one-line error without a stack, nothing touched outside `-o`, no temp files left.
 * A victim file beside `-o` and one beside the sandbox's store must come out untouched.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { safeName } from '../../src/base/safe-name.js';
import { startRun } from '../../src/run/run.js';
import { attack, expectContained, sandbox, snapshot, type Attack, type Expectation, type Sandbox } from './harness.js';

const PROJECT = fileURLToPath(new URL('../../fixtures/mlflow/project/', import.meta.url));
const GOOD = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const BARE = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const MNIST = '274538148952064816';
const OUT = 'out/bundles';
const SECRET = 'the victim\'s secret, never to be copied or hashed\n';

let boxes: Sandbox[] = [];
afterEach(() => {
  for (const box of boxes) box.remove();
  boxes = [];
});

interface Store {
  box: Sandbox;
  mlruns: string;
  /** The well-recorded run's directory and the bare run's (experiment 0). */
  good: string;
  bare: string;
}

/** The fixture store in a sandbox, with victims: `victim/` beside the project, `out/victim/` beside the output, `elsewhere/` holding artifacts outside the store. */
function store(): Store {
  const box = sandbox('reprov-adv-paths-');
  boxes.push(box);
  cpSync(PROJECT, box.path('project'), { recursive: true });
  for (const dir of ['victim', 'out/victim', 'elsewhere/artifacts/model']) mkdirSync(box.path(dir), { recursive: true });
  writeFileSync(box.path('victim', 'keep.txt'), SECRET);
  writeFileSync(box.path('out', 'victim', 'keep.txt'), SECRET);
  writeFileSync(box.path('elsewhere', 'secret.txt'), SECRET);
  writeFileSync(box.path('elsewhere', 'artifacts', 'model', 'model.pkl'), SECRET);
  const mlruns = box.path('project', 'mlruns');
  return { box, mlruns, good: join(mlruns, MNIST, GOOD), bare: join(mlruns, '0', BARE) };
}

/** Sets `key: value` in a meta.yaml (JSON-quoted: YAML reads JSON strings, NUL and newlines included). */
function setMeta(file: string, key: string, value: string): void {
  const text = readFileSync(file, 'utf8');
  const line = `${key}: ${JSON.stringify(value)}`;
  writeFileSync(file, new RegExp(`^${key}:.*$`, 'm').test(text) ? text.replace(new RegExp(`^${key}:.*$`, 'm'), () => line) : `${text}${line}\n`);
}

const importArgs = (...extra: string[]) => ['import', 'mlflow', 'project/mlruns', '-o', OUT, ...extra];

/** A successful import prints a line per run it imported (and its notes, which the harness does not count): anything else on stderr is held to the promises. */
function expectImport(result: Attack, expected: Expectation): void {
  const errors = result.stderr.split('\n').filter((line) => !/^reprov: imported MLflow run /.test(line));
  expectContained({ ...result, stderr: errors.join('\n') }, expected);
}

/** Every file below `dir` (relative paths), and whether any holds the victims' secret. */
function files(dir: string): { paths: string[]; secret: boolean } {
  const paths: string[] = [];
  let secret = false;
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        paths.push(relative(dir, path));
        if (entry.isFile() && readFileSync(path, 'utf8').includes(SECRET.trim())) secret = true;
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return { paths: paths.sort(), secret };
}

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const sha256Of = async (text: string) => (await import('node:crypto')).createHash('sha256').update(text).digest('hex');

describe('import mlflow: a run id becomes one directory under -o, whatever it holds', () => {
  const ids = ['../../victim', '../victim', '/abs', '/tmp', '..', '.', 'a/b', 'a\\b', 'nul\0byte', 'NUL', 'x'.repeat(300), '.hidden', 'new\nline', '\x1b[31mred'];
  for (const id of ids) {
    it(`run_id ${JSON.stringify(id.length > 20 ? `${id.slice(0, 12)}… (${id.length} characters)` : id)}`, () => {
      const { box, bare } = store();
      setMeta(join(bare, 'meta.yaml'), 'run_id', id);
      const result = attack(box, importArgs('--experiment', '0'));
      expectImport(result, { status: 0, writes: [OUT] });
      expect(readdirSync(box.path(OUT))).toEqual([safeName(id)]);
      expect(result.stdout.trim()).toBe(join(OUT, safeName(id)));
      // The victims are where they were, as they were (the harness saw no change outside -o; here by name too).
      expect(readFileSync(box.path('victim', 'keep.txt'), 'utf8')).toBe(SECRET);
      expect(readFileSync(box.path('out', 'victim', 'keep.txt'), 'utf8')).toBe(SECRET);
    });
  }

  it('experiment and run names are not file names: `../../victim` as both writes only the run id\'s directory', () => {
    const { box, mlruns, bare } = store();
    setMeta(join(mlruns, '0', 'meta.yaml'), 'name', '../../victim');
    setMeta(join(bare, 'meta.yaml'), 'run_name', '../../victim');
    const result = attack(box, importArgs('--experiment', '0'));
    expectImport(result, { status: 0, writes: [OUT] });
    expect(readdirSync(box.path(OUT))).toEqual([BARE]);
  });

  it('two runs with one run id (or ids that differ only in case) would be one bundle: exit 2, nothing written', () => {
    const { box, good, bare } = store();
    setMeta(join(good, 'meta.yaml'), 'run_id', 'Same');
    setMeta(join(bare, 'meta.yaml'), 'run_id', 'same');
    const result = attack(box, importArgs());
    expectContained(result, { status: 2, writes: [], stderr: /run_id "(Same|same)" is also the run id of .*: they would be one bundle/ });
    expect(existsSync(box.path(OUT))).toBe(false);
  });
});

describe('import mlflow: artifacts are read and copied only inside the mlruns directory', () => {
  const outside = (s: Store) => [`file://${s.box.path('elsewhere', 'artifacts')}`, '../elsewhere/artifacts', pathToFileURL(s.box.path('elsewhere', 'artifacts')).href];
  for (const which of [0, 1, 2]) {
    it(`artifact_uri outside the store (${['file:///absolute', '../relative', 'file URL'][which]}), with --copy-artifacts`, async () => {
      const s = store();
      rmSync(join(s.good, 'artifacts'), { recursive: true });
      setMeta(join(s.good, 'meta.yaml'), 'artifact_uri', outside(s)[which]!);
      const result = attack(s.box, importArgs('--run', GOOD, '--copy-artifacts'));
      expectImport(result, { status: 0, writes: [OUT] });
      expect(result.stderr).toMatch(/artifact_uri .* is not read: outside the mlruns directory/);
      const bundle = files(s.box.path(OUT, GOOD));
      expect(bundle.secret).toBe(false);
      expect(bundle.paths.some((p) => p.startsWith('artifacts'))).toBe(false);
      // The model is named by its location, as MLflow recorded it, and not hashed.
      const ttl = readFileSync(s.box.path(OUT, GOOD, 'prov.ttl'), 'utf8');
      expect(ttl).not.toContain(await sha256Of(SECRET));
      expect(ttl).toMatch(/sha256: the model's artifacts are not at hand/);
    });
  }

  it('an artifact_uri inside the store, absolute, is still followed', () => {
    const s = store();
    setMeta(join(s.good, 'meta.yaml'), 'artifact_uri', pathToFileURL(join(s.good, 'artifacts')).href);
    const result = attack(s.box, importArgs('--run', GOOD, '--copy-artifacts'));
    expectImport(result, { status: 0, writes: [OUT] });
    expect(files(s.box.path(OUT, GOOD)).paths).toContain(join('artifacts', 'model', 'model.pkl'));
  });

  for (const copy of [false, true]) {
    const flags = copy ? ['--copy-artifacts'] : [];
    it(`a symlinked artifacts directory pointing out of the store${copy ? ', with --copy-artifacts' : ''}: not read, no crash`, () => {
      const s = store();
      rmSync(join(s.good, 'artifacts'), { recursive: true });
      symlinkSync(s.box.path('elsewhere', 'artifacts'), join(s.good, 'artifacts'));
      const result = attack(s.box, importArgs('--run', GOOD, ...flags));
      expectImport(result, { status: 0, writes: [OUT] });
      expect(result.stderr).toMatch(/artifacts not read: .* is a symbolic link out of the mlruns directory/);
      expect(files(s.box.path(OUT, GOOD)).secret).toBe(false);
      // Not hashed either: the model behind the link is not at hand.
      expect(readFileSync(s.box.path(OUT, GOOD, 'prov.ttl'), 'utf8')).toMatch(/sha256: the model's artifacts are not at hand/);
    });

    it(`symbolic links inside the artifacts (out of the store, a loop)${copy ? ', with --copy-artifacts' : ''}: neither copied nor hashed`, async () => {
      const s = store();
      const artifacts = join(s.good, 'artifacts');
      symlinkSync(s.box.path('elsewhere', 'secret.txt'), join(artifacts, 'stolen.txt'));
      symlinkSync(s.box.path('elsewhere'), join(artifacts, 'stolen-dir'));
      symlinkSync('loop', join(artifacts, 'loop'));
      symlinkSync('.', join(artifacts, 'model', 'self'));
      const result = attack(s.box, importArgs('--run', GOOD, ...flags));
      expectImport(result, { status: 0, writes: [OUT] });
      const bundle = files(s.box.path(OUT, GOOD));
      expect(bundle.secret).toBe(false);
      const ttl = readFileSync(s.box.path(OUT, GOOD, 'prov.ttl'), 'utf8');
      expect(ttl).not.toContain(await sha256Of(SECRET));
      expect(ttl).not.toMatch(/data\/output\/stolen/);
      if (copy) {
        expect(bundle.paths).toContain(join('artifacts', 'model', 'model.pkl'));
        expect(bundle.paths.filter((p) => /stolen|loop|self/.test(p))).toEqual([]);
        expect(result.stderr).toMatch(/symbolic links not copied: /);
      } else {
        expect(result.stderr).toMatch(/artifacts not read: .*stolen-dir \(a symbolic link/);
      }
    });
  }

  it('a dataset source outside the directory holding mlruns is not hashed', () => {
    const s = store();
    const datasets = join(s.mlruns, MNIST, 'datasets');
    const meta = join(datasets, readdirSync(datasets)[0]!, 'meta.yaml');
    for (const source of [s.box.path('elsewhere', 'secret.txt'), '../elsewhere/secret.txt', '/dev/zero']) {
      setMeta(meta, 'source', JSON.stringify({ uri: source }));
      rmSync(s.box.path('out'), { recursive: true, force: true });
      const result = attack(s.box, importArgs('--run', GOOD), { timeoutMs: 10_000 });
      expectImport(result, { status: 0, writes: ['out'] });
      expect(result.stderr).toMatch(/dataset mnist-train: not hashed \(.* is not read: outside the directory holding mlruns/);
    }
  });
});

describe('import mlflow: hostile store files are one-line errors, exit 2, and nothing is written', () => {
  it('a YAML alias bomb ("billion laughs") in meta.yaml: refused fast, with file:line:col', () => {
    const { box, bare } = store();
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    writeFileSync(join(bare, 'meta.yaml'), `run_id: ${BARE}\n${lines.join('\n')}\n`);
    const started = Date.now();
    const result = attack(box, importArgs(), { timeoutMs: 10_000 });
    expectContained(result, { status: 2, writes: [], stderr: /meta\.yaml:3:\d+: malformed YAML: aliases expand too far/ });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  const cases: [string, (s: Store) => void, RegExp][] = [
    ['deeply nested flow YAML', (s) => writeFileSync(join(s.bare, 'meta.yaml'), `run_id: ${BARE}\nx: ${deep(100_000)}\n`), /meta\.yaml:2:\d+: YAML nested more than 64 levels deep/],
    ['deeply nested block YAML', (s) => writeFileSync(join(s.bare, 'meta.yaml'), `run_id: ${BARE}\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')}\n`), /meta\.yaml:\d+:\d+: YAML nested more than 64 levels deep/],
    ['an experiment meta.yaml nested deep', (s) => writeFileSync(join(s.mlruns, '0', 'meta.yaml'), `name: x\ny: ${deep(5000)}\n`), /0\/meta\.yaml:2:\d+: YAML nested/],
    ['a meta.yaml that is a directory', (s) => {
      rmSync(join(s.bare, 'meta.yaml'));
      mkdirSync(join(s.bare, 'meta.yaml'));
    }, /meta\.yaml: a directory, expected a file/],
    ['a meta.yaml that is a link to itself (a loop)', (s) => {
      rmSync(join(s.bare, 'meta.yaml'));
      symlinkSync('meta.yaml', join(s.bare, 'meta.yaml'));
    }, /meta\.yaml: a loop of symbolic links/],
    ['a meta.yaml that is a link out of the store', (s) => {
      rmSync(join(s.bare, 'meta.yaml'));
      symlinkSync(s.box.path('victim', 'keep.txt'), join(s.bare, 'meta.yaml'));
    }, /meta\.yaml: not read: a symbolic link out of the mlruns directory/],
    ['a params directory that is a link out of the store', (s) => {
      rmSync(join(s.bare, 'params'), { recursive: true });
      symlinkSync(s.box.path('victim'), join(s.bare, 'params'));
    }, /params: not read: a symbolic link out of the mlruns directory/],
    ['a bad metric file in one run (the other is valid): all or nothing', (s) => {
      writeFileSync(join(s.good, 'metrics', 'loss'), '1714564801000 0.9 0\n1714564802000 oops 1\n');
    }, /metrics\/loss:2: expected 'timestamp value step'/],
  ];
  for (const [name, build, message] of cases) {
    it(name, () => {
      const s = store();
      build(s);
      const result = attack(s.box, importArgs(), { timeoutMs: 15_000 });
      expectContained(result, { status: 2, writes: [], stderr: message });
      expect(existsSync(s.box.path(OUT))).toBe(false);
    });
  }

  it('bad runs in two experiments: the error names the first and lists the others', () => {
    const s = store();
    writeFileSync(join(s.good, 'metrics', 'loss'), 'oops\n');
    writeFileSync(join(s.bare, 'metrics', 'loss'), 'oops\n');
    const result = attack(s.box, importArgs());
    expectContained(result, { status: 2, writes: [], stderr: /expected 'timestamp value step'.*\(also invalid: run (0f1e|a1b2)/ });
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable params file', () => {
    const s = store();
    chmodSync(join(s.bare, 'params', 'lr'), 0o000);
    const result = attack(s.box, importArgs());
    expectContained(result, { status: 2, writes: [], stderr: /params\/lr: cannot be read \(permission denied\)/ });
  });
});

describe('import mlflow: odd but harmless store content imports', () => {
  it('a symlink loop in the mlruns tree (experiment, run and metrics directories) is not walked', () => {
    const s = store();
    symlinkSync('.', join(s.mlruns, 'loop'));
    symlinkSync('..', join(s.mlruns, '0', 'up'));
    symlinkSync('.', join(s.bare, 'metrics', 'again'));
    const result = attack(s.box, importArgs(), { timeoutMs: 15_000 });
    expectImport(result, { status: 0, writes: [OUT] });
    expect(readdirSync(s.box.path(OUT)).sort()).toEqual([BARE, GOOD]);
  });

  it('non-UTF-8 bytes in a params file and deep JSON in the model history: imported, bytes replaced', () => {
    const s = store();
    writeFileSync(join(s.bare, 'params', 'lr'), Buffer.from([0x30, 0x2e, 0xff, 0xfe, 0x31]));
    writeFileSync(join(s.good, 'tags', 'mlflow.log-model.history'), deep(100_000));
    const result = attack(s.box, importArgs());
    expectImport(result, { status: 0, writes: [OUT] });
    const prov = JSON.parse(readFileSync(s.box.path(OUT, BARE, 'prov.json'), 'utf8')) as unknown;
    expect(JSON.stringify(prov)).toContain('0.\uFFFD\uFFFD1');
  });

  it('MLflow metric keys with separators and device names (`a/b`, `a_b`, `CON`) get files of their own inside metrics/', () => {
    const s = store();
    const metrics = join(s.bare, 'metrics');
    mkdirSync(join(metrics, 'a'));
    for (const key of ['a/b', 'a_b', 'CON', '..x']) writeFileSync(join(metrics, key), '1714564801000 0.5 0\n');
    const result = attack(s.box, importArgs('--experiment', '0'));
    expectImport(result, { status: 0, writes: [OUT] });
    const written = readdirSync(s.box.path(OUT, BARE, 'metrics')).sort();
    expect(written).toHaveLength(5); // loss and the four
    for (const name of written) expect(name).toMatch(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]*_training_mlflow_GR0\.csv$/);
  });
});

describe('run API: a metric or run id named `../../evil` stays inside the bundle', () => {
  const OFF = { git: false, hardware: false, system: false, dependencies: false, environment: false } as const;

  it('logMetric("../../evil"), a context `../x` and a run id `../../evil` write only inside the bundle', async () => {
    const box = sandbox('reprov-adv-metric-');
    boxes.push(box);
    mkdirSync(box.path('work'));
    writeFileSync(box.path('victim.txt'), SECRET);
    const before = snapshot(box.dir);
    const run = await startRun({ experiment: 'x', runId: '../../evil', cwd: box.path('work'), collect: OFF, snapshotIntervalMs: 0, metricFlushEvery: 1 });
    for (const name of ['../../evil', 'a/b', '/abs', '..', 'CON', 'x'.repeat(300), 'Loss', 'loss']) run.logMetric(name, 1, { context: name === 'a/b' ? '../x' : 'training' });
    const files = await run.end();
    const after = snapshot(box.dir);
    const touched = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p));
    const bundle = relative(box.dir, files.dir);
    expect(bundle).toBe(join('work', 'prov', safeName('../../evil')));
    expect(touched.filter((p) => p !== 'work/prov' && p !== bundle && !p.startsWith(`${bundle}/`))).toEqual([]);
    const metrics = readdirSync(join(files.dir, 'metrics'));
    expect(metrics).toHaveLength(8);
    // `Loss` and `loss` are two files even on a file system that folds case.
    expect(new Set(metrics.map((m) => m.toLowerCase())).size).toBe(8);
    expect(statSync(box.path('victim.txt')).size).toBe(SECRET.length);
  });
});
