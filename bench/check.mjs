/**
 * `reprov check` speed and memory: one ~10k-triple bundle including process start, many varied
 * bundles in one invocation (bench/corpus.mjs: recorded runs clean and dirty, with and without
 * seeds and pinned requirements, generated documents of 0.5k-31k triples in PROV-JSON and Turtle,
 * one with a token among its parameters, yProv4ML and MLflow imports), a ~1M-triple bundle's peak
 * memory, and where the time of one small bundle goes (bench/check-phases.mjs). Prints the findings
 * of the many-bundle run by rule, so one sees they vary.
 *
 *   npm run build && node bench/check.mjs [BUNDLES]      (default 200 bundles)
 *
 * Figures are CPU seconds (user + system, all threads) and peak RSS from GNU time: the machine is
 * shared, and wall time measures the neighbours.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleMix, makeBundles } from './corpus.mjs';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'bench', 'out', 'check');
const cli = join(root, 'dist', 'cli', 'reprov.cjs');
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

/** CPU seconds (user + sys), wall seconds, peak RSS (MB) and standard output of one CLI run. */
function timed(args) {
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %e %M', process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const [user, sys, wall, kb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { cpu: user + sys, wall, mb: kb / 1024, stdout: result.stdout };
}

bundle(1300, join(out, 'one'));
const single = [];
for (let i = 0; i < 5; i++) single.push(timed(['check', join(out, 'one'), '-f', 'json', '-o', '/dev/null']).cpu);

const many = makeBundles(join(out, `varied-${count}`), count);
const batch = timed(['check', many, '-f', 'json', '--fail-on', 'none']);
const report = JSON.parse(batch.stdout);
const byRule = new Map();
for (const b of report.bundles) for (const f of b.findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
const scores = report.bundles.map((b) => b.score);

// generate-ml-run.mjs writes ~7.8 triples per entity: 128k entities is a ~1M-triple bundle.
bundle(128000, join(out, 'million'));
const large = timed(['check', join(out, 'million'), '-f', 'json', '-o', '/dev/null']);

console.log(`# reprov check (node ${process.version}; CPU seconds, all threads)\n`);
console.log('| what | figure | aim |\n|---|---:|---:|');
console.log(`| one ~10k-triple bundle, including process start (median of 5) | ${median(single).toFixed(2)} s | < 0.5 s |`);
console.log(`| ${count} varied bundles in one invocation (default -j) | ${batch.cpu.toFixed(1)} s CPU, ${batch.wall.toFixed(1)} s wall, peak ${batch.mb.toFixed(0)} MB (${((batch.cpu / count) * 1000).toFixed(0)} ms CPU each) | 1000 in < 60 s |`);
console.log(`| one ~1M-triple bundle | ${large.cpu.toFixed(1)} s, peak ${large.mb.toFixed(0)} MB | < 1 GB |`);

console.log(`\nThe ${count} bundles: ${bundleMix(count).map(([name, n]) => `${name} ×${n}`).join(', ')}.`);
console.log(`Scores ${Math.min(...scores)}-${Math.max(...scores)} (median ${median(scores)}); ${report.summary.errors} errors, ${report.summary.warnings} warnings; findings by rule:\n`);
console.log('| rule | findings |\n|---|---:|');
for (const [rule, n] of [...byRule].sort()) console.log(`| ${rule} | ${n} |`);

console.log('\n| one ~10k-triple bundle, phase by phase (a fresh process) | time |\n|---|---:|');
process.stdout.write(execFileSync(process.execPath, [join(root, 'bench', 'check-phases.mjs'), join(out, 'one', 'prov.ttl')], { encoding: 'utf8' }));
