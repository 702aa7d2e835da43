import type { Command } from 'commander';
import { reportNotes } from './notes.js';
import { withQuiet } from './flags.js';

export function registerExport(program: Command): void {
  const command = program
    .command('export')
    .description('package a bundle for archiving and citation');

  withQuiet(command
    .command('ro-crate')
    .description('write a Workflow Run Crate (Process Run Crate profile, RO-Crate 1.1) with the run, its files and the provenance bundle')
    .argument('<bundle>', 'the bundle (prov.json, prov.ttl or any format reprov reads), or its directory')
    .requiredOption('-o, --output <dir-or-zip>', 'the crate: a directory, or a .zip file (written atomically)')
    .option('-r, --root <dir>', "directory the bundle's relative paths are taken from; no file outside it is copied (default: the bundle's directory)")
    .option('--overwrite', 'replace a crate reprov wrote earlier (a directory reprov did not write is never replaced)'), 'do not print notes')
    .action(async (bundlePath: string, flags: { output: string; root?: string; overwrite?: boolean }) => {
      const [{ openBundle }, { exportRoCrate }] = await Promise.all([import('../io/load-bundle.js'), import('../interop/ro-crate.js')]);
      const bundle = await openBundle(bundlePath);
      const result = await exportRoCrate(bundle, { out: flags.output, root: flags.root, overwrite: flags.overwrite });
      process.stdout.write(`${result.out}\n`);
      reportNotes(`wrote an RO-Crate (${result.format}) with ${result.files.length} file(s)`, [
        ...result.notCopied.map((line) => `not copied: ${line}`),
        ...result.changed.map((line) => `changed since the run: ${line}`),
      ]);
    });
}
