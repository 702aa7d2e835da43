/**
 * How `reprov reproduce` prints its result: text, JSON (the shape of
 * schemas/reproduce-report.schema.json, version 1), or the recipe as a POSIX shell script.
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { version } from '../base/version.js';
import { relocate, type Precondition, type Recipe, type ReproduceReport } from './reproduce.js';

export const REPRODUCE_REPORT_SCHEMA_PATH = join(PACKAGE_ROOT, 'schemas', 'reproduce-report.schema.json');

export function toReproduceJson(report: ReproduceReport): { version: 1; tool: { name: 'reprov'; version: string } } & ReproduceReport {
  return { version: 1, tool: { name: 'reprov', version }, ...report };
}

const short = (value: string) => (/^[0-9a-f]{40,}$/.test(value) ? `${value.slice(0, 12)}…` : value);
const MARK: Record<Precondition['status'], string> = { ok: 'ok', failed: 'FAILED', warning: 'warning' };

export function renderReproduceText(report: ReproduceReport): string {
  const { recipe } = report;
  const out = [`reprov reproduce ${report.bundle}`, '', 'recipe'];
  out.push(`  commit     ${recipe.commit}${recipe.dirty ? ` + uncommitted changes${recipe.diffFile ? ` (diff ${recipe.diffFile})` : ' (no diff stored)'}` : ''}`);
  out.push(`  directory  ${recipe.subdirectory || '.'} (recorded: ${recipe.workingDirectory ?? 'not recorded'})`);
  out.push(`  command    ${recipe.command}`);
  if (recipe.environment.length) out.push(`  env        ${recipe.environment.map((e) => `${e.name}=${e.value}`).join(' ')}`);
  if (recipe.seeds.length) out.push(`  seeds      ${recipe.seeds.map((s) => `${s.name}=${s.value}`).join(', ')}`);
  if (recipe.pythonVersion) out.push(`  python     ${recipe.pythonVersion}${recipe.interpreter ? ` (${recipe.interpreter}, ${recipe.packageCount ?? 0} packages recorded)` : ''}`);
  out.push('', 'preconditions');
  for (const p of report.preconditions) {
    const values = p.status === 'failed' && p.expected ? ` (expected ${short(p.expected)}${p.actual ? `, found ${short(p.actual)}` : ''})` : '';
    out.push(`  ${MARK[p.status].padEnd(7)}  ${p.kind.padEnd(11)}  ${short(p.subject)}: ${p.message}${values}`);
  }
  if (report.rerun) {
    out.push('', 'rerun');
    out.push(`  bundle     ${report.rerun.bundle}`);
    if (report.rerun.programBundle) out.push(`  program's  ${report.rerun.programBundle} (the bundle the program wrote itself: compared)`);
    out.push(`  worktree   ${report.rerun.worktree}${report.rerun.kept ? ' (kept)' : ' (removed)'}`);
    out.push(`  exit code  ${report.rerun.exitCode ?? 'signal'}${report.rerun.originalExitCode !== undefined ? ` (the run: ${report.rerun.originalExitCode})` : ''}, ${report.rerun.seconds} s`);
  }
  if (report.outputs.length) {
    out.push('', 'outputs (SHA-256)');
    for (const o of report.outputs) {
      out.push(`  ${o.status.padEnd(9)}  ${o.path}${o.status === 'different' ? ` (${short(o.expected ?? '')} → ${short(o.actual ?? '')})` : ''}`);
    }
  }
  if (report.metrics.length) {
    out.push('', `metrics (rtol ${report.tolerance.rtol}, atol ${report.tolerance.atol})`);
    for (const m of report.metrics) {
      const parts = [`${m.compared} points compared`];
      if (m.firstDivergence) parts.push(`first divergence at step ${m.firstDivergence.step ?? '?'}: ${m.firstDivergence.original ?? 'none'} → ${m.firstDivergence.rerun ?? 'none'}`);
      if (m.maxDeviation) parts.push(`largest deviation ${m.maxDeviation.absolute} at step ${m.maxDeviation.step ?? '?'}${m.maxDeviation.relative !== null ? ` (relative ${m.maxDeviation.relative})` : ''}`);
      if (m.onlyOriginal || m.onlyRerun) parts.push(`${m.onlyOriginal} point(s) only in the run, ${m.onlyRerun} only in the rerun`);
      if (m.message) parts.push(m.message);
      out.push(`  ${m.status.padEnd(16)}  ${m.context}/${m.name}: ${parts.join('; ')}`);
    }
  }
  if (report.differences.length) {
    out.push('', 'what differs from the run (reprov diff)');
    for (const d of report.differences) out.push(`  ${d.section}: ${d.key}: ${short(d.original ?? '(none)')} → ${short(d.rerun ?? '(none)')}`);
  }
  if (report.hazards.length) {
    out.push('', "the run's randomness and determinism findings (reprov check)");
    for (const h of report.hazards) out.push(`  ${h.rule} ${h.severity}: ${h.message}${h.location ? ` (${h.location.file}:${h.location.line})` : ''}`);
  }
  if (report.warnings.length) {
    out.push('', 'warnings');
    for (const w of report.warnings) out.push(`  ${w}`);
  }
  out.push('', `${report.verdict}${report.warnings.length && report.verdict !== 'not rerun' ? ` (with ${report.warnings.length} warning${report.warnings.length > 1 ? 's' : ''})` : ''} — ${report.summary}`, '');
  return out.join('\n');
}

/** A word as a POSIX shell reads it back: single-quoted unless plain. */
export function shellQuote(word: string): string {
  return word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The recipe as a POSIX shell script a person can read and run by hand from inside a clone of the
 * run's repository: `sh reproduce.sh [DIR]` makes a detached worktree at the commit in DIR (default:
 * a new temporary directory), applies the stored diff, puts the inputs in place (by symbolic link,
 * checked against their SHA-256 when `sha256sum` is there), sets the recorded environment and runs
 * the command in its working directory. The worktree is left for the person to look at.
 */
