/**
 * `reprov record -- <command>`: runs any command inside a run. Collects before, samples during,
 * collects after; passes stdin/stdout/stderr through, forwards signals, and exits with the
 * command's exit code. Bad options are refused before the command starts.
 *
 * Signals, from start to end:
 * - before the command starts (collection, hashing inputs): SIGINT, SIGTERM, SIGHUP or SIGQUIT
 *   stop the recording; the command is not started, the bundle is ended `interrupted`, and
 *   the exit code is 128 + the signal's number;
 * - while the command runs: forwarded to its process group (the command runs in a group of its
 *   own); the command's exit code is kept, and the run is `interrupted`;
 * - after the command ended, while the bundle is finished: the first is noted and the bundle
 *   written; a second one stops at once, still with the command's exit code.
 * The command dies with reprov even when reprov is SIGKILLed: ./watchdog.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, resolve } from 'node:path';
import { UserError } from '../base/user-error.js';
import { redactedName, redactText } from '../base/redact.js';
import { analyseCommand } from '../collect/environment.js';
import { locationOf } from '../collect/data.js';
import { reprov } from '../prov/vocabulary.js';
import { createChannel, type Channel } from '../instrument/channel.js';
import { instrumentedEnv, uninstrumentedEnv } from '../instrument/python.js';
import { InstrumentRecorder, type InstrumentSummary } from '../instrument/recorder.js';
import { Run, type BundleFiles, type StartRunOptions } from './run.js';
import { startWatchdog } from './watchdog.js';
import { flattenParams, type Params } from './params.js';
import type { Value } from '../prov/graph.js';
import { requireOnUse } from '../base/require-on-use.js';

export class RecordUsageError extends UserError {}

export interface RecordOptions extends Omit<StartRunOptions, 'experiment' | 'command' | 'params' | 'seeds' | 'inputs' | 'signal'> {
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
  /**
   * Instrument the Python processes the command starts (default true): seeds set, determinism in
   * force, files opened, frameworks, the exception, modules executed, and `import reprov` logging.
   */
  instrument?: boolean;
  /** Directories besides the working directory whose files are recorded when the program opens them. */
  dataRoots?: string[];
}

export interface RecordResult {
  /** The command's exit code (128 + n when it died of signal n, or when reprov was interrupted before starting it). */
  exitCode: number;
  signal?: NodeJS.Signals;
  bundle: BundleFiles;
  /** False when a signal stopped the recording before the command started. */
  started: boolean;
  /** The final bundle could not be written (a full disk, ...): the one-line error; the bundle holds the last snapshot. */
  writeError?: unknown;
  /** Things the user should know (a stale lock taken over). */
  notes: string[];
  /** What the instrumentation told (absent with `instrument: false`, or when no channel could be made). */
  instrumentation?: InstrumentSummary;
}

/**
 * The exit code of `reprov record` when the command succeeded (exit 0) but its bundle could not
 * be written. Any other exit code of the command is kept as it is. 125, as `env`, `timeout` and
 * `docker run` say "the wrapper failed, not the command".
 */
export const BUNDLE_WRITE_FAILED = 125;

/** What `reprov record` exits with: the command's code, unless it succeeded and the bundle could not be written. */
export function recordExitCode(result: RecordResult): number {
  return result.writeError !== undefined && result.exitCode === 0 ? BUNDLE_WRITE_FAILED : result.exitCode;
}

