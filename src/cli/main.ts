#!/usr/bin/env node
/** The `reprov` command: commander wiring only; the work is done by the library. */
import { Command, CommanderError } from 'commander';
// Bundles of other producers are mapped as they are read, by every command.
import '../interop/yprov4ml-mark.js';
import { registerConvert } from './convert.js';
import { registerRecord } from './record.js';
import { registerMerge } from './merge.js';
import { registerCheck } from './check.js';
import { registerScan } from './scan.js';
import { registerImport } from './import.js';
import { registerExport } from './export.js';
import { registerVerify } from './verify.js';
import { registerDiff } from './diff.js';
import { registerReport } from './report.js';
import { registerReproduce } from './reproduce.js';
import { registerRuns } from './runs.js';
import { registerQuery } from './query.js';
import { registerLineage } from './lineage.js';
import { registerPush } from './endpoint.js';
import { exitCodeFor, reportError } from './errors.js';
import { version } from '../base/version.js';


export function buildProgram(): Command {
  const program = new Command('reprov')
    .description('Checkable machine-learning provenance: record runs as W3C PROV, convert, check.')
    .version(version)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');
  registerConvert(program);
  registerRecord(program);
  registerMerge(program);
  registerCheck(program);
  registerScan(program);
  registerImport(program);
  registerExport(program);
  registerVerify(program);
  registerDiff(program);
  registerReport(program);
  registerReproduce(program);
  registerRuns(program);
  registerQuery(program);
  registerLineage(program);
  registerPush(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error (exit 2).
      return error.exitCode === 0 ? 0 : 2;
    }
    reportError(error);
    return exitCodeFor(error);
  }
}


// A reader that stops early (`reprov rules | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
