/**
 * `reprov check` speed and memory: one ~10k-triple bundle including process start, many such
 * bundles in one invocation (on worker threads, one per core), a ~1M-triple bundle's peak memory,
 * and where the time of one small bundle goes (bench/check-phases.mjs).
 *
 *   npm run build && node bench/check.mjs [BUNDLES]      (default 200 bundles)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'bench', 'out', 'check');
const cli = join(root, 'dist', 'cli', 'reprov.mjs');
const count = Number(process.argv[2] ?? 200);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bundle(entities, dir) {
  if (existsSync(join(dir, 'prov.ttl'))) return;
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'input.json');
  execFileSync(process.execPath, [join(root, 'bench', 'generate-ml-run.mjs'), String(entities), json], { stdio: 'ignore' });
  execFileSync(process.execPath, [cli, 'convert', json, '-t', 'turtle', '-o', join(dir, 'prov.ttl')]);
  rmSync(json);
}

/** Wall seconds and peak RSS (MB) of one CLI run, through GNU time. */
function timed(args) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, cli, ...args], { encoding: 'utf8' });
  const [seconds, kb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, mb: kb / 1024 };
}

bundle(1300, join(out, 'one'));
const single = [];
for (let i = 0; i < 5; i++) single.push(timed(['check', join(out, 'one'), '-f', 'json', '-o', '/dev/null']).seconds);

const many = join(out, 'many');
bundle(1300, join(many, 'b0'));
for (let i = 1; i < count; i++) {
  const dir = join(many, `b${i}`);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'prov.ttl'))) execFileSync('cp', [join(many, 'b0', 'prov.ttl'), join(dir, 'prov.ttl')]);
}
const batch = timed(['check', many, '-f', 'json', '-o', '/dev/null']);

// generate-ml-run.mjs writes ~7.8 triples per entity: 128k entities is a ~1M-triple bundle.
bundle(128000, join(out, 'million'));
const large = timed(['check', join(out, 'million'), '-f', 'json', '-o', '/dev/null']);

console.log(`# reprov check (node ${process.version})\n`);
console.log('| what | figure | aim |\n|---|---:|---:|');
console.log(`| one ~10k-triple bundle, including process start (median of 5) | ${median(single).toFixed(2)} s | < 0.5 s |`);
console.log(`| ${count} such bundles in one invocation | ${batch.seconds.toFixed(1)} s (${((batch.seconds / count) * 1000).toFixed(0)} ms each; 1000 would take ~${((batch.seconds / count) * 1000).toFixed(0)} s) | 1000 in < 60 s |`);
console.log(`| one ~1M-triple bundle | ${large.seconds.toFixed(1)} s, peak ${large.mb.toFixed(0)} MB | < 1 GB |`);

console.log('\n| one ~10k-triple bundle, phase by phase (a fresh process) | time |\n|---|---:|');
process.stdout.write(execFileSync(process.execPath, [join(root, 'bench', 'check-phases.mjs'), join(out, 'one', 'prov.ttl')], { encoding: 'utf8' }));
