/** The reports of `reprov check`: one module per format, and `render` to pick one by name. */
import type { CheckResult } from '../check/types.js';
import { renderJson, type JsonOptions } from './json.js';
import { renderHtml, type HtmlOptions } from './html.js';
import { renderJunit, type JunitOptions } from './junit.js';
import { renderMarkdown, type MarkdownOptions } from './markdown.js';
import { renderSarif, type SarifOptions } from './sarif.js';
import { renderText, type ExplainOptions } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown', 'junit', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * The options of every format together; each format reads its own. `indent` is JSON's and SARIF's;
 * `failOn` and `minScore` (the gate) are Markdown's PASS/FAIL and JUnit's failures; `formula` and
 * `factors` are explainScore's (render does not explain).
 */
export type ReportOptions = ExplainOptions & JsonOptions & SarifOptions & MarkdownOptions & JunitOptions & HtmlOptions;

export function render(format: ReportFormat, result: CheckResult, options: ReportOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(result, options);
    case 'json':
      return renderJson(result, options);
    case 'sarif':
      return renderSarif(result, options);
    case 'markdown':
      return renderMarkdown(result, options);
    case 'junit':
      return renderJunit(result, options);
    case 'html':
      return renderHtml(result, options);
  }
}

export { renderText, explainScore, shouldColor, type TextOptions, type ExplainOptions } from './text.js';
export { renderJson, toJsonReport, CHECK_REPORT_SCHEMA_PATH, CHECK_REPORT_VERSION, type JsonOptions, type JsonReport } from './json.js';
export { renderScanJson, toScanJsonReport, SCAN_REPORT_SCHEMA_PATH, type ScanJsonReport } from './json.js';
export { renderSarif, toSarif, fingerprint, artifactUri, FINGERPRINT_KEY, type SarifOptions, type SarifLog } from './sarif.js';
export { renderMarkdown, escapeMarkdown, codeSpan, type MarkdownOptions } from './markdown.js';
export { renderHtml, type HtmlOptions } from './html.js';
export { renderJunit, escapeXmlText, escapeXmlAttribute, type JunitOptions } from './junit.js';
export { summarize, summaryLine, sortFindings, bundlePasses, type Summary, type GateOptions, type FailOn } from './common.js';
