import type { Command } from 'commander';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('merge the bundles of a distributed run (one per rank) into one bundle')
    .argument('<bundles...>', 'bundle directories (or prov.ttl / prov.json files)')
    .requiredOption('-o, --out <dir>', 'directory for the merged prov.json and prov.ttl (written atomically)')
    .option('-e, --experiment <name>', 'name of the merged run')
    .option('--overwrite', 'replace a bundle reprov wrote earlier in --out (a directory reprov did not write is never replaced)')
    .action(async (bundles: string[], flags: { out: string; experiment?: string; overwrite?: boolean }) => {
      const { mergeBundles, writeMergedBundle } = await import('../run/merge.js');
      const dataset = await mergeBundles(bundles, { experiment: flags.experiment });
      await writeMergedBundle(flags.out, dataset, { overwrite: flags.overwrite });
      process.stderr.write(`reprov: merged ${bundles.length} bundles into ${flags.out}\n`);
    });
}