export function renderScript(report: ReproduceReport): string {
  const r: Recipe = report.recipe;
  const q = shellQuote;
  // Each argument quoted again (a `;` or `$(...)` in a bundle is an argument, as in the rerun, never
  // shell syntax); arguments naming files of the run's working directory by absolute path point into the checkout.
  const command = relocate(r, '.').map(shellQuote).join(' ');
  // Text from the bundle in a comment: one line, no control characters.
  const c = (text: string) => text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
  const lines = [
    '#!/bin/sh',
    `# Reproduces the run ${c(r.run)} recorded in ${c(report.bundle)}`,
    `# (written by reprov ${version} reproduce --script). Run it inside a clone of the run's repository:`,
    '#   sh reproduce.sh [DIR]     DIR receives the checkout (default: a new temporary directory)',
  ];
  if (r.repository) lines.push(`# repository: ${c(r.repository)}`);
  if (r.pythonVersion) lines.push(`# the run used Python ${c(r.pythonVersion)}${r.interpreter ? ` (${c(r.interpreter)}; ${r.packageCount ?? 0} packages recorded: reprov verify lists differences)` : ''}`);
  for (const s of r.seeds) lines.push(`# seed ${c(s.name)} = ${c(s.value)}`);
  for (const p of r.parameters) lines.push(`# parameter ${c(p.name)} = ${c(p.value)}`);
  const failed = report.preconditions.filter((p) => p.status !== 'ok');
  for (const p of failed) lines.push(`# ${p.status === 'failed' ? 'PRECONDITION FAILED' : 'warning'}: ${c(`${p.kind} ${p.subject}: ${p.message}`)}`);
  lines.push(
    'set -eu',
    'repo=$(git rev-parse --show-toplevel)',
    'dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/reprov-reproduce.XXXXXX")}',
    'work="$dir/worktree"',
    `git -C "$repo" worktree add --detach -q "$work" ${q(r.commit)}`,
    'cd "$work"',
  );
  if (r.dirty && r.diffFile) lines.push(`git apply --whitespace=nowarn ${q(r.diffFile)}`);
  else if (r.dirty) lines.push('# the run had uncommitted changes the bundle does not hold: this checkout lacks them');
  if (r.subdirectory) lines.push(`mkdir -p ${q(r.subdirectory)}`, `cd ${q(r.subdirectory)}`);
  const found = new Map(report.preconditions.filter((p) => p.kind === 'input' && p.foundAt).map((p) => [p.subject, p.foundAt!]));
  for (const input of r.inputs) {
    const source = found.get(input.path);
    lines.push(`# input ${c(input.path)}${input.sha256 ? ` sha256 ${c(input.sha256)}` : ''}`);
    if (/[\u0000-\u001f\u007f]/.test(input.path)) {
      lines.push('# (a control character in its path: not put in place by this script)');
      continue;
    }
    if (source && source !== 'commit' && !input.path.startsWith('/')) {
      const parent = input.path.includes('/') ? input.path.slice(0, input.path.lastIndexOf('/')) : '';
      if (parent) lines.push(`mkdir -p ${q(parent)}`);
      lines.push(`rm -rf ${q(input.path)}`, `ln -s ${q(source)} ${q(input.path)}`);
    }
    if (input.sha256 && !input.directory) {
      lines.push(`if command -v sha256sum >/dev/null 2>&1; then printf '%s  %s\\n' ${q(input.sha256)} ${q(input.path)} | sha256sum -c --quiet -; fi`);
    }
  }
  for (const e of r.environment) lines.push(/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name) ? `export ${e.name}=${q(e.value)}` : `# not a variable name, not set: ${c(e.name)}`);
  lines.push(
    '# Under `reprov record` when reprov is at hand (REPROV names it, e.g. "npx reprov"): the rerun gets a bundle of its own',
    '# to compare with `reprov diff`; a program that does `import reprov` needs it (or reprov\'s python directory on PYTHONPATH).',
    'status=0',
    'if [ -n "${REPROV-}" ] || command -v reprov >/dev/null 2>&1; then',
    `  \${REPROV:-reprov} record -q -o "$dir/bundle"${r.interpreter ? ` --python ${q(r.interpreter)}` : ''} -- ${command} || status=$?`,
    'else',
    `  ${command} || status=$?`,
    'fi',
    `printf '%s\\n' "reprov: the run's outputs are in $PWD (exit $status); remove the checkout with: git -C \\"$repo\\" worktree remove --force \\"$work\\"" >&2`,
    'exit "$status"',
    '',
  );
  return lines.join('\n');
}
