/**
 * How `reprov verify` prints its result: a text table (one line per item) or JSON (the shape of
 * schemas/verify-report.schema.json, version 1).
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { version } from '../base/version.js';
import { FAILING_STATUSES, type VerifyItem, type VerifyReport, type VerifyStatus } from './verify.js';

export const VERIFY_REPORT_SCHEMA_PATH = join(PACKAGE_ROOT, 'schemas', 'verify-report.schema.json');

export function toVerifyJson(report: VerifyReport): { version: 1; tool: { name: 'reprov'; version: string } } & VerifyReport {
  return { version: 1, tool: { name: 'reprov', version }, ...report };
}

const SHOWN: Record<VerifyStatus, string> = {
  match: 'ok', mismatch: 'MISMATCH', missing: 'MISSING', unreadable: 'UNREADABLE', refused: 'REFUSED', unchecked: 'unchecked',
};
const KIND: Record<VerifyItem['kind'], string> = {
  input: 'input', output: 'output', metric: 'metric file', dependency: 'dependencies', diff: 'stored diff',
  commit: 'git commit', changes: 'git changes', untracked: 'untracked', packages: 'installed packages',
};

/** Digests shortened for reading; JSON keeps them whole. */
const short = (value: string) => (/^[0-9a-f]{40,}$/.test(value) ? `${value.slice(0, 12)}…` : value);

export function renderVerifyText(report: VerifyReport): string {
  const rows = report.items.map((item) => {
    const values = FAILING_STATUSES.includes(item.status) && item.expected !== undefined
      ? ` (expected ${short(item.expected)}${item.actual !== undefined ? `, found ${short(item.actual)}` : ''})`
      : '';
    return [SHOWN[item.status], KIND[item.kind], item.path ?? item.id, `${item.message}${values}`];
  });
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => r[i]?.length ?? 0)));
  const lines = rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ').trimEnd());
  const { counts } = report;
  const tally = [
    `${counts.match} match`, counts.mismatch && `${counts.mismatch} mismatch`, counts.missing && `${counts.missing} missing`,
    counts.unreadable && `${counts.unreadable} unreadable`, counts.refused && `${counts.refused} refused`,
    counts.unchecked && `${counts.unchecked} not checkable`,
  ].filter(Boolean).join(', ');
  return [
    `reprov verify ${report.bundle} against ${report.root}`,
    ...(lines.length ? lines.map((l) => `  ${l}`) : ['  the bundle names nothing to verify']),
    `${tally}: ${report.ok ? 'verified' : 'verification failed'}`,
    '',
  ].join('\n');
}
