/**
 * A real yProv4ML document (fixtures: HPCI-Lab/yProvML examples/prov/mnist_exp_0) laid out as
 * yProv4ML writes it: the PROV-JSON in examples/prov/mnist_exp_0/ and its metric files named from
 * the directory the run started in (`examples/prov/mnist_exp_0/metrics/…nc`). check, verify and
 * export find them through the CLI; a hostile path still never leaves the bundle directory.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';

/** Third-party data, read in place (fixtures/README.md). */
const FIXTURE = fileURLToPath(new URL('../../../shared/fixtures/yprov4ml/prov_mnist_exp_GR0_0.json', import.meta.url));
const DIR = 'examples/prov/mnist_exp_0';
const JSON_NAME = 'prov_mnist_exp_GR0_0.json';

type Finding = { rule: string; severity: string; message: string };
type CheckJson = { bundles: { score: number; findings: Finding[] }[] };

let root: string;
let text: string;
let metricPaths: string[];
beforeEach(() => {
  if (!existsSync(FIXTURE)) return;
  root = mkdtempSync(join(tmpdir(), 'rpv-yprov-side-'));
  text = readFileSync(FIXTURE, 'utf8');
  metricPaths = [...new Set(text.match(/examples\/prov\/mnist_exp_0\/metrics\/[^"]+\.nc/g) ?? [])];
});
afterEach(() => root && rmSync(root, { recursive: true, force: true }));

/** The document and (unless `withFiles` is false) every metric file it names, where yProv4ML wrote them, under `root`. */
function layOut(document = text, withFiles = true): string {
  mkdirSync(join(root, DIR), { recursive: true });
  writeFileSync(join(root, DIR, JSON_NAME), document);
  if (withFiles) {
    for (const path of metricPaths) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      // yProv4ML records no digest of its metric files: any content stands for the NetCDF data.
      writeFileSync(join(root, path), `netcdf ${path}\n`);
    }
  }
  return join(DIR, JSON_NAME);
}

const check = (bundle: string) => {
  const result = reprov(['check', '--format', 'json', bundle], { cwd: root });
  return { status: result.status, json: JSON.parse(result.stdout) as CheckJson };
};
const m004 = (json: CheckJson) => json.bundles[0]!.findings.filter((f) => f.rule === 'RPV-M004');

describe.skipIf(!existsSync(FIXTURE))('yProv4ML metric files named from the directory the run started in', () => {
  it('the fixture names 10 metric files from the run\'s starting directory', () => {
    expect(metricPaths).toHaveLength(10);
  });

  it('check finds every metric file where yProv4ML wrote it (no RPV-M004 finding)', () => {
    const bundle = layOut();
    expect(m004(check(bundle).json)).toEqual([]);
    // From inside the bundle directory too: the paths are taken against the bundle's directory, not the current one.
    const inside = reprov(['check', '--format', 'json', JSON_NAME], { cwd: join(root, DIR) });
    expect(m004(JSON.parse(inside.stdout) as CheckJson)).toEqual([]);
  });

  it('check on the document alone (as CI linting a committed file does) warns that the files were not at hand, and the score loses only half the rule', () => {
    const alone = check(layOut(text, false));
    expect(m004(alone.json)).toHaveLength(10);
    expect(m004(alone.json).every((f) => f.severity === 'warning' && /is not at hand: no such file in the bundle directory/.test(f.message))).toBe(true);
    rmSync(join(root, DIR), { recursive: true });
    const whole = check(layOut());
    expect(alone.json.bundles[0]!.score).toBeLessThan(whole.json.bundles[0]!.score);
    // A file present with another digest is an error (the fixture records none, so a directory where a file is recorded stands in).
    rmSync(join(root, metricPaths[0]!));
    mkdirSync(join(root, metricPaths[0]!));
    expect(m004(check(join(DIR, JSON_NAME)).json)).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('is a directory, but the bundle describes a file') })]);
  });

  it('verify finds them in the bundle directory', () => {
    const bundle = layOut();
    const result = reprov(['verify', '--format', 'json', bundle], { cwd: root });
    const report = JSON.parse(result.stdout) as { items: { kind: string; path?: string; message: string }[] };
    const metrics = report.items.filter((i) => i.kind === 'metric');
    expect(metrics.map((m) => m.path).sort()).toEqual([...metricPaths].sort());
    for (const item of metrics) expect(item.message).toContain(`the file is at hand as ${item.path!.slice(DIR.length + 1)}`);
  });

  it('export ro-crate copies them, with their sha256', () => {
    const bundle = layOut();
    const out = join(root, 'crate');
    const result = reprov(['export', 'ro-crate', bundle, '-o', out], { cwd: root });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/metrics\/.*not copied/);
    const copied = readdirSync(join(out, 'metrics')).sort();
    expect(copied).toEqual(metricPaths.map((p) => p.slice(`${DIR}/metrics/`.length)).sort());
    const graph = (JSON.parse(readFileSync(join(out, 'ro-crate-metadata.json'), 'utf8')) as { '@graph': { '@id': string; sha256?: string }[] })['@graph'];
    for (const name of copied) {
      const entity = graph.find((e) => e['@id'] === `metrics/${encodeURIComponent(name)}`);
      expect(entity?.sha256, name).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  describe('hostile paths never leave the bundle directory', () => {
    const SECRET = 'secret outside the bundle\n';
    const hostile = (replacement: string) => text.split(metricPaths[0]!).join(replacement);
    beforeEach(() => {
      writeFileSync(join(root, 'secret.nc'), SECRET);
      mkdirSync(join(root, 'examples', 'etc'), { recursive: true });
      writeFileSync(join(root, 'examples', 'etc', 'passwd'), SECRET);
    });

    for (const path of [`${DIR}/../../../secret.nc`, '../../etc/passwd', `${DIR}/../../../../../../etc/passwd`, 'mnist_exp_0/../../../secret.nc']) {
      it(`refuses ${path}: check errs, verify refuses, export does not copy it`, () => {
        const bundle = layOut(hostile(path));
        const findings = m004(check(bundle).json);
        expect(findings).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringMatching(/leaves the bundle directory \(\.\.\): a path outside it is not read$/) })]);
        const verified = JSON.parse(reprov(['verify', '--format', 'json', bundle], { cwd: root }).stdout) as { items: { path?: string; message: string }[] };
        expect(verified.items.find((i) => i.path === path)?.message).toMatch(/not followed/);
        const out = join(root, 'crate');
        const exported = reprov(['export', 'ro-crate', bundle, '-o', out], { cwd: root });
        expect(exported.status).toBe(0);
        expect(exported.stderr).toContain(`${path} (`);
        const every = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
        expect(every.some((content) => content.includes(SECRET))).toBe(false);
      });
    }
  });
});
