import type { Command } from 'commander';
import { withOutput } from '../base/output.js';
import { note, withQuiet } from './flags.js';
import { oneLine } from '../base/diagnostics.js';
import { redactText } from '../base/redact.js';

interface ReportFlags {
  output?: string;
  config?: string;
}

export function registerReport(program: Command): void {
  withQuiet(program
    .command('report')
    .description('write one self-contained HTML page for a run (BUNDLE), or comparing runs (A B ...); it works offline (docs/report.md)')
    .argument('<bundles...>', 'bundle files or directories: one for a run page, two or more for a comparison')
    .option('-o, --output <file>', 'write the page to this file, atomically (default: report.html)')
    .option('--config <file>', 'check configuration for the run page (default: reprov.config.json found from the working directory)'), 'do not print where the page was written')
    .action(async (paths: string[], flags: ReportFlags) => {
      const { runPageData, comparePageData, renderPage } = await import('../release/report-page/index.js');
      const output = flags.output ?? 'report.html';
      const data = paths.length === 1 ? await runPageData(paths[0]!, { config: flags.config }) : await comparePageData(paths);
      // A metric file that is there but unreadable (corrupt, truncated) is a warning; the page is still written and says so.
      for (const s of data.series) if (s.unreadable && s.note) note(`warning: ${oneLine(redactText(s.note))}`);
      const html = renderPage(data.title, data);
      await withOutput(output, async (sink) => sink.write(html));
      if (output !== '-') note(`wrote ${output}`);
    });
}
