/** `reprov import mlflow|yprov4ml` and `reprov export ro-crate` through the built CLI, on real files in temporary directories. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { reprov } from './support/cli.js';

const MLRUNS = 'fixtures/mlflow/project/mlruns';
const GOOD = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const BARE = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const GEN3 = 'fixtures/yprov4ml/gen3-mnist-cnn.json';

const temp = () => mkdtempSync(join(tmpdir(), 'reprov-cli-interop-'));

/** One line on stderr, no stack trace, exit 2. */
function expectUsageError(result: ReturnType<typeof reprov>, ...fragments: string[]): void {
  expect(result.status).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('reprov import mlflow', () => {
  it('writes one bundle per run, lists them on stdout, and the bundles pass or fail a check gate on their merits', () => {
    const out = temp();
    const result = reprov(['import', 'mlflow', MLRUNS, '-o', out]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual([join(out, BARE), join(out, GOOD)]);
    expect(result.stderr).toContain(`reprov: imported MLflow run ${GOOD} (experiment 'mnist')\nreprov:   5 parameter(s), 1 seed(s)\n`);
    expect(result.stderr).toContain('reprov: skipped MLflow run dddddddddddddddddddddddddddddddd: deleted in MLflow');
    expect(reprov(['check', join(out, GOOD), '--min-score', '80', '--fail-on', 'none']).status).toBe(0);
    const bare = reprov(['check', join(out, BARE), '--min-score', '80', '--fail-on', 'none']);
    expect(bare.status).toBe(1);
    expect(bare.stdout).toContain('RPV-S001');
  });

  it('filters by --experiment and --run', () => {
    const out = temp();
    expect(reprov(['import', 'mlflow', MLRUNS, '-o', out, '--experiment', 'mnist']).stdout).toBe(`${join(out, GOOD)}\n`);
    expect(readdirSync(out)).toEqual([GOOD]);
    expectUsageError(reprov(['import', 'mlflow', MLRUNS, '-o', out, '--run', 'ffff']), 'no run ffff in any experiment');
  });

  it('refuses bad input with one line and exit 2', () => {
    const out = temp();
    expectUsageError(reprov(['import', 'mlflow', join(out, 'nope'), '-o', out]), `${join(out, 'nope')}: no such directory`);
    const broken = join(temp(), 'mlruns');
    cpSync(MLRUNS, broken, { recursive: true });
    writeFileSync(join(broken, '0', 'meta.yaml'), 'name: Default\n  experiment_id: 0\n');
    expectUsageError(reprov(['import', 'mlflow', broken, '-o', out]), `${join(broken, '0', 'meta.yaml')}:1:7: malformed YAML: Nested mappings are not allowed in compact mappings`);
    expect(reprov(['import', 'mlflow', MLRUNS]).status).toBe(2); // -o is required
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('reprov import yprov4ml', () => {
  it('writes the normalised bundle, which check scores as it scores the original', () => {
    const out = join(temp(), 'bundle');
    const result = reprov(['import', 'yprov4ml', GEN3, '-o', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${out}\n`);
    expect(result.stderr).toMatch(/^reprov: imported a yProv4ML document \(generation 3\)\nreprov: {3}yProv4ML generation 3/);
    expect(readdirSync(out).sort()).toEqual(['.reprov-bundle', 'prov.json', 'prov.ttl']);
    const report = (path: string) => {
      const json = JSON.parse(reprov(['check', path, '-f', 'json']).stdout) as { bundles: { score: number; findings: { rule: string; focus: string }[] }[] };
      return { score: json.bundles[0]!.score, findings: json.bundles[0]!.findings.map((f) => `${f.rule} ${f.focus}`).sort() };
    };
    expect(report(join(out, 'prov.json'))).toEqual(report(GEN3));
    expect(report(join(out, 'prov.ttl'))).toEqual(report(GEN3));
  });

  it('refuses a document that is not yProv4ML output', () => {
    expectUsageError(reprov(['import', 'yprov4ml', 'examples/train-run.json', '-o', join(temp(), 'b')]), 'examples/train-run.json: not a yProv4ML document');
  });
});

describe('reprov export ro-crate', () => {
  it('exports an imported MLflow run as a directory and as a zip, saying which files stay out and why', () => {
    const out = temp();
    reprov(['import', 'mlflow', MLRUNS, '-o', out, '--run', GOOD]);
    const crate = join(temp(), 'crate');
    const result = reprov(['export', 'ro-crate', join(out, GOOD), '-o', crate]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${crate}\n`);
    // The model and the data stay in the MLflow store, outside the bundle: described, not copied.
    expect(result.stderr).toMatch(/reprov: {3}not copied: \/\S+\/artifacts\/model \(urn:reprov:run:a1b2c3d4e5f60718293a4b5c6d7e8f90\/data\/output\/model\): an absolute path/);
    expect(readdirSync(crate).sort()).toEqual(['.reprov-bundle', 'metrics', 'prov.json', 'prov.ttl', 'ro-crate-metadata.json']);
    const metadata = JSON.parse(readFileSync(join(crate, 'ro-crate-metadata.json'), 'utf8')) as { '@graph': { '@type': string; name?: string }[] };
    expect(metadata['@graph'].find((e) => e['@type'] === 'CreateAction')?.name).toBe('good-run');

    const zip = join(temp(), 'run.zip');
    expect(reprov(['export', 'ro-crate', join(out, GOOD, 'prov.ttl'), '-o', zip]).status).toBe(0);
    expect(Object.keys(unzipSync(readFileSync(zip)))).toContain('ro-crate-metadata.json');
  });

  it('refuses bad input with one line and exit 2', () => {
    const dir = temp();
    expectUsageError(reprov(['export', 'ro-crate', join(dir, 'missing.json'), '-o', join(dir, 'c')]), join(dir, 'missing.json'));
    expectUsageError(reprov(['export', 'ro-crate', dir, '-o', join(dir, 'c')]), `${dir}: no bundle in this directory`);
    writeFileSync(join(dir, 'prov.ttl'), '<urn:x> a <http://www.w3.org/ns/prov#Entity> .');
    expectUsageError(reprov(['export', 'ro-crate', dir, '-o', join(dir, 'c')]), 'no run (mls:Run) in the bundle');
  });
});
