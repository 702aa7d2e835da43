/**
 * `reprov report` on runs other tools recorded. yProv4ML documents (the repository's fixtures and, when present, the real
 * files in ../shared/fixtures/yprov4ml): the page draws the graph of the bundle as reprov maps it
 * (`reprov import yprov4ml` writes that mapping out, and the page must show exactly its nodes);
 * a generation-2 document with its NetCDF4 metric files written by netCDF4 as yProv4ML writes them;
 * and a run of an MLflow file store, imported.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { launch, open } from './browser.js';
import { expectedGraph, pointsPerMetric } from './expected.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/yprov4ml/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/fixtures/yprov4ml/', import.meta.url));
const files = [
  join(FIXTURES, 'gen3-mnist-cnn.json'),
  ...(existsSync(SHARED) ? readdirSync(SHARED).filter((f) => f.endsWith('.json')).sort().map((f) => join(SHARED, f)) : []),
];
const dir = mkdtempSync(join(tmpdir(), 'reprov-report-yprov-'));
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('reprov report on yProv4ML documents', () => {
  it.each(files.map((f) => [f.replace(/^.*\//, ''), f]))('%s', async (name, file) => {
    const input = join(dir, name);
    copyFileSync(file, input);
    const html = join(dir, `${name}.html`);
    const made = reprov(['report', input, '-o', html], { cwd: dir });
    expect(made.status, made.stderr).toBe(0);
    const imported = join(dir, `${name}-import`);
    const imp = reprov(['import', 'yprov4ml', input, '-o', imported], { cwd: dir });
    expect(imp.status, imp.stderr).toBe(0);
    const expected = expectedGraph(join(imported, 'prov.json'));

    const opened = await open(browser, html);
    await opened.page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
    const nodes = await opened.page.$$eval('#prov-graph .node', (els) => els.map((e) => e.getAttribute('data-id')!));
    expect(new Set(nodes)).toEqual(expected.collapsedNodes);
    expect(nodes.length).toBe(expected.collapsedNodes.size);
    expect(nodes.length).toBeGreaterThan(3);
    const edges = await opened.page.$$eval('#prov-graph .edge', (els) => els.map((e) => `${e.getAttribute('data-from')} ${e.getAttribute('data-relation')} ${e.getAttribute('data-to')}`));
    expect(new Set(edges)).toEqual(expected.collapsedEdges);
    expect(edges.length).toBe(expected.collapsedEdges.size);
    // yProv4ML keeps metric values in .nc/.zarr/.csv files beside the document: absent here, and the page says so per chart.
    const charts = await opened.page.$$eval('figure.chart', (els) => els.map((e) => ({ points: Number(e.getAttribute('data-points')), notes: e.querySelectorAll('.note').length })));
    for (const chart of charts) expect(chart.points > 0 || chart.notes > 0).toBe(true);
    await opened.page.close();
  });
});

const PYTHON = '/usr/bin/python3';
const hasNetcdf = spawnSync(PYTHON, ['-c', 'import netCDF4'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasNetcdf && !process.env.CI)('reprov report on a yProv4ML run with its NetCDF4 metric files', () => {
  it('each chart has as many points as the .nc series yProv4ML wrote', async () => {
    const root = join(dir, 'nc');
    const document = readFileSync(join(FIXTURES, 'gen2-mnist-linear.json'), 'utf8');
    const paths = [...new Set(document.match(/prov\/mnist_linear_0\/metrics_GR0\/[^"]+\.nc/g) ?? [])].sort();
    expect(paths).toHaveLength(3);
    const written = new Map<string, number>();
    for (const [i, path] of paths.entries()) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      const points = [1200, 45, 2][i]!;
      const run = spawnSync(PYTHON, [fileURLToPath(new URL('../../fixtures/yprov4ml/write-metric-file.py', import.meta.url)), join(root, path), 'nc', String(points), 'm', 'Training'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      written.set(/metrics_GR0\/(.+?)_(?:Training|Validation)_/.exec(path)![1]!, points);
    }
    writeFileSync(join(root, 'prov/mnist_linear_0/prov.json'), document);
    const html = join(dir, 'yprov4ml-nc.html');
    const made = reprov(['report', 'prov/mnist_linear_0/prov.json', '-o', html], { cwd: root });
    expect(made.status, made.stderr).toBe(0);
    const opened = await open(browser, html);
    await opened.page.screenshot({ path: join(dir, 'yprov4ml-nc.png'), fullPage: true });
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
    const charts = await opened.page.$$eval('figure.chart', (els) => els.map((e) => [e.getAttribute('data-metric')!, Number(e.getAttribute('data-points'))] as const));
    expect(new Map(charts)).toEqual(written);
    await opened.page.close();
  });
});

describe('reprov report on an MLflow import', () => {
  it('draws the imported run: graph, and a chart per metric with every point of its file', async () => {
    const out = join(dir, 'mlflow');
    const imp = reprov(['import', 'mlflow', '-q', join(fileURLToPath(new URL('../../fixtures/mlflow/project/mlruns', import.meta.url))), '-o', out], { cwd: dir });
    expect(imp.status, imp.stderr).toBe(0);
    const run = join(out, 'a1b2c3d4e5f60718293a4b5c6d7e8f90');
    const html = join(dir, 'mlflow.html');
    const made = reprov(['report', run, '-o', html], { cwd: dir });
    expect(made.status, made.stderr).toBe(0);
    const expected = expectedGraph(join(run, 'prov.json'));
    const points = pointsPerMetric(run);
    expect(points.size).toBeGreaterThan(0);
    const opened = await open(browser, html);
    await opened.page.screenshot({ path: join(dir, 'mlflow.png'), fullPage: true });
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
    expect(new Set(await opened.page.$$eval('#prov-graph .node', (els) => els.map((e) => e.getAttribute('data-id')!)))).toEqual(expected.collapsedNodes);
    expect(await opened.page.locator('#prov-graph .edge').count()).toBe(expected.collapsedEdges.size);
    const charts = await opened.page.$$eval('figure.chart', (els) => els.map((e) => [e.getAttribute('data-metric')!, Number(e.getAttribute('data-points'))] as const));
    expect(new Map(charts)).toEqual(points);
    await opened.page.close();
  });
});
