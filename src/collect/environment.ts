/**
 * The software environment a run executes in and the command it runs: operating system, kernel,
 * architecture, host, Node and (for Python commands) Python version, working directory, whether
 * it runs in a container and from which image, the allow-listed environment variables that change
 * what a run computes (thread counts, determinism switches, devices, ranks, locale), the command
 * line and its entry point. Reproducing a run means running the same entry point with the same
 * arguments in an equivalent environment, and a check can only tell "equivalent" when these are
 * recorded.
 *
 * Nothing here reaches the graph unredacted: the command line goes through `redactArgv`,
 * variables through `redactEnv` (secret-named variables are listed by name only, as
 * `reprov:redacted`), and every other recorded string through `redactText`.
 */
import { execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NamedNode } from 'n3';
import { prov, reprov, schema } from '../prov/vocabulary.js';
import type { CollectContext, Unknown } from './context.js';
import { redactArgv, redactEnv, redactText, type RedactEnvOptions } from '../base/redact.js';

export interface CollectEnvironmentOptions {
  /** The recording process's arguments (`process.argv`): the run's command line when `command` is absent. */
  argv: readonly string[];
  /** The command the run executes (`reprov record -- <command>`). */
  command?: readonly string[];
  /** Environment variables to record besides `DEFAULT_ENV_ALLOW`, and whether to keep the defaults. */
  env?: Pick<RedactEnvOptions, 'allow' | 'defaults'>;
  /** Flags whose value is a secret (`-p` of a database client); see `redactArgv`. */
  secretFlags?: readonly string[];
  /** How long `<python> --version` may take (default 5000 ms). */
  pythonTimeoutMs?: number;
  /** Where the container marker files (`/.dockerenv`, `/run/.containerenv`, `/proc/1/cgroup`) are looked up (default `/`). */
  systemRoot?: string;
}

export interface PythonInfo {
  /** `3.11.7`. */
  version: string;
  /** The command that printed it, without `--version` (`python3`, `uv run python`). */
  interpreter: string[];
}

export interface ContainerInfo {
  /** docker, podman, kubernetes, containerd, lxc, apptainer, singularity. */
  runtime: string;
  image?: string;
  imageDigest?: string;
}

export interface EnvironmentInfo {
  /** The environment node (`<base>environment`). */
  node: NamedNode;
  /** The command node (`<base>command`). */
  commandNode: NamedNode;
  os: { type: string; release: string; version: string; platform: string; prettyName?: string };
  /** What `schema:operatingSystem` holds: the distribution's PRETTY_NAME, else type and release. */
  operatingSystem: string;
  kernel: string;
  architecture: string;
  hostname: string;
  nodeVersion: string;
  /** Present when the command runs Python: the version, or why it could not be found. */
  python?: PythonInfo | Unknown;
  workingDirectory: string;
  /** The command line, redacted. */
  commandLine: string[];
  /** The script or module the command runs (`train.py`, `-m pkg.train`), or the command itself. */
  entryPoint?: string;
  container?: ContainerInfo;
  /** Recorded variables, values redacted. */
  variables: Record<string, string>;
  /** Variables present whose names say they hold secrets; values not recorded. */
  redactedNames: string[];
}

