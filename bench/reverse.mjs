#!/usr/bin/env node
/**
 * The reverse direction: Turtle and N-Triples -> PROV-JSON with the reprov CLI, beside rapper's
 * parse of the same file (`rapper -i FORMAT -o ntriples FILE > /dev/null`, the floor of reading
 * it), n3's parser alone on the same file (the library reprov reads RDF with: the file's text
 * parsed with a quad callback that only counts, whole process; what reprov can reach) and the Python `prov` package (ProvDocument.deserialize + serialize). Inputs are bench/generate-ml-run.mjs
 * documents converted to Turtle and N-Triples by reprov. Prints a markdown table: CPU seconds
 * (user + system), peak RSS, CPU per entity, the ratio to rapper and to Python, and the growth of
 * the per-entity cost. Figures, no asserts.
 *
 *   npm run build && node bench/reverse.mjs [SIZE ...] [options]
 *
 * SIZE: entity count (1000, 10k, 1M, ...); default 1000 10000 100000.
 * Options:
 *   --cli PATH        the reprov CLI to time (default dist/cli/reprov.cjs, the bundled command)
 *   --compare PATH    another build's CLI: its PROV-JSON must be byte for byte the same (and is timed)
 *   --runs N          runs per figure, median (default 3)
 *   --python-max N    largest size Python is timed at (default 10000)
 *
 * Needs GNU time at /usr/bin/time; rapper (raptor2-utils) and Python prov under /usr/bin/python3
 * are timed when present (else their columns say n/a). Files go to bench/out/reverse/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// `reverse.mjs --n3-parse FILE FORMAT`: the n3-alone figure, run as its own process. Like reprov,
// it reads a file of 16 MiB or more as a stream (a 1M-entity N-Triples file, 1 GB, is longer than
// the longest string V8 makes) and a smaller one whole.
if (process.argv[2] === '--n3-parse') {
  const { Parser, StreamParser } = await import('n3');
  const [file, format] = process.argv.slice(3);
  let quads = 0;
  if (statSync(file).size >= 16 << 20) {
    createReadStream(file, { encoding: 'utf8', highWaterMark: 256 << 10 }).pipe(new StreamParser({ format }))
      .on('data', () => quads++)
      .on('error', (error) => { throw error; })
      .on('end', () => process.stderr.write(`${quads} quads\n`));
  } else {
    new Parser({ format }).parse(readFileSync(file, 'utf8'), (error, quad) => {
      if (error) throw error;
      if (quad) quads++;
      else process.stderr.write(`${quads} quads\n`);
    });
  }
} else {
  await main();
}

async function main() {
const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const OUT = join(BENCH, 'out', 'reverse');
const TIME = '/usr/bin/time';
const PYTHON = '/usr/bin/python3';
// prov.read(FILE, 'rdf') with the RDF syntax named: prov.read passes no rdf_format on.
const PY_READ = "import sys, prov.model as pm; d = pm.ProvDocument.deserialize(source=sys.argv[1], format='rdf', rdf_format=sys.argv[2]); d.serialize(sys.argv[3], format='json')";
const INPUTS = [
  { name: 'turtle', ext: 'ttl', rapper: 'turtle', python: 'turtle', n3: 'Turtle' },
  { name: 'ntriples', ext: 'nt', rapper: 'ntriples', python: 'nt', n3: 'N-Triples' },
];

const parseSize = (text) => {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text ?? '');
  const n = m ? Number(m[1]) * ({ k: 1e3, m: 1e6 }[m[2].toLowerCase()] ?? 1) : NaN;
  return Number.isInteger(n) && n >= 10 ? n : die(`not a size: ${text}`);
};
function die(message) {
  process.stderr.write(`bench/reverse: ${message}\n`);
  process.exit(2);
}
const args = process.argv.slice(2);
const sizes = [];
const opts = { cli: join(ROOT, 'dist/cli/reprov.cjs'), compare: undefined, runs: 3, pythonMax: 10000 };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--cli') opts.cli = resolve(args[++i] ?? '');
  else if (a === '--compare') opts.compare = resolve(args[++i] ?? '');
  else if (a === '--runs') opts.runs = Number(args[++i]) || die('--runs needs a number');
  else if (a === '--python-max') opts.pythonMax = parseSize(args[++i]);
  else if (a === '-h' || a === '--help') {
    process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^#!.*\n\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
    process.exit(0);
  } else sizes.push(parseSize(a));
}
if (!sizes.length) sizes.push(1000, 10000, 100000);
sizes.sort((a, b) => a - b);
if (!existsSync(TIME)) die(`${TIME} (GNU time) is needed`);
for (const cli of [opts.cli, opts.compare]) if (cli && !existsSync(cli)) die(`${cli} not found: run \`npm run build\` first`);
mkdirSync(OUT, { recursive: true });
const rapperOk = spawnSync('rapper', ['--version'], { stdio: 'ignore' }).status === 0;
const pythonOk = spawnSync(PYTHON, ['-c', 'import prov, rdflib'], { stdio: 'ignore' }).status === 0;
const log = (text) => process.stderr.write(`${text}\n`);

/** One run under GNU time: CPU seconds (user + system) and peak RSS in MiB. */
function timed(command, commandArgs) {
  const timeFile = join(OUT, '.time');
  const result = spawnSync(TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...commandArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${[command, ...commandArgs].join(' ')} exited with ${result.status ?? result.signal}\n${result.stderr.toString().slice(-2000)}`);
  const [kib, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { cpu: user + system, mib: kib / 1024 };
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
function measure(runs, command, commandArgs) {
  const samples = Array.from({ length: runs }, () => timed(command, commandArgs));
  return { cpu: median(samples.map((s) => s.cpu)), mib: median(samples.map((s) => s.mib)) };
}

const label = (n) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));
const fmt = (x, digits = 2) => (x === undefined ? 'n/a' : x.toFixed(digits));

const rows = [];
const loadBefore = loadavg()[0];
for (const n of sizes) {
  const json = join(OUT, `ml-run-${label(n)}.json`);
  execFileSync(process.execPath, [join(BENCH, 'generate-ml-run.mjs'), String(n), json], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const input of INPUTS) {
    const file = join(OUT, `ml-run-${label(n)}.${input.ext}`);
    execFileSync(process.execPath, [opts.cli, 'convert', json, '-t', input.name, '-o', file, '--quiet']);
    const output = join(OUT, `ml-run-${label(n)}.${input.ext}.json`);
    log(`${label(n)} ${input.name}: reprov x${opts.runs}`);
    const reprov = measure(opts.runs, process.execPath, [opts.cli, 'convert', file, '-t', 'provjson', '-o', output, '--quiet']);
    let compared;
    if (opts.compare) {
      const other = `${output}.compare`;
      compared = measure(opts.runs, process.execPath, [opts.compare, 'convert', file, '-t', 'provjson', '-o', other, '--quiet']);
      compared.same = readFileSync(output).equals(readFileSync(other));
    }
    log(`${label(n)} ${input.name}: n3 alone, rapper, python`);
    const n3 = measure(opts.runs, process.execPath, [fileURLToPath(import.meta.url), '--n3-parse', file, input.n3]);
    const rapper = rapperOk ? measure(opts.runs, 'sh', ['-c', 'exec rapper -q -i "$0" -o ntriples "$1" > /dev/null', input.rapper, file]) : undefined;
    const python = pythonOk && n <= opts.pythonMax ? measure(1, PYTHON, ['-W', 'ignore', '-c', PY_READ, file, input.python, `${output}.py.json`]) : undefined;
    rows.push({ n, input: input.name, reprov, compared, n3, rapper, python });
  }
}

const out = (line = '') => process.stdout.write(`${line}\n`);
out(`## RDF -> PROV-JSON (bench/reverse.mjs)\n`);
out(`- node ${process.version}; ${cpus().length} CPUs; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after (CPU seconds grow under load too); median of ${opts.runs} runs (Python: 1)`);
out(`- reference: n3 alone = n3's Parser on the file's text (its StreamParser on the file from 16 MiB, as reprov reads it in pieces), counting quads (\`node bench/reverse.mjs --n3-parse FILE FORMAT\`); rapper parse = \`rapper -i FORMAT -o ntriples FILE > /dev/null\`${rapperOk ? '' : ' (rapper not installed: n/a)'}; Python = prov ProvDocument.deserialize + serialize to PROV-JSON${pythonOk ? `, up to ${label(opts.pythonMax)}` : ` (not available at ${PYTHON}: n/a)`}\n`);
out(`| input | entities | reprov CPU s | peak RSS MB | CPU us/entity | growth per entity | n3 alone CPU s, RSS MB | reprov / n3 alone | rapper parse CPU s | reprov / rapper | Python CPU s | Python / reprov |${opts.compare ? ' compared build CPU s, RSS MB | same bytes |' : ''}`);
out(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |${opts.compare ? ' --- | --- |' : ''}`);
for (const row of rows) {
  const perEntity = (row.reprov.cpu / row.n) * 1e6;
  const previous = rows.filter((r) => r.input === row.input && r.n < row.n).pop();
  const growth = previous ? fmt(perEntity / ((previous.reprov.cpu / previous.n) * 1e6)) + 'x' : '';
  const compared = row.compared ? ` ${fmt(row.compared.cpu)}, ${row.compared.mib.toFixed(0)} | ${row.compared.same ? 'yes' : '**NO**'} |` : '';
  out(`| ${row.input} | ${label(row.n)} | ${fmt(row.reprov.cpu)} | ${row.reprov.mib.toFixed(0)} | ${fmt(perEntity, 1)} | ${growth} | ${fmt(row.n3.cpu)}, ${row.n3.mib.toFixed(0)} | ${fmt(row.reprov.cpu / row.n3.cpu, 1)}x | ${fmt(row.rapper?.cpu)} | ${row.rapper ? fmt(row.reprov.cpu / row.rapper.cpu, 1) + 'x' : 'n/a'} | ${fmt(row.python?.cpu)} | ${row.python ? fmt(row.python.cpu / row.reprov.cpu, 1) + 'x' : 'n/a'} |${compared}`);
}
if (rows.some((r) => r.compared && !r.compared.same)) process.exitCode = 1;
}
