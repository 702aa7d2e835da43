import type { Command } from 'commander';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { withOutput } from '../base/output.js';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('merge the bundles of a distributed run (one per rank) into one bundle')
    .argument('<bundles...>', 'bundle directories (or prov.ttl / prov.json files)')
    .requiredOption('-o, --out <dir>', 'directory for the merged prov.json and prov.ttl')
    .option('-e, --experiment <name>', 'name of the merged run')
    .action(async (bundles: string[], flags: { out: string; experiment?: string }) => {
      const [{ mergeBundles }, { writeProvTo }] = await Promise.all([import('../run/merge.js'), import('../io/write.js')]);
      const dataset = await mergeBundles(bundles, { experiment: flags.experiment });
      mkdirSync(flags.out, { recursive: true });
      await withOutput(join(flags.out, 'prov.json'), (sink) => writeProvTo(dataset, 'provjson', sink));
      await withOutput(join(flags.out, 'prov.ttl'), (sink) => writeProvTo(dataset, 'turtle', sink));
      process.stderr.write(`reprov: merged ${bundles.length} bundles into ${flags.out}\n`);
    });
}
