/**
 * `reprov reproduce`: rerun a recorded run from its bundle and say whether it reproduces.
 *
 * 1. The recipe, from the bundle alone: the commit, the stored diff, the command and its working
 *    directory, the recorded environment variables, seeds, inputs with their SHA-256, the
 *    interpreter.
 * 2. Preconditions, each reported: the commit is in the repository; the code can be rebuilt (a
 *    clean tree, or a dirty one with its stored diff); every input is found with its recorded
 *    SHA-256; the interpreter is there (a different Python version is a warning).
 * 3. The rerun, in isolation: a detached `git worktree` at the commit in a temporary directory,
 *    the diff applied, inputs not in the checkout linked (large ones) or copied read-only, the
 *    recorded environment variables set, the command run under `reprov record` into a new bundle;
 *    the worktree removed afterwards (unless `keep`), also on failure and on SIGINT / SIGTERM.
 * 4. The comparison: outputs by SHA-256, every metric series point by point by step with
 *    `rtol` / `atol` (|rerun − original| ≤ atol + rtol·|original|; both 0 by default: bitwise),
 *    what differs in parameters, seeds, determinism, environment (`reprov diff`'s comparison), and,
 *    next to a divergence, the run's randomness and determinism findings (`reprov check`).
 * 5. The verdict: `bitwise`, `within tolerance`, `diverged` or `not rerun`.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Term } from 'n3';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { UserError } from '../base/user-error.js';
import { redactEnv } from '../base/redact.js';
import { confine, inside } from '../base/confine.js';
import { locateSideFile } from '../base/side-file.js';
import { HashError, hashDirectory, hashFile } from '../base/hash.js';
import { parseCsv } from '../collect/metric-files/csv.js';
import { openBundle, type LoadedBundle } from '../io/load-bundle.js';
import { reprov as RPV, rdf } from '../prov/vocabulary.js';
import { checkBundles } from '../check/check.js';
import { PYTHON_INSTRUMENT_DIR } from '../instrument/python.js';
import { bundleFacts, type BundleFacts } from './facts.js';
import { diffFacts, type DiffSectionName } from './diff.js';

export const VERDICTS = ['bitwise', 'within tolerance', 'diverged', 'not rerun'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Exit status of `reprov reproduce` for each verdict. */
export const VERDICT_EXIT: Record<Verdict, number> = { bitwise: 0, 'within tolerance': 0, diverged: 1, 'not rerun': 2 };

/** A bundle that cannot be reproduced at all (no command, no commit, several runs) or a --root that is no repository. */
export class ReproduceInputError extends UserError {}

/** SIGINT / SIGTERM during the rerun: the worktree was removed, the signal is passed on. */
export class ReproduceInterrupted extends UserError {
  constructor(readonly signal: NodeJS.Signals) {
    super(`reproduce: interrupted (${signal}); the temporary worktree was removed`);
  }
}

export interface ReproduceOptions {
  /** A directory in a clone of the run's repository (default: the current directory). */
  root?: string;
  /** Where inputs are looked for first (their recorded path relative to the run's working directory, under it). */
  dataRoot?: string;
  rtol?: number;
  atol?: number;
  /** Rerun with an input whose SHA-256 changed since the run (a warning instead of `not rerun`). */
  acceptChangedInputs?: boolean;
  /** Leave the worktree in place (its path is in the report). */
  keep?: boolean;
  /** Check the preconditions and stop. */
  dryRun?: boolean;
  /** The new bundle's directory (default: beside the original, `<bundle dir>-rerun`, `-rerun-2`...). */
  out?: string;
  /** How to start this package's CLI (default: this Node and dist/src/cli/main.js). */
  reprovCommand?: string[];
  /** Where the rerun's own output goes (default: this process's standard error). */
  stdio?: 'inherit-stderr' | 'ignore';
}

export interface RecipeInput {
  path: string;
  sha256?: string;
  directory: boolean;
}

export interface Recipe {
  /** The run's PROV id. */
  run: string;
  repository?: string;
  commit: string;
  dirty: boolean;
  /** The stored diff (absolute), when the bundle holds one. */
  diffFile?: string;
  changedFiles: string[];
  untrackedFiles: string[];
  /** The command line as recorded (shell-quoted, secrets redacted). */
  command: string;
  argv: string[];
  /** The working directory as recorded (absolute, on the recording machine). */
  workingDirectory?: string;
  /** The working directory relative to the repository's top level ('' for the top level). */
  subdirectory: string;
  environment: { name: string; value: string }[];
  /** Variables the recording withheld (secrets): not set in the rerun. */
  withheldVariables: string[];
  /**
   * Variables the bundle names that a recording never keeps (outside DEFAULT_ENV_ALLOW: `LD_PRELOAD`,
   * `BASH_ENV`, `PATH`, ...): a bundle written by hand or by another tool; not set in the rerun.
   */
  refusedVariables: string[];
  seeds: { name: string; value: string }[];
  parameters: { name: string; value: string }[];
  inputs: RecipeInput[];
  outputs: { path: string; sha256?: string }[];
  /** `reprov:interpreter` of a recorded `pip freeze`. */
  interpreter?: string;
  pythonVersion?: string;
  /** How many packages the recorded `pip freeze` listed. */
  packageCount?: number;
}

