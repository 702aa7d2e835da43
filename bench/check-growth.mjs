#!/usr/bin/env node
/**
 * How `reprov check` grows with the bundle (issue 16, "Linear growth"): one bundle of ~10k, ~100k
 * and ~1M triples (bench/generate-ml-run.mjs documents converted to Turtle, as bench/check.mjs
 * makes its bundles), each checked in a fresh process. Whole process: CPU seconds (user + system),
 * peak RSS, CPU microseconds per triple, and the same beyond start-up (less the check of a
 * ~100-triple bundle); then how much the per-triple cost grows from 10k to 1M (aim: at most 20%).
 * `rapper -i turtle -c` parses each bundle too, in the same run, as a reference (skipped with a
 * message when rapper is not installed); it also counts the triples.
 *
 *   npm run build && node bench/check-growth.mjs [--runs N] [--max 100k|1m] [--cli PATH]
 *
 * Median of --runs (default 3) runs. Bundles are made once under bench/out/check-growth/.
 * CPU time and peak RSS come from GNU time (`/usr/bin/time`): the machine may be shared, and wall
 * time measures the neighbours.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const OUT = join(BENCH, 'out', 'check-growth');
const SIZES = { '100': 13, '10k': 1300, '100k': 13000, '1m': 130000 }; // entities: ~7.8 triples each

const args = process.argv.slice(2);
const opts = { runs: 3, max: '1m', cli: join(dirname(BENCH), 'dist', 'cli', 'reprov.cjs') };
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') opts.runs = Number(args[++i]);
  else if (args[i] === '--max') opts.max = String(args[++i]).toLowerCase();
  else if (args[i] === '--cli') opts.cli = resolve(args[++i] ?? '');
  else {
    process.stderr.write(`bench/check-growth: unknown argument ${args[i]}\n`);
    process.exit(2);
  }
}
if (!['100k', '1m'].includes(opts.max) || !(opts.runs >= 1)) {
  process.stderr.write('usage: node bench/check-growth.mjs [--runs N] [--max 100k|1m] [--cli PATH]\n');
  process.exit(2);
}
if (!existsSync(opts.cli)) {
  process.stderr.write(`bench/check-growth: ${opts.cli} not found: run \`npm run build\` first\n`);
  process.exit(2);
}
const haveRapper = spawnSync('rapper', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveRapper) process.stderr.write('bench/check-growth: rapper (raptor2-utils) not found: no reference column, triples counted by `reprov convert`\n');

/** The bundle directory of `size` (made once). */
function bundle(size) {
  const dir = join(OUT, size);
  const ttl = join(dir, 'prov.ttl');
  if (existsSync(ttl)) return dir;
  process.stderr.write(`bench/check-growth: making the ${size} bundle\n`);
  mkdirSync(dir, { recursive: true });
  const json = join(OUT, `${size}.json`);
  execFileSync(process.execPath, [join(BENCH, 'generate-ml-run.mjs'), String(SIZES[size]), json], { stdio: 'ignore' });
  execFileSync(process.execPath, [opts.cli, 'convert', json, '-t', 'turtle', '-o', ttl, '--quiet']);
  rmSync(json);
  return dir;
}

/** CPU seconds and peak RSS (MiB) of one run; `ok` lists the exit statuses that are not failures. */
function once(argv, ok) {
  const timeFile = join(OUT, '.time');
  const { status } = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', ...argv], { stdio: 'ignore' });
  if (!ok.includes(status)) throw new Error(`${argv.join(' ')} exited with ${status}`);
  const [user, system, kib] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { cpu: user + system, mib: kib / 1024 };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function measure(argv, ok = [0]) {
  const samples = Array.from({ length: opts.runs }, () => once(argv, ok));
  return { cpu: median(samples.map((s) => s.cpu)), mib: median(samples.map((s) => s.mib)) };
}

function triplesOf(ttl) {
  if (haveRapper) {
    const out = spawnSync('rapper', ['-i', 'turtle', '-c', ttl], { encoding: 'utf8' });
    const count = /returned (\d+) triples/.exec(out.stderr)?.[1];
    if (count) return Number(count);
  }
  const nt = execFileSync(process.execPath, [opts.cli, 'convert', ttl, '-t', 'ntriples'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return nt.split('\n').filter(Boolean).length;
}

mkdirSync(OUT, { recursive: true });
const loadBefore = loadavg()[0];
// Exit 1 is a check that found something: still a whole check.
const check = (dir) => measure([process.execPath, opts.cli, 'check', dir, '-f', 'json', '-o', '/dev/null'], [0, 1]);
const base = check(bundle('100'));
const sizes = opts.max === '1m' ? ['10k', '100k', '1m'] : ['10k', '100k'];
const rows = sizes.map((size) => {
  const dir = bundle(size);
  const ttl = join(dir, 'prov.ttl');
  const triples = triplesOf(ttl);
  const ours = check(dir);
  const rapper = haveRapper ? measure(['rapper', '-i', 'turtle', '-c', ttl]) : undefined;
  return { size, triples, ours, rapper, perTriple: (ours.cpu / triples) * 1e6, beyondStart: ((ours.cpu - base.cpu) / triples) * 1e6 };
});

const growth = (key) => `${(((rows.at(-1)[key] / rows[0][key]) - 1) * 100).toFixed(0)}%`;
console.log(`# reprov check, growth with the bundle (node ${process.version}; CPU s = user + system, whole process, median of ${opts.runs}; load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)})\n`);
console.log(`Start-up and a ~100-triple bundle: ${base.cpu.toFixed(2)} s, ${base.mib.toFixed(0)} MiB.\n`);
console.log('| bundle | triples | reprov check CPU | peak RSS | µs per triple | µs per triple beyond start-up | rapper -c (parse only) CPU | x rapper |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { size, triples, ours, rapper, perTriple, beyondStart } of rows) {
  console.log(`| ${size} | ${triples.toLocaleString('en-US')} | ${ours.cpu.toFixed(2)} s | ${ours.mib.toFixed(0)} MiB | ${perTriple.toFixed(1)} | ${beyondStart.toFixed(1)} | ${rapper ? `${rapper.cpu.toFixed(2)} s` : 'n/a'} | ${rapper ? (ours.cpu / rapper.cpu).toFixed(1) : 'n/a'} |`);
}
const beyond = growth('beyondStart');
console.log(`\nGrowth of the per-triple cost from ${rows[0].size} to ${rows.at(-1).size}: ${growth('perTriple')} whole process, ${beyond} beyond start-up (aim: at most 20%: ${Number.parseFloat(beyond) <= 20 ? 'met' : 'not met'}).`);
