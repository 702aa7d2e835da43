/**
 * `reprov report BUNDLE` in Chromium: a run recorded through the CLI (a real Python process logging
 * metrics, a parameter and an input file whose name and value are markup), opened from file://.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { launch, open, type OpenedPage } from './browser.js';
import { expectedGraph, pointsPerMetric } from './expected.js';

const HOSTILE = '</script><img src=x onerror=alert(1)>';
const dir = mkdtempSync(join(tmpdir(), 'reprov-report-run-'));
const bundle = join(dir, 'run');
const html = join(dir, 'report.html');
let browser: Browser;
let opened: OpenedPage;

const TRAIN = `import reprov
for epoch in range(3):
    for i in range(40):
        step = epoch * 40 + i
        reprov.log_metric("loss", 1 / (step + 1), step=step, epoch=epoch)
    reprov.log_metric("loss", 0.5 / (epoch + 1), step=step, epoch=epoch, context="validation")
    reprov.log_metric("accuracy", 0.5 + epoch * 0.1, step=step, epoch=epoch, context="validation")
reprov.log_metric("nan_metric", float("nan"), step=0)
reprov.log_metric("nan_metric", 2.0, step=1)
reprov.log_metric("${HOSTILE}", 1.0, step=0)
open("model.bin", "w").write("weights")
`;

beforeAll(async () => {
  writeFileSync(join(dir, 'train.py'), TRAIN);
  // A file whose path holds markup: the directory `x<` and the file `script><img src=x onerror=alert(1)>`.
  mkdirSync(join(dir, 'x<'));
  writeFileSync(join(dir, `x${HOSTILE}`), 'data');
  const recorded = reprov(['record', '-q', '-o', bundle, '--seed', 'numpy=0', '--param', 'lr=0.5', '--param', `evil=${HOSTILE}`,
    '--input', `x${HOSTILE}`, '--produces', 'model.bin', '--system-interval', '50', '--', 'python3', 'train.py'], { cwd: dir });
  expect(recorded.status, recorded.stderr).toBe(0);
  const report = reprov(['report', bundle, '-o', html], { cwd: dir });
  expect(report.status, report.stderr).toBe(0);
  browser = await launch();
  opened = await open(browser, html);
  await opened.page.screenshot({ path: join(dir, 'run-page.png'), fullPage: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('reprov report BUNDLE', () => {
  it('is one file that opens without a console error and asks for nothing but itself', () => {
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
    const text = readFileSync(html, 'utf8');
    expect(text).not.toMatch(/<(link|img|iframe)\b/i);
    expect(text).not.toMatch(/\bsrc=["']?https?:/i);
  });

  it('shows the run summary', async () => {
    const field = (name: string) => opened.page.locator(`dd[data-field=${name}]`).textContent();
    expect(await field('status')).toBe('succeeded');
    expect(await field('exitCode')).toBe('0');
    expect(await field('command')).toContain('python3 train.py');
  });

  it('draws one SVG node per PROV node and one edge per relation, metrics collapsed per context, then expanded', async () => {
    const expected = expectedGraph(join(bundle, 'prov.json'));
    const drawn = async () => ({
      nodes: new Set(await opened.page.$$eval('#prov-graph .node', (els) => els.map((e) => e.getAttribute('data-id')!))),
      nodeCount: await opened.page.locator('#prov-graph .node').count(),
      edges: await opened.page.$$eval('#prov-graph .edge', (els) => els.map((e) => `${e.getAttribute('data-from')} ${e.getAttribute('data-relation')} ${e.getAttribute('data-to')}`)),
    });
    const collapsed = await drawn();
    expect(collapsed.nodes).toEqual(expected.collapsedNodes);
    expect(collapsed.nodeCount).toBe(expected.collapsedNodes.size);
    expect(new Set(collapsed.edges)).toEqual(expected.collapsedEdges);
    expect(collapsed.edges.length).toBe(expected.collapsedEdges.size);
    expect(collapsed.nodes).toContain('metrics:training');
    await opened.page.click('#graph-toggle');
    const expanded = await drawn();
    expect(expanded.nodes).toEqual(expected.nodes);
    expect(expanded.nodeCount).toBe(expected.nodes.size);
    expect(new Set(expanded.edges)).toEqual(expected.edges);
    expect(expanded.edges.length).toBe(expected.edges.size);
    // PROV shapes: entities ellipses, activities rectangles, agents houses.
    expect(await opened.page.locator('#prov-graph .node[data-id="run:run"] rect').count()).toBe(1);
    expect(await opened.page.locator('#prov-graph .node[data-id="run:param/lr"] ellipse').count()).toBe(1);
    expect(await opened.page.locator('#prov-graph .node.agent polygon').count()).toBeGreaterThan(0);
    await opened.page.click('#graph-toggle');
  });

  it("shows a node's attributes on hover", async () => {
    await opened.page.hover('#prov-graph .node[data-id="run:param/lr"]');
    const info = await opened.page.locator('#node-info').textContent();
    expect(info).toContain('prov:value');
    expect(info).toContain('0.5');
    expect(info).not.toContain('null');
    await opened.page.hover('#prov-graph .node[data-id="metrics:training"]');
    const group = await opened.page.locator('#node-info').textContent();
    expect(group).toContain('metric entities collapsed into this node');
    expect(group).toContain('loss');
  });

  it('draws a chart per metric with as many points as its series, contexts overlaid', async () => {
    const expected = pointsPerMetric(bundle);
    const charts = await opened.page.$$eval('figure.chart', (els) => els.map((e) => [e.getAttribute('data-metric')!, Number(e.getAttribute('data-points')), Number(e.getAttribute('data-series'))] as const));
    expect(new Map(charts.map(([m, p]) => [m, p]))).toEqual(expected);
    expect(charts.find(([m]) => m === 'loss')?.[2]).toBe(2);
    expect(await opened.page.locator('figure.chart[data-metric=loss] canvas').count()).toBe(1);
    // Switching the x axis keeps every point.
    await opened.page.selectOption('#x-mode', 'epoch');
    expect(Number(await opened.page.getAttribute('figure.chart[data-metric=loss]', 'data-points'))).toBe(expected.get('loss'));
    await opened.page.selectOption('#x-mode', 'time');
    expect(Number(await opened.page.getAttribute('figure.chart[data-metric=loss]', 'data-points'))).toBe(expected.get('loss'));
    await opened.page.selectOption('#x-mode', 'step');
    // The text alternative: a table of the chart's points.
    await opened.page.click('figure.chart[data-metric=accuracy] .table-toggle');
    expect(await opened.page.locator('figure.chart[data-metric=accuracy] table.points tbody tr').count()).toBe(expected.get('accuracy'));
    expect(opened.errors).toEqual([]);
  });

  it('draws the system metrics the run sampled over time, in their own section, every sample', async () => {
    const sampled = [...pointsPerMetric(bundle)].filter(([name]) => /^(system|gpu)\./.test(name));
    expect(sampled.length).toBeGreaterThan(0);
    const drawn = await opened.page.$$eval('#system figure.chart', (els) => els.map((e) => [e.getAttribute('data-metric')!, Number(e.getAttribute('data-points'))] as const));
    expect(new Map(drawn)).toEqual(new Map(sampled));
    expect(await opened.page.locator('#metrics figure.chart[data-metric^="system."]').count()).toBe(0);
    expect(await opened.page.locator('#system #x-mode').count()).toBe(0);
    // The text alternative: one row per sample, x as a time.
    const memory = opened.page.locator('#system figure.chart[data-metric="system.memory.used_bytes"]');
    await memory.locator('.table-toggle').click();
    const rows = memory.locator('table.points tbody tr');
    expect(await rows.count()).toBe(new Map(sampled).get('system.memory.used_bytes'));
    expect(await rows.first().locator('td').first().textContent()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expect(opened.errors).toEqual([]);
  });

  it('lists the findings of reprov check -f json, with their fix and rule', async () => {
    const check = reprov(['check', '-f', 'json', bundle], { cwd: dir });
    const json = JSON.parse(check.stdout) as { bundles: { findings: { rule: string; message: string; fix: string }[]; score: number }[] };
    const fromJson = json.bundles[0]!.findings.map((f) => `${f.rule} ${f.message}`).sort();
    expect(fromJson.length).toBeGreaterThan(0);
    const shown = await opened.page.$$eval('#findings li.finding', (els) => els.map((e) => `${e.getAttribute('data-rule')} ${e.querySelector('.message')!.textContent}`));
    expect(shown.sort()).toEqual(fromJson);
    expect(await opened.page.locator('#score').textContent()).toBe(String(json.bundles[0]!.score));
    const fix = await opened.page.locator('#findings li.finding .fix').first().textContent();
    expect(fix).toContain(json.bundles[0]!.findings.find((f) => f.rule === (shown[0] ?? '').split(' ')[0])?.fix.slice(0, 20) ?? '');
    expect(await opened.page.locator('#rules .rule-doc').count()).toBe(new Set(fromJson.map((f) => f.split(' ')[0])).size);
  });

  it('renders a parameter value and a file name holding markup as text', async () => {
    expect(await opened.page.locator('img').count()).toBe(0);
    expect(opened.dialogs).toEqual([]);
    expect(await opened.page.locator('#parameters td', { hasText: HOSTILE }).count()).toBe(1);
    expect(await opened.page.locator('#inputs td', { hasText: `x${HOSTILE}` }).count()).toBe(1);
    const text = readFileSync(html, 'utf8');
    // The data element holds no `<`: nothing in it can end the element.
    const data = /<script type="application\/json" id="reprov-data">([\s\S]*?)<\/script>/.exec(text)![1]!;
    expect(data).not.toContain('<');
    expect(JSON.stringify(JSON.parse(data))).toContain(HOSTILE);
    // Nor the metric points' element (a metric name holding markup is planted in the bundle).
    const series = /<script type="application\/json" id="reprov-series">([\s\S]*?)<\/script>/.exec(text)![1]!;
    expect(series).not.toContain('<');
    expect(JSON.stringify(JSON.parse(series))).toContain(HOSTILE);
  });

  it('draws a million-point series reduced to min/max per column, and says so', async () => {
    const big = join(dir, 'big');
    cpSync(bundle, big, { recursive: true });
    const lines = ['loss,training,reprov'];
    for (let i = 0; i < 1_000_000; i++) lines.push(`0,${i === 500_000 ? 1000 : Math.sin(i / 5000)},${1_700_000_000_000 + i},${i}`);
    writeFileSync(join(big, 'metrics', 'loss_training_reprov_GR0.csv'), `${lines.join('\n')}\n`);
    const out = join(dir, 'big.html');
    const made = reprov(['report', big, '-o', out], { cwd: dir });
    expect(made.status, made.stderr).toBe(0);
    expect(statSync(out).size).toBeLessThan(1.5 * 1024 * 1024);
    const page = await open(browser, out);
    await page.page.screenshot({ path: join(dir, 'big-page.png'), fullPage: true });
    expect(page.errors).toEqual([]);
    const loss = page.page.locator('figure.chart[data-metric=loss]');
    const shown = Number(await loss.getAttribute('data-shown'));
    expect(Number(await loss.getAttribute('data-count'))).toBe(1_000_000 + 3); // and validation's 3
    expect(shown).toBeLessThanOrEqual(2000 + 3);
    expect(Number(await loss.getAttribute('data-points'))).toBe(shown);
    expect(await loss.locator('.reduced').textContent()).toMatch(/training shows \d+ of 1000000 points/);
    // The one-point spike survives the reduction.
    await loss.locator('.table-toggle').click();
    expect(await loss.locator('table.points').textContent()).toContain('1000');
    await page.page.close();
  });
});
