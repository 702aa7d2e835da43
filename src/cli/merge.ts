import type { Command } from 'commander';
import { deprecatedOption, note, setTo, withQuiet } from './flags.js';

export function registerMerge(program: Command): void {
  const command = program.command('merge');
  deprecatedOption(command, '--out <dir>', '--output', setTo('output'));
  withQuiet(command
    .description('merge the bundles of a distributed run (one per rank) into one bundle')
    .argument('<bundles...>', 'bundle directories (or prov.ttl / prov.json files)')
    .requiredOption('-o, --output <dir>', 'directory for the merged prov.json and prov.ttl (written atomically)')
    .option('-e, --experiment <name>', 'name of the merged run')
    .option('--overwrite', 'replace a bundle reprov wrote earlier in --output (a directory reprov did not write is never replaced)'), 'do not print notes')
    .action(async (bundles: string[], flags: { output: string; experiment?: string; overwrite?: boolean }) => {
      const { mergeBundles, writeMergedBundle } = await import('../run/merge.js');
      const dataset = await mergeBundles(bundles, { experiment: flags.experiment });
      await writeMergedBundle(flags.output, dataset, { overwrite: flags.overwrite });
      // A bundle's Turtle beside its PROV-JSON is routine; the same run in two other files is worth a line.
      for (const { file, reason, kind } of dataset.notTaken) if (kind === 'duplicate') note(`merge: skipped ${file}: ${reason}`);
      note(`merged ${dataset.runs.length} run${dataset.runs.length === 1 ? '' : 's'} from ${dataset.sources.length} bundle file${dataset.sources.length === 1 ? '' : 's'} into ${flags.output}`);
    });
}
