import { Argument, Option, type Command } from 'commander';
import { withOutput } from '../base/output.js';
import { wholeNumber } from './numbers.js';
import { reportNumbers, withReportFlags, type ReportFlags } from './report-flags.js';
import { deprecatedOption, isQuiet, note, setTo, withQuiet } from './flags.js';

interface CheckFlags extends ReportFlags {
  minScore?: string;
  explain?: boolean;
  lenient?: boolean;
}

export function registerCheck(program: Command): void {
  withQuiet(withReportFlags(program
    .command('check')
    .description('check provenance bundles for what a run needs to be reproduced; score them and gate CI')
    .addArgument(new Argument('[paths...]', 'bundle files or directories (searched for prov*.json/ttl/…), - for standard input').default(['.'], '.')), '16 bundles'), 'do not print warnings (errors and the verdict are still printed)')
    .option('--min-score <n>', 'fail (exit 1) when a bundle scores below n (0-100)')
    .option('--explain', 'show how each score was computed (text format)')
    .option('--lenient', 'read a bundle with invalid UTF-8 (U+FFFD in place, and a warning) instead of refusing it')
    .action(async (paths: string[], flags: CheckFlags) => {
      const minScore = wholeNumber(flags.minScore, '--min-score', 0, 100);
      const { maxWarnings, jobs } = reportNumbers(flags);
      const [{ checkBundles }, report, { shouldColor, explainScore }, { SCORE_FORMULA }] = await Promise.all([
        import('../check/check.js'), import('../report/index.js'), import('../report/text.js'), import('../check/score.js'),
      ]);
      const { result, gate, gateOptions, rules } = await checkBundles(paths, { config: flags.config, minScore, failOn: flags.failOn, maxWarnings, jobs, lenient: flags.lenient });
      const color = !flags.output && flags.format === 'text' && shouldColor(process.stdout, process.env);
      // Unreadable inputs are errors, written to stderr only (below): nothing read, no report.
      if (result.bundles.length > 0 || result.errors.length === 0) {
        await withOutput(flags.output, async (sink) => {
          sink.write(report.render(flags.format, result, { color, rules, formula: SCORE_FORMULA, failOn: gateOptions.failOn, minScore: gateOptions.minScore, errorsElsewhere: true }));
          if (flags.explain && flags.format === 'text') sink.write(explainScore(result, { formula: SCORE_FORMULA, color, errorsElsewhere: true }));
        });
      }
      if (!isQuiet()) for (const warning of result.bundles.flatMap((b) => b.warnings ?? []).slice(0, 3)) process.stderr.write(`reprov: warning: ${warning}\n`);
      for (const error of result.errors) process.stderr.write(`reprov: ${error.message}\n`);
      if (!gate.passed && flags.format === 'text' && result.bundles.length > 0) process.stderr.write(`reprov: check failed: ${gate.reasons.join('; ')}\n`);
      process.exitCode = result.errors.length ? 2 : gate.passed ? 0 : 1;
    });

  const rules = program.command('rules');
  deprecatedOption(rules, '--json', '--format json', setTo('format', 'json'));
  rules
    .description('list the rules check and scan apply')
    .addOption(new Option('-f, --format <format>', 'list format').choices(['text', 'json']).default('text'))
    .action(async (flags: { format: 'text' | 'json' }) => {
      const [{ RULES: CHECK_RULES }, { SCAN_RULES }] = await Promise.all([import('../../rules/index.js'), import('../../rules/scan/index.js')]);
      const RULES = [...CHECK_RULES, ...SCAN_RULES];
      if (flags.format === 'json') {
        process.stdout.write(JSON.stringify(RULES.map((r) => r.meta), null, 2) + '\n');
        return;
      }
      for (const { meta } of RULES) process.stdout.write(`${meta.id}  ${meta.severity.padEnd(7)}  ${meta.category.padEnd(12)}  w${String(meta.weight).padEnd(3)} ${meta.title}\n`);
    });

  program
    .command('explain')
    .description("show one rule's documentation: what it checks, why, a failing example and the fix")
    .argument('<rule>', 'rule id, e.g. RPV-S001')
    .action(async (id: string) => {
      const [{ ruleById }, { SCAN_RULES }] = await Promise.all([import('../check/check.js'), import('../../rules/scan/index.js')]);
      const { meta } = SCAN_RULES.find((r) => r.meta.id === id.toUpperCase()) ?? ruleById(id);
      process.stdout.write([
        `${meta.id}: ${meta.title}`,
        `category ${meta.category}, severity ${meta.severity}, weight ${meta.weight}${meta.shape ? `, SHACL shape shapes/${meta.shape}` : ''}`,
        '', 'What it checks', `  ${meta.description}`,
        '', 'Why it matters', `  ${meta.why}`,
        '', 'Fails', ...meta.example.failing.split('\n').map((l) => `  ${l}`),
        '', 'Passes', ...meta.example.passing.split('\n').map((l) => `  ${l}`),
        '', 'Fix', `  ${meta.fix}`, '',
      ].join('\n'));
    });

  withQuiet(program
    .command('init')
    .description('write a commented starting reprov.config.json in the current directory')
    .option('--force', 'overwrite an existing reprov.config.json'), 'do not print notes')
    .action(async (flags: { force?: boolean }) => {
      const { initConfig } = await import('../check/init.js');
      note(`wrote ${initConfig(process.cwd(), { force: flags.force })}`);
    });
}
