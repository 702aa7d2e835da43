/** What every report format shares: the order of findings, the summary counts and the pass/fail test of a bundle. */
import { CATEGORIES, type BundleResult, type Category, type CheckResult, type Finding, type Severity } from '../check/types.js';

/** error 0, warning 1, info 2: lower is more severe. */
export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Findings ordered by severity (error, warning, info), then rule id, source location (when they have one), focus and message; a new array. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      compare(a.rule, b.rule) ||
      compareLocations(a, b) ||
      compare(a.focus, b.focus) ||
      compare(a.message, b.message),
  );
}

function compareLocations(a: Finding, b: Finding): number {
  if (!a.location || !b.location) return 0;
  return compare(a.location.file, b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column;
}

/** Where a finding is: `file:line:column` for one in source code (editors and terminals link it), else its focus. */
export function findingPlace(finding: Finding): string {
  const at = finding.location;
  return at ? `${at.file}:${at.line}:${at.column}` : finding.focus;
}

/** Code-point order, the same on every machine and locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  /** Bundles checked (inputs that could not be read are not counted). */
  bundles: number;
  /** The lowest score among the bundles that have one; null when none has. */
  lowestScore: number | null;
}

export function summarize(result: CheckResult): Summary {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let lowestScore: number | null = null;
  for (const bundle of result.bundles) {
    for (const finding of bundle.findings) counts[finding.severity]++;
    if (bundle.score !== null && (lowestScore === null || bundle.score < lowestScore)) lowestScore = bundle.score;
  }
  return { errors: counts.error, warnings: counts.warning, infos: counts.info, bundles: result.bundles.length, lowestScore };
}

/** Findings of one bundle counted by severity. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

/** `1 error`, `2 errors`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * `3 errors, 2 warnings, 1 info in 2 bundles; lowest score 64; 1 input could not be read` (infos
 * and unreadable inputs only when there are some). `unit` names what was checked (`file` for scan).
 */
export function summaryLine(result: CheckResult, unit = 'bundle'): string {
  const s = summarize(result);
  const counts = [plural(s.errors, 'error'), plural(s.warnings, 'warning')];
  if (s.infos > 0) counts.push(plural(s.infos, 'info'));
  let line = `${counts.join(', ')} in ${plural(s.bundles, unit)}`;
  if (s.bundles > 0) line += s.lowestScore === null ? '; no score (no rule applies)' : `; lowest score ${s.lowestScore}`;
  if (result.errors.length > 0) line += `; ${plural(result.errors.length, 'input')} could not be read`;
  return line;
}

/** The bundle's categories that have an entry, in the order of CATEGORIES. */
export function categoryEntries(bundle: BundleResult): [Category, number | null][] {
  const entries: [Category, number | null][] = [];
  for (const category of CATEGORIES) {
    const value = bundle.categories[category];
    if (value !== undefined) entries.push([category, value]);
  }
  return entries;
}

/** The lowest severity that fails: `none` fails on no finding. */
export type FailOn = Severity | 'none';

export interface GateOptions {
  /** A finding at or above this severity fails the bundle (default `error`; `none`: no finding does). */
  failOn?: FailOn;
  /** A score below this fails the bundle; a bundle without a score is not failed by it. */
  minScore?: number;
}

/** Whether a finding's severity is at or above `threshold` (never for `none`). */
export function atOrAbove(severity: Severity, threshold: FailOn): boolean {
  return threshold !== 'none' && SEVERITY_RANK[severity] <= SEVERITY_RANK[threshold];
}

/** Whether a bundle passes the gate: no finding at or above `failOn` and a score not below `minScore`. */
export function bundlePasses(bundle: BundleResult, options: GateOptions = {}): boolean {
  const failOn = options.failOn ?? 'error';
  if (bundle.findings.some((f) => atOrAbove(f.severity, failOn))) return false;
  if (options.minScore !== undefined && bundle.score !== null && bundle.score < options.minScore) return false;
  return true;
}

/** An unreadable input's message without the file name it starts with (the engine's one-line diagnostics begin with it), else the whole message. */
export function messageAfterFile(error: { file: string; message: string }): string {
  const { file, message } = error;
  return message.startsWith(file) ? message.slice(file.length).replace(/^\s*:\s*/, '') : message;
}
