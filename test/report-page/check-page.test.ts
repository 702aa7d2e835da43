/**
 * `reprov check --format html` over several bundles and `reprov scan --format html` over several
 * files, in Chromium: a sortable table with a row per bundle or file, expanding to the findings of
 * the JSON report; and `reprov convert -t dot`.
 */
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, reprov } from '../support/cli.js';
import { launch, open } from './browser.js';
import { expectedGraph } from './expected.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const dir = mkdtempSync(join(tmpdir(), 'reprov-report-check-'));
let browser: Browser;

beforeAll(async () => {
  cpSync(join(REPO, 'examples/check/before'), join(dir, 'bundles/before'), { recursive: true });
  cpSync(join(REPO, 'examples/check/after'), join(dir, 'bundles/after'), { recursive: true });
  copyFileSync(join(REPO, 'fixtures/yprov4ml/gen1-cifar-resnet.json'), join(dir, 'bundles/gen1.json'));
  copyFileSync(join(REPO, 'fixtures/yprov4ml/gen3-mnist-cnn.json'), join(dir, `bundles/${HOSTILE}.json`));
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

interface JsonBundle { file: string; score: number | null; findings: { rule: string; message: string }[] }

async function tablePage(kind: 'check' | 'scan', args: string[], name: string) {
  const html = join(dir, `${name}.html`);
  const made = reprov([kind, '-f', 'html', '-o', html, ...args], { cwd: dir });
  expect([0, 1], made.stderr).toContain(made.status);
  const json = reprov([kind, '-f', 'json', ...args], { cwd: dir });
  const report = JSON.parse(json.stdout) as { bundles?: JsonBundle[]; files?: JsonBundle[] };
  const opened = await open(browser, html);
  await opened.page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  return { opened, entries: (report.bundles ?? report.files)!, html };
}

describe('reprov check --format html', () => {
  it('has a row per bundle, sortable, each expanding to the findings of the JSON report', async () => {
    const { opened, entries, html } = await tablePage('check', ['bundles/before', 'bundles/after', 'bundles/gen1.json', `bundles/${HOSTILE}.json`], 'check');
    const { page } = opened;
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
    expect(entries.length).toBe(4);
    const files = await page.$$eval('tr.bundle-row', (rows) => rows.map((r) => r.getAttribute('data-file')!));
    expect(files.sort()).toEqual(entries.map((b) => b.file).sort());
    // Sorted by score when the header is clicked, then the other way.
    await page.click('th:nth-child(2) button.sort');
    const scores = async () => (await page.$$eval('tr.bundle-row td:nth-child(2)', (cells) => cells.map((c) => c.textContent!))).map((t) => (t === 'n/a' ? -1 : Number(t)));
    const up = await scores();
    expect(up).toEqual([...up].sort((a, b) => a - b));
    await page.click('th:nth-child(2) button.sort');
    const down = await scores();
    expect(down).toEqual([...up].reverse());
    for (const bundle of entries) {
      const row = page.locator('tr.bundle-row', { has: page.locator(`button.expand`, { hasText: bundle.file }) }).first();
      await row.locator('button.expand').click();
      const detail = page.locator(`tr.bundle-row[data-file="${bundle.file.replace(/"/g, '\\"')}"] + tr.findings-row`);
      expect(await detail.isVisible()).toBe(true);
      const shown = await detail.locator('li.finding').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-rule')} ${e.querySelector('.message')!.textContent}`));
      expect(shown.sort()).toEqual(bundle.findings.map((f) => `${f.rule} ${f.message}`).sort());
    }
    // A bundle whose file name is markup is a row of text.
    expect(files.some((f) => f.includes(HOSTILE))).toBe(true);
    expect(await page.locator('img').count()).toBe(0);
    expect(opened.dialogs).toEqual([]);
    expect(readFileSync(html, 'utf8')).not.toContain(HOSTILE);
  });
});

describe('reprov scan --format html', () => {
  it('has a row per file with findings', async () => {
    writeFileSync(join(dir, 'train.py'), 'import random\nimport numpy as np\nx = random.random()\ny = np.random.rand(3)\n');
    writeFileSync(join(dir, 'eval.py'), 'import torch\nmodel = torch.nn.Linear(2, 2)\n');
    const { opened, entries } = await tablePage('scan', ['train.py', 'eval.py'], 'scan');
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
    const files = await opened.page.$$eval('tr.bundle-row', (rows) => rows.map((r) => r.getAttribute('data-file')!));
    expect(files.sort()).toEqual(entries.map((f) => f.file).sort());
    const train = entries.find((f) => f.file.endsWith('train.py'))!;
    expect(train.findings.length).toBeGreaterThan(0);
    await opened.page.click(`tr.bundle-row[data-file="${train.file}"] button.expand`);
    expect(await opened.page.locator(`tr.bundle-row[data-file="${train.file}"] + tr li.finding`).count()).toBe(train.findings.length);
  });
});

describe('reprov convert -t dot', () => {
  it("writes one node per PROV node and one edge per relation, in ProvToolbox's shapes", () => {
    const rec = reprov(['record', '-q', '-o', join(dir, 'run'), '--param', 'lr=1', '--', 'python3', '-c', 'pass'], { cwd: dir });
    expect(rec.status, rec.stderr).toBe(0);
    const provJson = join(dir, 'run', 'prov.json');
    const out = reprov(['convert', provJson, '-t', 'dot']);
    expect(out.status, out.stderr).toBe(0);
    const expected = expectedGraph(provJson);
    const nodeLines = out.stdout.split('\n').filter((l) => /^ {2}n\d+ \[/.test(l));
    const edgeLines = out.stdout.split('\n').filter((l) => /^ {2}n\d+ -> n\d+/.test(l));
    expect(out.stdout.startsWith('digraph "provenance" {\n  rankdir="BT";')).toBe(true);
    expect(nodeLines.length).toBe(expected.nodes.size);
    expect(edgeLines.length).toBe(expected.edges.size);
    expect(nodeLines.some((l) => l.includes('shape="house"'))).toBe(true);
    expect(nodeLines.some((l) => l.includes('shape="polygon",sides="4"'))).toBe(true);
    expect(edgeLines.some((l) => l.endsWith('[label="used"];'))).toBe(true);
  });

  it('escapes a label holding quotes, backslashes and line breaks', () => {
    const ttl = join(dir, 'hostile.ttl');
    writeFileSync(ttl, '@prefix prov: <http://www.w3.org/ns/prov#>. @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#>.\n<urn:x:e> a prov:Entity; rdfs:label "a\\"b\\\\c\\nd} ]; n9 -> n0".\n<urn:x:a> a prov:Activity; prov:used <urn:x:e>.\n');
    const out = reprov(['convert', ttl, '-t', 'dot']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('label="a\\"b\\\\c\\nd} ]; n9 -> n0"');
    expect(out.stdout.split('\n').filter((l) => / -> /.test(l) && !l.includes('label="a')).length).toBe(1);
  });
});
