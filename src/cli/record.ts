import type { Command } from 'commander';
import type { RecordOptions } from '../run/record.js';

interface RecordFlags {
  experiment?: string;
  out?: string;
  input: string[];
  output: string[];
  param: string[];
  params: string[];
  seed: string[];
  includeDiff?: boolean;
  scan?: boolean;
  python?: string;
  systemInterval?: string;
  git: boolean;
  hardware: boolean;
  system: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerRecord(program: Command): void {
  program
    .command('record')
    .description('run a command and record it as a provenance bundle (prov.json + prov.ttl)')
    .usage('[options] -- <command> [args...]')
    .argument('<command...>', 'the command to run, after --')
    .option('-e, --experiment <name>', 'experiment name (default: the script name)')
    .option('-o, --out <dir>', 'bundle directory (default: prov/<run id>)')
    .option('-i, --input <path>', 'input file or directory to hash (repeatable)', collect, [])
    .option('--output <path>', 'output file or directory to hash after the run (repeatable)', collect, [])
    .option('-p, --param <name=value>', 'a parameter (repeatable)', collect, [])
    .option('--params <file>', 'parameters from a JSON or YAML file (repeatable)', collect, [])
    .option('-s, --seed <[name=]value>', 'a seed the command uses (repeatable)', collect, [])
    .option('--include-diff', 'store the git diff of a dirty tree in the bundle (its digest is always recorded)')
    .option('--scan', 'scan the code in the working directory first (as `reprov scan` does) and record the findings for check')
    .option('--python <interpreter>', 'record `pip freeze` of this interpreter')
    .option('--system-interval <ms>', 'system metrics sampling interval', '5000')
    .option('--no-git', 'do not record the git state')
    .option('--no-hardware', 'do not record the hardware')
    .option('--no-system', 'do not sample system metrics')
    .passThroughOptions()
    .action(async (command: string[], flags: RecordFlags) => {
      const options: RecordOptions = {
        command,
        experiment: flags.experiment,
        dir: flags.out,
        inputs: flags.input,
        outputs: flags.output,
        params: flags.param,
        paramFiles: flags.params,
        seeds: flags.seed,
        includeDiff: flags.includeDiff,
        scan: flags.scan,
        python: flags.python,
        systemIntervalMs: Number(flags.systemInterval),
        collect: { git: flags.git, hardware: flags.hardware, system: flags.system },
      };
      // Loaded on use: each command pays only for the modules it needs at start-up.
      const { record } = await import('../run/record.js');
      const result = await record(options);
      process.stderr.write(`reprov: recorded ${result.bundle.provJson}\n`);
      process.exitCode = result.exitCode;
    });
}
