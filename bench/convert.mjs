#!/usr/bin/env node
/**
 * Conversion benchmark: PROV-JSON -> Turtle and N-Triples with the reprov CLI, against the
 * Python `prov` package (2.0, rdflib) and against a floor (bench/floor.mjs: read + JSON.parse +
 * write the same number of bytes). Prints markdown tables. See bench/README.md.
 *
 *   npm run build && node bench/convert.mjs [SIZE ...] [--all] [options]
 *
 * SIZE: entity count (1000, 10k, 1M, ...); default 1000 10000 100000. `--all` adds 1000000
 * (reprov, the floor and rapper only: Python would take about 10 minutes there), and N-Quads and
 * TriG are timed there. Inputs of 16 MiB and more (from ~60k entities) take reprov's streaming path.
 * Options:
 *   --cli PATH        the reprov CLI to time (default dist/cli/reprov.cjs, the bundle package.json's bin runs)
 *   --no-python       do not time Python prov
 *   --python-max N    largest size Python is timed at (default 100000)
 *   --no-variants     skip the reader-path comparison at 100k (bare floats / fractional times)
 *   --no-check        skip the output checks (N-Triples line count, rapper on the Turtle)
 *   --keep            keep the output files in bench/out/
 *
 * Needs GNU time at /usr/bin/time; Python prov under /usr/bin/python3 (else its columns say
 * "n/a"); rapper (raptor2-utils) for the Turtle check (else it is skipped).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const OUT = join(BENCH, 'out');
const TIME = '/usr/bin/time';
const PYTHON = '/usr/bin/python3';
const PY_CONVERT = "import sys, prov.model as pm; d = pm.ProvDocument.deserialize(source=sys.argv[1], format='json'); " +
  "d.serialize(sys.argv[2], format='rdf', rdf_format=sys.argv[3])";
// N-Quads and TriG only from 1M entities (`from`): the same reader and writer as N-Triples and Turtle.
const TARGETS = [
  { name: 'turtle', ext: 'ttl', python: 'turtle' },
  { name: 'ntriples', ext: 'nt', python: 'nt' },
  { name: 'nquads', ext: 'nq', python: 'nquads', from: 1000000 },
  { name: 'trig', ext: 'trig', python: 'trig', from: 1000000 },
];
// Measured by hand in issue 16 (2 cores, CPU s): Python prov is not run above --python-max.
const PYTHON_REFERENCE = '100k -> N-Triples: Python prov 50 s, 1.7 GB';

// --- arguments -------------------------------------------------------------------------------
function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * ({ k: 1e3, m: 1e6 }[m[2].toLowerCase()] ?? 1);
  return Number.isInteger(n) && n >= 10 ? n : undefined;
}
const args = process.argv.slice(2);
const sizes = [];
const opts = { cli: join(ROOT, 'dist/cli/reprov.cjs'), python: true, pythonMax: 100000, variants: true, check: true, keep: false, all: false };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--all') opts.all = true;
  else if (a === '--cli') opts.cli = resolve(args[++i] ?? '');
  else if (a === '--no-python') opts.python = false;
  else if (a === '--python-max') opts.pythonMax = parseSize(args[++i] ?? '') ?? die('--python-max needs a size');
  else if (a === '--no-variants') opts.variants = false;
  else if (a === '--no-check') opts.check = false;
  else if (a === '--keep') opts.keep = true;
  else if (a === '-h' || a === '--help') {
    process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^#!.*\n\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
    process.exit(0);
  } else sizes.push(parseSize(a) ?? die(`not a size: ${a}`));
}
if (!sizes.length) sizes.push(1000, 10000, 100000);
if (opts.all && !sizes.includes(1000000)) sizes.push(1000000);
sizes.sort((a, b) => a - b);

function die(message) {
  process.stderr.write(`bench/convert: ${message}\n`);
  process.exit(2);
}
if (!existsSync(TIME)) die(`${TIME} (GNU time) is needed`);
if (!existsSync(opts.cli)) die(`${relative(ROOT, opts.cli)} not found: run \`npm run build\` first`);
mkdirSync(OUT, { recursive: true });

const pythonOk = opts.python && spawnSync(PYTHON, ['-c', 'import prov.model, rdflib'], { stdio: 'ignore' }).status === 0;
const rapperOk = spawnSync('rapper', ['--version'], { stdio: 'ignore' }).status === 0;

// --- measuring -------------------------------------------------------------------------------
const log = (text) => process.stderr.write(`${text}\n`);

/** Runs `command` under GNU time; returns wall seconds, CPU seconds (user + system) and peak RSS in MiB. */
function timed(command, commandArgs) {
  const timeFile = join(OUT, '.time');
  const result = spawnSync(TIME, ['-f', '%e %M %U %S', '-o', timeFile, command, ...commandArgs], {
    stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20,
  });
  const stderr = result.stderr?.toString() ?? '';
  if (result.status !== 0) {
    throw new Error(`${[command, ...commandArgs].join(' ')} exited with ${result.status ?? result.signal}\n${stderr.slice(-2000)}`);
  }
  const [seconds, kib, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { seconds, mib: kib / 1024, cpu: user + system };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Times `runs` runs; the medians of wall time, peak RSS and CPU time, each taken on its own. */
function measure(runs, command, commandArgs) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(timed(command, commandArgs));
  const of = (key) => median(samples.map((s) => s[key]));
  return { seconds: of('seconds'), mib: of('mib'), cpu: of('cpu'), runs, samples };
}

function countLines(path) {
  return new Promise((done, fail) => {
    let lines = 0;
    let last = 10;
    createReadStream(path)
      .on('data', (chunk) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        last = chunk[chunk.length - 1];
      })
      .on('end', () => done(lines + (last === 10 ? 0 : 1)))
      .on('error', fail);
  });
}

