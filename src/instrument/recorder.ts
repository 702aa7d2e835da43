/**
 * The recorder's side of in-process instrumentation: reads the channel (./channel.ts) and maps each
 * event onto the run API, so what the program did lands in the same terms as what the TypeScript
 * API and `record`'s flags write (docs/python.md, "What is recorded"):
 *
 * - `metrics` -> `logMetric` (the same CSV side files); `param` -> `logParam`; `context` -> `startContext`;
 * - `seed` -> `logSeed` (rng, value), plus `reprov:source` (the function that set it),
 *   `reprov:sourceFile` and `reprov:line` (the user's call site) on the seed node;
 * - `determinism` -> a `reprov:DeterminismSetting` (`reprov:source "instrumentation"`);
 * - `file`/`dir` (opened by the program) and `input`/`output`/`model`/`artifact` (logged) ->
 *   hashed at the end through `logInput`/`logOutput`/`logModel`/`logArtifact` (same hash cache),
 *   observed ones marked `reprov:source "instrumentation"`;
 * - `framework`, `device` -> `run:environment/framework/<name>`; `exception` -> `run:exception`;
 *   `modules` -> `reprov:executedFile` on `run:code` (and the files `record --scan` scans);
 * - `note` -> `reprov:unknownReason` on the run, starting `instrumentation: `.
 *
 * Everything passes the RunGraph, which redacts every name, IRI and literal put into it.
 */
import type { NamedNode } from 'n3';
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { inside } from '../base/confine.js';
import { redactText } from '../base/redact.js';
import type { DataKind } from '../collect/data.js';
import { locationOf } from '../collect/data.js';
import type { RunGraph, Value } from '../prov/graph.js';
import { prov, reprov, schema } from '../prov/vocabulary.js';
import type { ChannelEvent, ChannelReader } from './channel.js';

/** What the recorder needs of a run: the run API (src/run/run.ts `Run` is one). */
export interface InstrumentSink {
  readonly graph: RunGraph;
  readonly node: NamedNode;
  readonly dir: string;
  readonly cwd: string;
  logParam(name: string, value: Value): void;
  logMetric(name: string, value: number, options?: { context?: string; step?: number; epoch?: number; timestamp?: number }): void;
  logSeed(name: string, value: number | string, rng?: string): void;
  startContext(name: string): string;
  logInput(path: string, kind?: DataKind): Promise<NamedNode>;
  logOutput(path: string, kind?: DataKind): Promise<NamedNode>;
  logModel(path: string): Promise<NamedNode>;
  logArtifact(path: string): Promise<NamedNode>;
}

export interface InstrumentRecorderOptions {
  /** Files observed per role (read, written) beyond which the rest are counted, not recorded. */
  maxFiles?: number;
  /** Seeds per generator beyond which the rest are counted, not recorded. */
  maxSeedsPerRng?: number;
  /** Paths never recorded as observed files (the channel, the bundle). */
  exclude?: string[];
  /**
   * The directories observed files must lie under (default: the run's working directory). The
   * Python side filters as well, but the channel is the program's to write: a `file` event naming
   * `/etc/shadow` must not make the recorder hash it. (What the program names with `log_input`
   * is its declaration, as `--input` is, and is not limited.)
   */
  include?: string[];
}

/** What the instrumentation told, in figures (tests and the CLI's summary). */
export interface InstrumentSummary {
  processes: number;
  events: number;
  metricPoints: number;
  filesRead: number;
  filesWritten: number;
  seeds: number;
  exception?: { type: string; file?: string; line?: number };
  /** Files of the working tree the program executed (relative to cwd). */
  modules: string[];
}

const MODEL_SUFFIX = /\.(pt|pth|ckpt|safetensors|onnx|h5|keras|joblib|pb|tflite|gguf|bin)$/i;
const MAX_NAME = 1000;
const MAX_NOTES = 20;
const MAX_MODULES = 1000;
/**
 * The channel is written by the program (or anything it runs): a loop or a hostile writer can send
 * a million distinct names. Each distinct thing below becomes nodes (and, for a metric series, a
 * file), so each kind is bounded; what is beyond is counted in a note. Points of a known series
 * are not bounded: they are rows of its CSV file, as the TypeScript API writes them.
 */
