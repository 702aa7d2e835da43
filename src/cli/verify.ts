import { Option, type Command } from 'commander';
import { withOutput } from '../base/output.js';
import { withQuiet } from './flags.js';

export function registerVerify(program: Command): void {
  withQuiet(program
    .command('verify')
    .description('check that this workspace is what a bundle describes: re-hash its files, compare the git state (exit 1 on any mismatch)')
    .argument('<bundle>', 'bundle file or directory (prov.ttl / prov.json inside), - for standard input')
    .option('-r, --root <dir>', "the run's working directory here: data and dependency paths are resolved under it and never leave it (default: the current directory)")
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of standard output'), 'do not show progress')
    .action(async (path: string, flags: { root?: string; format: 'text' | 'json'; output?: string }) => {
      const [{ openBundle }, { verifyBundle }, { renderVerifyText, toVerifyJson }] = await Promise.all([
        import('../io/load-bundle.js'), import('../release/verify.js'), import('../release/verify-report.js'),
      ]);
      const report = await verifyBundle(await openBundle(path), { root: flags.root });
      await withOutput(flags.output, async (sink) => {
        sink.write(flags.format === 'json' ? `${JSON.stringify(toVerifyJson(report), null, 2)}\n` : renderVerifyText(report));
      });
      process.exitCode = report.ok ? 0 : 1;
    });
}
