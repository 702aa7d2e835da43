/**
 * `reprov reproduce -f html`: once rerun, the comparison page of the run and its rerun headed by
 * the verdict; a run that could not be rerun gets its text report as a page. In Chromium.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { initRepo } from '../support/git.js';
import { tempDir, write } from '../release/workspace.js';
import { launch, open } from './browser.js';

const TRAIN = `import numpy as np
import reprov
rng = np.random.default_rng(5)
for step in range(30):
    reprov.log_metric("loss", float(rng.normal()), step=step)
with open("out.txt", "w") as f:
    f.write("done\\n")
`;

let browser: Browser;
let ws: string;

beforeAll(async () => {
  ws = initRepo(tempDir(), { 'train.py': TRAIN, '.gitignore': 'runs/\nout.txt\ndata/\n*.html\n' });
  write(ws, 'data/values.txt', '1\n');
  const recorded = reprov(['record', '-q', '--no-system', '-o', 'runs/a', '--input', 'data/values.txt', '--', '/usr/bin/python3', 'train.py'], { cwd: ws });
  expect(recorded.status, recorded.stderr).toBe(0);
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

describe('reprov reproduce -f html', () => {
  it('a rerun run: the comparison page of run and rerun, headed by the verdict, every point of both curves drawn', async () => {
    const made = reprov(['reproduce', '-q', 'runs/a', '--out', 'runs/a-rerun', '-f', 'html', '-o', 'reproduce.html'], { cwd: ws });
    expect(made.status, made.stderr).toBe(0);
    const opened = await open(browser, join(ws, 'reproduce.html'));
    await opened.page.screenshot({ path: join(ws, 'reproduce-page.png'), fullPage: true });
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
    expect(await opened.page.locator('h1').first().textContent()).toBe('reprov reproduce: bitwise');
    expect(await opened.page.locator('#outcome').getAttribute('data-verdict')).toBe('bitwise');
    expect(await opened.page.locator('#outcome').textContent()).toMatch(/^bitwise: 1 output\(s\) and 30 metric point\(s\) identical/);
    expect(await opened.page.locator('#runs tbody tr').count()).toBe(2);
  }, 120_000);

  it('a run that could not be rerun (its input changed): the text report as a page, exit 2', async () => {
    writeFileSync(join(ws, 'data', 'values.txt'), '2\n');
    const made = reprov(['reproduce', '-q', 'runs/a', '-f', 'html', '-o', 'not-rerun.html'], { cwd: ws });
    expect(made.status).toBe(2);
    const opened = await open(browser, join(ws, 'not-rerun.html'));
    expect(opened.errors).toEqual([]);
    expect(await opened.page.locator('h1').first().textContent()).toBe('reprov reproduce: not rerun');
    expect(await opened.page.locator('pre.text-report').textContent()).toContain('data/values.txt');
  }, 120_000);
});
