/**
 * `reprov report` speed: a run of 100 metrics × 10k points (aim: the page written in under 2 s,
 * `reprov report` end to end, Node's start-up included) and the page's first paint and full
 * drawing (every chart) in Debian's Chromium (aim: first paint under 1 s). Prints figures; fails
 * nothing. Also writes a screenshot of each page kind (run, comparison, check) into bench/out/report/
 * for the README.
 *
 *   npm run build && node bench/report.mjs [--metrics 100] [--points 10000] [--runs 3]
 *   node bench/report.mjs --metrics 4 --points 2000 --runs 1 --docs   # the README's screenshots (docs/images/report-*.png)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { startRun } from '../dist/src/run/run.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const METRICS = arg('metrics', 100);
const POINTS = arg('points', 10_000);
const RUNS = arg('runs', 3);
const CLI = new URL('../dist/cli/reprov.cjs', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const OUT = new URL('out/report/', import.meta.url).pathname;
const DOCS = process.argv.includes('--docs') ? new URL('../docs/images/', import.meta.url).pathname : undefined;
const OFF = { git: false, environment: false, hardware: false, dependencies: false, determinism: false, system: false };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function makeRun(dir, name, scale) {
  const run = await startRun({ experiment: 'bench', cwd: dir, dir: name, collect: OFF, snapshotIntervalMs: 0 });
  run.logParam('lr', 0.001 * scale);
  for (let m = 0; m < METRICS; m++) {
    const context = m % 4 === 0 ? 'validation' : 'training';
    for (let i = 0; i < POINTS; i++) run.logMetric(`metric_${String(m).padStart(3, '0')}`, Math.exp(-i / (2000 * scale)) + 0.01 * Math.sin(i + m), { step: i, epoch: Math.floor(i / 1000), context });
  }
  await run.end();
  return join(dir, name);
}

/** Wall ms and CPU ms (user + system, every thread: the workers' and V8's too) of one `reprov report`. */
function report(args) {
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, CLI, 'report', '-q', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const wall = performance.now() - start;
  const [user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: (user + sys) * 1000 };
}

/**
 * CPU ms of the main thread and of all others (the layout and series workers, V8's compiler and
 * collector threads) of one `reprov report`, read from /proc/PID/task/TID/stat while it runs
 * (every 5 ms; Linux only). The main thread's share is the part no second core can take over.
 */
async function threadCpu(args) {
  const child = spawn(process.execPath, [CLI, 'report', '-q', ...args], { stdio: 'ignore' });
  const seen = new Map();
  const tick = () => {
    try {
      for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
        const stat = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        seen.set(tid, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
      }
    } catch {
      // the process (or one of its threads) ended between listing and reading
    }
  };
  const timer = setInterval(tick, 5);
  await new Promise((done) => child.on('exit', done));
  clearInterval(timer);
  const main = seen.get(String(child.pid)) ?? NaN;
  return { main, others: [...seen].filter(([tid]) => tid !== String(child.pid)).reduce((sum, [, ms]) => sum + ms, 0) };
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

const dir = mkdtempSync(join(tmpdir(), 'reprov-bench-report-'));
mkdirSync(OUT, { recursive: true });
process.stderr.write(`recording two runs of ${METRICS} metrics × ${POINTS} points…\n`);
const a = await makeRun(dir, 'a', 1);
const b = await makeRun(dir, 'b', 1.5);
const page = join(OUT, 'run.html');
const compare = join(OUT, 'compare.html');
const check = join(OUT, 'check.html');
const generate = [];
const load = [];
for (let i = 0; i < RUNS; i++) {
  load.push(loadavg()[0]);
  generate.push(report([a, '-o', page]));
}
const compared = report([a, b, '-o', compare]);
const threads = [];
if (existsSync('/proc/self/task')) for (let i = 0; i < RUNS; i++) threads.push(await threadCpu([a, '-o', page]));
spawnSync(process.execPath, [CLI, 'check', '-f', 'html', '-o', check, a, b, 'examples/check/before', 'examples/check/after'], { encoding: 'utf8' });

console.log(`(${cpus().length} cores; 1-minute load average ${load.map((l) => l.toFixed(1)).join(', ')} at the start of each run: wall times are inflated by other work, CPU times much less)`);
console.log(`| measure | figure | aim |`);
console.log(`| --- | --- | --- |`);
console.log(`| \`reprov report\` of ${METRICS} metrics × ${POINTS} points (median of ${RUNS}, end to end), wall | ${Math.round(median(generate.map((g) => g.wall)))} ms | < 2000 ms |`);
console.log(`| the same, CPU (user + system, all threads) | ${Math.round(median(generate.map((g) => g.cpu)))} ms | |`);
if (threads.length) console.log(`| the same, CPU of the main thread / of the other threads (median of ${RUNS}) | ${Math.round(median(threads.map((t) => t.main)))} / ${Math.round(median(threads.map((t) => t.others)))} ms | |`);
console.log(`| the page's size | ${(statSync(page).size / 1024 / 1024).toFixed(2)} MB | |`);
console.log(`| \`reprov report A B\` (two such runs), wall / CPU | ${Math.round(compared.wall)} / ${Math.round(compared.cpu)} ms | |`);

if (!existsSync(CHROMIUM)) {
  console.log(`| first paint in Chromium | n/a (${CHROMIUM} missing) | < 1000 ms |`);
} else {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const paints = [];
  const drawn = [];
  for (let i = 0; i < RUNS; i++) {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const start = performance.now();
    await tab.goto(pathToFileURL(page).href);
    await tab.waitForSelector('html[data-charts=ready]', { timeout: 60_000 });
    const all = performance.now() - start;
    // Chromium's own paint timing (the PerformanceObserver 'paint' entry), from the start of navigation.
    const fcp = await tab.evaluate(() => new Promise((resolve) => {
      new PerformanceObserver((list) => {
        const entry = list.getEntries().find((e) => e.name === 'first-contentful-paint');
        if (entry) resolve(entry.startTime);
      }).observe({ type: 'paint', buffered: true });
    }));
    paints.push(fcp);
    drawn.push(all);
    await tab.close();
  }
  console.log(`| first contentful paint in Chromium (median of ${RUNS}) | ${Math.round(median(paints))} ms | < 1000 ms |`);
  console.log(`| every chart drawn (load → last of ${METRICS} charts) | ${Math.round(median(drawn))} ms | |`);
  if (DOCS) mkdirSync(DOCS, { recursive: true });
  for (const [file, shot, from] of [[page, 'run', '#graph'], [compare, 'compare', 'body'], [check, 'check', 'body']]) {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await tab.goto(pathToFileURL(file).href);
    await tab.waitForSelector('html[data-charts=ready]', { timeout: 60_000 });
    if (shot === 'check') await tab.click('tr.bundle-row button.expand');
    await tab.screenshot({ path: join(OUT, `${shot}.png`) });
    if (DOCS) {
      // The part of the page a reader wants to see first: the graph and charts of a run, the top of the others.
      const top = await tab.evaluate((selector) => document.querySelector(selector).getBoundingClientRect().top + window.scrollY, from);
      const height = await tab.evaluate(() => document.documentElement.scrollHeight);
      await tab.screenshot({ path: join(DOCS, `report-${shot}.png`), fullPage: true, clip: { x: 0, y: top, width: 1280, height: Math.min(1300, height - top) } });
    }
    await tab.close();
  }
  await browser.close();
}
process.stderr.write(`pages and screenshots in ${OUT}\n`);
rmSync(dir, { recursive: true, force: true });
