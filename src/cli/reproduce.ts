import { Option, type Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { withOutput } from '../base/output.js';
import { UsageError } from './errors.js';
import { withQuiet } from './flags.js';
import { oneLine } from '../base/diagnostics.js';
import { redactText } from '../base/redact.js';

interface ReproduceFlags {
  root?: string;
  dataRoot?: string;
  rtol?: string;
  atol?: string;
  keep?: boolean;
  acceptChangedInputs?: boolean;
  dryRun?: boolean;
  script?: boolean;
  format: 'text' | 'json' | 'html';
  output?: string;
  out?: string;
}

/** A tolerance flag: a number ≥ 0 (`1e-6`, `0.001`). */
function tolerance(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: expected a number ≥ 0, found '${value}'`);
  return n;
}

export function registerReproduce(program: Command): void {
  withQuiet(program
    .command('reproduce')
    .description('rerun a recorded run in a clean git worktree and compare outputs and metrics (exit 0 bitwise or within tolerance, 1 diverged, 2 not rerun)')
    .argument('<bundle>', 'bundle file or directory of the run')
    .option('-r, --root <dir>', "a directory in a clone of the run's repository (default: the current directory)")
    .option('--data-root <dir>', "look for inputs here first (their recorded path, relative to the run's working directory)")
    .option('--rtol <r>', 'relative tolerance for metric values (default 0: bitwise)')
    .option('--atol <a>', 'absolute tolerance for metric values (default 0: bitwise)')
    .option('--accept-changed-inputs', 'rerun even when an input changed since the run (its SHA-256 differs): a warning, not a refusal')
    .option('--keep', 'keep the temporary worktree of the rerun')
    .option('--dry-run', 'check every precondition and stop')
    .option('--script', 'print the recipe as a POSIX shell script and stop')
    .option('--out <dir>', "the rerun's bundle directory (default: beside the bundle, <bundle dir>-rerun)")
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'html']).default('text'))
    .option('-o, --output <file>', 'write the report (or script) to a file (atomically) instead of standard output'), 'do not print the rerun command\'s own output')
    .action(async (path: string, flags: ReproduceFlags & { quiet?: boolean }) => {
      const rtol = tolerance(flags.rtol, '--rtol');
      const atol = tolerance(flags.atol, '--atol');
      const [{ reproduce, VERDICT_EXIT, ReproduceInterrupted }, { renderReproduceText, renderScript, toReproduceJson }] = await Promise.all([
        import('../release/reproduce.js'), import('../release/reproduce-report.js'),
      ]);
      const cli = fileURLToPath(new URL('./main.js', import.meta.url));
      let report;
      try {
        report = await reproduce(path, {
          root: flags.root, dataRoot: flags.dataRoot, rtol, atol, keep: flags.keep, acceptChangedInputs: flags.acceptChangedInputs, dryRun: flags.dryRun || flags.script, out: flags.out,
          reprovCommand: [process.execPath, cli], stdio: flags.quiet ? 'ignore' : 'inherit-stderr',
        });
      } catch (error) {
        if (error instanceof ReproduceInterrupted) {
          process.stderr.write(`reprov: ${error.message}\n`);
          process.exitCode = 130;
          return;
        }
        throw error;
      }
      const failed = report.preconditions.some((p) => p.status === 'failed');
      await withOutput(flags.output, async (sink) => {
        if (flags.script) sink.write(renderScript(report));
        else if (flags.format === 'html') sink.write(await reproducePage(report));
        else sink.write(flags.format === 'json' ? `${JSON.stringify(toReproduceJson(report), null, 2)}\n` : renderReproduceText(report));
      });
      if (flags.script) {
        if (failed) process.stderr.write(`reprov: ${oneLine(redactText(report.summary), 2000)}\n`);
        process.exitCode = failed ? 2 : 0;
        return;
      }
      if (report.verdict === 'not rerun' && !flags.dryRun) process.stderr.write(`reprov: ${oneLine(redactText(report.summary), 2000)}\n`);
      else if (flags.dryRun && failed) process.stderr.write(`reprov: ${oneLine(redactText(report.summary), 2000)}\n`);
      process.exitCode = flags.dryRun ? (failed ? 2 : 0) : VERDICT_EXIT[report.verdict];
    });
}

/**
 * The report's HTML page: once rerun, the comparison page of the run and its rerun (reprov report A B)
 * headed by the verdict; a run not rerun has nothing to compare, and its page is the text report.
 */
async function reproducePage(report: Awaited<ReturnType<typeof import('../release/reproduce.js')['reproduce']>>): Promise<string> {
  const [{ compareReport, renderPage }, { renderReproduceText }] = await Promise.all([import('../release/report-page/index.js'), import('../release/reproduce-report.js')]);
  const title = `reprov reproduce: ${report.verdict}`;
  if (!report.rerun) return renderPage(title, { kind: 'text', title, text: renderReproduceText(report) });
  const rerun = report.rerun.programBundle ?? report.rerun.bundle;
  return (await compareReport([report.bundle, rerun], { title, verdict: report.verdict, summary: redactText(report.summary) })).html;
}