/** Collects the environment and the command, and adds them to the graph as `<base>environment` and `<base>command`. */
export async function collectEnvironment(ctx: CollectContext, options: CollectEnvironmentOptions): Promise<EnvironmentInfo> {
  const { graph } = ctx;
  const cmd = options.command ?? options.argv;
  const workingDirectory = path.resolve(ctx.cwd);
  const analysis = analyseCommand(cmd, ctx.env, workingDirectory);
  const systemRoot = options.systemRoot ?? '/';

  const osInfo = {
    type: os.type(), release: os.release(), version: safe(() => os.version(), ''), platform: os.platform(),
    prettyName: await osReleaseName(path.join(systemRoot, 'etc/os-release')),
  };
  const python = analysis.interpreter
    ? await pythonVersion(analysis.interpreter, ctx.env, workingDirectory, options.pythonTimeoutMs ?? 5000)
    : undefined;
  const { recorded, redactedNames } = redactEnv(ctx.env, options.env ?? {});
  const info: EnvironmentInfo = {
    node: graph.node('environment'),
    commandNode: graph.node('command'),
    os: osInfo.prettyName ? osInfo : { type: osInfo.type, release: osInfo.release, version: osInfo.version, platform: osInfo.platform },
    operatingSystem: osInfo.prettyName ?? `${osInfo.type} ${osInfo.release}`,
    kernel: [osInfo.type, osInfo.release, osInfo.version && `(${osInfo.version})`].filter(Boolean).join(' '),
    architecture: safe(() => os.machine(), os.arch()),
    hostname: os.hostname(),
    nodeVersion: process.versions.node,
    workingDirectory,
    commandLine: redactArgv(cmd, { secretFlags: options.secretFlags ?? [] }),
    variables: recorded,
    redactedNames,
  };
  if (python) info.python = python;
  if (analysis.entryPoint) info.entryPoint = redactText(analysis.entryPoint);
  const container = await detectContainer(ctx.env, systemRoot);
  if (container) info.container = container;

  const env = info.node;
  graph.describe(env, [prov.Entity, reprov.Environment], 'software environment');
  graph.add(ctx.run, prov.used, env);
  graph.add(env, schema.operatingSystem, info.operatingSystem);
  graph.add(env, reprov.kernel, info.kernel);
  graph.add(env, reprov.architecture, info.architecture);
  graph.add(env, reprov.hostname, info.hostname);
  graph.add(env, reprov.nodeVersion, info.nodeVersion);
  if (python && 'version' in python) graph.add(env, reprov.pythonVersion, python.version);
  else if (python) graph.add(env, reprov.unknownReason, python.reason);
  graph.add(env, reprov.workingDirectory, info.workingDirectory);
  if (container) {
    graph.add(env, reprov.containerRuntime, container.runtime);
    graph.add(env, reprov.containerImage, container.image);
    graph.add(env, reprov.containerImageDigest, container.imageDigest);
  }
  for (const [name, value] of Object.entries(recorded)) {
    const variable = graph.node('environment', 'variable', name);
    graph.describe(variable, [prov.Entity, reprov.EnvironmentVariable]);
    graph.add(variable, reprov.variableName, name);
    graph.add(variable, prov.value, value);
    graph.add(env, reprov.variable, variable);
  }
  for (const name of redactedNames) graph.add(env, reprov.redacted, name);

  const command = info.commandNode;
  const line = shellJoin(info.commandLine);
  graph.describe(command, [prov.Entity, prov.Plan, reprov.Command], line || undefined);
  graph.add(ctx.run, prov.used, command);
  graph.add(command, reprov.commandLine, line || undefined);
  graph.add(command, reprov.entryPoint, info.entryPoint);
  if (analysis.language) graph.add(command, schema.programmingLanguage, analysis.language);
  return info;
}

// --- the command ---------------------------------------------------------------------------

export interface CommandAnalysis {
  /** The command that runs the Python interpreter this command uses, when it runs Python. */
  interpreter?: string[];
  entryPoint?: string;
  language?: 'Python' | 'JavaScript';
}

const PYTHON = /^(python|pypy)(\d+(\.\d+)*)?w?(\.exe)?$/i;
const NODE = /^node(js)?(\.exe)?$/i;
/** Package-manager wrappers `<tool> run ...` that pick the environment the interpreter runs in. */
const RUN_WRAPPERS = new Set(['uv', 'poetry', 'pipenv', 'pdm', 'hatch', 'rye', 'pixi', 'conda', 'mamba', 'micromamba']);
/** Their options that take a separate value. */
const WRAPPER_VALUE_OPTIONS = new Set([
  '-n', '--name', '-p', '--prefix', '--cwd', '-e', '--env', '--environment', '--with', '--python', '--extra', '--group', '--only-group',
  '--no-group', '--project', '--directory', '--env-file', '--index', '--default-index', '--package', '--with-requirements',
  '--with-editable', '--manifest-path', '--index-url', '--extra-index-url',
]);
/** Commands that run the rest of the line (`time python ...`), with their options that take a value. */
const PASS_THROUGH: Record<string, Set<string>> = {
  env: new Set(['-u', '--unset', '-C', '--chdir']), time: new Set(['-f', '--format', '-o', '--output']), nohup: new Set(),
  nice: new Set(['-n', '--adjustment']), ionice: new Set(['-c', '-n', '-p']), stdbuf: new Set(['-i', '-o', '-e']),
  timeout: new Set(['-k', '--kill-after', '-s', '--signal']), exec: new Set(), 'xvfb-run': new Set(['-s', '--server-args', '-n']),
};
/** Launchers of Python scripts: the entry point is the first `.py` argument. */
const PYTHON_LAUNCHERS = new Set(['torchrun', 'accelerate', 'deepspeed', 'mpirun', 'mpiexec', 'srun', 'horovodrun', 'lightning']);
const PYTHON_LAUNCHER_MODULES = new Set(['torch.distributed.run', 'torch.distributed.launch', 'accelerate.commands.launch', 'deepspeed.launcher.runner']);

/**
 * Which interpreter a command line runs and its entry point: `python train.py` -> `python`,
 * `train.py`; `uv run python -m pkg.train` -> `uv run python`, `-m pkg.train`;
 * `torchrun --nproc_per_node 2 train.py` -> the interpreter in torchrun's `#!` line, `train.py`;
 * `node --import tsx main.ts` -> `main.ts`; anything else -> the command itself.
 */
