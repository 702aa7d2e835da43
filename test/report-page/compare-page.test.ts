/**
 * `reprov report A B`: the comparison page of two recorded runs that differ in a parameter, in
 * Chromium. Its verdict and sections are those of `reprov diff`; each metric's chart overlays
 * the runs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { launch, open, type OpenedPage } from './browser.js';
import { pointsPerMetric } from './expected.js';

const dir = mkdtempSync(join(tmpdir(), 'reprov-report-compare-'));
const TRAIN = `import reprov, sys
lr = float(sys.argv[1])
for step in range(50):
    reprov.log_metric("loss", 1 / (1 + lr * step), step=step)
reprov.log_metric("loss", 0.3 / lr, step=49, context="validation")
`;
let browser: Browser;
let opened: OpenedPage;

beforeAll(async () => {
  writeFileSync(join(dir, 'train.py'), TRAIN);
  for (const [name, lr] of [['a', '0.1'], ['b', '0.2']] as const) {
    const r = reprov(['record', '-q', '-o', join(dir, name), '--param', `lr=${lr}`, '--', 'python3', 'train.py', lr], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
  }
  const made = reprov(['report', join(dir, 'a'), join(dir, 'b'), '-o', join(dir, 'compare.html')], { cwd: dir });
  expect(made.status, made.stderr).toBe(0);
  browser = await launch();
  opened = await open(browser, join(dir, 'compare.html'));
  await opened.page.screenshot({ path: join(dir, 'compare-page.png'), fullPage: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

describe('reprov report A B', () => {
  it('opens without a console error or a request', () => {
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
  });

  it("gives reprov diff's verdict and its sections", async () => {
    const diff = reprov(['diff', '-f', 'json', join(dir, 'a'), join(dir, 'b')], { cwd: dir });
    const json = JSON.parse(diff.stdout) as { equivalent: boolean; differing: string[]; sections: { name: string; entries: { key: string; change: string }[] }[] };
    expect(json.equivalent).toBe(false);
    expect(await opened.page.locator('.diff').getAttribute('data-equivalent')).toBe(String(json.equivalent));
    expect(await opened.page.locator('.verdict').textContent()).toBe(`not equivalent: the runs differ in ${json.differing.join(', ')}`);
    const shown = await opened.page.$$eval('.diff-section', (els) => els.map((e) => e.getAttribute('data-section')));
    expect(shown).toEqual(json.sections.filter((s) => s.entries.length).map((s) => s.name));
    const params = await opened.page.locator('.diff-section[data-section=parameters] tbody tr').allTextContents();
    expect(params.join('\n')).toContain('lr0.10.2');
  });

  it('overlays the runs on one chart per metric and context, every point drawn', async () => {
    const a = pointsPerMetric(join(dir, 'a'));
    const b = pointsPerMetric(join(dir, 'b'));
    const loss = await opened.page.locator('figure.chart[data-metric="training/loss"]');
    expect(await loss.getAttribute('data-series')).toBe('2');
    // loss has 50 training points and 1 validation point per run.
    expect(Number(await loss.getAttribute('data-points'))).toBe(a.get('loss')! - 1 + b.get('loss')! - 1);
    expect(await opened.page.locator('figure.chart[data-metric="validation/loss"]').getAttribute('data-points')).toBe('2');
  });
});
