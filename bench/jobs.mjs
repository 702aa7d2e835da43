/**
 * What `-j` buys: `reprov check` and `reprov scan` at several work sizes, in one thread (-j 1),
 * two workers (-j 2) and the default, on this machine as it is and with one core kept busy by a
 * spinning `node -e 'for(;;){}'`. Prints wall and CPU seconds (user + system, all threads) and
 * the load average at the start of each run; the default's rule (src/check/worker-pool.ts,
 * `chooseJobs`) is judged by this table.
 *
 *   npm run build && node bench/jobs.mjs [--sizes 10,100,1000] [--check-max 300] [--runs N]
 *
 * Inputs come from bench/corpus.mjs (varied bundles; Python and TypeScript files with hazards).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBundles, makeSources } from './corpus.mjs';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist', 'cli', 'reprov.cjs');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const SIZES = option('--sizes', '10,100,1000').split(',').map(Number);
const CHECK_MAX = Number(option('--check-max', 300));
const RUNS = Number(option('--runs', 1));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(argv) {
  const load = loadavg()[0];
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %e', process.execPath, cli, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] });
  const [user, sys, wall] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { cpu: user + sys, wall, load };
}

const work = mkdtempSync(join(tmpdir(), 'reprov-bench-jobs-'));
const cases = [];
for (const n of SIZES) {
  if (n <= CHECK_MAX) cases.push([`check, ${n} bundles`, ['check', makeBundles(join(root, 'bench', 'out', 'check', `varied-${n}`), n), '-f', 'json', '--fail-on', 'none']]);
  for (const language of ['python', 'typescript']) {
    const dir = join(work, `${language}-${n}`);
    makeSources(dir, language, n);
    cases.push([`scan, ${n} ${language} files`, ['scan', dir, '-f', 'json', '--fail-on', 'none']]);
  }
}

console.log(`# -j on ${availableParallelism()} cores (node ${process.version}); wall s / CPU s, median of ${RUNS}; load = 1-minute load average at the start\n`);
console.log('| work | busy core | -j 1 | -j 2 | default | load |\n|---|---|---:|---:|---:|---:|');
try {
  for (const busy of [false, true]) {
    const spinner = busy ? spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }) : undefined;
    try {
      if (busy) await new Promise((done) => setTimeout(done, 2000));
      for (const [name, argv] of cases) {
        const cells = [];
        const loads = [];
        for (const jobs of [['-j', '1'], ['-j', '2'], []]) {
          const runs = [];
          for (let i = 0; i < RUNS; i++) runs.push(timed([...argv, ...jobs]));
          loads.push(...runs.map((r) => r.load));
          cells.push(`${median(runs.map((r) => r.wall)).toFixed(2)} / ${median(runs.map((r) => r.cpu)).toFixed(2)}`);
        }
        console.log(`| ${name} | ${busy ? 'yes' : 'no'} | ${cells.join(' | ')} | ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} |`);
      }
    } finally {
      spinner?.kill();
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