const LIMITS = { param: 10_000, series: 1000, context: 100, seed: 1000, determinism: 200, framework: 100, logged: 1000, observed: 100_000 } as const;
type Limited = keyof typeof LIMITS;
const LIMITED_WHAT: Record<Limited, string> = {
  param: 'parameters', series: 'metric series', context: 'contexts', seed: 'seeds', determinism: 'determinism settings',
  framework: 'frameworks', logged: 'logged files', observed: 'opened files',
};
/** Processes counted for the summary (a forged `pid` per line must not grow the set without end). */
const MAX_PIDS = 10_000;

type Role = 'input' | 'output' | 'model' | 'artifact';

export class InstrumentRecorder {
  private readonly pids = new Set<number>();
  private events = 0;
  private points = 0;
  private notes = 0;
  private ownNotes = 0;
  private readonly seedNames = new Map<string, { value: string; count: number }>();
  private readonly seedValues = new Set<string>();
  private seeds = 0;
  private readonly settings = new Set<string>();
  private readonly frameworks = new Set<string>();
  /** Logged paths by role, in order. */
  private readonly logged = new Map<string, Role>();
  /** Observed paths: absolute path -> written? */
  private readonly observed = new Map<string, { read: boolean; write: boolean; directory: boolean }>();
  private readonly modules = new Set<string>();
  private exception?: InstrumentSummary['exception'];
  private deviceDone = false;
  private unknownTypes = new Set<string>();
  /** Distinct keys seen per bounded kind, and how many were dropped beyond the bound. */
  private readonly distinct = new Map<Limited, Set<string>>();
  private readonly dropped = new Map<Limited, number>();
  private readonly maxFiles: number;
  private readonly maxSeeds: number;
  private readonly exclude: string[];
  private readonly include: string[];

  constructor(private readonly sink: InstrumentSink, private readonly reader: ChannelReader, options: InstrumentRecorderOptions = {}) {
    this.maxFiles = options.maxFiles ?? 1000;
    this.maxSeeds = options.maxSeedsPerRng ?? 20;
    this.exclude = [sink.dir, ...(options.exclude ?? [])].map((p) => realOrResolved(p));
    this.include = (options.include ?? [sink.cwd]).map((p) => realOrResolved(p));
  }

  /** Reads what the channel holds now and records it (metrics, parameters, seeds, ...); files wait for `finish`. */
  poll(): void {
    // The reader hands out a bounded batch at a time: a huge channel is never held in memory whole.
    for (let events = this.reader.read(); events.length || this.reader.more; events = this.reader.read()) {
      for (const event of events) {
        try {
          this.handle(event);
        } catch (error) {
          this.note(`a ${String(event.type)} event could not be recorded: ${(error as Error).message}`);
        }
      }
    }
  }

  /** Whether one more distinct `key` of `kind` may be recorded (a key already admitted always may). */
  private admit(kind: Limited, key: string): boolean {
    let seen = this.distinct.get(kind);
    if (!seen) this.distinct.set(kind, (seen = new Set()));
    if (seen.has(key)) return true;
    if (seen.size >= LIMITS[kind]) {
      this.dropped.set(kind, (this.dropped.get(kind) ?? 0) + 1);
      return false;
    }
    seen.add(key);
    return true;
  }

  /** Reads the rest of the channel, hashes the files, and records the modules executed. */
  async finish(): Promise<InstrumentSummary> {
    this.poll();
    if (this.reader.malformed) this.note(`${this.reader.malformed} malformed line(s) in the channel were skipped`);
    if (this.reader.otherVersion) this.note(`${this.reader.otherVersion} line(s) of another channel version were skipped`);
    for (const type of this.unknownTypes) this.note(`events of an unknown type "${type}" were skipped`);
    for (const [kind, count] of this.dropped) this.note(`${count} more ${LIMITED_WHAT[kind]} in the channel were not recorded (at most ${LIMITS[kind]})`);
    await this.recordFiles();
    this.recordModules();
    return this.summary();
  }

  /** Files of the working tree the program executed, relative to the working directory. */
  get executedFiles(): string[] {
    return [...this.modules].sort();
  }

  summary(): InstrumentSummary {
    let filesRead = 0;
    let filesWritten = 0;
    for (const seen of this.observed.values()) {
      if (seen.write) filesWritten++;
      else if (seen.read) filesRead++;
    }
    const summary: InstrumentSummary = { processes: this.pids.size, events: this.events, metricPoints: this.points, filesRead, filesWritten, seeds: this.seeds, modules: this.executedFiles };
    if (this.exception) summary.exception = this.exception;
    return summary;
  }

