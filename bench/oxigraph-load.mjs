/**
 * Loading a million triples into the embedded Oxigraph store, as `reprov query`, `runs` (with a
 * query) and `lineage` do: the bundles of bench/runs.mjs (copies of one recorded run, ~200 triples
 * each, each its own run id) as N-Triples, as the parse cache holds them.
 *
 *   npm run build && node bench/oxigraph-load.mjs [TRIPLES] [--repeat N]     (default 1000000, 3)
 *
 * Two ways, each in a fresh process (CPU seconds of the load alone, peak RSS of the process):
 * - per bundle: one `store.load` of N-Triples into the bundle's named graph each (what reprov does);
 * - one N-Quads load: every bundle's triples in one string, the graph name on each line (blank
 *   nodes renamed per bundle so that bundles stay apart).
 * Then a cookbook query (docs/queries.md, "Best run per experiment") over the store.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Number(args.splice(repeatAt, 2)[1]) : 3;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/** The bundles' N-Triples: the bench/runs.mjs template bundle (recorded by it), its run id replaced per copy. */
async function bundles(triples) {
  const { loadBundle } = await import(join(root, 'dist/src/io/load-bundle.js'));
  const { Writer } = require('n3');
  const template = join(process.env.REPROV_BENCH_DIR ?? require('node:os').tmpdir(), 'reprov-bench-runs', 'template', 'run', 'prov.ttl');
  let bundle;
  try {
    bundle = await loadBundle(template);
  } catch {
    throw new Error(`${template}: missing; run node bench/runs.mjs 1000 first (it records the template run)`);
  }
  const text = new Writer({ format: 'N-Triples' }).quadsToString(bundle.quads);
  const id = /urn:reprov:run:([^/>]+)\//.exec(text)[1];
  const per = bundle.quads.length;
  return { per, list: Array.from({ length: Math.ceil(triples / per) }, (_, i) => text.replaceAll(id, `bench-${i}`)) };
}

async function child(mode, triples) {
  const { list } = await bundles(triples);
  const ox = require('oxigraph');
  const { withPrefixes } = await import(join(root, 'dist/src/release/query.js'));
  const cookbook = readFileSync(join(root, 'docs', 'queries.md'), 'utf8');
  const query = withPrefixes(/### Best run per experiment[\s\S]*?```sparql\n([\s\S]*?)```/.exec(cookbook)[1]).text;
  const store = new ox.Store();
  let start = cpu();
  if (mode === 'per-bundle') {
    list.forEach((nt, i) => store.load(nt, { format: 'application/n-triples', to_graph_name: ox.namedNode(`file:///bench/${i}/prov.ttl`), no_transaction: true }));
  } else {
    const nquads = list.map((nt, i) => nt.replace(/_:(\S+)/g, `_:g${i}_$1`).replace(/ \.$/gm, ` <file:///bench/${i}/prov.ttl> .`)).join('');
    start = cpu();
    store.load(nquads, { format: 'application/n-quads', no_transaction: true });
  }
  const load = cpu() - start;
  start = cpu();
  store.query(query, { results_format: 'json', use_default_graph_as_union: true });
  const q = cpu() - start;
  process.stdout.write(JSON.stringify({ load, query: q, triples: store.size, bundles: list.length, mb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

if (args[0] === '--child') {
  await child(args[1], Number(args[2]));
} else {
  const triples = Number(args[0] ?? 1_000_000);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`Loading ~${triples} triples into Oxigraph (CPU seconds, median of ${repeat}; peak RSS of the process, N-Triples strings included)`);
  console.log('| how | bundles | triples | load CPU | per 1k triples | query CPU | peak RSS |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const mode of ['per-bundle', 'one N-Quads load']) {
    const runs = Array.from({ length: repeat }, () => {
      const result = spawnSync(process.execPath, ['--max-old-space-size=8192', new URL(import.meta.url).pathname, '--child', mode, String(triples)], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(result.stderr);
      return JSON.parse(result.stdout);
    });
    const m = (k) => median(runs.map((r) => r[k]));
    console.log(`| ${mode} | ${runs[0].bundles} | ${runs[0].triples} | ${m('load').toFixed(2)} s | ${((m('load') / runs[0].triples) * 1e6).toFixed(2)} ms | ${m('query').toFixed(2)} s | ${m('mb')} MB |`);
  }
}
