/**
 * `reprov scan` speed: 1000 generated Python training scripts and 1000 TypeScript ones (about
 * 150 lines each, with imports, classes, helpers and seeds; bench/corpus.mjs), two files in three
 * with hazards the scan rules find (RPV-S101-S106, T101-T102, D101-D102; the findings are counted
 * by rule and compared with what was planted), each language scanned by the CLI in its own process
 * (start-up and parser loading included), with the default worker threads and in one (-j 1).
 *
 *   npm run build && node bench/scan.mjs [FILES]      (default 1000 per language)
 *
 * Figures are CPU seconds (user + system, all threads; GNU time): the machine is shared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSources, pythonHazards, typescriptHazards } from './corpus.mjs';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist', 'cli', 'reprov.cjs');
const count = Number(process.argv[2] ?? 1000);

function scan(dir, jobs) {
  const args = [cli, 'scan', dir, '-f', 'json', '--fail-on', 'none', ...(jobs ? ['-j', String(jobs)] : [])];
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %e', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(result.stderr);
  const [user, sys, wall] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { cpu: user + sys, wall, report: JSON.parse(result.stdout) };
}

const work = mkdtempSync(join(tmpdir(), 'reprov-bench-scan-'));
try {
  console.log(`reprov scan, ${count} files per language (node ${process.version}; CPU seconds, all threads)\n`);
  for (const [language, limit, planted] of [['python', 5, pythonHazards], ['typescript', 20, typescriptHazards]]) {
    const lines = makeSources(join(work, language), language, count);
    const { cpu, wall, report } = scan(join(work, language));
    const single = scan(join(work, language), 1);
    const found = new Map();
    for (const file of report.files) for (const f of file.findings) found.set(f.rule, (found.get(f.rule) ?? 0) + 1);
    const expected = new Map();
    for (let i = 0; i < count; i++) for (const rule of planted(i)) expected.set(rule, (expected.get(rule) ?? 0) + 1);
    const clean = report.files.filter((f) => f.findings.length === 0).length;
    console.log(`${language}: ${report.files.length} files (${Math.round(lines / count)} lines each), ${clean} without findings: ` +
      `${cpu.toFixed(2)} s CPU (${wall.toFixed(2)} s wall; aim: under ${limit} s) with the default -j; -j 1: ${single.cpu.toFixed(2)} s CPU (${single.wall.toFixed(2)} s wall)\n`);
    console.log('| rule | findings | planted |\n|---|---:|---:|');
    for (const rule of [...new Set([...found.keys(), ...expected.keys()])].sort()) console.log(`| ${rule} | ${found.get(rule) ?? 0} | ${expected.get(rule) ?? 0} |`);
    console.log('');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