  private handle(event: ChannelEvent): void {
    this.events++;
    if (this.pids.size < MAX_PIDS) this.pids.add(event.pid);
    switch (event.type) {
      case 'start':
      case 'exit':
        return;
      case 'metrics':
        return this.metrics(event);
      case 'param': {
        const name = text(event.name);
        const value = scalar(event.value);
        if (name && value !== undefined && this.admit('param', name)) this.sink.logParam(name, value);
        return;
      }
      case 'context': {
        const name = text(event.name);
        if (name && this.admit('context', name)) this.sink.startContext(redactText(name));
        return;
      }
      case 'seed':
        return this.seed(event);
      case 'determinism':
        return this.determinism(event);
      case 'file':
      case 'dir': {
        const path = text(event.path, 4096);
        if (!path || !isAbsolute(path) || !this.admit('observed', path)) return;
        const seen = this.observed.get(path) ?? { read: false, write: false, directory: event.type === 'dir' };
        if (event.mode === 'w') seen.write = true;
        else seen.read = true;
        this.observed.set(path, seen);
        return;
      }
      case 'input':
      case 'output':
      case 'model':
      case 'artifact': {
        const path = text(event.path, 4096);
        if (path && !this.logged.has(path) && this.admit('logged', path)) this.logged.set(path, event.type);
        return;
      }
      case 'framework':
        return this.framework(event);
      case 'device':
        return this.device(event);
      case 'exception':
        return this.recordException(event);
      case 'modules':
        if (Array.isArray(event.files)) {
          for (const file of event.files) {
            const path = text(file, 4096);
            if (!path || this.modules.size >= MAX_MODULES) continue;
            const location = locationOf(this.sink.cwd, resolve(this.sink.cwd, path));
            if (!isAbsolute(location)) this.modules.add(location);
          }
        }
        return;
      case 'note': {
        const what = text(event.text);
        if (what) this.note(what, true);
        return;
      }
      default:
        if (this.unknownTypes.size < 10) this.unknownTypes.add(event.type.slice(0, 40));
    }
  }

  private metrics(event: ChannelEvent): void {
    if (!Array.isArray(event.points)) return;
    for (const point of event.points) {
      if (!Array.isArray(point)) continue;
      const [name, rawValue, step, epoch, context, time] = point as unknown[];
      const metric = text(name);
      const value = number(rawValue);
      if (!metric || value === undefined) continue;
      const options: { context?: string; step?: number; epoch?: number; timestamp?: number } = { context: text(context) ?? 'training' };
      if (!this.admit('series', `${metric}\u0000${options.context}`)) continue;
      const s = number(step);
      const e = number(epoch);
      const t = number(time);
      if (s !== undefined && Number.isFinite(s)) options.step = s;
      if (e !== undefined && Number.isFinite(e)) options.epoch = e;
      if (t !== undefined && Number.isFinite(t)) options.timestamp = Math.round(t * 1000);
      this.sink.logMetric(metric, value, options);
      this.points++;
    }
  }

  private seed(event: ChannelEvent): void {
    const rng = text(event.rng, 100) ?? 'global';
    const value = typeof event.value === 'number' && Number.isSafeInteger(event.value) ? event.value
      : typeof event.value === 'string' ? event.value.slice(0, 1000)
        : typeof event.value === 'number' ? String(event.value) : undefined;
    if (value === undefined) return;
    const key = `${rng}\u0000${String(value)}`;
    if (this.seedValues.has(key)) return;
    if (!this.admit('seed', key)) return;
    this.seedValues.add(key);
    // One node per generator and value: `numpy`, then `numpy-2` for a second value.
    const explicit = text(event.name, 200);
    const base = explicit ?? rng;
    let name = base;
    const entry = this.seedNames.get(base) ?? { value: String(value), count: 0 };
    if (entry.count >= this.maxSeeds) return;
    entry.count++;
    this.seedNames.set(base, entry);
    if (entry.count > 1) name = `${base}-${entry.count}`;
    while (this.graphHasSeed(name)) name = `${name}-x`;
    this.sink.logSeed(name, value, rng);
    this.seeds++;
    const node = this.sink.graph.node('seed', name);
    const via = text(event.via, 200);
    if (via) this.sink.graph.add(node, reprov.source, via);
    const file = text(event.file, 4096);
    if (file) this.sink.graph.add(node, reprov.sourceFile, this.location(file));
    if (typeof event.line === 'number' && Number.isInteger(event.line) && event.line > 0) this.sink.graph.add(node, reprov.line, event.line);
    if (typeof event.drawn_before === 'boolean') this.sink.graph.add(node, reprov.drawnBeforeSeed, event.drawn_before);
  }

