import type { Command } from 'commander';
import { reportNotes } from './notes.js';
import { collect, withQuiet } from './flags.js';

export function registerImport(program: Command): void {
  const command = program
    .command('import')
    .description('turn runs recorded by other tools into reprov bundles that check can score');

  withQuiet(command
    .command('mlflow')
    .description("import the runs of an MLflow file store (mlruns directory): one bundle per run, OUT/<run id>/")
    .argument('<mlruns>', 'the MLflow mlruns directory')
    .requiredOption('-o, --output <dir>', 'directory for the bundles (one sub-directory per run, written atomically)')
    .option('--experiment <id-or-name>', 'import only this experiment (repeatable)', collect)
    .option('--run <id>', 'import only this run (repeatable)', collect)
    .option('--include-deleted', 'also import runs MLflow marks deleted')
    .option('--copy-artifacts', "copy each run's artifacts and models into its bundle (artifacts/), for export and verify")
    .option('--overwrite', 'replace bundles an earlier import wrote (a directory reprov did not write is never replaced)'), 'do not print notes or progress')
    .action(async (mlruns: string, flags: { output: string; experiment?: string[]; run?: string[]; includeDeleted?: boolean; copyArtifacts?: boolean; overwrite?: boolean }) => {
      const { importMlflow } = await import('../interop/mlflow.js');
      const result = await importMlflow(mlruns, { out: flags.output, experiments: flags.experiment, runs: flags.run, includeDeleted: flags.includeDeleted, copyArtifacts: flags.copyArtifacts, overwrite: flags.overwrite });
      for (const run of result.imported) {
        process.stdout.write(`${run.dir}\n`);
        reportNotes(`imported MLflow run ${run.runId} (experiment '${run.experiment}')`, run.notes);
      }
      for (const skipped of result.skipped) reportNotes(`skipped MLflow run ${skipped}`, []);
    });

  withQuiet(command
    .command('yprov4ml')
    .description('write the normalised bundle of a yProv4ML document (what check reads from it) as prov.json + prov.ttl')
    .argument('<file>', 'the yProv4ML PROV document (PROV-JSON or any RDF format)')
    .requiredOption('-o, --output <dir>', 'bundle directory to write (atomically)')
    .option('--overwrite', 'replace a bundle reprov wrote earlier there (a directory reprov did not write is never replaced)'), 'do not print notes')
    .action(async (file: string, flags: { output: string; overwrite?: boolean }) => {
      const { writeYProv4mlBundle } = await import('../interop/yprov4ml-bundle.js');
      const result = await writeYProv4mlBundle(file, flags.output, { overwrite: flags.overwrite });
      process.stdout.write(`${result.dir}\n`);
      reportNotes(`imported a yProv4ML document (generation ${result.generation})`, result.notes);
    });
}
