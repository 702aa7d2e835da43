/**
 * `reprov lineage|impact -f html` in Chromium: a three-step pipeline recorded through the CLI
 * (prep → train → eval) whose first input is a file named with markup, and whose runs carry a
 * parameter and an experiment name holding markup. The graph drawn is checked against the JSON
 * answer of the same command.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { initRepo } from '../support/git.js';
import { launch, open, type OpenedPage } from './browser.js';

const HOSTILE = '</script><img src=x onerror=alert(1)>';
// The directory `x<` and in it the file `script><img src=x onerror=alert(1)>`.
const RAW = `x${HOSTILE}`;
const QUICK = ['-q', '--no-hardware', '--no-system'];

interface Entity { location?: string; digest?: string; runs: Run[] }
interface Run { run: string; iri: string; seeAbove?: true; experiment?: string; inputs?: Entity[]; outputs?: Entity[] }
interface Answer { direction: 'upstream' | 'downstream'; digest: string; runs: Run[] }

let root: string;
let browser: Browser;
const pages: Record<string, { html: string; opened: OpenedPage; answer: Answer }> = {};

/** The nodes and relations of an answer, from its JSON: one node per run and per digest. */
function expected(answer: Answer): { nodes: Set<string>; runs: Set<string>; edges: Set<string> } {
  const nodes = new Set([`sha256:${answer.digest}`]);
  const runs = new Set<string>();
  const edges = new Set<string>();
  const walk = (run: Run, from: string) => {
    nodes.add(run.iri);
    runs.add(run.iri);
    edges.add(answer.direction === 'upstream' ? `${from} wasGeneratedBy ${run.iri}` : `${run.iri} used ${from}`);
    for (const e of run.inputs ?? []) {
      nodes.add(`sha256:${e.digest}`);
      edges.add(`${run.iri} used sha256:${e.digest}`);
      e.runs.forEach((r) => walk(r, `sha256:${e.digest}`));
    }
    for (const e of answer.direction === 'downstream' ? run.outputs ?? [] : []) {
      nodes.add(`sha256:${e.digest}`);
      edges.add(`sha256:${e.digest} wasGeneratedBy ${run.iri}`);
      e.runs.forEach((r) => walk(r, `sha256:${e.digest}`));
    }
  };
  answer.runs.forEach((r) => walk(r, `sha256:${answer.digest}`));
  return { nodes, runs, edges };
}

