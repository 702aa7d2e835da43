/**
 * `reprov record -- <command>`: runs any command inside a run. Collects before, samples during,
 * collects after; passes stdin/stdout/stderr through, forwards signals, and exits with the
 * command's exit code. Bad options are refused before the command starts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, resolve } from 'node:path';
import { UserError } from '../base/user-error.js';
import { startRun, type BundleFiles, type StartRunOptions } from './run.js';
import type { Value } from '../prov/graph.js';

export class RecordUsageError extends UserError {}

export interface RecordOptions extends Omit<StartRunOptions, 'experiment' | 'command'> {
  command: string[];
  experiment?: string;
  inputs?: string[];
  outputs?: string[];
  /** `name=value` pairs. */
  params?: string[];
  /** JSON or YAML files of parameters (a flat or nested object; nested keys are joined with `.`). */
  paramFiles?: string[];
  /** `value` or `name=value`. */
  seeds?: string[];
}

export interface RecordResult {
  exitCode: number;
  signal?: NodeJS.Signals;
  bundle: BundleFiles;
}

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Checks everything that can be checked before the command starts; throws RecordUsageError. */
export async function prepareRecord(options: RecordOptions): Promise<{ params: Record<string, Value>; seeds: [string, string][] }> {
  if (!options.command.length) throw new RecordUsageError('record: no command given; usage: reprov record [options] -- <command> [args...]');
  const cwd = resolve(options.cwd ?? process.cwd());
  for (const input of options.inputs ?? []) {
    try {
      statSync(resolve(cwd, input));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new RecordUsageError(`record: --input ${input}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
    }
  }
  const params: Record<string, Value> = {};
  for (const file of options.paramFiles ?? []) Object.assign(params, await readParamFile(resolve(cwd, file), file));
  for (const pair of options.params ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new RecordUsageError(`record: --param ${pair}: expected name=value`);
    params[pair.slice(0, eq)] = parseScalar(pair.slice(eq + 1));
  }
  const seeds = (options.seeds ?? []).map((seed): [string, string] => {
    const eq = seed.indexOf('=');
    const [name, value] = eq > 0 ? [seed.slice(0, eq), seed.slice(eq + 1)] : ['global', seed];
    if (!/^-?\d+$/.test(value)) throw new RecordUsageError(`record: --seed ${seed}: a seed is an integer`);
    return [name, value];
  });
  return { params, seeds };
}

export async function record(options: RecordOptions): Promise<RecordResult> {
  const { params, seeds } = await prepareRecord(options);
  const [program, ...args] = options.command as [string, ...string[]];
  const run = await startRun({
    snapshotIntervalMs: 10_000,
    ...options,
    experiment: options.experiment ?? basename(args.find((a) => !a.startsWith('-')) ?? program).replace(/\.[^.]*$/, ''),
    command: options.command,
  });
  run.logParams(params);
  for (const [name, value] of seeds) run.logSeed(name, Number(value), name);
  for (const input of options.inputs ?? []) await run.logInput(input);

  const { exitCode, signal } = await new Promise<{ exitCode: number; signal?: NodeJS.Signals }>((done) => {
    const child = spawn(program, args, { stdio: 'inherit', cwd: options.cwd, env: options.env ?? process.env });
    let received: NodeJS.Signals | undefined;
    const forward = (sig: NodeJS.Signals) => {
      received = sig;
      child.kill(sig);
    };
    for (const sig of FORWARDED_SIGNALS) process.on(sig, forward);
    const cleanup = () => FORWARDED_SIGNALS.forEach((sig) => process.off(sig, forward));
    child.on('error', (error) => {
      cleanup();
      process.stderr.write(`reprov: record: cannot start ${program}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'command not found' : error.message}\n`);
      done({ exitCode: 127 });
    });
    child.on('exit', (code, sig) => {
      cleanup();
      const bySignal = sig ?? received;
      done({ exitCode: code ?? 128 + signalNumber(sig), signal: bySignal ?? undefined });
    });
  });

  for (const output of options.outputs ?? []) {
    if (existsSync(resolve(options.cwd ?? process.cwd(), output))) await run.logOutput(output);
    else process.stderr.write(`reprov: record: --output ${output} was not produced by the command\n`);
  }
  const status = signal ? 'interrupted' : exitCode === 0 ? 'succeeded' : 'failed';
  const bundle = await run.end({ status, exitCode, signal });
  return { exitCode, signal, bundle };
}

async function readParamFile(path: string, name: string): Promise<Record<string, Value>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new RecordUsageError(`record: --params ${name}: cannot read the file`);
  }
  const yaml = /\.ya?ml$/i.test(path);
  const parse: (text: string) => unknown = yaml ? (await import('yaml')).parse : JSON.parse;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new RecordUsageError(`record: --params ${name}: invalid ${yaml ? 'YAML' : 'JSON'}: ${message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new RecordUsageError(`record: --params ${name}: expected an object of parameters`);
  return flatten(doc as Record<string, unknown>);
}

/** `{ optimizer: { lr: 0.1 } }` -> `{ 'optimizer.lr': 0.1 }`; arrays and nulls are kept as JSON text. */
function flatten(object: Record<string, unknown>, prefix = ''): Record<string, Value> {
  const flat: Record<string, Value> = {};
  for (const [key, value] of Object.entries(object)) {
    const name = prefix + key;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) Object.assign(flat, flatten(value as Record<string, unknown>, `${name}.`));
    else flat[name] = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value);
  }
  return flat;
}

/** `--param lr=0.001` records a number, `--param amp=true` a boolean, anything else a string. */
function parseScalar(text: string): Value {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal && constants.signals[signal]) ?? 0;
}