const STOPPING_SIGNALS = new Set<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']);

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
      throw new RecordUsageError(`record: --input ${redactText(input)}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
    }
  }
  const params: Record<string, Value> = {};
  for (const file of options.paramFiles ?? []) Object.assign(params, await readParamFile(resolve(cwd, file), file));
  for (const pair of options.params ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new RecordUsageError(`record: --param ${redactText(pair)}: expected name=value`);
    params[pair.slice(0, eq)] = parseScalar(pair.slice(eq + 1));
  }
  const seeds = (options.seeds ?? []).map((seed): [string, string] => {
    const eq = seed.indexOf('=');
    const [name, value] = eq > 0 ? [seed.slice(0, eq), seed.slice(eq + 1)] : ['global', seed];
    if (!/^-?\d+$/.test(value)) throw new RecordUsageError(`record: --seed ${redactText(seed)}: a seed is an integer`);
    return [name, value];
  });
  return { params, seeds };
}

export async function record(options: RecordOptions): Promise<RecordResult> {
  const { params, seeds } = await prepareRecord(options);
  const [program, ...args] = options.command as [string, ...string[]];

  // Signals are ours from here to the end: what each means depends on the phase.
  let phase: 'starting' | 'running' | 'finishing' = 'starting';
  let received: NodeJS.Signals | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  let exitCode = 0;
  let late = 0;
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (phase === 'starting') {
      if (!STOPPING_SIGNALS.has(sig)) return;
      received ??= sig;
      abort.abort();
    } else if (phase === 'running') {
      if (STOPPING_SIGNALS.has(sig)) received = sig;
      forward(child, sig);
    } else if (STOPPING_SIGNALS.has(sig)) {
      // The command has ended: its exit code is kept whatever happens now. The first signal lets
      // the bundle be finished; a second one stops at once.
      if (late++) process.exit(exitCode);
    }
  };
  for (const sig of FORWARDED_SIGNALS) process.on(sig, onSignal);
  const untrap = () => FORWARDED_SIGNALS.forEach((sig) => process.off(sig, onSignal));

  const watchdog = startWatchdog();
  const instrumenting = options.instrument !== false;
  let run: Run;
  try {
    run = await Run.open({
      snapshotIntervalMs: 10_000,
      ...options,
      experiment: options.experiment ?? experimentName(options.command, options.env ?? process.env, options.cwd ?? process.cwd()),
      command: options.command,
      tool: 'reprov record',
      params,
      seeds: seeds.map(([name, value]): [string, number, string] => [name, Number(value), name]),
      inputs: options.inputs,
      // With instrumentation the scan waits for the end: it scans the files the run executed.
      scan: options.scan && !instrumenting,
      onDirectory: (dir) => watchdog.bundle(dir),
    });
  } catch (error) {
    watchdog.done();
    untrap();
    throw error;
  }
  let signal: NodeJS.Signals | undefined;
  let started = false;
  const startedAt = Date.now();
  let channel: Channel | undefined;
  let recorder: InstrumentRecorder | undefined;
  let polling: NodeJS.Timeout | undefined;
  try {
    try {
      await run.prepare({ signal: abort.signal });
    } catch (error) {
      // The command was not started: the bundle says the run failed at start.
      await run.end({ status: 'failed' }).catch(() => undefined);
      throw error;
    }
    if (received) {
      // Stopped before the command started.
      phase = 'finishing';
      exitCode = 128 + signalNumber(received);
      signal = received;
    } else {
      let env = options.env ?? process.env;
      if (instrumenting) {
        try {
          channel = createChannel();
          watchdog.temporary(channel.dir);
          recorder = new InstrumentRecorder(run, channel.reader, { exclude: [channel.dir], include: [run.cwd, ...(options.dataRoots ?? []).map((dir) => resolve(run.cwd, dir))] });
          env = instrumentedEnv(env, { channel: channel.path, bundleDir: run.dir, dataRoots: options.dataRoots?.map((dir) => resolve(run.cwd, dir)) });
          const active = recorder;
          polling = setInterval(() => active.poll(), 1000);
          polling.unref();
        } catch (error) {
          run.notes.push(`record: no instrumentation: ${redactText((error as Error).message)}`);
          channel?.close();
          channel = undefined;
          recorder = undefined;
        }
      }
      // Without instrumentation the package stays importable: `import reprov` is a no-op logger there.
      if (!recorder) env = uninstrumentedEnv(env);
      const childEnv = env;
      ({ exitCode, signal } = await new Promise<{ exitCode: number; signal?: NodeJS.Signals }>((done) => {
        // A process group of its own: signals reach the command's children too, and the watchdog can end them all.
        child = spawn(program, args, { stdio: 'inherit', cwd: options.cwd, env: childEnv, detached: process.platform !== 'win32' });
        started = true;
        phase = 'running';
        if (child.pid !== undefined) watchdog.child(child.pid);
        child.on('error', (error) => {
          phase = 'finishing';
          started = false;
          process.stderr.write(`reprov: record: cannot start ${redactText(program)}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'command not found' : error.message}\n`);
          done({ exitCode: 127 });
        });
        child.on('exit', (code, sig) => {
          phase = 'finishing';
          watchdog.exited();
          const bySignal = sig ?? received;
          done({ exitCode: code ?? 128 + signalNumber(sig), signal: bySignal ?? undefined });
        });
      }));
    }
    const status = signal ? 'interrupted' : exitCode === 0 ? 'succeeded' : 'failed';
    const bundle = run.files;
    let writeError: unknown;
    let instrumentation: InstrumentSummary | undefined;
    if (polling) clearInterval(polling);
    if (started) {
      for (const output of options.outputs ?? []) {
        if (!existsSync(resolve(options.cwd ?? process.cwd(), output))) process.stderr.write(`reprov: record: --produces ${redactText(output)} was not produced by the command\n`);
        else await run.logOutput(output).catch((error: Error) => process.stderr.write(`reprov: record: --produces ${redactText(output)}: ${error.message}\n`));
      }
      if (recorder) {
        try {
          instrumentation = await recorder.finish();
        } catch (error) {
          run.notes.push(`record: instrumentation: ${redactText((error as Error).message)}`);
        }
      }
      // Metrics the program wrote in well-known files (trainer_state.json, Lightning/Keras CSV, TensorBoard events).
      await recordMetricFiles(run, startedAt).catch((error: Error) => run.notes.push(`record: metric files: ${redactText(error.message)}`));
      // Deferred to the end with instrumentation: the files the run executed, or (none told) the working directory.
      if (options.scan && instrumenting) await run.recordScan(instrumentation?.modules.length ? instrumentation.modules : undefined);
    }
    try {
      await run.end({ status, exitCode, signal });
    } catch (error) {
      // The command's exit code is not lost to a full disk: the caller reports this and exits with the command's code (or BUNDLE_WRITE_FAILED).
      writeError = error;
    }
    const result: RecordResult = { exitCode, signal, bundle, started, writeError, notes: run.notes };
    if (instrumentation) result.instrumentation = instrumentation;
    return result;
  } finally {
    if (polling) clearInterval(polling);
    channel?.close();
    watchdog.done();
    untrap();
  }
}

/**
 * Reads the metric files the command wrote (modified since it started; the bundle excluded:
 * src/collect/metric-files) into the run's metrics, each metric node naming its file as its
 * `reprov:source` (`<format>:<path>`), and their notes into the run's notes.
 */
async function recordMetricFiles(run: Run, since: number): Promise<void> {
  const { findMetricFiles, readMetricFile, dropOverlaps } = await import('../collect/metric-files/index.js');
  const notes: string[] = [];
  const found = await findMetricFiles(run.cwd, { sinceMs: since - 2000, exclude: [run.dir], notes });
  const read = [];
  for (const file of found) {
    const { points, notes: fileNotes } = await readMetricFile(file);
    notes.push(...fileNotes);
    read.push({ file, points });
  }
  const describe = (file: { format: string; path: string }): string => `${file.format}:${locationOf(run.cwd, file.path)}`;
  const { files, notes: overlapNotes } = dropOverlaps(read, describe);
  notes.push(...overlapNotes);
  for (const { file, points } of files) {
    const source = describe(file);
    const series = new Set<string>();
    for (const point of points) {
      const options: { context: string; step?: number; epoch?: number; timestamp?: number } = { context: point.context };
      if (point.step !== undefined) options.step = point.step;
      if (point.epoch !== undefined) options.epoch = point.epoch;
      if (point.timestamp !== undefined) options.timestamp = point.timestamp;
      run.logMetric(point.name, point.value, options);
      series.add(`${point.context}\u0000${point.name}`);
    }
    for (const key of series) {
      const [context, name] = key.split('\u0000') as [string, string];
      run.graph.add(run.graph.node('metric', redactText(context), redactText(name)), reprov.source, source);
    }
  }
  for (const note of notes.slice(0, 20)) run.graph.add(run.node, reprov.unknownReason, `metric files: ${note}`);
}

/** Sends `sig` to the command's process group (its own children included), or to the command alone. */
function forward(child: ReturnType<typeof spawn> | undefined, sig: NodeJS.Signals): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    child.kill(sig);
  }
}

async function readParamFile(path: string, name: string): Promise<Record<string, Value>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new RecordUsageError(`record: --params ${name}: cannot read the file`);
  }
  const yaml = /\.ya?ml$/i.test(path);
  const parse: (text: string) => unknown = yaml ? (requireOnUse('yaml') as typeof import('yaml')).parse : JSON.parse;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    // Without the text JSON.parse quotes (`"{"password": hunter2}" is not valid JSON`): it may hold a secret.
    const message = redactText((error as Error).message.split('\n')[0] ?? '').replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, ' (not valid JSON)');
    throw new RecordUsageError(`record: --params ${name}: invalid ${yaml ? 'YAML' : 'JSON'}: ${message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new RecordUsageError(`record: --params ${name}: expected an object of parameters`);
  // `{ optimizer: { lr: 0.1 } }` -> `optimizer.lr`, as the run API and the Python API flatten; lists and nulls as JSON text.
  return Object.fromEntries(flattenParams(doc as Params));
}

