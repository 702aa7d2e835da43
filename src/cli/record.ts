import { Option, type Command } from 'commander';
import type { RecordOptions } from '../run/record.js';
import { appendTo, collect, deprecatedOption, note, withQuiet } from './flags.js';

interface RecordFlags {
  experiment?: string;
  out?: string;
  input?: string[];
  produces?: string[];
  param?: string[];
  params?: string[];
  seed?: string[];
  includeDiff?: boolean;
  scan?: boolean;
  python?: string;
  systemInterval?: string | number;
  git: boolean;
  hardware: boolean;
  system: boolean;
  overwrite?: boolean;
  instrument: boolean;
  dataRoot?: string[];
  rank?: string;
}

export function registerRecord(program: Command): void {
  const command = program.command('record');
  // `--output` named a file to hash; `-o` is the bundle directory (docs/cli.md).
  deprecatedOption(command, '--output <path>', '--produces', appendTo('produces'));
  withQuiet(command
    .description('run a command and record it as a provenance bundle (prov.json + prov.ttl)')
    .usage('[options] -- <command> [args...]')
    .argument('<command...>', 'the command to run, after --')
    .option('-e, --experiment <name>', 'experiment name (default: the script name)')
    .option('-o, --out <dir>', 'bundle directory (default: prov/<run id>); locked while the run goes on')
    .option('--overwrite', 'replace the bundle an earlier run left in --out (a directory reprov did not write is never touched)')
    .option('-i, --input <path>', 'input file or directory to hash (repeatable)', collect)
    .option('--produces <path>', 'a file or directory the command writes, hashed after the run (repeatable)', collect)
    .option('-p, --param <name=value>', 'a parameter (repeatable)', collect)
    .option('--params <file>', 'parameters from a JSON or YAML file (repeatable)', collect)
    .option('-s, --seed <[name=]value>', 'a seed the command uses (repeatable)', collect)
    .option('--include-diff', 'store the git diff of a dirty tree in the bundle (its digest is always recorded)')
    .option('--scan', 'scan the code in the working directory first (as `reprov scan` does) and record the findings for check')
    .option('--python <interpreter>', 'record `pip freeze` of this interpreter')
    .addOption(new Option('--system-interval <ms>', 'system metrics sampling interval').default(5000))
    .option('--no-git', 'do not record the git state')
    .option('--no-hardware', 'do not record the hardware')
    .option('--no-system', 'do not sample system metrics')
    .option('--no-instrument', 'do not instrument the Python processes the command starts (seeds, files opened, determinism, `import reprov` logging)')
    .option('--data-root <dir>', 'also record files the program opens under this directory (besides the working directory; repeatable)', collect)
    .option('--rank <n>', "this process's rank in a distributed run (default: from RANK, OMPI_COMM_WORLD_RANK, PMI_RANK or SLURM_PROCID); ranks share --out, each writing prov.rank<n>.json"), 'do not print notes or progress (errors are still printed)')
    .passThroughOptions()
    .addHelpText('after', `
Exit codes:
  the command's own     reprov exits with the command's exit code (128+n when it died of signal n)
  2                     bad options, an unreadable input, or a bundle directory that cannot be
                        written (in use by another run, not reprov's, an earlier bundle without
                        --overwrite, permission denied, ...): the command is not started
  125                   the command succeeded (exit 0) but its bundle could not be written at the
                        end (a full disk, ...); when the command failed, its own code is kept
  128+n                 reprov got signal n before the command started (the bundle is marked interrupted)`)
    .action(async (command: string[], flags: RecordFlags) => {
      const { wholeNumber } = await import('./numbers.js');
      const rank = wholeNumber(flags.rank, '--rank', 0, 10_000_000);
      const options: RecordOptions = {
        command,
        experiment: flags.experiment,
        dir: flags.out,
        inputs: flags.input ?? [],
        outputs: flags.produces ?? [],
        params: flags.param ?? [],
        paramFiles: flags.params ?? [],
        seeds: flags.seed ?? [],
        includeDiff: flags.includeDiff,
        scan: flags.scan,
        python: flags.python,
        systemIntervalMs: Number(flags.systemInterval),
        collect: { git: flags.git, hardware: flags.hardware, system: flags.system },
        overwrite: flags.overwrite,
        instrument: flags.instrument,
        dataRoots: flags.dataRoot ?? [],
        ...(rank !== undefined && { rank }),
      };
      // Loaded on use: each command pays only for the modules it needs at start-up.
      const { record, recordExitCode } = await import('../run/record.js');
      const result = await record(options);
      for (const line of result.notes) note(line);
      if (result.writeError !== undefined) {
        const { reportError } = await import('./errors.js');
        reportError(result.writeError);
      } else if (!result.started && result.signal) {
        process.stderr.write(`reprov: record: interrupted (${result.signal}) before the command started; recorded ${result.bundle.provJson}\n`);
      } else note(`recorded ${result.bundle.provJson}`);
      process.exitCode = recordExitCode(result);
      // Stopped before the command started: collectors still under way (a slow pip freeze) must not keep reprov alive.
      if (!result.started && result.signal) process.exit(process.exitCode);
    });
}
