/**
 * `reprov check --format html` and `reprov scan --format html`: the check or scan report as one
 * self-contained page (the same shell as `reprov report`, ./page-shell.ts): a sortable table with
 * a row per bundle or file, each expanding to its findings, and the documentation of the rules
 * that found something. docs/report.md describes it.
 */
import type { CheckResult, RuleMeta } from '../check/types.js';
import { sortFindings, summaryLine } from './common.js';
import { renderPage } from './page-shell.js';

export interface HtmlOptions {
  /** The rules in force, for the documentation of those that found something. */
  rules?: readonly RuleMeta[];
  /** What each entry is (default `bundle`; `file` for scan). */
  unit?: string;
  /** The page's title (default `reprov check`). */
  title?: string;
}

export function renderHtml(result: CheckResult, options: HtmlOptions = {}): string {
  const unit = options.unit ?? 'bundle';
  const title = options.title ?? 'reprov check';
  const bundles = [...result.bundles].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map((b) => ({ file: b.file, score: b.score, categories: b.categories, findings: sortFindings(b.findings) }));
  const used = new Set(bundles.flatMap((b) => b.findings.map((f) => f.rule)));
  return renderPage(title, {
    kind: 'check',
    title,
    unit,
    summary: summaryLine(result, unit),
    bundles,
    errors: result.errors,
    rules: (options.rules ?? []).filter((r) => used.has(r.id)).map(({ id, title: t, description, why, fix, category, severity }) => ({ id, title: t, description, why, fix, category, severity })),
  });
}
