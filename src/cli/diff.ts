import { Option, type Command } from 'commander';
import { withOutput } from '../base/output.js';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('what differs between two runs: parameters, seeds, data, code, dependencies, environment, hardware, metrics (exit 1 when what they used differs)')
    .argument('<a>', 'first bundle file or directory')
    .argument('<b>', 'second bundle file or directory')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('-a, --all', 'also show what is the same')
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of standard output')
    .option('--run-a <run>', 'the run of A to compare when A holds several (a merged bundle): its run id')
    .option('--run-b <run>', 'the run of B to compare when B holds several')
    .action(async (pathA: string, pathB: string, flags: { format: 'text' | 'json'; all?: boolean; output?: string; runA?: string; runB?: string }) => {
      const [{ openBundle }, { diffBundles }, { renderDiffText, toDiffJson }] = await Promise.all([
        import('../io/load-bundle.js'), import('../release/diff.js'), import('../release/diff-report.js'),
      ]);
      const report = diffBundles(await openBundle(pathA), await openBundle(pathB), { runA: flags.runA, runB: flags.runB });
      const options = { all: flags.all };
      await withOutput(flags.output, async (sink) => {
        sink.write(flags.format === 'json' ? `${JSON.stringify(toDiffJson(report, options), null, 2)}\n` : renderDiffText(report, options));
      });
      process.exitCode = report.equivalent ? 0 : 1;
    });
}
