/**
 * `reprov runs` and a cookbook query (docs/queries.md, "Best run per experiment") over many
 * generated bundles: cold (empty parse cache) and cached, with process start; then the growth
 * from the smallest size to the largest (cost per bundle).
 *
 *   npm run build && node bench/runs.mjs [SIZES...] [--repeat N] [--cli PATH]    (default: 1000 10000, 3 repeats)
 *
 * The bundles are copies of one real recorded run (`reprov record` of a Python script logging two
 * metrics, with a data input and a seed), each with its own run id, learning rate and seed. They
 * are written under $TMPDIR/reprov-bench-runs (10k bundles are about 400 MB), not in the repository.
 * Figures are CPU seconds (user + system) and peak RSS through GNU time, medians of the repeats
 * (cold runs once per size: emptying the cache is what makes it cold).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const out = join(process.env.REPROV_BENCH_DIR ?? tmpdir(), 'reprov-bench-runs');
const args = process.argv.slice(2);
// --cli PATH: time another build (a copy of dist/ made before the working tree is rebuilt).
const cliAt = args.indexOf('--cli');
const cli = cliAt >= 0 ? args.splice(cliAt, 2)[1] : join(root, 'dist', 'cli', 'reprov.cjs');
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Number(args.splice(repeatAt, 2)[1]) : 3;
const sizes = (args.length ? args : ['1000', '10000']).map(Number);
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

/** CPU seconds (user + system), wall seconds and peak RSS (MB) of one CLI run, through GNU time. */
function timed(cliArgs) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, cli, ...cliArgs], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(result.stderr);
  const [wall, user, sys, kb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { cpu: user + sys, wall, mb: Math.round(kb / 1024) };
}

// bench/push.mjs imports the generator: the measurements run only when this file is the script.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  function medianOf(n, cliArgs) {
    const all = Array.from({ length: n }, () => timed(cliArgs));
    return { cpu: median(all.map((r) => r.cpu)), wall: median(all.map((r) => r.wall)), mb: median(all.map((r) => r.mb)) };
  }

  const runsArgs = (dir) => ['runs', dir, '-f', 'json', '-q', '-o', '/dev/null'];
  const queryArgs = (dir) => ['query', dir, query, '-f', 'json', '-q', '-o', '/dev/null'];
  const results = new Map();
  for (const count of sizes) {
    const dir = generate(count);
    process.stderr.write(`${count} bundles generated in ${dir}\n`);
    const rows = [];
    rmSync(cacheDir, { recursive: true, force: true });
    rows.push(['runs, cold (parse + check every bundle)', timed(runsArgs(dir))]);
    rows.push(['runs, cached', medianOf(repeat, runsArgs(dir))]);
    rmSync(cacheDir, { recursive: true, force: true });
    rows.push(['query, cold', timed(queryArgs(dir))]);
    rows.push(['query, cached', medianOf(repeat, queryArgs(dir))]);
    const triples = spawnSync(process.execPath, [cli, 'query', dir, 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }', '-f', 'csv', '-q'], { encoding: 'utf8', env }).stdout.split('\n')[1];
    console.log(`\n${count} bundles, ${triples.trim()} triples (CPU = user + system seconds; cached: median of ${repeat})`);
    console.log('| what | CPU | wall | peak RSS |\n| --- | ---: | ---: | ---: |');
    for (const [what, { cpu, wall, mb }] of rows) console.log(`| ${what} | ${cpu.toFixed(2)} s | ${wall.toFixed(2)} s | ${mb} MB |`);
    results.set(count, rows);
  }
  if (sizes.length > 1) {
    const [small, large] = [sizes[0], sizes.at(-1)];
    console.log(`\nGrowth ${small} → ${large} bundles: CPU ms per bundle`);
    console.log(`| what | ${small} | ${large} | ×${large / small} bundles: CPU × |\n| --- | ---: | ---: | ---: |`);
    results.get(small).forEach(([what, a], i) => {
      const b = results.get(large)[i][1];
      console.log(`| ${what} | ${((a.cpu / small) * 1000).toFixed(2)} | ${((b.cpu / large) * 1000).toFixed(2)} | ${(b.cpu / a.cpu).toFixed(1)} |`);
    });
  }
}
