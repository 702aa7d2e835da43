import { Option, type Command } from 'commander';
import { withOutput } from '../io/output.js';
import { wholeNumber } from './numbers.js';

const FORMATS = ['text', 'json', 'sarif', 'markdown', 'junit'] as const;

interface ScanFlags {
  format: (typeof FORMATS)[number];
  output?: string;
  config?: string;
  failOn?: 'error' | 'warning' | 'none';
  maxWarnings?: string;
  jobs?: string;
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('find what would make a run unreproducible in Python and TypeScript/JavaScript training code, before it runs')
    .argument('[paths...]', 'files or directories (searched for .py, .ts, .js, …; .gitignore is honoured)', ['.'])
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of standard output')
    .option('-c, --config <file>', 'configuration file (default: reprov.config.json or package.json "reprov", found upwards)')
    .addOption(new Option('--fail-on <severity>', 'fail on findings at or above this severity').choices(['error', 'warning', 'none']))
    .option('--max-warnings <n>', 'fail when there are more than n warnings')
    .option('-j, --jobs <n>', 'worker threads (default: one per core when scanning 64 or more files; 1 scans in this thread)')
    .action(async (paths: string[], flags: ScanFlags) => {
      const maxWarnings = wholeNumber(flags.maxWarnings, '--max-warnings');
      const jobs = wholeNumber(flags.jobs, '--jobs', 1);
      const [{ scanSources }, { SCAN_RULES }, report, { shouldColor }] = await Promise.all([
        import('../scan/scan.js'), import('../../rules/scan/index.js'), import('../report/index.js'), import('../report/text.js'),
      ]);
      const { result, gate, loaded } = await scanSources(paths, { config: flags.config, failOn: flags.failOn, maxWarnings, jobs });
      const color = !flags.output && flags.format === 'text' && shouldColor(process.stdout, process.env);
      await withOutput(flags.output, async (sink) => {
        sink.write(report.render(flags.format, result, {
          color, rules: SCAN_RULES.map((r) => r.meta), unit: 'file', hideClean: true, title: 'reprov scan',
          failOn: flags.failOn ?? loaded.config.failOn ?? 'error',
        }));
      });
      // Files that do not parse are warnings: the others were scanned, and the gate judges their findings.
      for (const error of result.errors) process.stderr.write(`reprov: warning: ${error.message}\n`);
      if (!gate.passed && flags.format === 'text') process.stderr.write(`reprov: scan failed: ${gate.reasons.join('; ')}\n`);
      process.exitCode = gate.passed ? 0 : 1;
    });
}