export type PreconditionKind = 'commit' | 'code' | 'input' | 'interpreter' | 'command';
export interface Precondition {
  kind: PreconditionKind;
  /** What it is about: the commit, an input's path, the interpreter. */
  subject: string;
  status: 'ok' | 'failed' | 'warning';
  message: string;
  expected?: string;
  actual?: string;
  /** An input: where it was found (absolute), or `commit` when the checkout holds it. */
  foundAt?: string;
}

export type OutputStatus = 'same' | 'different' | 'missing' | 'unchecked';
export interface OutputComparison {
  path: string;
  status: OutputStatus;
  expected?: string;
  actual?: string;
}

export type MetricStatus = 'bitwise' | 'within tolerance' | 'diverged' | 'missing' | 'added' | 'unreadable';
export interface MetricComparison {
  name: string;
  context: string;
  status: MetricStatus;
  /** Points present in both at the same step (and occurrence at that step). */
  compared: number;
  /** Steps only the original has, only the rerun has. */
  onlyOriginal: number;
  onlyRerun: number;
  firstDivergence?: { step: number | null; original: number | null; rerun: number | null };
  maxDeviation?: { step: number | null; absolute: number; relative: number | null };
  message?: string;
}

export interface Difference {
  section: DiffSectionName;
  key: string;
  original: string | null;
  rerun: string | null;
}

export interface Hazard {
  rule: string;
  category: string;
  severity: string;
  message: string;
  location?: { file: string; line: number; column: number };
}

export interface RerunInfo {
  bundle: string;
  worktree: string;
  kept: boolean;
  /** The rerun command's exit code (null: it died of a signal); the original's, as recorded. */
  exitCode: number | null;
  originalExitCode?: number;
  seconds: number;
  /**
   * A program that records itself (the run API) writes its own bundle where it wrote the original:
   * found at the same place in the checkout, it is copied here and compared instead of `bundle`.
   */
  programBundle?: string;
}

export interface ReproduceReport {
  bundle: string;
  verdict: Verdict;
  /** One line: why (the failed precondition, the first divergence), or what held. */
  summary: string;
  tolerance: { rtol: number; atol: number };
  recipe: Recipe;
  preconditions: Precondition[];
  warnings: string[];
  dryRun: boolean;
  rerun?: RerunInfo;
  outputs: OutputComparison[];
  metrics: MetricComparison[];
  differences: Difference[];
  hazards: Hazard[];
}

// --- the recipe -------------------------------------------------------------------------------

/** The recipe the bundle holds; throws ReproduceInputError when it has no command or commit. */
export function recipeOf(bundle: LoadedBundle, facts: BundleFacts = bundleFacts(bundle)): Recipe {
  if (facts.runs.length !== 1) {
    throw new ReproduceInputError(`${bundle.file}: the bundle holds ${facts.runs.length} runs; reproduce takes the bundle of one run`);
  }
  const code = facts.code[0];
  if (!code?.commit) {
    const why = code?.noRepository ? ` (${code.noRepository})` : '';
    throw new ReproduceInputError(`${bundle.file}: the bundle records no git commit${why}: there is no code to rerun`);
  }
  const one = (s: Term, p: Term) => bundle.quads.find((q) => q.subject.equals(s) && q.predicate.equals(p))?.object.value;
  const commandNode = bundle.quads.find((q) => q.predicate.equals(rdf.type) && q.object.equals(RPV.Command))?.subject;
  const command = commandNode && one(commandNode, RPV.commandLine);
  if (!command) throw new ReproduceInputError(`${bundle.file}: the bundle records no command line (reprov:commandLine): nothing to rerun`);
  const argv = shellSplit(command);
  if (!argv.length) throw new ReproduceInputError(`${bundle.file}: the recorded command line is empty`);
  const bundleDir = bundle.baseDir === undefined ? undefined : realpathSync(bundle.baseDir);

  let diffFile: string | undefined;
  if (code.diffFile && bundleDir) {
    const where = locateSideFile(bundleDir, code.diffFile, { alias: bundle.baseDir });
    if (where.ok) diffFile = where.absolute;
  }
  const env = facts.environment;
  const value = (key: string) => env.find((p) => p.key === key)?.value;
  const named = env.filter((p) => p.key.startsWith('variable ')).map((p) => ({ name: p.key.slice('variable '.length), value: p.value }));
  // Only what `record` itself would have recorded is set again: the same allow-list decides.
  const recordable = new Set(Object.keys(redactEnv(Object.fromEntries(named.map((e) => [e.name, e.value]))).recorded));
  const environment = named.filter((e) => recordable.has(e.name));
  const refused = named.filter((e) => !recordable.has(e.name)).map((e) => e.name);
  const environmentNode = bundle.quads.find((q) => q.predicate.equals(rdf.type) && q.object.equals(RPV.Environment))?.subject;
  const withheld = environmentNode ? bundle.quads.filter((q) => q.subject.equals(environmentNode) && q.predicate.equals(RPV.redacted)).map((q) => q.object.value) : [];
  const pip = facts.dependencies.find((d) => d.interpreter !== undefined);
  const recipe: Recipe = {
    run: facts.runs[0] ?? '',
    commit: code.commit,
    dirty: code.dirty === true,
    changedFiles: code.changedFiles,
    untrackedFiles: code.untrackedFiles,
    command,
    argv,
    subdirectory: '',
    environment,
    withheldVariables: withheld.sort(),
    refusedVariables: refused.sort(),
    seeds: [...facts.seeds].map(([name, v]) => ({ name, value: v })),
    parameters: [...facts.parameters].map(([name, v]) => ({ name, value: v })),
    inputs: dedupe(facts.files.filter((f) => f.role === 'input' && f.location !== undefined)
      .map((f) => ({ path: f.location ?? '', ...(f.sha256 ? { sha256: f.sha256 } : {}), directory: f.directory || f.digestMethod !== undefined }))),
    outputs: dedupe(facts.files.filter((f) => f.role === 'output' && f.location !== undefined).map((f) => ({ path: f.location ?? '', ...(f.sha256 ? { sha256: f.sha256 } : {}) }))),
  };
  if (code.repository) recipe.repository = code.repository;
  if (diffFile) recipe.diffFile = diffFile;
  const wd = value('working directory');
  if (wd) recipe.workingDirectory = wd;
  const python = value('Python');
  if (python) recipe.pythonVersion = python;
  if (pip?.interpreter) {
    recipe.interpreter = pip.interpreter;
    recipe.packageCount = pip.packages.length;
  }
  return recipe;
}

