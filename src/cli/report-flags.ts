/** The flags `check` and `scan` share: the report's format and file, the configuration, the gate, worker threads. */
import { Option, type Command } from 'commander';
import type { ReportFormat } from '../report/index.js';
import { wholeNumber } from './numbers.js';

// src/report/index.ts's REPORT_FORMATS, written out so that parsing flags loads no reporter.
const FORMATS = ['text', 'json', 'sarif', 'markdown', 'junit', 'html'] as const satisfies readonly ReportFormat[];

export interface ReportFlags {
  format: ReportFormat;
  output?: string;
  config?: string;
  failOn?: 'error' | 'warning' | 'none';
  maxWarnings?: string;
  jobs?: string;
}

/** Adds the shared flags; `perWorker` is how much work the default gives a worker at least (`12 bundles`). */
export function withReportFlags(command: Command, perWorker: string): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of standard output')
    .option('-c, --config <file>', 'configuration file (default: reprov.config.json or package.json "reprov", found upwards)')
    .addOption(new Option('--fail-on <severity>', 'fail on findings at or above this severity').choices(['error', 'warning', 'none']))
    .option('--max-warnings <n>', 'fail when there are more than n warnings')
    .option('-j, --jobs <n>', `worker threads (default: one per core the load average leaves free, and per ${perWorker} at most; 1 works in this thread)`);
}

/** The whole-number flags, checked (a usage error otherwise). */
export function reportNumbers(flags: ReportFlags): { maxWarnings?: number; jobs?: number } {
  return { maxWarnings: wholeNumber(flags.maxWarnings, '--max-warnings'), jobs: wholeNumber(flags.jobs, '--jobs', 1) };
}
