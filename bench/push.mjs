/**
 * `reprov push` of generated bundles (bench/runs.mjs's generator: copies of one real recorded run)
 * to a SPARQL server, then `runs --endpoint` and a cookbook query on it: wall and CPU seconds
 * (user+sys of reprov's process; the server's own work is in the wall time only) and peak RSS,
 * median of RUNS runs each.
 *
 *   npm run build && node bench/push.mjs URL [BUNDLES] [RUNS]     (default 1000 bundles, 3 runs)
 *
 * URL is the server's SPARQL query URL, e.g. a throwaway Virtuoso started as
 * test/support/virtuoso.ts starts one (anonymous SPARQL_UPDATE granted): http://127.0.0.1:PORT/sparql.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from './runs.mjs';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist', 'cli', 'reprov.cjs');
const [url, count = '1000', repeat = '3'] = process.argv.slice(2);
if (!url) throw new Error('usage: node bench/push.mjs SPARQL-URL [BUNDLES] [RUNS]');
const env = { ...process.env, REPROV_CACHE_DIR: join(root, 'bench', 'out', 'push-cache') };
const cookbook = readFileSync(join(root, 'docs', 'queries.md'), 'utf8');
const query = /### Best run per experiment[\s\S]*?```sparql\n([\s\S]*?)```/.exec(cookbook)[1];

/** Wall and CPU seconds and peak RSS (MB) of one CLI run, through GNU time. */
function timed(args) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, cli, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(result.stderr);
  const [wall, user, sys, kb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, mb: Math.round(kb / 1024) };
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
function measure(args) {
  const runs = Array.from({ length: Number(repeat) }, () => timed(args));
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)), mb: median(runs.map((r) => r.mb)) };
}

const dir = generate(Number(count));
const rows = [
  ['push (parse cache warm after the first)', measure(['push', dir, '--endpoint', url, '-q'])],
  ['push --no-cache (parse every bundle)', measure(['push', dir, '--endpoint', url, '-q', '--no-cache'])],
  ['runs --endpoint', measure(['runs', '--endpoint', url, '-f', 'json', '-q', '-o', '/dev/null'])],
  ['query --endpoint (Best run per experiment)', measure(['query', '--endpoint', url, query, '-f', 'json', '-q', '-o', '/dev/null'])],
];
const triples = spawnSync(process.execPath, [cli, 'query', '--endpoint', url, 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "file:")) }', '-f', 'csv', '-q'], { encoding: 'utf8', env }).stdout.split('\n')[1];
console.log(`${count} bundles, ${triples.replace(/"/g, '').trim()} triples on the server; median of ${repeat}`);
console.log('| what | wall | CPU (user+sys) | peak RSS |\n| --- | ---: | ---: | ---: |');
for (const [what, { wall, cpu, mb }] of rows) console.log(`| ${what} | ${wall.toFixed(2)} s | ${cpu.toFixed(2)} s | ${mb} MB |`);
