/**
 * Opens report pages in a real browser: Debian's Chromium (/usr/bin/chromium, or $CHROMIUM)
 * driven by playwright-core, which never downloads a browser. CI installs chromium with apt
 * (.ci/run); when it is missing these tests fail, they are not skipped.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}

export interface OpenedPage {
  page: Page;
  /** Console messages of type error, and uncaught exceptions. */
  errors: string[];
  /** Every URL the page asked for, the page itself included. */
  requests: string[];
  dialogs: string[];
  url: string;
}

/** The page at `file`, loaded through file:// and drawn (its charts too). */
export async function open(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport });
  const opened: OpenedPage = { page, errors: [], requests: [], dialogs: [], url: pathToFileURL(file).href };
  page.on('console', (m) => { if (m.type() === 'error') opened.errors.push(m.text()); });
  page.on('pageerror', (e) => opened.errors.push(e.message));
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('dialog', (d) => { opened.dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(opened.url);
  await page.waitForSelector('html[data-ready=true][data-charts=ready]', { timeout: 20_000 });
  return opened;
}
