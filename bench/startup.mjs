#!/usr/bin/env node
/**
 * Start-up and small-input cost, whole process, side by side (issue 16): Node's floor (`node -e ''`),
 * `reprov --version`, PROV-JSON -> N-Triples at 1k and 10k entities against Python prov, and
 * `reprov check` of a ~10k-triple bundle. CPU seconds (user + system) and peak RSS, median of
 * 5 runs; prints a markdown table with the ratios and the aims.
 *
 *   npm run build && node bench/startup.mjs [--runs N] [--cli PATH] [--no-python]
 *
 * CPU time comes from wait4(2) through /usr/bin/python3 (microseconds; GNU time rounds to 10 ms,
 * as much as the floor's spread), else from GNU time. Python prov is skipped with a message when
 * it is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const OUT = join(BENCH, 'out', 'startup');
const PYTHON = '/usr/bin/python3';
const PY_CONVERT = "import sys, prov.model as pm; d = pm.ProvDocument.deserialize(source=sys.argv[1], format='json'); " +
  "d.serialize(sys.argv[2], format='rdf', rdf_format='nt')";
// Runs argv[1:] with its output to /dev/null; prints its CPU seconds, peak RSS (KiB) and exit status.
const PY_WAIT4 = 'import os, sys\npid = os.fork()\nif pid == 0:\n  n = os.open(os.devnull, os.O_WRONLY); os.dup2(n, 1); os.dup2(n, 2)\n' +
  '  os.execv(sys.argv[1], sys.argv[1:])\n_, status, ru = os.wait4(pid, 0)\nprint(ru.ru_utime + ru.ru_stime, ru.ru_maxrss, os.waitstatus_to_exitcode(status))';

const args = process.argv.slice(2);
const opts = { runs: 5, cli: join(ROOT, 'dist/cli/reprov.cjs'), python: true };
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') opts.runs = Number(args[++i]);
  else if (args[i] === '--cli') opts.cli = resolve(args[++i] ?? '');
  else if (args[i] === '--no-python') opts.python = false;
  else {
    process.stderr.write(`bench/startup: unknown argument ${args[i]}\n`);
    process.exit(2);
  }
}
if (!existsSync(opts.cli)) {
  process.stderr.write(`bench/startup: ${opts.cli} not found: run \`npm run build\` first\n`);
  process.exit(2);
}
const havePython = existsSync(PYTHON);
const pythonProv = opts.python && havePython && spawnSync(PYTHON, ['-c', 'import prov.model, rdflib'], { stdio: 'ignore' }).status === 0;
if (!pythonProv) process.stderr.write('bench/startup: Python prov (and rdflib) not found under /usr/bin/python3, or --no-python: its column says n/a\n');

/** One run: CPU seconds and peak RSS in MiB. `ok` lists the exit statuses that are not failures. */
function once(argv, ok = [0]) {
  let cpu, kib, status;
  if (havePython) {
    const out = execFileSync(PYTHON, ['-c', PY_WAIT4, ...argv], { encoding: 'utf8' });
    [cpu, kib, status] = out.trim().split(' ').map(Number);
  } else {
    const timeFile = join(OUT, '.time');
    status = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', ...argv], { stdio: 'ignore' }).status;
    const [user, system, k] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    [cpu, kib] = [user + system, k];
  }
  if (!ok.includes(status)) throw new Error(`${argv.join(' ')} exited with ${status}`);
  return { cpu, mib: kib / 1024 };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function measure(argv, ok) {
  const samples = Array.from({ length: opts.runs }, () => once(argv, ok));
  return { cpu: median(samples.map((s) => s.cpu)), mib: median(samples.map((s) => s.mib)) };
}

mkdirSync(OUT, { recursive: true });
const generate = (n, path) => execFileSync(process.execPath, [join(BENCH, 'generate-ml-run.mjs'), String(n), path], { stdio: 'ignore' });
const node = process.execPath;
const reprov = (...rest) => [node, opts.cli, ...rest];
const loadBefore = loadavg()[0];

const floor = measure([node, '-e', '']);
const rows = [{ what: "`node -e ''` (the floor)", ours: floor }];
rows.push({ what: '`reprov --version`', ours: measure(reprov('--version')), aim: { floorTimes: 2 } });
for (const [n, times] of [[1000, 4], [10000, 15]]) {
  const input = join(OUT, `ml-run-${n}.json`);
  generate(n, input);
  const ours = measure(reprov('convert', input, '-t', 'ntriples', '-o', join(OUT, 'out.nt'), '--quiet'));
  const python = pythonProv ? measure([PYTHON, '-W', 'ignore', '-c', PY_CONVERT, input, join(OUT, 'out.py.nt')]) : undefined;
  rows.push({ what: `PROV-JSON -> N-Triples, ${n / 1000}k entities + ${n / 1000}k relations`, ours, python, aim: { pythonTimes: times } });
}
// generate-ml-run.mjs writes ~7.8 triples per entity: 1300 entities is a ~10k-triple bundle.
const bundle = join(OUT, 'bundle');
mkdirSync(bundle, { recursive: true });
generate(1300, join(OUT, 'bundle.json'));
execFileSync(node, [opts.cli, 'convert', join(OUT, 'bundle.json'), '-t', 'turtle', '-o', join(bundle, 'prov.ttl')]);
const triples = execFileSync(node, [opts.cli, 'convert', join(bundle, 'prov.ttl'), '-t', 'ntriples'], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n').filter(Boolean).length;
// Exit 1 is a check that found something: still a whole check.
rows.push({ what: `\`reprov check\`, one ${triples.toLocaleString('en-US')}-triple bundle`, ours: measure(reprov('check', bundle, '-f', 'json', '-o', '/dev/null'), [0, 1]), aim: { cpu: 0.25 } });
rmSync(OUT, { recursive: true, force: true });

const s = (x) => (x === undefined ? 'n/a' : `${x.toFixed(3)} s`);
const aimText = (aim, ours, python) => {
  if (!aim) return '';
  if (aim.floorTimes) return `<= ${aim.floorTimes}x the floor: ${ours.cpu <= aim.floorTimes * floor.cpu ? 'met' : 'not met'}`;
  if (aim.cpu) return `< ${aim.cpu} s: ${ours.cpu < aim.cpu ? 'met' : 'not met'}`;
  return python ? `>= ${aim.pythonTimes}x faster than prov (<= ${(python.cpu / aim.pythonTimes).toFixed(3)} s): ${python.cpu / ours.cpu >= aim.pythonTimes ? 'met' : 'not met'}` : `>= ${aim.pythonTimes}x faster than prov`;
};
console.log(`# start-up (node ${process.version}; CPU s = user + system, whole process, median of ${opts.runs}; load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)})\n`);
console.log('| work | reprov CPU | peak RSS | Python prov CPU | x faster than prov | x the floor | aim |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
for (const { what, ours, python, aim } of rows) {
  console.log(`| ${what} | ${s(ours.cpu)} | ${ours.mib.toFixed(0)} MiB | ${s(python?.cpu)} | ${python ? (python.cpu / ours.cpu).toFixed(1) : 'n/a'} | ${(ours.cpu / floor.cpu).toFixed(1)} | ${aimText(aim, ours, python)} |`);
}
