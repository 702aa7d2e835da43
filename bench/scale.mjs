/**
 * How JSON-LD output and `check` grow with a parameter-heavy bundle: a run that logged 1k, 10k
 * and 100k parameters (one `prov:used` per parameter from the one run node, as `reprov record -p`
 * and `run.logParam` write them). Per size: `convert -t jsonld` and `convert -t nquads` of the
 * bundle's Turtle, their ratio, the JSON-LD read back (`convert out.jsonld -t nquads`), `check` of
 * the bundle, and the peak RSS of each process; then the
 * growth per 10x of the parameters (10 is linear, 100 quadratic), over the whole time and over
 * the time less the fixed cost (the same command on a 10-parameter bundle). Figures, no asserts.
 *
 *   npm run build && node bench/scale.mjs                  1k, 10k, 100k (about 2 minutes)
 *   node bench/scale.mjs 1k 10k --runs 5                    chosen sizes, runs per figure (median)
 *   node bench/scale.mjs --cli /path/to/other/dist/cli/reprov.cjs --timeout 120
 *                                                           another build (a clean checkout), with a time limit
 *
 * Bundles go to bench/out/scale/ (git-ignored) and are kept: a second run reuses them. Each
 * command runs as its own process; its peak RSS comes from process.resourceUsage() in that
 * process (a preload prints it at exit), so GNU time is not needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'bench', 'out', 'scale');

// A child that writes one bundle: `node bench/scale.mjs --generate N DIR`.
if (process.argv[2] === '--generate') {
  const { startRun } = await import('../dist/src/run/run.js');
  const [count, dir] = [Number(process.argv[3]), process.argv[4]];
  const off = { git: false, environment: false, hardware: false, dependencies: false, determinism: false, system: false };
  const run = await startRun({ experiment: 'scale', dir, runId: 'scale', cwd: root, collect: off, snapshotIntervalMs: 0, argv: ['python', 'train.py'], env: {} });
  // A mix of what configuration files hold: floats, integers, strings, booleans.
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    run.logParam(`model.layer${i}.${['lr', 'width', 'activation', 'frozen'][kind]}`, kind === 0 ? (i % 97) / 1000 : kind === 1 ? 64 + (i % 512) : kind === 2 ? ['relu', 'gelu', 'tanh'][i % 3] : i % 2 === 0);
  }
  run.logSeed('numpy', 0);
  await run.end();
  process.exit(0);
}

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return value;
};
const cli = option('--cli', join(root, 'dist', 'cli', 'reprov.cjs'));
const runsOption = option('--runs', undefined);
const timeout = Number(option('--timeout', 300));
const parseSize = (text) => Math.round(Number(text.replace(/k$/i, '')) * (/k$/i.test(text) ? 1000 : 1));
const sizes = (args.length ? args : ['1k', '10k', '100k']).map(parseSize);
const runsAt = (n) => Number(runsOption ?? (n >= 100_000 ? 1 : 3));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const label = (n) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

function bundle(n) {
  const dir = join(out, `params-${label(n)}`);
  if (!existsSync(join(dir, 'prov.ttl'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    process.stderr.write(`writing a bundle with ${label(n)} parameters\n`);
    const made = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--generate', String(n), dir], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error(`could not write the ${label(n)} bundle`);
  }
  return dir;
}

/** Prints the process's peak RSS (kB) on standard error as it exits, whatever ends it. */
const PRELOAD = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss '+process.resourceUsage().maxRSS+'\\n'))`;

/** Wall seconds and peak RSS (MB) of one CLI command; seconds is Infinity past the time limit. */
function timed(cliArgs) {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--import', PRELOAD, cli, ...cliArgs], { encoding: 'utf8', timeout: timeout * 1000, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - start) / 1000;
  if (result.error?.code === 'ETIMEDOUT' || result.signal) return { seconds: Infinity, mb: NaN };
  // check exits 1 when it finds something, which these bundles give it.
  if (result.status !== 0 && !(cliArgs[0] === 'check' && result.status === 1)) throw new Error(`${cliArgs.join(' ')}: exit ${result.status}\n${result.stderr}`);
  const kb = Number(/maxrss (\d+)/.exec(result.stderr)?.[1]);
  return { seconds, mb: kb / 1024 };
}

