/**
 * The Markdown report of `reprov check`, for a pull-request comment (GitHub Flavored Markdown):
 * a heading, a table of bundles with score and a PASS/FAIL marker, then per bundle a table of its
 * findings and the fixes in a collapsible <details>. Text from bundles (messages, focus ids, file
 * names) is escaped so that it cannot break a table, open a code span or inject HTML.
 */
import type { BundleResult, CheckResult } from '../check/types.js';
import { bundlePasses, countBySeverity, findingPlace, messageAfterFile, plural, sortFindings, summaryLine, type GateOptions } from './common.js';

export interface MarkdownOptions extends GateOptions {
  /** The heading (default `reprov check`). */
  title?: string;
  /** Heading level of the title, 1-4 (default 2); bundle headings are one level below. */
  headingLevel?: number;
  /** At most this many findings are listed per bundle (default 100), so that a comment stays within GitHub's size limit. */
  maxFindingsPerBundle?: number;
  /** What each entry of the result is (default `bundle`; `file` for scan). */
  unit?: string;
}

/**
 * Escapes text for a GFM table cell or paragraph: backslashes, the characters that start Markdown
 * syntax (including `|` and backticks), HTML's `&`, `<` and `>`; newlines become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_[\]|~#]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * A code span holding `text` verbatim, safe in a table cell: the fence is one backtick longer than
 * the longest run of backticks inside (padded with spaces when the text starts or ends with one),
 * and `|` is escaped as `\|`, which GFM tables unescape before the code span is parsed.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat.replace(/\|/g, '\\|')}${pad}${fence}`;
}

export function renderMarkdown(result: CheckResult, options: MarkdownOptions = {}): string {
  const level = Math.min(Math.max(options.headingLevel ?? 2, 1), 4);
  const h = (depth: number): string => '#'.repeat(level + depth);
  const max = options.maxFindingsPerBundle ?? 100;
  const out: string[] = [`${h(0)} ${escapeMarkdown(options.title ?? 'reprov check')}`, ''];

  const failing = result.bundles.filter((b) => !bundlePasses(b, options)).length;
  const failOn = options.failOn ?? 'error';
  const gate = [{ error: 'errors fail', warning: 'warnings and errors fail', info: 'any finding fails', none: 'no finding fails' }[failOn]];
  if (options.minScore !== undefined) gate.push(`scores below ${options.minScore} fail`);
  const verdict = failing === 0 ? 'All bundles pass the gate' : `${plural(failing, 'bundle')} ${failing === 1 ? 'fails' : 'fail'} the gate`;
  out.push(`${escapeMarkdown(summaryLine(result, options.unit))}. ${verdict} (${gate.join(', ')}).`, '');

  if (result.bundles.length > 0) {
    out.push('| Bundle | Score | Result | Errors | Warnings | Infos |', '| --- | ---: | --- | ---: | ---: | ---: |');
    for (const bundle of result.bundles) {
      const counts = countBySeverity(bundle.findings);
      const verdict = bundlePasses(bundle, options) ? 'PASS' : '**FAIL**';
      out.push(`| ${codeSpan(bundle.file)} | ${scoreCell(bundle)} | ${verdict} | ${counts.error} | ${counts.warning} | ${counts.info} |`);
    }
    out.push('');
  }

  for (const bundle of result.bundles) {
    out.push(`${h(1)} ${codeSpan(bundle.file)}: ${bundle.score === null ? 'no score' : `score ${bundle.score}`}`, '');
    const findings = sortFindings(bundle.findings);
    if (findings.length === 0) {
      out.push('No findings.', '');
      continue;
    }
    const shown = findings.slice(0, max);
    out.push('| Severity | Rule | Focus | Message |', '| --- | --- | --- | --- |');
    for (const f of shown) out.push(`| ${f.severity} | ${escapeMarkdown(f.rule)} | ${codeSpan(findingPlace(f))} | ${escapeMarkdown(f.message)} |`);
    if (findings.length > shown.length) out.push('', `… and ${plural(findings.length - shown.length, 'more finding')} (see the full report).`);
    out.push('', `<details><summary>How to fix (${plural(shown.length, 'finding')})</summary>`, '');
    for (const f of shown) out.push(`- **${escapeMarkdown(f.rule)}** ${codeSpan(findingPlace(f))}: ${escapeMarkdown(f.fix || '(no fix given)')}`);
    out.push('', '</details>', '');
  }

  if (result.errors.length > 0) {
    out.push(`${h(1)} Inputs that could not be read`, '');
    for (const error of result.errors) out.push(`- ${codeSpan(error.file)}: ${escapeMarkdown(messageAfterFile(error))}`);
    out.push('');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function scoreCell(bundle: BundleResult): string {
  return bundle.score === null ? 'n/a' : String(bundle.score);
}
