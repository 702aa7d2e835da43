/**
 * How `reprov diff` prints its result: text grouped by section (only what differs, unless
 * `all`), or JSON (the shape of schemas/diff-report.schema.json, version 1).
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { version } from '../base/version.js';
import { RESULT_SECTIONS, type DiffEntry, type DiffReport } from './diff.js';
import { decimalDifference } from './decimal.js';

export const DIFF_REPORT_SCHEMA_PATH = join(PACKAGE_ROOT, 'schemas', 'diff-report.schema.json');

export interface DiffRenderOptions {
  /** Also the entries that are the same in both runs. */
  all?: boolean;
}

/** The report as JSON: every section, with only the entries that differ unless `all`. */
export function toDiffJson(report: DiffReport, options: DiffRenderOptions = {}): { version: 1; tool: { name: 'reprov'; version: string } } & DiffReport {
  const sections = report.sections.map((s) => ({ ...s, entries: options.all ? s.entries : s.entries.filter((e) => e.change !== 'same') }));
  return { version: 1, tool: { name: 'reprov', version }, ...report, sections };
}

/** Digests shortened for reading; JSON keeps them whole. */
const short = (value: string | null) => (value === null ? '(not recorded)' : /^[0-9a-f]{40,}$/.test(value) ? `${value.slice(0, 12)}…` : value);
/**
 * A delta with every digit that differs: the exact decimal difference of the two values as
 * recorded (`+487010304`, `+0.2` for 0.3 − 0.1, `+2e-16`), or, for values not written in decimal,
 * the shortest text that reads back as the same double. Never rounded to a fixed precision.
 */
function signed(entry: DiffEntry, delta: number): string {
  const exact = entry.a !== null && entry.b !== null ? decimalDifference(entry.a, entry.b) : undefined;
  const text = exact ?? String(delta);
  const negative = text.startsWith('-');
  return `${negative ? '−' : text === '0' ? '±' : '+'}${negative ? text.slice(1) : text}`;
}

function line(entry: DiffEntry, resultSection: boolean): string {
  const value = entry.change === 'same' ? short(entry.a) : `${short(entry.a)} → ${short(entry.b)}`;
  const delta = entry.delta !== undefined && entry.change === 'changed' ? ` (Δ ${signed(entry, entry.delta)})` : '';
  const note = entry.change !== 'same' && !entry.reproduction && !resultSection ? '  (informational)' : '';
  return `  ${entry.change === 'same' ? '=' : entry.change === 'added' ? '+' : entry.change === 'removed' ? '-' : '~'} ${entry.key}: ${value}${delta}${note}`;
}

export function renderDiffText(report: DiffReport, options: DiffRenderOptions = {}): string {
  const out = [`reprov diff ${report.a.file} (${report.a.run}) → ${report.b.file} (${report.b.run})`];
  for (const section of report.sections) {
    const entries = options.all ? section.entries : section.entries.filter((e) => e.change !== 'same');
    if (!entries.length) continue;
    const result = RESULT_SECTIONS.includes(section.name);
    out.push('', `${section.name}${result ? ' (results: not counted)' : ''}`, ...entries.map((e) => line(e, result)));
  }
  const shown = report.sections.some((s) => s.entries.some((e) => options.all || e.change !== 'same'));
  if (!shown) out.push('', 'no differences');
  out.push('', report.equivalent
    ? 'equivalent: as recorded, the runs do not differ in parameters, seeds, determinism, inputs, code, dependencies, environment or hardware'
    : `not equivalent: the runs differ in ${report.differing.join(', ')}`, '');
  return out.join('\n');
}