function measure(n) {
  const dir = bundle(n);
  const ttl = join(dir, 'prov.ttl');
  const result = { n, triples: 0 };
  for (const [key, cliArgs] of [
    ['jsonld', ['convert', ttl, '-t', 'jsonld', '-o', join(dir, 'out.jsonld'), '--quiet']],
    ['nquads', ['convert', ttl, '-t', 'nquads', '-o', join(dir, 'out.nq'), '--quiet']],
    ['read', ['convert', join(dir, 'out.jsonld'), '-t', 'nquads', '-o', join(dir, 'back.nq'), '--quiet']],
    ['check', ['check', dir, '-f', 'json', '-o', join(dir, 'check.json')]],
  ]) {
    if (key === 'read' && !existsSync(join(dir, 'out.jsonld'))) {
      result.read = { seconds: NaN, mb: NaN };
      continue;
    }
    const runs = [];
    for (let i = 0; i < runsAt(n); i++) {
      process.stderr.write(`${label(n)} ${key} run ${i + 1}\n`);
      runs.push(timed(cliArgs));
      if (runs.at(-1).seconds === Infinity) break;
    }
    result[key] = { seconds: median(runs.map((r) => r.seconds)), mb: median(runs.map((r) => r.mb)) };
  }
  const nq = join(dir, 'out.nq');
  if (existsSync(nq)) result.triples = Number(spawnSync('wc', ['-l', nq], { encoding: 'utf8' }).stdout.trim().split(' ')[0]);
  result.jsonldMB = existsSync(join(dir, 'out.jsonld')) ? statSync(join(dir, 'out.jsonld')).size / 1e6 : NaN;
  for (const file of ['out.jsonld', 'out.nq', 'back.nq']) rmSync(join(dir, file), { force: true });
  return result;
}

const load = () => loadavg()[0].toFixed(2);
const loadBefore = load();
const fixed = measure(10);
const results = sizes.map(measure);

const s = (x) => (x === Infinity ? `> ${timeout} s` : Number.isNaN(x) ? 'n/a' : `${x.toFixed(2)} s`);
const mb = (x) => (Number.isNaN(x) ? '' : `${x.toFixed(0)} MB`);
const ratio = (a, b) => (a === Infinity || b === Infinity ? 'n/a' : (a / b).toFixed(2));

console.log(`# JSON-LD output and check on parameter-heavy bundles\n`);
console.log(`${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; CLI ${cli}; load ${loadBefore} before, ${load()} after.`);
console.log(`Wall seconds including process start, median of ${runsOption ?? '3 (1 from 100k)'} runs; peak RSS of the process. Fixed cost (10 parameters): JSON-LD ${s(fixed.jsonld.seconds)}, N-Quads ${s(fixed.nquads.seconds)}, read back ${s(fixed.read.seconds)}, check ${s(fixed.check.seconds)}.\n`);
console.log('| parameters | triples | JSON-LD | JSON-LD RSS | N-Quads | N-Quads RSS | JSON-LD / N-Quads | JSON-LD read back | read RSS | check | check RSS |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(`| ${label(r.n)} | ${r.triples.toLocaleString('en-US')} | ${s(r.jsonld.seconds)} | ${mb(r.jsonld.mb)} | ${s(r.nquads.seconds)} | ${mb(r.nquads.mb)} | ${ratio(r.jsonld.seconds, r.nquads.seconds)} | ${s(r.read.seconds)} | ${mb(r.read.mb)} | ${s(r.check.seconds)} | ${mb(r.check.mb)} |`);
}

if (results.length > 1) {
  console.log('\nGrowth per 10x parameters (time ratio scaled to a tenfold size step; 10 is linear, 100 quadratic); "less fixed" subtracts the 10-parameter time:\n');
  console.log('| from | to | JSON-LD | less fixed | N-Quads | less fixed | JSON-LD read back | less fixed | check | less fixed |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const per10 = (a, b, steps) => (!Number.isFinite(a) || !Number.isFinite(b) || a <= 0 || b <= 0 ? 'n/a' : ((b / a) ** (1 / steps)).toFixed(1));
  for (let i = 1; i < results.length; i++) {
    const [a, b] = [results[i - 1], results[i]];
    const steps = Math.log10(b.n / a.n);
    const cells = ['jsonld', 'nquads', 'read', 'check'].flatMap((key) => [
      per10(a[key].seconds, b[key].seconds, steps),
      per10(a[key].seconds - fixed[key].seconds, b[key].seconds - fixed[key].seconds, steps),
    ]);
    console.log(`| ${label(a.n)} | ${label(b.n)} | ${cells.join(' | ')} |`);
  }
}
