/**
 * `reprov runs` and a cookbook query (docs/queries.md, "Best run per experiment") over many
 * generated bundles: cold (empty parse cache) and cached, with process start.
 *
 *   npm run build && node bench/runs.mjs [BUNDLES]      (default 1000 bundles)
 *
 * The bundles are copies of one real recorded run (`reprov record` of a Python script logging two
 * metrics, with a data input and a seed), each with its own run id, learning rate and seed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'bench', 'out', 'runs');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const count = Number(process.argv[2] ?? 1000);
const cacheDir = join(out, 'cache');
const env = { ...process.env, REPROV_CACHE_DIR: cacheDir };

const cookbook = readFileSync(join(root, 'docs', 'queries.md'), 'utf8');
const query = /### Best run per experiment[\s\S]*?```sparql\n([\s\S]*?)```/.exec(cookbook)[1];

/** One real run, recorded once. */
export function template() {
  const dir = join(out, 'template');
  if (existsSync(join(dir, 'run', 'prov.ttl'))) return join(dir, 'run');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'data.csv'), 'x,y\n1,2\n');
  writeFileSync(join(dir, 'train.py'), 'import reprov\nfor s in range(50):\n    reprov.log_metric("loss", 1 / (s + 1), step=s)\n    reprov.log_metric("val_acc", 0.5 + s / 100, step=s, context="validation")\n');
  execFileSync(process.execPath, [cli, 'record', '-q', '--no-git', '--no-hardware', '-e', 'bench', '-o', 'run', '-p', 'lr=0.1', '-s', '1', '-i', 'data.csv', '--', 'python3', 'train.py'], { cwd: dir, env });
  return join(dir, 'run');
}

/** N copies of the template run under bench/out/runs/bundles-N (kept for the next time). */
export function generate(n) {
  const dir = join(out, `bundles-${n}`);
  if (existsSync(dir) && readdirSync(dir).length === n) return dir;
  rmSync(dir, { recursive: true, force: true });
  const source = template();
  const ttl = readFileSync(join(source, 'prov.ttl'), 'utf8');
  const id = /urn:reprov:run:([^/]+)\//.exec(ttl)[1];
  for (let i = 0; i < n; i++) {
    const target = join(dir, `run-${String(i).padStart(5, '0')}`);
    cpSync(join(source, 'metrics'), join(target, 'metrics'), { recursive: true });
    const text = ttl.replaceAll(id, `bench-${i}`).replaceAll('"0.1"^^xsd:double', `"${(i + 1) / 10000}"^^xsd:double`)
      .replace(/reprov:experiment "bench"/, `reprov:experiment "bench-${i % 10}"`);
    writeFileSync(join(target, 'prov.ttl'), text);
  }
  return dir;
}

/** Wall seconds and peak RSS (MB) of one CLI run, through GNU time. */
function timed(args) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, cli, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(result.stderr);
  const [seconds, kb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, mb: Math.round(kb / 1024) };
}

// bench/push.mjs imports the generator: the measurements run only when this file is the script.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = generate(count);
  rmSync(cacheDir, { recursive: true, force: true });
  const rows = [];
  rows.push(['runs, cold (parse + check every bundle)', timed(['runs', dir, '-f', 'json', '-q', '-o', '/dev/null'])]);
  rows.push(['runs, cached', timed(['runs', dir, '-f', 'json', '-q', '-o', '/dev/null'])]);
  rows.push(['runs --no-cache', timed(['runs', dir, '-f', 'json', '-q', '-o', '/dev/null', '--no-cache'])]);
  rmSync(cacheDir, { recursive: true, force: true });
  rows.push(['query, cold', timed(['query', dir, query, '-f', 'json', '-q', '-o', '/dev/null'])]);
  rows.push(['query, cached', timed(['query', dir, query, '-f', 'json', '-q', '-o', '/dev/null'])]);
  const triples = spawnSync(process.execPath, [cli, 'query', dir, 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }', '-f', 'csv', '-q'], { encoding: 'utf8', env }).stdout.split('\n')[1];
  console.log(`${count} bundles, ${triples.trim()} triples`);
  console.log('| what | wall | peak RSS |\n| --- | ---: | ---: |');
  for (const [what, { seconds, mb }] of rows) console.log(`| ${what} | ${seconds.toFixed(2)} s | ${mb} MB |`);
}