export function analyseCommand(cmd: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): CommandAnalysis {
  let i = 0;
  let prefix: string[] = [];
  for (;;) {
    const tok = cmd[i];
    if (tok === undefined) return {};
    const base = basename(tok);
    const passThrough = PASS_THROUGH[base];
    if (passThrough) {
      i = skipOptions(cmd, i + 1, passThrough);
      if (base === 'env') while (/^[A-Za-z_][A-Za-z0-9_]*=/.test(cmd[i] ?? '')) i++;
      if (base === 'timeout' && cmd[i] !== undefined) i++; // the duration
      continue;
    }
    if (RUN_WRAPPERS.has(base) && cmd[i + 1] === 'run') {
      const start = i;
      i = skipOptions(cmd, i + 2, WRAPPER_VALUE_OPTIONS);
      prefix = [...prefix, ...cmd.slice(start, i)];
      continue;
    }
    break;
  }
  const head = cmd[i]!;
  const args = cmd.slice(i + 1);
  const base = basename(head);
  if (PYTHON.test(base)) {
    const entry = pythonEntry(args);
    return { interpreter: [...prefix, head], language: 'Python', ...(entry && { entryPoint: entry }) };
  }
  if (NODE.test(base)) {
    const entry = nodeEntry(args);
    return { language: 'JavaScript', ...(entry && { entryPoint: entry }) };
  }
  const viaPrefix = prefix.length ? [...prefix, 'python'] : undefined;
  if (/\.py$/i.test(head)) {
    return { interpreter: viaPrefix ?? shebangInterpreter(head, env, cwd) ?? ['python3'], entryPoint: head, language: 'Python' };
  }
  if (PYTHON_LAUNCHERS.has(base)) {
    const at = args.findIndex((a) => PYTHON.test(basename(a)));
    if (at >= 0) {
      const entry = pythonEntry(args.slice(at + 1));
      return { interpreter: [...prefix, args[at]!], language: 'Python', ...(entry && { entryPoint: entry }) };
    }
    const interpreter = viaPrefix ?? shebangInterpreter(head, env, cwd);
    const entry = args.find((a) => /\.py$/i.test(a) && !a.startsWith('-'));
    return { ...(interpreter && { interpreter, language: 'Python' as const }), entryPoint: entry ?? head };
  }
  const interpreter = shebangInterpreter(head, env, cwd);
  if (interpreter) return { interpreter: viaPrefix ?? interpreter, entryPoint: head, language: 'Python' };
  return { entryPoint: head };
}

function skipOptions(cmd: readonly string[], i: number, withValue: Set<string>): number {
  while (i < cmd.length) {
    const a = cmd[i]!;
    if (a === '--') return i + 1;
    if (!a.startsWith('-') || a === '-') return i;
    i += withValue.has(a) ? 2 : 1;
  }
  return i;
}