/** `--param lr=0.001` records a number, `--param amp=true` a boolean, anything else a string. */
function parseScalar(text: string): Value {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/**
 * The experiment's name when none is given: the name of the script the command runs
 * (`env MY_TOKEN=x python -u train.py --token y` -> `train`, `torchrun ... train.py` -> `train`,
 * `python -m pkg.train` -> `pkg.train`, `./run.sh` -> `run`), found as the environment collector
 * finds the entry point: `env`, `VAR=value` settings, wrappers (`time`, `nohup`, `uv run`),
 * interpreters and their flags are skipped, and no other argument is looked at. Redacted and
 * sanitised (`redactedName`): it names the run id, the bundle directory and every IRI.
 */
export function experimentName(command: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): string {
  const { entryPoint, interpreter } = analyseCommand(command, env, cwd);
  let name = entryPoint;
  if (name?.startsWith('-m ')) name = name.slice(3);
  else if (name === '-c' || name === '-' || name === '-e' || name === '--eval' || name === '-p' || name === '--print') name = interpreter?.[interpreter.length - 1] ?? 'run';
  if (name && SHELLS.has(basename(name))) {
    // `bash train.sh` runs train.sh; `bash -c '...'` runs a command line, named by the shell.
    const script = command.slice(command.indexOf(name) + 1).find((a) => !a.startsWith('-'));
    if (script && !command.includes('-c')) name = script;
  }
  const base = basename(name ?? command[0] ?? 'run');
  return redactedName(/^-m /.test(entryPoint ?? '') ? base : base.replace(/\.[^.]*$/, ''));
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish']);

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal && constants.signals[signal]) ?? 0;
}