beforeAll(async () => {
  process.env.REPROV_CACHE_DIR = mkdtempSync(join(tmpdir(), 'reprov-cache-'));
  root = mkdtempSync(join(tmpdir(), 'reprov-lineage-page-'));
  initRepo(root, {
    [RAW]: 'a,b\n1,2\n',
    'prep.py': `open('clean.csv', 'w').write(open(${JSON.stringify(RAW)}).read().upper())\n`,
    'train.py': "open('model.bin', 'w').write('model:' + open('clean.csv').read())\n",
    'eval.py': "open('scores.json', 'w').write('{\"acc\": 0.9, \"of\": %d}' % len(open('model.bin').read()))\n",
    '.gitignore': 'runs/\nclean.csv\nmodel.bin\nscores.json\n*.html\n',
  });
  const steps = [
    ['-e', `prep${HOSTILE}`, '-o', 'runs/prep', '-p', `evil=${HOSTILE}`, '--input', RAW, '--produces', 'clean.csv', '--', 'python3', 'prep.py'],
    ['-e', 'train', '-o', 'runs/train', '-s', '42', '-p', 'lr=0.1', '--input', 'clean.csv', '--produces', 'model.bin', '--', 'python3', 'train.py'],
    ['-e', 'eval', '-o', 'runs/eval', '--input', 'model.bin', '--produces', 'scores.json', '--', 'python3', 'eval.py'],
  ];
  for (const step of steps) {
    const recorded = reprov(['record', ...QUICK, ...step], { cwd: root });
    expect(recorded.status, recorded.stderr).toBe(0);
  }
  browser = await launch();
  for (const [command, target] of [['lineage', 'model.bin'], ['impact', RAW]] as const) {
    const html = join(root, `${command}.html`);
    const made = reprov([command, target, 'runs', '-f', 'html', '-o', html, '-q'], { cwd: root });
    expect(made.status, made.stderr).toBe(0);
    const json = reprov([command, target, 'runs', '-f', 'json'], { cwd: root });
    expect(json.status, json.stderr).toBe(0);
    const opened = await open(browser, html);
    await opened.page.screenshot({ path: join(root, `${command}-page.png`), fullPage: true });
    pages[command] = { html, opened, answer: JSON.parse(json.stdout) as Answer };
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.each(['lineage', 'impact'])('reprov %s -f html', (command) => {
  it('is one file that opens without a console error and asks for nothing but itself', () => {
    const { opened, html } = pages[command]!;
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
    expect(readFileSync(html, 'utf8')).not.toMatch(/<(link|img|iframe)\b/i);
  });

  it('draws one SVG node per run and per file, and one edge per relation, as the JSON answer has them', async () => {
    const { opened, answer } = pages[command]!;
    const want = expected(answer);
    const ids = await opened.page.$$eval('#prov-graph .node', (els) => els.map((e) => e.getAttribute('data-id')!));
    expect(ids.length).toBe(want.nodes.size);
    expect(new Set(ids)).toEqual(want.nodes);
    const runs = await opened.page.$$eval('#prov-graph .node.activity', (els) => els.map((e) => e.getAttribute('data-id')!));
    expect(new Set(runs)).toEqual(want.runs);
    // Runs are rectangles, files ellipses.
    expect(await opened.page.locator('#prov-graph .node.activity rect').count()).toBe(want.runs.size);
    expect(await opened.page.locator('#prov-graph .node.entity ellipse').count()).toBe(want.nodes.size - want.runs.size);
    const edges = await opened.page.$$eval('#prov-graph .edge', (els) => els.map((e) => `${e.getAttribute('data-from')} ${e.getAttribute('data-relation')} ${e.getAttribute('data-to')}`));
    expect(edges.length).toBe(want.edges.size);
    expect(new Set(edges)).toEqual(want.edges);
    // The pipeline: lineage of the model is train and prep (2 runs, 3 files); impact of the raw file is all three runs and four files.
    expect([want.runs.size, want.nodes.size - want.runs.size, want.edges.size]).toEqual(command === 'lineage' ? [2, 3, 4] : [3, 4, 6]);
  });

  it("shows a run's and a file's details on hover and click", async () => {
    const { opened, answer } = pages[command]!;
    const train = command === 'lineage' ? answer.runs[0]! : answer.runs[0]!.outputs![0]!.runs[0]!;
    expect(train.experiment).toBe('train');
    await opened.page.hover(`#prov-graph .node[data-id="${train.iri}"]`);
    const info = await opened.page.locator('#node-info').textContent();
    expect(info).toContain('param lr');
    expect(info).toContain('seed');
    expect(info).toContain('experiment');
    await opened.page.click(`#prov-graph .node[data-id="sha256:${answer.digest}"]`);
    expect(await opened.page.locator('#node-info').textContent()).toContain(answer.digest);
  });

  it('has the tree as a table, one row per run and file reached', async () => {
    const { opened } = pages[command]!;
    const kinds = await opened.page.$$eval('#lineage-tree tbody tr', (rows) => rows.map((r) => r.children[1]!.textContent));
    expect(kinds.filter((k) => k === 'run').length).toBe(command === 'lineage' ? 2 : 3);
    expect(await opened.page.locator('#lineage-tree td', { hasText: 'clean.csv' }).count()).toBeGreaterThan(0);
  });

  it('shows file names, parameters and experiment names holding markup as text', async () => {
    const { opened, html } = pages[command]!;
    expect(await opened.page.locator('img').count()).toBe(0);
    expect(opened.dialogs).toEqual([]);
    expect(await opened.page.locator('#lineage-tree td', { hasText: RAW }).count()).toBeGreaterThan(0);
    const { answer } = pages[command]!;
    const prep = command === 'lineage' ? answer.runs[0]!.inputs![0]!.runs[0]! : answer.runs[0]!;
    await opened.page.hover(`#prov-graph .node[data-id="${prep.iri}"]`);
    const info = await opened.page.locator('#node-info').textContent();
    expect(info).toContain(`prep${HOSTILE}`);
    expect(info).toContain(HOSTILE);
    expect(await opened.page.locator('img').count()).toBe(0);
    const text = readFileSync(html, 'utf8');
    const data = /<script type="application\/json" id="reprov-data">([\s\S]*?)<\/script>/.exec(text)![1]!;
    expect(data).not.toContain('<');
    const parsed = JSON.stringify(JSON.parse(data));
    expect(parsed).toContain(JSON.stringify(`prep${HOSTILE}`).slice(1, -1));
    expect(parsed).toContain(JSON.stringify(`evil=${HOSTILE}`).slice(1, -1));
  });
});