  private graphHasSeed(name: string): boolean {
    const node = this.sink.graph.node('seed', name);
    return this.sink.graph.quads.some((q) => q.subject.equals(node));
  }

  private determinism(event: ChannelEvent): void {
    const name = text(event.name, 200);
    const value = text(event.value, 1000);
    if (!name || value === undefined) return;
    const { graph } = this.sink;
    const node = graph.node('determinism', name);
    const key = `${name}\u0000${value}`;
    if (this.settings.has(key) || !this.admit('determinism', name)) return;
    this.settings.add(key);
    // The recorder's environment collector already recorded a variable the program did not change.
    if (graph.quads.some((q) => q.subject.equals(node))) {
      if (event.set !== 'program') return;
    }
    graph.describe(node, [prov.Entity, reprov.DeterminismSetting], name);
    graph.add(node, reprov.settingName, name);
    graph.add(node, prov.value, value);
    graph.add(node, reprov.source, 'instrumentation');
    if (event.at === 'first step') graph.add(node, reprov.inForceAt, 'first training step');
    graph.add(this.sink.node, prov.used, node);
    if (name === 'PYTHONHASHSEED' && /^\d+$/.test(value.trim()) && !this.graphHasSeed('PYTHONHASHSEED')) this.sink.logSeed('PYTHONHASHSEED', Number(value.trim()), 'python-hash');
  }

  private frameworkNode(name: string): NamedNode {
    const { graph } = this.sink;
    const node = graph.node('environment', 'framework', name);
    if (!this.frameworks.has(name)) {
      this.frameworks.add(name);
      const environment = graph.node('environment');
      graph.describe(node, [prov.Entity, schema.SoftwareApplication], name);
      graph.add(node, schema.name, name);
      graph.add(environment, reprov.framework, node);
    }
    return node;
  }

  private framework(event: ChannelEvent): void {
    const name = text(event.name, 100);
    const version = text(event.version, 200);
    if (!name || !version || !this.admit('framework', name)) return;
    const key = `version\u0000${name}`;
    if (this.frameworks.has(key)) return;
    this.frameworkNode(name);
    this.frameworks.add(key);
    this.sink.graph.add(this.sink.graph.node('environment', 'framework', name), schema.version, version);
  }

  private device(event: ChannelEvent): void {
    const framework = text(event.framework, 100) ?? 'torch';
    if (!this.admit('framework', framework)) return;
    const { graph } = this.sink;
    const node = this.frameworkNode(framework);
    const cuda = text(event.cuda, 100);
    const key = `device\u0000${framework}\u0000${event.initialized === true}`;
    if (this.frameworks.has(key)) return;
    this.frameworks.add(key);
    if (cuda && !this.frameworks.has(`cuda\u0000${framework}`)) {
      this.frameworks.add(`cuda\u0000${framework}`);
      graph.add(node, reprov.cudaVersion, cuda);
    }
    if (event.initialized !== true || this.deviceDone) return;
    this.deviceDone = true;
    const cudnn = text(event.cudnn, 100);
    if (cudnn) graph.add(node, reprov.cudnnVersion, cudnn);
    const count = number(event.count);
    if (count !== undefined && Number.isInteger(count)) graph.add(node, reprov.gpuCount, count);
    if (!Array.isArray(event.devices)) return;
    for (const device of event.devices.slice(0, 64)) {
      if (typeof device !== 'object' || device === null) continue;
      const { index, name, capability } = device as Record<string, unknown>;
      if (typeof index !== 'number' || !Number.isInteger(index)) continue;
      const gpu = graph.node('environment', 'framework', framework, 'device', String(index));
      graph.describe(gpu, [prov.Entity, reprov.GPU], `${framework} device ${index}${typeof name === 'string' ? `: ${name}` : ''}`);
      graph.add(node, reprov.gpu, gpu);
      graph.add(gpu, reprov.gpuIndex, index);
      graph.add(gpu, schema.name, text(name, 200));
      graph.add(gpu, reprov.computeCapability, text(capability, 20));
    }
  }