function dedupe<T extends { path: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.path, i])).values()].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The arguments of a command line as `shellJoin` (src/collect/environment.ts) writes it: words
 * separated by blanks, single-quoted where needed (`'it'\''s'`); double quotes and backslashes as
 * a POSIX shell reads them, for lines written by other producers.
 */
export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ReproduceInputError(`the recorded command line has an unterminated quote: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) i++;
        word += line[i];
      }
      if (i >= line.length) throw new ReproduceInputError(`the recorded command line has an unterminated quote: ${line}`);
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

// --- git ------------------------------------------------------------------------------------

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 }).trim();
}

function gitOk(cwd: string, ...args: string[]): boolean {
  return spawnSync('git', args, { cwd, stdio: 'ignore' }).status === 0;
}

function gitError(error: unknown): string {
  const stderr = (error as { stderr?: string | Buffer }).stderr?.toString().trim();
  return (stderr || (error as Error).message).split('\n').filter(Boolean).slice(-1)[0] ?? 'git failed';
}

/** The top level of the repository `root` is in; throws ReproduceInputError otherwise. */
function repositoryTop(root: string): string {
  const stats = statSync(root, { throwIfNoEntry: false });
  if (!stats?.isDirectory()) throw new ReproduceInputError(`--root ${root}: no such directory`);
  try {
    return realpathSync(git(root, 'rev-parse', '--show-toplevel'));
  } catch (error) {
    throw new ReproduceInputError(`--root ${root}: not in a git repository (${gitError(error)})`);
  }
}

/**
 * The run's working directory relative to the repository's top level: the recorded one when it
 * lies in this clone; else its longest trailing part that is a directory of the commit holding
 * the entry point; else the top level.
 */
function subdirectoryOf(top: string, recipe: Recipe): string {
  const wd = recipe.workingDirectory;
  if (!wd) return '';
  const real = existsSync(wd) ? realpathSync(wd) : resolve(wd);
  if (inside(top, real)) return relative(top, real).split(sep).join('/');
  const entry = recipe.argv.find((a, i) => i > 0 && !a.startsWith('-') && /\.(py|sh|js|mjs|ts|R|jl)$/.test(a));
  const segments = wd.split(/[\\/]+/).filter(Boolean);
  for (let k = segments.length; k >= 1; k--) {
    const sub = segments.slice(-k).join('/');
    if (gitOk(top, 'cat-file', '-e', `${recipe.commit}:${sub}${entry && !isAbsolute(entry) ? `/${entry}` : ''}`)) return sub;
  }
  return '';
}

// --- preconditions --------------------------------------------------------------------------

interface Located {
  recipe: Recipe;
  top: string;
  preconditions: Precondition[];
  /** Where each input was found: an absolute path, or 'commit' (the checkout holds it). */
  sources: Map<string, string>;
  warnings: string[];
}

async function checkPreconditions(recipe: Recipe, options: ReproduceOptions): Promise<Located> {
  const top = repositoryTop(resolve(options.root ?? process.cwd()));
  recipe.subdirectory = subdirectoryOf(top, recipe);
  const preconditions: Precondition[] = [];
  const warnings: string[] = [];
  const sources = new Map<string, string>();

  // The commit.
  let commitThere = false;
  try {
    const full = git(top, 'rev-parse', '--verify', '--quiet', `${recipe.commit}^{commit}`);
    commitThere = true;
    preconditions.push({ kind: 'commit', subject: recipe.commit, status: 'ok', message: `the commit is in the repository at ${top}`, expected: recipe.commit, actual: full });
  } catch {
    preconditions.push({ kind: 'commit', subject: recipe.commit, status: 'failed', message: `the commit is not in the repository at ${top} (not the run's repository, or fetch it first)`, expected: recipe.commit });
  }

  // The code.
  const changed = recipe.changedFiles;
  if (!recipe.dirty) preconditions.push({ kind: 'code', subject: recipe.commit, status: 'ok', message: 'the run had no uncommitted changes' });
  else if (recipe.diffFile) preconditions.push({ kind: 'code', subject: recipe.diffFile, status: 'ok', message: 'the run had uncommitted changes; the bundle holds them (a stored diff to apply)' });
  else if (changed.length === 0 && recipe.untrackedFiles.length > 0) {
    preconditions.push({ kind: 'code', subject: recipe.commit, status: 'warning', message: `the run had untracked files, which no diff holds: ${shortList(recipe.untrackedFiles)}` });
  } else {
    preconditions.push({
      kind: 'code', subject: recipe.commit, status: 'failed',
      message: `the run had uncommitted changes${changed.length ? ` (${shortList(changed)})` : ''} and the bundle holds no diff of them: record with --include-diff`,
    });
  }
  if (recipe.dirty && recipe.diffFile && recipe.untrackedFiles.length) {
    const outputs = new Set(recipe.outputs.map((o) => o.path));
    const code = recipe.untrackedFiles.filter((f) => !outputs.has(f) && !recipe.inputs.some((i) => i.path === f));
    if (code.length) warnings.push(`untracked files the diff does not hold: ${shortList(code)}`);
  }

  // The inputs.
  const runDir = recipe.workingDirectory && existsSync(recipe.workingDirectory) ? realpathSync(recipe.workingDirectory) : undefined;
  const here = join(top, recipe.subdirectory);
  for (const input of recipe.inputs) {
    const found = await locateInput(input, { dataRoot: options.dataRoot, runDir, here, top, recipe, commitThere, acceptChanged: options.acceptChangedInputs }, sources);
    preconditions.push(found);
    if (found.status === 'warning' && found.actual) warnings.push(`input ${input.path}: ${found.message}`);
  }

  // The command's program, and the Python version when it is a Python.
  const program = recipe.argv[0] ?? '';
  const resolved = findProgram(program, here);
  if (resolved === undefined) {
    preconditions.push({ kind: 'interpreter', subject: program, status: 'failed', message: `the command's program ${program} is not found${program.includes('/') ? '' : ' on PATH'}` });
  } else if (resolved === 'checkout') {
    preconditions.push({ kind: 'interpreter', subject: program, status: 'ok', message: 'the program is part of the checkout' });
  } else if (recipe.pythonVersion && /python/i.test(basename(program))) {
    const now = spawnSync(resolved, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8', timeout: 30_000 });
    const version = now.status === 0 ? now.stdout.trim() : undefined;
    if (version === recipe.pythonVersion) preconditions.push({ kind: 'interpreter', subject: program, status: 'ok', message: `Python ${version}, as recorded`, expected: recipe.pythonVersion, actual: version });
    else {
      const message = version ? `Python ${version}; the run used ${recipe.pythonVersion}` : `cannot tell its version; the run used Python ${recipe.pythonVersion}`;
      preconditions.push({ kind: 'interpreter', subject: program, status: 'warning', message, expected: recipe.pythonVersion, ...(version ? { actual: version } : {}) });
      warnings.push(`interpreter ${program}: ${message}`);
    }
  } else preconditions.push({ kind: 'interpreter', subject: program, status: 'ok', message: `found: ${resolved}` });
  if (recipe.interpreter && recipe.interpreter !== program && findProgram(recipe.interpreter, here) === undefined) {
    warnings.push(`the interpreter whose packages were recorded (${recipe.interpreter}) is not found`);
  }
  if (/\[REDACTED/.test(recipe.command)) {
    preconditions.push({ kind: 'command', subject: recipe.command, status: 'failed', message: 'the recorded command line had a secret redacted from it: it cannot be run as recorded' });
  }
  if (recipe.withheldVariables.length) warnings.push(`environment variables withheld when recorded, not set: ${shortList(recipe.withheldVariables)}`);
  if (recipe.refusedVariables.length) warnings.push(`environment variables a recording never keeps, not set: ${shortList(recipe.refusedVariables)}`);
  return { recipe, top, preconditions, sources, warnings };
}

function shortList(items: string[]): string {
  return items.slice(0, 3).join(', ') + (items.length > 3 ? `, … (${items.length})` : '');
}

/** An absolute path, 'checkout' for a relative path with a slash (found in the checkout), or undefined. */
function findProgram(program: string, cwd: string): string | undefined {
  if (program === '') return undefined;
  if (isAbsolute(program)) return isExecutable(program) ? program : undefined;
  if (program.includes('/')) return 'checkout';
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = resolve(cwd, dir, program);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  const stats = statSync(path, { throwIfNoEntry: false });
  return !!stats && stats.isFile() && (stats.mode & 0o111) !== 0;
}

async function locateInput(
  input: RecipeInput,
  where: { dataRoot?: string; runDir?: string; here: string; top: string; recipe: Recipe; commitThere: boolean; acceptChanged?: boolean },
  sources: Map<string, string>,
): Promise<Precondition> {
  const item = (status: Precondition['status'], message: string, extra: Partial<Precondition> = {}): Precondition => ({
    kind: 'input', subject: input.path, status, message, ...(input.sha256 ? { expected: input.sha256 } : {}), ...extra,
  });
  if (!input.sha256) return item('warning', 'no SHA-256 recorded: used as found, not checked');
  const candidates: { label: string; path: string }[] = [];
  const under = (base: string | undefined, label: string) => {
    if (base === undefined) return;
    if (isAbsolute(input.path)) return;
    const c = confine(realpathSync(base), input.path);
    if (c.ok) candidates.push({ label, path: c.absolute });
  };
  if (where.dataRoot !== undefined) {
    if (!statSync(where.dataRoot, { throwIfNoEntry: false })?.isDirectory()) throw new ReproduceInputError(`--data-root ${where.dataRoot}: no such directory`);
    under(where.dataRoot, '--data-root');
  }
  if (isAbsolute(input.path)) candidates.push({ label: 'its recorded path', path: input.path });
  under(where.runDir, "the run's working directory");
  if (existsSync(where.here) && where.here !== where.runDir) under(where.here, 'this clone');
  const seen = new Set<string>();
  let firstMismatch: { path: string; actual: string } | undefined;
  for (const candidate of candidates) {
    if (seen.has(candidate.path)) continue;
    seen.add(candidate.path);
    const stats = statSync(candidate.path, { throwIfNoEntry: false });
    if (!stats) continue;
    let actual: string;
    try {
      actual = (stats.isDirectory() ? await hashDirectory(candidate.path, { progress: 'auto' }) : await hashFile(candidate.path, { progress: 'auto' })).sha256;
    } catch (error) {
      if (error instanceof HashError) continue;
      throw error;
    }
    if (actual === input.sha256) {
      sources.set(input.path, candidate.path);
      return item('ok', `found with the recorded SHA-256 (${candidate.label}: ${candidate.path})`, { actual, foundAt: candidate.path });
    }
    firstMismatch ??= { path: candidate.path, actual };
  }
  // A file of the commit itself is in the checkout.
  if (!input.directory && where.commitThere && !isAbsolute(input.path)) {
    const inRepo = join(where.recipe.subdirectory, input.path).split(sep).join('/');
    const actual = await blobSha256(where.top, `${where.recipe.commit}:${inRepo}`);
    if (actual === input.sha256) {
      sources.set(input.path, 'commit');
      return item('ok', 'found with the recorded SHA-256 in the commit (the checkout holds it)', { actual, foundAt: 'commit' });
    }
  }
  if (firstMismatch && where.acceptChanged) {
    sources.set(input.path, firstMismatch.path);
    return item('warning', `changed since the run: ${firstMismatch.path} has another SHA-256; used as it is (--accept-changed-inputs)`, { actual: firstMismatch.actual, foundAt: firstMismatch.path });
  }
  if (firstMismatch) return item('failed', `changed since the run: ${firstMismatch.path} has another SHA-256`, { actual: firstMismatch.actual });
  const looked = [...seen];
  return item('failed', `not found (looked at ${looked.length ? looked.join(', ') : 'nothing: give --data-root'})`);
}

/** The SHA-256 of a blob of the repository, streamed; undefined when there is no such blob. */
function blobSha256(top: string, spec: string): Promise<string | undefined> {
  if (!gitOk(top, 'cat-file', '-e', spec)) return Promise.resolve(undefined);
  return new Promise((done) => {
    const child = spawn('git', ['cat-file', 'blob', spec], { cwd: top, stdio: ['ignore', 'pipe', 'ignore'] });
    const hash = createHash('sha256');
    child.stdout.on('data', (chunk: Buffer) => hash.update(chunk));
    child.on('error', () => done(undefined));
    child.on('close', (code) => done(code === 0 ? hash.digest('hex') : undefined));
  });
}

// --- the rerun ------------------------------------------------------------------------------

/** Inputs at least this large are linked (symbolic link) into the checkout; smaller ones are copied read-only. */
export const COPY_LIMIT_BYTES = 64 * 1024 * 1024;

function defaultOut(bundleDir: string): string {
  return freshName(`${bundleDir}-rerun`);
}

function freshName(base: string): string {
  for (let n = 1; ; n++) {
    const candidate = `${base}${n === 1 ? '' : `-${n}`}`;
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * The bundle a self-recording program (the run API) wrote in the rerun: the original bundle lay
 * inside the run's working directory, and the rerun left a bundle at the same relative place.
 */
function ownBundleOf(recipe: Recipe, bundleDir: string, cwd: string): string | undefined {
  const wd = recipe.workingDirectory && existsSync(recipe.workingDirectory) ? realpathSync(recipe.workingDirectory) : undefined;
  if (!wd || !inside(wd, bundleDir) || wd === bundleDir) return undefined;
  const place = confine(realpathSync(cwd), relative(wd, bundleDir));
  if (!place.ok || !inside(realpathSync(cwd), place.absolute)) return undefined;
  return existsSync(join(place.absolute, 'prov.json')) ? place.absolute : undefined;
}

function defaultReprovCommand(): string[] {
  return [process.execPath, join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js')];
}

interface RerunResult {
  info: RerunInfo;
  /** Why it could not be rerun (the worktree, the diff, the record command). */
  failure?: string;
  outputs: OutputComparison[];
}

async function rerun(located: Located, facts: BundleFacts, bundleDir: string, options: ReproduceOptions): Promise<RerunResult> {
  const { recipe, top, sources } = located;
  const out = resolve(options.out ?? defaultOut(bundleDir));
  const temp = mkdtempSync(join(tmpdir(), 'reprov-reproduce-'));
  const worktree = join(temp, 'worktree');
  const cwd = join(worktree, recipe.subdirectory);
  const started = Date.now();
  const info: RerunInfo = { bundle: out, worktree, kept: !!options.keep, exitCode: null, seconds: 0 };
  const originalExit = facts.exitCode === undefined ? NaN : Number(facts.exitCode);
  if (Number.isInteger(originalExit)) info.originalExitCode = originalExit;

  let child: ReturnType<typeof spawn> | undefined;
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
    child?.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  let added = false;
  try {
    try {
      // The repository's hooks (post-checkout) are not run in the temporary checkout.
      git(top, '-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '-q', worktree, recipe.commit);
      added = true;
    } catch (error) {
      return { info, failure: `git worktree add failed: ${gitError(error)}`, outputs: [] };
    }
    if (recipe.dirty && recipe.diffFile) {
      try {
        git(worktree, 'apply', '--whitespace=nowarn', recipe.diffFile);
      } catch (error) {
        return { info, failure: `the stored diff does not apply to the commit: ${gitError(error)}`, outputs: [] };
      }
    }
    mkdirSync(cwd, { recursive: true });
    for (const input of recipe.inputs) {
      const source = sources.get(input.path);
      if (source === undefined || source === 'commit' || isAbsolute(input.path)) continue;
      const target = confine(realpathSync(cwd), input.path);
      if (!target.ok) continue;
      const existing = statSync(target.absolute, { throwIfNoEntry: false });
      if (existing) {
        const same = input.sha256 !== undefined && !existing.isDirectory() && (await hashFile(target.absolute)).sha256 === input.sha256;
        if (same) continue;
        rmSync(target.absolute, { recursive: true, force: true });
      }
      mkdirSync(dirname(target.absolute), { recursive: true });
      const size = statSync(source).size;
      if (statSync(source).isDirectory() || size >= COPY_LIMIT_BYTES) symlinkSync(source, target.absolute);
      else {
        copyFileSync(source, target.absolute);
        chmodSync(target.absolute, 0o444);
      }
    }
    if (interrupted) throw new ReproduceInterrupted(interrupted);

    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('REPROV_')) delete env[key];
    // Variables a recording keeps that the run did not have are not set either (a PYTHONHASHSEED set here since).
    if (recipe.environment.length) {
      const had = new Set([...recipe.environment.map((e) => e.name), ...recipe.withheldVariables]);
      for (const name of Object.keys(redactEnv(env).recorded)) if (!had.has(name)) delete env[name];
    }
    for (const { name, value } of recipe.environment) env[name] = value;
    const [node = process.execPath, ...cli] = options.reprovCommand ?? defaultReprovCommand();
    const args = [...cli, 'record', '-q', '--no-system', '-o', out, ...(recipe.interpreter ? ['--python', recipe.interpreter] : []), '--', ...relocate(recipe, cwd)];
    const stdio = options.stdio === 'ignore' ? 'ignore' : process.stderr;
    const status = await new Promise<number | null>((done, fail) => {
      child = spawn(node, args, { cwd, env, stdio: ['ignore', stdio, stdio] });
      child.on('error', fail);
      child.on('close', (code) => done(code));
    });
    child = undefined;
    info.exitCode = status;
    if (interrupted) throw new ReproduceInterrupted(interrupted);
    if (!existsSync(join(out, 'prov.json'))) {
      return { info, failure: `reprov record wrote no bundle (exit ${status}): see its message above`, outputs: [] };
    }

    // A program that records itself wrote its own bundle where it wrote the original one.
    const own = ownBundleOf(recipe, bundleDir, cwd);
    if (own) {
      info.programBundle = freshName(`${out}-program`);
      cpSync(own, info.programBundle, { recursive: true });
    }

    // The outputs, hashed where the rerun wrote them.
    const outputs: OutputComparison[] = [];
    for (const output of recipe.outputs) {
      const item: OutputComparison = { path: output.path, status: 'unchecked', ...(output.sha256 ? { expected: output.sha256 } : {}) };
      const at = isAbsolute(output.path) ? { ok: true as const, absolute: output.path } : confine(realpathSync(cwd), output.path);
      const stats = at.ok ? statSync(at.absolute, { throwIfNoEntry: false }) : undefined;
      if (!at.ok || !stats) item.status = 'missing';
      else {
        item.actual = (stats.isDirectory() ? await hashDirectory(at.absolute) : await hashFile(at.absolute)).sha256;
        if (output.sha256) item.status = item.actual === output.sha256 ? 'same' : 'different';
      }
      outputs.push(item);
    }
    return { info, outputs };
  } finally {
    for (const s of signals) process.off(s, onSignal);
    if (!options.keep || !added) {
      if (added) {
        try {
          git(top, 'worktree', 'remove', '--force', worktree);
        } catch {
          // removed below; prune forgets it
        }
      }
      rmSync(temp, { recursive: true, force: true });
      if (added) gitOk(top, 'worktree', 'prune');
      info.kept = false;
    }
    info.seconds = Math.round((Date.now() - started) / 100) / 10;
  }
}

/**
 * The command's arguments with the paths that named files of the run's working directory
 * (`node /home/me/project/train.mjs`: Node records its script absolute) pointing into `cwd`, so
 * that the rerun runs the checkout's code. `cwd` '.' gives paths relative to the working directory.
 */
export function relocate(recipe: Pick<Recipe, 'argv' | 'workingDirectory'>, cwd: string): string[] {
  const wd = recipe.workingDirectory;
  if (!wd || !isAbsolute(wd)) return recipe.argv;
  return recipe.argv.map((arg, i) => {
    if (i === 0 || !isAbsolute(arg) || !inside(wd, arg) || arg === wd) return arg;
    const rel = relative(wd, arg);
    return cwd === '.' ? `./${rel.split(sep).join('/')}` : join(cwd, rel);
  });
}

// --- metrics --------------------------------------------------------------------------------

interface Series {
  name: string;
  context: string;
  points: { step: number | null; value: number }[];
}

/** Contexts whose series are sampled by the recorder, not computed by the run: never compared. */
const SAMPLED_CONTEXTS = new Set(['system']);

function readSeries(bundle: LoadedBundle, facts: BundleFacts): { series: Map<string, Series>; unreadable: string[] } {
  const series = new Map<string, Series>();
  const unreadable: string[] = [];
  if (bundle.baseDir === undefined) return { series, unreadable };
  const dir = realpathSync(bundle.baseDir);
  const files = [...new Set(facts.files.filter((f) => f.role === 'metric' && f.location).map((f) => f.location ?? ''))];
  for (const file of files) {
    const where = locateSideFile(dir, file, { alias: bundle.baseDir });
    let rows: string[][];
    try {
      if (!where.ok) throw new Error(where.reason);
      rows = parseCsv(readFileSync(where.absolute, 'utf8'));
    } catch {
      unreadable.push(file);
      continue;
    }
    const [name = file, context = ''] = rows[0] ?? [];
    if (SAMPLED_CONTEXTS.has(context)) continue;
    const points = rows.slice(1).filter((r) => r.length >= 2).map((r, i) => {
      const step = r[3] !== undefined && r[3] !== '' ? Number(r[3]) : i;
      return { step: Number.isFinite(step) ? step : null, value: parseValue(r[1] ?? '') };
    });
    const key = `${context}/${name}`;
    const known = series.get(key);
    if (known) known.points.push(...points);
    else series.set(key, { name, context, points });
  }
  return { series, unreadable };
}

function parseValue(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return t === '' ? NaN : Number(t);
}

/** Points keyed by step and occurrence at that step (a step logged twice is two points). */
function keyed(points: Series['points']): Map<string, { step: number | null; value: number }> {
  const counts = new Map<string, number>();
  const out = new Map<string, { step: number | null; value: number }>();
  for (const p of points) {
    const s = String(p.step);
    const n = counts.get(s) ?? 0;
    counts.set(s, n + 1);
    out.set(`${s}#${n}`, p);
  }
  return out;
}

const identical = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** One metric compared: |b − a| ≤ atol + rtol·|a| (a the original), NaN only equal to NaN, infinities only to themselves. */
export function compareSeries(original: Series['points'], rerun: Series['points'], rtol: number, atol: number): Omit<MetricComparison, 'name' | 'context'> {
  const a = keyed(original);
  const b = keyed(rerun);
  let compared = 0;
  let exact = true;
  let firstDivergence: MetricComparison['firstDivergence'];
  let maxDeviation: MetricComparison['maxDeviation'];
  const order = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => stepOf(x) - stepOf(y));
  let onlyOriginal = 0;
  let onlyRerun = 0;
  for (const key of order) {
    const pa = a.get(key);
    const pb = b.get(key);
    if (!pa || !pb) {
      if (!pa) onlyRerun++;
      else onlyOriginal++;
      firstDivergence ??= { step: (pa ?? pb)!.step, original: pa ? pa.value : null, rerun: pb ? pb.value : null };
      continue;
    }
    compared++;
    if (identical(pa.value, pb.value)) continue;
    exact = false;
    const absolute = Math.abs(pb.value - pa.value);
    const relative = pa.value === 0 ? null : absolute / Math.abs(pa.value);
    if (Number.isNaN(absolute) || !maxDeviation || absolute > maxDeviation.absolute) maxDeviation = { step: pa.step, absolute: Number.isNaN(absolute) ? Infinity : absolute, relative };
    const within = Number.isFinite(absolute) && absolute <= atol + rtol * Math.abs(pa.value);
    if (!within) firstDivergence ??= { step: pa.step, original: finiteOrNull(pa.value), rerun: finiteOrNull(pb.value) };
  }
  const status: MetricStatus = firstDivergence ? 'diverged' : exact ? 'bitwise' : 'within tolerance';
  return { status, compared, onlyOriginal, onlyRerun, ...(firstDivergence ? { firstDivergence } : {}), ...(maxDeviation ? { maxDeviation } : {}) };
}

function stepOf(key: string): number {
  const step = Number(key.slice(0, key.indexOf('#')));
  return Number.isFinite(step) ? step : Infinity;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function compareMetrics(original: Map<string, Series>, rerun: Map<string, Series>, rtol: number, atol: number): MetricComparison[] {
  const keys = [...new Set([...original.keys(), ...rerun.keys()])].sort();
  return keys.map((key) => {
    const a = original.get(key);
    const b = rerun.get(key);
    const name = (a ?? b)!.name;
    const context = (a ?? b)!.context;
    if (!b) return { name, context, status: 'missing', compared: 0, onlyOriginal: a!.points.length, onlyRerun: 0, message: 'the rerun did not log it' };
    if (!a) return { name, context, status: 'added', compared: 0, onlyOriginal: 0, onlyRerun: b.points.length, message: 'only the rerun logged it' };
    return { name, context, ...compareSeries(a.points, b.points, rtol, atol) };
  });
}

// --- the whole --------------------------------------------------------------------------------

/** Sections of `reprov diff` whose differences can explain a divergence. */
const EXPLAINING: DiffSectionName[] = ['parameters', 'seeds', 'determinism', 'inputs', 'code', 'dependencies', 'environment', 'hardware'];

export async function reproduce(path: string, options: ReproduceOptions = {}): Promise<ReproduceReport> {
  const rtol = options.rtol ?? 0;
  const atol = options.atol ?? 0;
  for (const [flag, v] of [['--rtol', rtol], ['--atol', atol]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new ReproduceInputError(`${flag}: expected a number ≥ 0, found ${v}`);
  }
  const bundle = await openBundle(path);
  const facts = bundleFacts(bundle);
  const recipe = recipeOf(bundle, facts);
  const located = await checkPreconditions(recipe, options);
  const report: ReproduceReport = {
    bundle: bundle.file, verdict: 'not rerun', summary: '', tolerance: { rtol, atol }, recipe, preconditions: located.preconditions,
    warnings: located.warnings, dryRun: !!options.dryRun, outputs: [], metrics: [], differences: [], hazards: [],
  };
  const failed = located.preconditions.filter((p) => p.status === 'failed');
  if (failed.length) {
    report.summary = `not rerun: ${failed.map((p) => `${p.kind} ${p.subject}: ${p.message}`).join('; ')}`;
    return report;
  }
  if (options.dryRun) {
    report.summary = `dry run: every precondition holds (${located.preconditions.length} checked); nothing was run`;
    return report;
  }
  const bundleDir = realpathSync(bundle.baseDir ?? dirname(resolve(bundle.file)));
  const result = await rerun(located, facts, bundleDir, options);
  report.rerun = result.info;
  if (result.failure) {
    report.summary = `not rerun: ${result.failure}`;
    return report;
  }
  report.outputs = result.outputs;

  const rerunBundle = await openBundle(result.info.programBundle ?? result.info.bundle);
  const rerunFacts = bundleFacts(rerunBundle);
  const original = readSeries(bundle, facts);
  const again = readSeries(rerunBundle, rerunFacts);
  for (const file of original.unreadable) report.warnings.push(`metric file ${file} of the original bundle cannot be read: not compared`);
  report.metrics = compareMetrics(original.series, again.series, rtol, atol);

  const diff = diffFacts(facts, rerunFacts);
  for (const section of diff.sections) {
    if (!EXPLAINING.includes(section.name)) continue;
    for (const entry of section.entries) {
      if (entry.change === 'same' || !entry.reproduction) continue;
      if (result.info.programBundle && entry.key === 'variable PYTHONPATH' && isRecordersPythonPath(entry.a, entry.b)) continue;
      report.differences.push({ section: section.name, key: entry.key, original: entry.a, rerun: entry.b });
      if (section.name === 'environment' || section.name === 'dependencies') report.warnings.push(`${section.name}: ${entry.key} ${entry.a ?? '(none)'} → ${entry.b ?? '(none)'}`);
    }
  }

  const reasons: string[] = [];
  const info = result.info;
  if (info.originalExitCode !== undefined && info.exitCode !== info.originalExitCode) reasons.push(`the command exited ${info.exitCode ?? 'by a signal'}, the run ${info.originalExitCode}`);
  // The first diverging step of a metric says most about where the runs part: it comes first.
  for (const m of report.metrics) {
    if (m.status === 'diverged' && m.firstDivergence) reasons.push(`metric ${m.context}/${m.name} diverges at step ${m.firstDivergence.step ?? '?'} (${m.firstDivergence.original ?? 'none'} → ${m.firstDivergence.rerun ?? 'none'})`);
    else if (m.status === 'missing' || m.status === 'added') reasons.push(`metric ${m.context}/${m.name}: ${m.message}`);
  }
  for (const o of report.outputs) if (o.status === 'different' || o.status === 'missing') reasons.push(`output ${o.path} ${o.status === 'missing' ? 'was not written' : 'differs (SHA-256)'}`);
  if (!report.outputs.length && !report.metrics.length) report.warnings.push('the run recorded no outputs and no metrics: nothing to compare but the exit code');
  if (reasons.length) {
    report.verdict = 'diverged';
    report.summary = `diverged: ${reasons[0]}${reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : ''}`;
    report.hazards = await hazardsOf(bundle.file);
  } else if (report.metrics.some((m) => m.status === 'within tolerance')) {
    report.verdict = 'within tolerance';
    const worst = report.metrics.filter((m) => m.maxDeviation).sort((x, y) => y.maxDeviation!.absolute - x.maxDeviation!.absolute)[0];
    report.summary = `within tolerance (rtol ${rtol}, atol ${atol}): every output identical; largest deviation ${worst?.maxDeviation?.absolute} in ${worst?.context}/${worst?.name} at step ${worst?.maxDeviation?.step}`;
  } else {
    report.verdict = 'bitwise';
    report.summary = `bitwise: ${report.outputs.length} output(s) and ${report.metrics.reduce((n, m) => n + m.compared, 0)} metric point(s) identical`;
  }
  return report;
}

/** `reprov record` put its instrumentation first on PYTHONPATH, and the program's own bundle (run API) saw it: not the program's doing. */
function isRecordersPythonPath(original: string | null, rerun: string | null): boolean {
  if (rerun === null || !rerun.startsWith(PYTHON_INSTRUMENT_DIR)) return false;
  const rest = rerun.slice(PYTHON_INSTRUMENT_DIR.length).replace(new RegExp(`^${delimiter}`), '');
  return rest === (original ?? '');
}

/** The original run's randomness and determinism findings, as `reprov check` reports them. */
async function hazardsOf(file: string): Promise<Hazard[]> {
  try {
    const { result } = await checkBundles([file], { jobs: 1 });
    return (result.bundles[0]?.findings ?? [])
      .filter((f) => f.category === 'randomness' || f.category === 'determinism')
      .map((f) => ({ rule: f.rule, category: f.category, severity: f.severity, message: f.message, ...(f.location ? { location: f.location } : {}) }));
  } catch {
    return [];
  }
}
