import { Argument, type Command } from 'commander';
import { withOutput } from '../base/output.js';
import { reportNumbers, withReportFlags, type ReportFlags } from './report-flags.js';
import { isQuiet, withQuiet } from './flags.js';

export function registerScan(program: Command): void {
  withQuiet(withReportFlags(program
    .command('scan')
    .description('find what would make a run unreproducible in Python and TypeScript/JavaScript training code, before it runs')
    .addArgument(new Argument('[paths...]', 'files or directories (searched for .py, .ts, .js, …; .gitignore is honoured)').default(['.'], '.')), '75 files'), 'do not print warnings (files that could not be parsed)')
    .action(async (paths: string[], flags: ReportFlags) => {
      const { maxWarnings, jobs } = reportNumbers(flags);
      const [{ scanSources }, { SCAN_RULES }, report, { shouldColor }] = await Promise.all([
        import('../scan/scan.js'), import('../../rules/scan/index.js'), import('../report/index.js'), import('../report/text.js'),
      ]);
      const { result, gate, gateOptions } = await scanSources(paths, { config: flags.config, failOn: flags.failOn, maxWarnings, jobs });
      const color = !flags.output && flags.format === 'text' && shouldColor(process.stdout, process.env);
      await withOutput(flags.output, async (sink) => {
        // JSON names the scanned source files `files` (check's report calls its inputs `bundles`).
        sink.write(flags.format === 'json' ? report.renderScanJson(result) : report.render(flags.format, result, {
          color, rules: SCAN_RULES.map((r) => r.meta), unit: 'file', hideClean: true, title: 'reprov scan',
          failOn: gateOptions.failOn, errorsElsewhere: true,
        }));
      });
      // Files that do not parse are warnings: the others were scanned, and the gate judges their findings.
      if (!isQuiet()) for (const error of result.errors) process.stderr.write(`reprov: warning: ${error.message}\n`);
      if (!gate.passed && flags.format === 'text') process.stderr.write(`reprov: scan failed: ${gate.reasons.join('; ')}\n`);
      process.exitCode = gate.passed ? 0 : 1;
    });
}
