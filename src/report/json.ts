/**
 * The JSON report of `reprov check`: a stable, versioned document for programs. Its shape is
 * schemas/check-report.schema.json and is documented field by field in docs/check-report.md.
 */
import { join } from 'node:path';
import type { Category, CheckResult, Finding } from '../check/types.js';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { version as reprovVersion } from '../base/version.js';
import { categoryEntries, sortFindings, summarize, type Summary } from './common.js';

/** The shipped JSON schema of the report. */
export const CHECK_REPORT_SCHEMA_PATH = join(PACKAGE_ROOT, 'schemas', 'check-report.schema.json');
/** The shipped JSON schema of `reprov scan`'s report (check's, with source files under `files`). */
export const SCAN_REPORT_SCHEMA_PATH = join(PACKAGE_ROOT, 'schemas', 'scan-report.schema.json');

/** The version of the report's shape; raised only when a field changes meaning or goes away. */
export const CHECK_REPORT_VERSION = 1;

/** A finding as the JSON report holds it: exactly the engine's Finding. */
export type JsonReportFinding = Finding;

export interface JsonReport {
  version: typeof CHECK_REPORT_VERSION;
  tool: { name: 'reprov'; version: string };
  bundles: {
    file: string;
    score: number | null;
    categories: Partial<Record<Category, number | null>>;
    findings: JsonReportFinding[];
  }[];
  errors: { file: string; message: string }[];
  summary: Summary;
}

export interface JsonOptions {
  /** reprov's version for `tool.version` (default: this package's). */
  toolVersion?: string;
  /** Indentation of the JSON text (default 2; 0 for one line). */
  indent?: number;
}

/** The report as an object (what renderJson writes). Findings are sorted as in the text report; categories follow CATEGORIES. */
export function toJsonReport(result: CheckResult, options: JsonOptions = {}): JsonReport {
  return {
    version: CHECK_REPORT_VERSION,
    tool: { name: 'reprov', version: options.toolVersion ?? reprovVersion },
    bundles: result.bundles.map((bundle) => ({
      file: bundle.file,
      score: bundle.score,
      categories: Object.fromEntries(categoryEntries(bundle)),
      findings: sortFindings(bundle.findings).map((f) => ({
        rule: f.rule,
        category: f.category,
        severity: f.severity,
        focus: f.focus,
        message: f.message,
        fix: f.fix,
        ...(f.location ? { location: { file: f.location.file, line: f.location.line, column: f.location.column } } : {}),
      })),
    })),
    errors: result.errors.map((e) => ({ file: e.file, message: e.message })),
    summary: summarize(result),
  };
}

export function renderJson(result: CheckResult, options: JsonOptions = {}): string {
  const indent = options.indent ?? 2;
  return `${JSON.stringify(toJsonReport(result, options), null, indent > 0 ? indent : undefined)}\n`;
}

/** `reprov scan`'s JSON report: check's, with the scanned source files under `files` (and counted as `summary.files`). */
export interface ScanJsonReport {
  version: typeof CHECK_REPORT_VERSION;
  tool: JsonReport['tool'];
  files: JsonReport['bundles'];
  errors: JsonReport['errors'];
  summary: Omit<Summary, 'bundles'> & { files: number };
}

export function toScanJsonReport(result: CheckResult, options: JsonOptions = {}): ScanJsonReport {
  const { version, tool, bundles, errors, summary } = toJsonReport(result, options);
  return {
    version, tool, files: bundles, errors,
    summary: { errors: summary.errors, warnings: summary.warnings, infos: summary.infos, files: summary.bundles, lowestScore: summary.lowestScore },
  };
}

export function renderScanJson(result: CheckResult, options: JsonOptions = {}): string {
  const indent = options.indent ?? 2;
  return `${JSON.stringify(toScanJsonReport(result, options), null, indent > 0 ? indent : undefined)}\n`;
}