function pythonEntry(args: readonly string[]): string | undefined {
  for (let j = 0; j < args.length; j++) {
    const a = args[j]!;
    if (a === '-m' || (a.startsWith('-m') && !a.startsWith('--'))) {
      const module = a === '-m' ? args[j + 1] : a.slice(2);
      if (!module) return undefined;
      if (PYTHON_LAUNCHER_MODULES.has(module)) {
        const script = args.slice(j + 1).find((s) => /\.py$/i.test(s) && !s.startsWith('-'));
        if (script) return script;
      }
      return `-m ${module}`;
    }
    if (a === '-c' || (a.startsWith('-c') && !a.startsWith('--'))) return '-c';
    if (a === '-') return '-';
    if (a === '-W' || a === '-X' || a === '--check-hash-based-pycs') {
      j++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}

const NODE_VALUE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--input-type', '--env-file', '--title']);

function nodeEntry(args: readonly string[]): string | undefined {
  for (let j = 0; j < args.length; j++) {
    const a = args[j]!;
    if (['-e', '--eval', '-p', '--print'].includes(a)) return a;
    if (a === '--') return args[j + 1];
    if (NODE_VALUE_OPTIONS.has(a)) {
      j++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}

/** The Python interpreter a script or launcher names in its `#!` line, if it names one. */
function shebangInterpreter(command: string, env: NodeJS.ProcessEnv, cwd: string): string[] | undefined {
  const file = resolveCommand(command, env, cwd);
  if (!file) return undefined;
  let first: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(512);
      first = buffer.subarray(0, readSync(fd, buffer, 0, 512, 0)).toString('latin1').split('\n', 1)[0] ?? '';
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (!first.startsWith('#!')) return undefined;
  const words = first.slice(2).trim().split(/\s+/);
  let program = words[0] ?? '';
  if (basename(program) === 'env') program = words.slice(1).find((w) => !w.startsWith('-') && !w.includes('=')) ?? '';
  return PYTHON.test(basename(program)) ? [program] : undefined;
}

/** The file a command runs: a path (relative to cwd) or a name found in `env.PATH`. */
function resolveCommand(command: string, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const isFile = (p: string) => safe(() => statSync(p).isFile(), false);
  if (command.includes('/') || command.includes(path.sep)) {
    const file = path.resolve(cwd, command);
    return isFile(file) ? file : undefined;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(path.resolve(cwd, dir), command);
    if (isFile(file)) return file;
  }
  return undefined;
}

/** Runs `<interpreter> --version` (timeout) and reads `Python X.Y.Z` from its output. */
export function pythonVersion(interpreter: readonly string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 5000): Promise<PythonInfo | Unknown> {
  const [program = 'python3', ...rest] = interpreter;
  const shown = interpreter.join(' ');
  const file = program.includes('/') ? path.resolve(cwd, program) : program;
  return new Promise((resolve) => {
    execFile(file, [...rest, '--version'], { cwd, env, timeout: timeoutMs, encoding: 'utf8', windowsHide: true }, (error, stdout, stderr) => {
      const version = /Python\s+(\d+\.\d+(?:\.\d+)?\S*)/.exec(`${stdout}\n${stderr}`)?.[1];
      if (version && !error) return resolve({ version, interpreter: [...interpreter] });
      let reason: string;
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') reason = `\`${shown}\` was not found`;
      else if (error?.killed) reason = `\`${shown} --version\` did not answer within ${timeoutMs} ms`;
      else if (error) {
        const detail = firstLine(stderr) || (typeof error.code === 'number' ? `exit status ${error.code}` : firstLine(error.message));
        reason = `\`${shown} --version\` failed: ${detail}`;
      }
      else reason = `\`${shown} --version\` printed no Python version: ${firstLine(stdout) || firstLine(stderr) || '(nothing)'}`;
      resolve({ unknown: true, reason: `python version: ${redactText(reason)}` });
    });
  });
}

// --- the system ----------------------------------------------------------------------------

async function osReleaseName(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const line = text?.split('\n').find((l) => l.startsWith('PRETTY_NAME='));
  return line ? unquote(line.slice('PRETTY_NAME='.length)) || undefined : undefined;
}

/** Whether the run is in a container, which runtime, and the image when something says which. */
export async function detectContainer(env: NodeJS.ProcessEnv, systemRoot = '/'): Promise<ContainerInfo | undefined> {
  const at = (p: string) => path.join(systemRoot, p);
  let runtime: string | undefined;
  let image: string | undefined;
  let digest: string | undefined;

  const sif = env.APPTAINER_CONTAINER ?? env.SINGULARITY_CONTAINER;
  if (sif) {
    runtime = env.APPTAINER_CONTAINER ? 'apptainer' : 'singularity';
    image = sif;
  }
  const containerenv = await readFile(at('run/.containerenv'), 'utf8').catch(() => undefined);
  if (containerenv !== undefined) {
    runtime ??= 'podman';
    const field = (name: string) => unquote(containerenv.split('\n').find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1) ?? '') || undefined;
    image ??= field('image');
    const id = field('imageid');
    if (id) digest ??= /^[0-9a-f]{64}$/.test(id) ? `sha256:${id}` : id;
  }
  if (!runtime && existsSync(at('.dockerenv'))) runtime = 'docker';
  if (!runtime) {
    const cgroup = await readFile(at('proc/1/cgroup'), 'utf8').catch(() => '');
    if (/kubepods/.test(cgroup)) runtime = 'kubernetes';
    else if (/docker/.test(cgroup)) runtime = 'docker';
    else if (/libpod/.test(cgroup)) runtime = 'podman';
    else if (/containerd/.test(cgroup)) runtime = 'containerd';
    else if (/\/lxc\//.test(cgroup)) runtime = 'lxc';
  }
  if (!runtime && env.KUBERNETES_SERVICE_HOST) runtime = 'kubernetes';

  image = env.CONTAINER_IMAGE ?? env.DOCKER_IMAGE ?? env.IMAGE_NAME ?? image;
  digest = env.CONTAINER_IMAGE_DIGEST ?? env.IMAGE_DIGEST ?? digest;
  if (image && !digest) {
    const pinned = /@(sha256:[0-9a-f]{64})$/.exec(image);
    if (pinned) digest = pinned[1];
  }
  if (!runtime && !image) return undefined;
  const info: ContainerInfo = { runtime: runtime ?? 'unknown' };
  if (image) info.image = redactText(image);
  if (digest) info.imageDigest = redactText(digest);
  return info;
}

// --- helpers -------------------------------------------------------------------------------

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function unquote(value: string): string {
  const v = value.trim();
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}

/** The arguments as one line a POSIX shell would split back into them. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map((a) => (a !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