/** Non-empty lines (Python's N-Triples ends with an empty line). */
function countTriplesNt(path) {
  const out = execFileSync('grep', ['-c', '.', path]).toString().trim();
  return Number(out);
}

function rapperCount(path) {
  const result = spawnSync('rapper', ['-i', 'turtle', '-c', path], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const m = /returned (\d+) triples/.exec(result.stderr ?? '');
  return { count: m ? Number(m[1]) : undefined, ok: result.status === 0, message: (result.stderr ?? '').trim().split('\n').slice(-3).join(' / ') };
}

function generate(n, name, flags = []) {
  const path = join(OUT, name);
  execFileSync(process.execPath, [join(BENCH, 'generate-ml-run.mjs'), String(n), path, ...flags], { stdio: ['ignore', 'ignore', 'inherit'] });
  return path;
}

const label = (n) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const fmt = (x, digits = 2) => (x === undefined ? 'n/a' : x.toFixed(digits));

// --- the runs --------------------------------------------------------------------------------
const sh = (cmd) => { try { return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return 'n/a'; } };
// Read before the runs: the checkout may move while they take minutes.
const revision = `working tree at commit ${sh(`git -C '${ROOT}' rev-parse --short HEAD`)}` +
  (sh(`git -C '${ROOT}' status --porcelain -- src schemas`) ? ' with uncommitted changes under src/ or schemas/' : '') +
  (opts.cli === join(ROOT, 'dist/cli/reprov.cjs') ? '' : ' (the CLI named by --cli may be built from another tree)');
const loadBefore = loadavg();
// Fixed cost: each tool on a 10-entity document (process start, module loading, schema compiling).
log('startup: 10-entity document');
const tiny = generate(10, 'ml-run-10.json');
const startup = {
  reprov: measure(3, process.execPath, [opts.cli, 'convert', tiny, '-t', 'turtle', '-o', join(OUT, 'ml-run-10.ttl'), '--quiet']),
  floor: measure(3, process.execPath, [join(BENCH, 'floor.mjs'), tiny, join(OUT, 'ml-run-10.floor'), '1000']),
  python: pythonOk ? measure(3, PYTHON, ['-W', 'ignore', '-c', PY_CONVERT, tiny, join(OUT, 'ml-run-10.py.ttl'), 'turtle']) : undefined,
};
for (const f of ['ml-run-10.ttl', 'ml-run-10.floor', 'ml-run-10.py.ttl']) rmSync(join(OUT, f), { force: true });

const rows = [];
const checks = [];
for (const n of sizes) {
  const input = generate(n, `ml-run-${label(n)}.json`);
  const inputBytes = statSync(input).size;
  const reprovRuns = n <= 100000 ? 3 : 1;
  const pythonRuns = n >= 100000 ? 1 : 2;
  let triples;
  const sizeRows = [];
  for (const target of TARGETS) {
    if (n < (target.from ?? 0)) continue;
    const output = join(OUT, `ml-run-${label(n)}.reprov.${target.ext}`);
    log(`${label(n)} ${target.name}: reprov x${reprovRuns}`);
    const reprov = measure(reprovRuns, process.execPath, [opts.cli, 'convert', input, '-t', target.name, '-o', output, '--quiet']);
    const outputBytes = statSync(output).size;
    const floorOut = join(OUT, `ml-run-${label(n)}.floor.${target.ext}`);
    log(`${label(n)} ${target.name}: floor x${reprovRuns}`);
    const floor = measure(reprovRuns, process.execPath, [join(BENCH, 'floor.mjs'), input, floorOut, String(outputBytes)]);
    rmSync(floorOut, { force: true });
    let python;
    let pythonOutput;
    if (pythonOk && n > opts.pythonMax) log(`${label(n)} ${target.name}: python prov skipped above ${label(opts.pythonMax)} (it takes minutes; reference: ${PYTHON_REFERENCE})`);
    if (pythonOk && n <= opts.pythonMax) {
      pythonOutput = join(OUT, `ml-run-${label(n)}.python.${target.ext}`);
      log(`${label(n)} ${target.name}: python prov x${pythonRuns}`);
      python = measure(pythonRuns, PYTHON, ['-W', 'ignore', '-c', PY_CONVERT, input, pythonOutput, target.python]);
    }
    if (target.name === 'ntriples') triples = await countLines(output);
    // rapper (raptor2, C) reading and writing the same N-Triples: what a native RDF tool takes for the triples alone.
    let rapper;
    if (rapperOk && target.name === 'ntriples') {
      log(`${label(n)} ntriples: rapper nt -> nt x${reprovRuns}`);
      rapper = measure(reprovRuns, 'sh', ['-c', `rapper -q -i ntriples -o ntriples '${output}' > /dev/null`]);
    }
    if (opts.check) {
      if (target.name === 'ntriples') {
        checks.push({ n, what: 'reprov N-Triples: lines', count: triples });
        if (pythonOutput) checks.push({ n, what: 'python prov N-Triples: non-empty lines', count: countTriplesNt(pythonOutput) });
      } else if (rapperOk) {
        log(`${label(n)} turtle: rapper -c`);
        const r = rapperCount(output);
        checks.push({ n, what: 'reprov Turtle: `rapper -i turtle -c`', count: r.count, note: r.ok ? '' : `rapper failed: ${r.message}` });
      }
    }
    if (!opts.keep) {
      rmSync(output, { force: true });
      if (pythonOutput) rmSync(pythonOutput, { force: true });
    }
    sizeRows.push({ n, inputBytes, target: target.name, reprov, python, floor, rapper, outputBytes });
  }
  for (const row of sizeRows) rows.push({ ...row, triples });
}

// Reader-path comparison at 100k: bare JSON floats (and, as it turns out, a time with fractional
// seconds) send reprov's reader to its exact lossless-json path.
const variants = [];
if (opts.variants && sizes.includes(100000)) {
  const n = 100000;
  const cases = [
    { name: 'default: ~3,300 bare floats (`"ex:lr": 0.001`)', file: `ml-run-${label(n)}.json`, flags: null },
    { name: 'no bare floats', file: `ml-run-${label(n)}-no-bare-floats.json`, flags: ['--no-bare-floats'] },
    { name: 'no bare floats, times with fractional seconds', file: `ml-run-${label(n)}-fractional-times.json`, flags: ['--no-bare-floats', '--fractional-times'] },
  ];
  for (const c of cases) {
    const input = c.flags ? generate(n, c.file, c.flags) : join(OUT, c.file);
    const row = { name: c.name, inputBytes: statSync(input).size };
    for (const target of TARGETS) {
      const output = join(OUT, `variant.${target.ext}`);
      log(`variant "${c.name}" ${target.name}: reprov x3`);
      row[target.name] = measure(3, process.execPath, [opts.cli, 'convert', input, '-t', target.name, '-o', output, '--quiet']);
      rmSync(output, { force: true });
    }
    variants.push(row);
  }
}

// --- the report ------------------------------------------------------------------------------
const print = (line = '') => process.stdout.write(`${line}\n`);

print('# reprov convert benchmark');
print();
print(`- machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end)`);
print(`- node ${process.version}; ${pythonOk ? sh(`${PYTHON} -c "import sys, prov, rdflib; print('python', sys.version.split()[0] + ', prov', prov.__version__ + ', rdflib', rdflib.__version__)"`) : opts.python ? `python prov: not available for ${PYTHON}` : 'python prov: not timed (--no-python)'}`);
print(`- reprov: ${relative(ROOT, opts.cli) || opts.cli}; ${revision}`);
print(`- medians: reprov and floor of 3 runs up to 100k (1 above), python prov of 2 runs below 100k, 1 at 100k; RSS is the peak (GNU time %M)`);
const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
print(`- load average (1, 5, 15 min): ${load(loadBefore)} before, ${load(loadavg())} after${Math.max(loadBefore[0], loadavg()[0]) > cpus().length * 0.75 ? ' -- other work was running: wall times are inflated; see the CPU seconds' : ''}`);
print(`- fixed cost (10-entity document, wall s): reprov ${fmt(startup.reprov.seconds)}, floor ${fmt(startup.floor.seconds)}, python prov ${startup.python ? fmt(startup.python.seconds) : 'n/a'}`);
print();
print('| size | input MB | triples | target | reprov s | reprov MB | python s | python MB | speed-up (python/reprov) | floor s | reprov/floor |');
print('|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const py = r.python ? [fmt(r.python.seconds), fmt(r.python.mib, 0), `${fmt(r.python.seconds / r.reprov.seconds, 1)}x`] : ['not run', 'not run', '-'];
  print(`| ${label(r.n)} | ${mb(r.inputBytes)} | ${r.triples} | ${r.target} | ${fmt(r.reprov.seconds)} | ${fmt(r.reprov.mib, 0)} | ${py.join(' | ')} | ${fmt(r.floor.seconds)} | ${fmt(r.reprov.seconds / r.floor.seconds, 1)}x |`);
}
print();
print('Cost per 1k entities, wall milliseconds (each size has as many relations as entities); "marginal" leaves out');
print('the fixed cost measured on a 10-entity document, so it is what each further 1k entities cost:');
print();
print('| size | target | reprov ms/1k | reprov marginal ms/1k | floor marginal ms/1k | python ms/1k | python marginal ms/1k |');
print('|---:|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const per = (s, fixed = 0) => fmt(((s - fixed) * 1000) / (r.n / 1000), 1);
  const py = r.python ? [per(r.python.seconds), per(r.python.seconds, startup.python.seconds)] : ['not run', 'not run'];
  print(`| ${label(r.n)} | ${r.target} | ${per(r.reprov.seconds)} | ${per(r.reprov.seconds, startup.reprov.seconds)} | ${per(r.floor.seconds, startup.floor.seconds)} | ${py.join(' | ')} |`);
}
print();
print('CPU seconds (user + system, all threads; less sensitive than wall time to other work on the machine):');
print();
print('| size | target | reprov CPU s | floor CPU s | python CPU s | python/reprov | reprov/floor |');
print('|---:|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const py = r.python ? [fmt(r.python.cpu), `${fmt(r.python.cpu / r.reprov.cpu, 1)}x`] : ['not run', '-'];
  print(`| ${label(r.n)} | ${r.target} | ${fmt(r.reprov.cpu)} | ${fmt(r.floor.cpu)} | ${py.join(' | ')} | ${fmt(r.reprov.cpu / r.floor.cpu, 1)}x |`);
}
print();
print('Per entity and against the references (CPU; each size has as many relations as entities; rapper: `rapper -i ntriples -o ntriples` on reprov\'s N-Triples):');
print();
print('| size | target | reprov CPU s | peak RSS MB | µs per entity | reprov/floor | python/reprov | reprov/rapper |');
print('|---:|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const rapper = r.rapper ? `${fmt(r.reprov.cpu / r.rapper.cpu, 1)}x` : r.target === 'ntriples' ? (rapperOk ? 'n/a' : 'rapper not installed') : '-';
  const python = r.python ? `${fmt(r.python.cpu / r.reprov.cpu, 1)}x` : `not run${r.n > opts.pythonMax ? ` (above ${label(opts.pythonMax)})` : ''}`;
  print(`| ${label(r.n)} | ${r.target} | ${fmt(r.reprov.cpu)} | ${fmt(r.reprov.mib, 0)} | ${fmt((r.reprov.cpu * 1e6) / r.n, 1)} | ${fmt(r.reprov.cpu / r.floor.cpu, 1)}x | ${python} | ${rapper} |`);
}
print();
for (const target of TARGETS) {
  const at = (n) => rows.find((r) => r.n === n && r.target === target.name);
  const small = at(10000);
  const large = at(Math.max(...sizes));
  if (!small || !large || large === small) continue;
  const growth = (large.reprov.cpu / large.n) / (small.reprov.cpu / small.n) - 1;
  print(`- ${target.name}: CPU per entity grows ${fmt(growth * 100, 0)}% from 10k to ${label(large.n)} (aim: at most 20%)`);
}
if (variants.length) {
  print();
  print('Reader path at 100k (reprov, median of 3):');
  print();
  print('| input | input MB | turtle s | turtle MB | ntriples s | ntriples MB |');
  print('|---|---:|---:|---:|---:|---:|');
  for (const v of variants) {
    print(`| ${v.name} | ${mb(v.inputBytes)} | ${fmt(v.turtle.seconds)} | ${fmt(v.turtle.mib, 0)} | ${fmt(v.ntriples.seconds)} | ${fmt(v.ntriples.mib, 0)} |`);
  }
}
if (checks.length) {
  print();
  print('Output checks (each should equal the triples column):');
  print();
  print('| size | check | count | agrees |');
  print('|---:|---|---:|---|');
  for (const c of checks) {
    const expected = rows.find((r) => r.n === c.n)?.triples;
    print(`| ${label(c.n)} | ${c.what} | ${c.count ?? 'n/a'} | ${c.count === expected ? 'yes' : `NO (expected ${expected})`}${c.note ? ` ${c.note}` : ''} |`);
  }
  if (!rapperOk) print('\n(rapper not found: the Turtle output was not parsed)');
}