  private recordException(event: ChannelEvent): void {
    const type = text(event.exception, 300);
    if (!type || this.exception) return;
    const { graph } = this.sink;
    const node = graph.node('exception');
    graph.describe(node, [prov.Entity, reprov.Exception], type);
    graph.add(node, reprov.exceptionType, type);
    graph.add(node, reprov.message, text(event.message, 1000));
    const file = text(event.file, 4096);
    const line = typeof event.line === 'number' && Number.isInteger(event.line) && event.line > 0 ? event.line : undefined;
    if (file) graph.add(node, reprov.sourceFile, this.location(file));
    graph.add(node, reprov.line, line);
    graph.add(this.sink.node, reprov.exception, node);
    this.exception = { type: redactText(type) };
    if (file) this.exception.file = this.location(file);
    if (line !== undefined) this.exception.line = line;
  }

  /**
   * A note on the run. The program's own `note` events have MAX_NOTES; the recorder's (skipped
   * lines, bounds reached) have room of their own, so a flood of notes cannot hide them.
   */
  private note(what: string, fromProgram = false): void {
    if (fromProgram ? this.notes >= MAX_NOTES : this.ownNotes >= MAX_NOTES * 2) return;
    if (fromProgram) this.notes++;
    else this.ownNotes++;
    this.sink.graph.add(this.sink.node, reprov.unknownReason, `instrumentation: ${what.slice(0, 1000)}`);
  }

  private location(path: string): string {
    return locationOf(this.sink.cwd, resolve(this.sink.cwd, path));
  }

  /** Hashes the logged paths, then the observed files (bounded), skipping what the run already recorded. */
  private async recordFiles(): Promise<void> {
    const { graph } = this.sink;
    const recorded = new Set(graph.quads.filter((q) => q.predicate.equals(prov.atLocation)).map((q) => q.object.value));
    for (const [path, role] of this.logged) {
      const location = this.location(path);
      if (recorded.has(location)) continue;
      recorded.add(location);
      try {
        if (role === 'input') await this.sink.logInput(path);
        else if (role === 'output') await this.sink.logOutput(path);
        else if (role === 'model') await this.sink.logModel(path);
        else await this.sink.logArtifact(path);
      } catch (error) {
        this.note(`reprov.log_${role}(${location}): ${(error as Error).message}`);
      }
    }
    // Directories read in bulk stand for the files in them.
    const directories = [...this.observed].filter(([, seen]) => seen.directory).map(([path]) => path);
    const underDirectory = (path: string) => directories.some((dir) => path.startsWith(dir.endsWith(sep) ? dir : dir + sep));
    let reads = 0;
    let writes = 0;
    let skipped = 0;
    for (const [path, seen] of [...this.observed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!seen.directory && underDirectory(path)) continue;
      if (this.excluded(path) || !this.included(path)) continue;
      const kind = kindOf(path, seen);
      if (!kind) continue;
      const location = this.location(path);
      if (recorded.has(location)) continue;
      const output = seen.write;
      if (output ? writes >= this.maxFiles : reads >= this.maxFiles) {
        skipped++;
        continue;
      }
      recorded.add(location);
      try {
        const node = output ? (MODEL_SUFFIX.test(path) ? await this.sink.logModel(path) : await this.sink.logOutput(path)) : await this.sink.logInput(path);
        graph.add(node, reprov.source, 'instrumentation');
        if (output) writes++;
        else reads++;
      } catch {
        // Gone or unreadable by the end of the run (a temporary file): nothing to pin.
      }
    }
    if (skipped) this.note(`${skipped} more file(s) opened by the program were not recorded (at most ${this.maxFiles} read and ${this.maxFiles} written)`);
  }

  private included(path: string): boolean {
    const real = realOrResolved(path);
    return this.include.some((dir) => inside(dir, real));
  }

  private excluded(path: string): boolean {
    const real = realOrResolved(path);
    return this.exclude.some((dir) => real === dir || real.startsWith(dir + sep));
  }

  private recordModules(): void {
    if (!this.modules.size) return;
    const { graph } = this.sink;
    const code = graph.node('code');
    for (const file of this.executedFiles) graph.add(code, reprov.executedFile, file);
  }
}

/** A regular file or directory that still exists (links are not followed into something else). */
function kindOf(path: string, seen: { directory: boolean }): 'file' | 'directory' | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const stats = lstatSync(path);
    if (seen.directory) return stats.isDirectory() ? 'directory' : undefined;
    return stats.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function text(value: unknown, max = MAX_NAME): string | undefined {
  if (typeof value !== 'string' || !value.length) return undefined;
  return value.length > max ? value.slice(0, max) : value;
}

/** A number, or one of the strings the channel writes for non-finite floats. */
function number(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return undefined;
}

function scalar(value: unknown): Value | undefined {
  if (typeof value === 'string') return value.slice(0, 10_000);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === null) return 'None';
  return undefined;
}
