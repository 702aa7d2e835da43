/**
 * Dependency collector: finds the lock and requirement files in the run's directory, hashes each
 * and decides whether it pins exact versions; optionally records `pip freeze` of a Python.
 *
 * Files looked for (in `ctx.cwd` itself, not below): package-lock.json, pnpm-lock.yaml,
 * yarn.lock (ecosystem "npm"); requirements*.txt, poetry.lock, uv.lock, Pipfile.lock,
 * pyproject.toml ("pypi"); environment.yml / environment.yaml ("conda"). Each becomes
 *
 *     <base>dependencies/<filename> a prov:Entity, reprov:DependencyFile ;
 *         prov:atLocation "<filename>" ; spdx:checksum <.../checksum/sha256> ;
 *         reprov:ecosystem "pypi" ; reprov:pinned false ; reprov:unpinnedCount 2 ; reprov:packageCount 7 .
 *     <base>run prov:used <base>dependencies/<filename> .
 *
 * When a file cannot be read or parsed, `reprov:pinned` is left out and `reprov:unknownReason`
 * says why. What "pinned" means per format:
 * - lock files (package-lock.json, pnpm-lock.yaml, yarn.lock, poetry.lock, uv.lock,
 *   Pipfile.lock) pin by construction; each locked package must still carry a version
 *   (package-lock.json must also declare `lockfileVersion`), those without one are unpinned;
 * - requirements*.txt: every requirement is `name==version` (`===` too; no wildcard), or carries
 *   `--hash`, or is a URL pinned to a commit or sha256; bare names, ranges, `-e`, local paths are
 *   unpinned. `-r` / `--requirement` includes are followed (their packages count toward the
 *   including file; an include that is not itself a top-level requirements file is recorded as a
 *   node of its own, under its path); `-c` constraint files pin the names they fix with `==`.
 *   Comments, blank lines and option lines (`--index-url`...) are not requirements;
 * - environment.yml: every conda dependency has `=version` (`name=1.2`, `name==1.2`,
 *   `name=1.2=build`, `name 1.2`), and every entry of its `pip:` list is pinned as above;
 * - pyproject.toml: every dependency declared in `[project]` (`dependencies`,
 *   `optional-dependencies`), `[dependency-groups]` and Poetry's dependency tables is exact.
 *
 * The requirements a requirements*.txt, `[project] dependencies` of pyproject.toml and the `pip:`
 * list of environment.yml declare are recorded as `reprov:requirement` strings rebuilt from their
 * parts: the PEP 508 name and the PEP 440 specifiers (`torch==1.13.0`, `numpy>=1.24,<2`; a URL
 * requirement as its bare name). Extras are dropped; requirements with an environment marker are
 * left out (whether they apply is not decided here). RPV-P003 compares them with what was installed.
 *
 * With pip freeze, the interpreter's installed distributions are also listed once through
 * `importlib.metadata` (one Python process) and each becomes a `reprov:InstalledPackage`
 * (`schema:name`, `schema:version`) saying where it came from (`reprov:packageOrigin`): `conda`
 * when a `conda-meta/*.json` record of the interpreter's prefix lists its metadata directory,
 * `dpkg` when an OS package owns it (Debian: one `dpkg-query -S` for all packages under a
 * `dist-packages` directory and one `dpkg-query -W` for the owners' versions, recorded as
 * `reprov:osPackage` / `reprov:osPackageVersion`), else what its INSTALLER file says (`pip`, `uv`...),
 * else `unknown`. `reprov:indexInstallable false` marks a build pip cannot install again from an
 * index: a local version (`1.13.0a0+gitunknown`), a version that is not PEP 440, or a direct
 * reference (VCS, archive, directory, editable: `reprov:directUrlKind`).
 *
 * Only counts, digests, `name==version` strings and rebuilt requirements are recorded, never the
 * lines themselves, so index URLs with credentials in a requirements file cannot leak.
 */
import { execFile } from 'node:child_process';
import { parse as parsePep440 } from '@renovatebot/pep440';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import type { NamedNode } from 'n3';
import { prov, reprov, schema } from '../prov/vocabulary.js';
import type { CollectContext } from './context.js';
import { locationOf } from './data.js';
import { redactText } from '../base/redact.js';
import { confine } from '../base/confine.js';
import { requireOnUse } from '../base/require-on-use.js';

export type Ecosystem = 'npm' | 'pypi' | 'conda';

export interface CollectDependenciesOptions {
  /** Also run `<python> -m pip freeze` and record the installed packages. */
  pythonFreeze?: boolean;
  /** The Python for pip freeze (default `$VIRTUAL_ENV/bin/python` when set, else `python3`). */
  python?: string;
  /**
   * Read no file outside this directory (its real path): files found in an imported store (an
   * MLflow model's requirements.txt) may be links, or `-r` includes, that point anywhere on the
   * machine. A recorded run's own directory is not confined: `-r ../shared/requirements.txt` is common.
   */
  root?: string;
}

export interface DependencyFileSummary {
  node: NamedNode;
  /** Location as recorded (relative to `ctx.cwd` when inside it). */
  file: string;
  ecosystem: Ecosystem;
  /** Undefined when it could not be decided (see `unknownReason`). */
  pinned: boolean | undefined;
  unpinnedCount: number;
  packageCount: number;
  sha256?: string;
  unknownReason?: string;
  /** Declared requirements (`name` + PEP 440 specifiers), for formats that declare them. */
  requirements?: string[];
}

export type PackageOrigin = 'pip' | 'conda' | 'dpkg' | 'unknown' | (string & {});

/** One distribution installed in the interpreter. */
export interface InstalledPackage {
  /** Normalised (PEP 503) name. */
  name: string;
  version: string;
  origin: PackageOrigin;
  /** INSTALLER file content, when there is one. */
  installer?: string;
  osPackage?: string;
  osPackageVersion?: string;
  /** False when pip cannot install this exact build from an index. */
  indexInstallable: boolean;
  directUrlKind?: 'vcs' | 'archive' | 'directory' | 'editable';
  /** Metadata directory (`.dist-info` / `.egg-info`). */
  path?: string;
}

export interface PipFreezeSummary {
  node: NamedNode;
  /** `name==version` lines, in pip's order. */
  packages: string[];
  /** Other lines (`-e ...`, `name @ url`). */
  unpinnedCount: number;
  sha256?: string;
  unknownReason?: string;
  /** Every installed distribution and where it came from; undefined when it could not be listed (`installedUnknownReason`). */
  installed?: InstalledPackage[];
  installedUnknownReason?: string;
}

export interface DependenciesSummary {
  files: DependencyFileSummary[];
  pipFreeze?: PipFreezeSummary;
}

/** Timeout for `pip freeze`. */
export const PIP_FREEZE_TIMEOUT_MS = 20_000;

interface Analysis {
  pinned: boolean | undefined;
  unpinnedCount: number;
  packageCount: number;
  unknownReason?: string;
  /** Absolute paths of `-r` includes read on the way (requirements files only). */
  includes?: string[];
  /** Declared requirements, rebuilt (see the file comment). */
  requirements?: string[];
}

const FIXED_FILES: Record<string, Ecosystem> = {
  'package-lock.json': 'npm', 'pnpm-lock.yaml': 'npm', 'yarn.lock': 'npm',
  'poetry.lock': 'pypi', 'uv.lock': 'pypi', 'Pipfile.lock': 'pypi', 'pyproject.toml': 'pypi',
  'environment.yml': 'conda', 'environment.yaml': 'conda',
};

/** True for the names this collector picks up in the run's directory. */
export function isDependencyFileName(name: string): boolean {
  return name in FIXED_FILES || /^requirements.*\.txt$/.test(name);
}

/** Records the dependency files of `ctx.cwd` (and pip freeze when asked); see the file comment. */
export async function collectDependencies(ctx: CollectContext, options: CollectDependenciesOptions = {}): Promise<DependenciesSummary> {
  const names = await readdir(ctx.cwd, { withFileTypes: true })
    .then((entries) => entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && isDependencyFileName(e.name)).map((e) => e.name))
    .catch(() => [] as string[]);
  names.sort();
  const files: DependencyFileSummary[] = [];
  const recorded = new Set<string>();
  const includes: string[] = [];
  for (const name of names) {
    const absolute = resolve(ctx.cwd, name);
    recorded.add(absolute);
    const summary = await recordFile(ctx, absolute, name, FIXED_FILES[name] ?? 'pypi', options.root);
    files.push(summary.summary);
    includes.push(...(summary.includes ?? []));
  }
  // Included requirement files that are not top-level files get their own node, so their content is hashed too.
  for (const absolute of includes) {
    if (recorded.has(absolute)) continue;
    recorded.add(absolute);
    const location = locationOf(ctx.cwd, absolute);
    const summary = await recordFile(ctx, absolute, location.startsWith('/') ? basename(absolute) : location, 'pypi', options.root);
    files.push(summary.summary);
    for (const more of summary.includes ?? []) if (!includes.includes(more)) includes.push(more);
  }
  const result: DependenciesSummary = { files };
  if (options.pythonFreeze) result.pipFreeze = await recordPipFreeze(ctx, options.python ?? defaultPython(ctx.env));
  return result;
}

function defaultPython(env: NodeJS.ProcessEnv): string {
  return env.VIRTUAL_ENV ? `${env.VIRTUAL_ENV}/bin/python` : 'python3';
}

async function recordFile(ctx: CollectContext, absolute: string, name: string, ecosystem: Ecosystem, root: string | undefined)
  : Promise<{ summary: DependencyFileSummary; includes?: string[] }> {
  const { graph } = ctx;
  const file = locationOf(ctx.cwd, absolute);
  let node = graph.node('dependencies', name);
  for (let n = 2; graph.quads.some((q) => q.subject.equals(node)); n++) node = graph.node('dependencies', `${name}-${n}`);
  graph.describe(node, [prov.Entity, reprov.DependencyFile], file);
  graph.add(node, prov.atLocation, file);
  graph.add(node, reprov.ecosystem, ecosystem);
  graph.add(ctx.run, prov.used, node);

  let content: Buffer;
  try {
    content = await readWithin(root, absolute);
  } catch (error) {
    const unknownReason = `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    graph.add(node, reprov.unknownReason, unknownReason);
    return { summary: { node, file, ecosystem, pinned: undefined, unpinnedCount: 0, packageCount: 0, unknownReason } };
  }
  const sha256 = createHash('sha256').update(content).digest('hex');
  graph.checksum(node, 'sha256', sha256);
  const analysis = await analyse(basename(absolute), absolute, content.toString('utf8'), root);
  graph.add(node, reprov.pinned, analysis.pinned);
  graph.add(node, reprov.unpinnedCount, analysis.unpinnedCount);
  graph.add(node, reprov.packageCount, analysis.packageCount);
  graph.add(node, reprov.unknownReason, analysis.unknownReason);
  for (const requirement of new Set(analysis.requirements ?? [])) graph.add(node, reprov.requirement, requirement);
  const summary: DependencyFileSummary = {
    node, file, ecosystem, pinned: analysis.pinned, unpinnedCount: analysis.unpinnedCount, packageCount: analysis.packageCount, sha256,
  };
  if (analysis.unknownReason) summary.unknownReason = analysis.unknownReason;
  if (analysis.requirements) summary.requirements = [...new Set(analysis.requirements)];
  return analysis.includes ? { summary, includes: analysis.includes } : { summary };
}

/** Reads `absolute`, refusing (as a read error whose code says why) a path that leaves `root`. */
async function readWithin(root: string | undefined, absolute: string): Promise<Buffer> {
  if (root !== undefined) {
    const where = confine(root, relative(root, absolute));
    if (!where.ok) throw Object.assign(new Error(where.reason), { code: `refused, ${where.reason}` });
    return readFile(where.absolute);
  }
  return readFile(absolute);
}

async function analyse(name: string, absolute: string, text: string, root: string | undefined): Promise<Analysis> {
  switch (name) {
    case 'package-lock.json': return analysePackageLock(text);
    case 'pnpm-lock.yaml': return analysePnpmLock(text);
    case 'yarn.lock': return analyseYarnLock(text);
    case 'poetry.lock':
    case 'uv.lock': return analyseTomlLock(text);
    case 'Pipfile.lock': return analysePipfileLock(text);
    case 'pyproject.toml': return analysePyproject(text);
    case 'environment.yml':
    case 'environment.yaml': return analyseCondaEnvironment(absolute, text, root);
    default: return analyseRequirementsFile(absolute, text, root);
  }
}

// --- npm ------------------------------------------------------------------------------------

/** package-lock.json (lockfileVersion 1, 2, 3): pinned when declared and every package has a version. */
export function analysePackageLock(text: string): Analysis {
  let lock: { lockfileVersion?: unknown; packages?: Record<string, unknown>; dependencies?: Record<string, unknown> };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch (error) {
    return { pinned: undefined, unpinnedCount: 0, packageCount: 0, unknownReason: `package-lock.json is not valid JSON: ${(error as Error).message}` };
  }
  let packageCount = 0;
  let unpinnedCount = 0;
  if (lock.packages && typeof lock.packages === 'object') {
    for (const [key, value] of Object.entries(lock.packages)) {
      if (key === '') continue;
      const entry = (value ?? {}) as { version?: unknown; link?: unknown };
      packageCount++;
      if (entry.link !== true && typeof entry.version !== 'string') unpinnedCount++;
    }
  } else if (lock.dependencies && typeof lock.dependencies === 'object') {
    const visit = (deps: Record<string, unknown>) => {
      for (const value of Object.values(deps)) {
        const entry = (value ?? {}) as { version?: unknown; dependencies?: Record<string, unknown> };
        packageCount++;
        if (typeof entry.version !== 'string') unpinnedCount++;
        if (entry.dependencies && typeof entry.dependencies === 'object') visit(entry.dependencies);
      }
    };
    visit(lock.dependencies);
  }
  if (typeof lock.lockfileVersion !== 'number') {
    return { pinned: false, unpinnedCount, packageCount, unknownReason: 'package-lock.json declares no lockfileVersion' };
  }
  return { pinned: unpinnedCount === 0, unpinnedCount, packageCount };
}

/** pnpm-lock.yaml: a lock by construction; packages are the keys of its `packages:` section. */
export function analysePnpmLock(text: string): Analysis {
  if (!/^lockfileVersion:/m.test(text)) {
    return { pinned: false, unpinnedCount: 0, packageCount: 0, unknownReason: 'pnpm-lock.yaml declares no lockfileVersion' };
  }
  let packageCount = 0;
  let inPackages = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\S/.test(line)) inPackages = /^packages:\s*$/.test(line);
    else if (inPackages && /^ {2}\S.*:\s*(\{\})?\s*$/.test(line)) packageCount++;
  }
  return { pinned: true, unpinnedCount: 0, packageCount };
}

/** yarn.lock (classic and berry): one stanza per resolved package, each with a version. */
export function analyseYarnLock(text: string): Analysis {
  let packageCount = 0;
  let unpinnedCount = 0;
  let open = false;
  let hasVersion = false;
  const close = () => {
    if (open && !hasVersion) unpinnedCount++;
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^[^\s#].*:\s*$/.test(line)) {
      close();
      open = !line.startsWith('__metadata');
      hasVersion = false;
      if (open) packageCount++;
    } else if (open && /^ {2}version:?\s+\S/.test(line)) {
      hasVersion = true;
    }
  }
  close();
  return { pinned: unpinnedCount === 0, unpinnedCount, packageCount };
}

// --- Python ---------------------------------------------------------------------------------

/** poetry.lock and uv.lock: one `[[package]]` table per locked package, each with a `version`. */
export function analyseTomlLock(text: string): Analysis {
  let packageCount = 0;
  let unpinnedCount = 0;
  let inPackage = false;
  let hasVersion = false;
  const close = () => {
    if (inPackage && !hasVersion) unpinnedCount++;
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^\[\[package\]\]\s*$/.test(line)) {
      close();
      inPackage = true;
      hasVersion = false;
      packageCount++;
    } else if (/^\[/.test(line)) {
      if (!/^\[\[?package\./.test(line)) {
        close();
        inPackage = false;
      }
    } else if (inPackage && /^version\s*=\s*["']/.test(line)) {
      hasVersion = true;
    }
  }
  close();
  return { pinned: unpinnedCount === 0, unpinnedCount, packageCount };
}

/** Pipfile.lock: every package of `default` and `develop` has `"version": "==..."` or a VCS `ref`. */
export function analysePipfileLock(text: string): Analysis {
  let lock: Record<string, unknown>;
  try {
    lock = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    return { pinned: undefined, unpinnedCount: 0, packageCount: 0, unknownReason: `Pipfile.lock is not valid JSON: ${(error as Error).message}` };
  }
  let packageCount = 0;
  let unpinnedCount = 0;
  for (const section of ['default', 'develop']) {
    const packages = lock[section];
    if (!packages || typeof packages !== 'object') continue;
    for (const value of Object.values(packages as Record<string, unknown>)) {
      const entry = (value ?? {}) as { version?: unknown; ref?: unknown };
      packageCount++;
      const exact = typeof entry.version === 'string' && /^===?[^*,<>!~]+$/.test(entry.version.trim());
      if (!exact && typeof entry.ref !== 'string') unpinnedCount++;
    }
  }
  return { pinned: unpinnedCount === 0, unpinnedCount, packageCount };
}

/** Lower case, runs of `-_.` as one `-` (PEP 503). */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const PIP_NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;

/**
 * Whether one requirement (a line of a requirements file, options and markers included) pins an
 * exact version, and the normalised name when it has one.
 */
export function classifyRequirement(line: string, constraints?: ReadonlyMap<string, boolean>): { name?: string; pinned: boolean } {
  if (/(^|\s)--hash[=\s]/.test(line)) return { pinned: true, ...nameOf(line) };
  let spec = line.replace(/\s+--?[a-zA-Z][\w-]*(?:[=\s]\S+)?/g, '').trim();
  // A URL requirement: `name @ url` or a bare VCS / archive URL.
  const at = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(spec);
  const url = at ? at[2] ?? '' : /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) ? spec.split(/\s/)[0] ?? '' : undefined;
  if (url !== undefined) {
    const name = at?.[1] ?? /[#&]egg=([A-Za-z0-9._-]+)/.exec(url)?.[1];
    const pinned = /@[0-9a-f]{40}(?:[#?]|$)/.test(url) || /#sha256=[0-9a-f]{64}/.test(url);
    return name ? { name: normalizeName(name), pinned } : { pinned };
  }
  if (/^[./~]/.test(spec) || spec.includes('/')) return { pinned: false };
  spec = spec.replace(/;.*$/, '').trim();
  const match = PIP_NAME.exec(spec);
  if (!match) return { pinned: false };
  const name = normalizeName(match[1] ?? '');
  const specifiers = (match[3] ?? '').replace(/^\(|\)$/g, '').split(',').map((s) => s.trim()).filter(Boolean);
  const exact = specifiers.some((s) => /^===\s*\S+$/.test(s) || /^==\s*[^\s*]+$/.test(s));
  return { name, pinned: exact || constraints?.get(name) === true };
}

/**
 * A requirement line rebuilt as `name` + PEP 440 specifiers (`torch==1.13.0`, `numpy>=1.24,<2`),
 * a URL requirement as its bare name; undefined for what declares no named package, for a
 * requirement with an environment marker, and for specifiers that are not PEP 440.
 */
export function declaredRequirement(line: string): string | undefined {
  const spec = line.replace(/\s+--?[a-zA-Z][\w-]*(?:[=\s]\S+)?/g, '').trim();
  const at = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*@\s*\S+/.exec(spec);
  if (at) return /;/.test(spec.replace(/^[^@]*@\s*\S+/, '')) ? undefined : normalizeName(at[1] ?? '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec) || /^[./~]/.test(spec) || spec.includes('/') || spec.includes(';')) return undefined;
  const match = PIP_NAME.exec(spec);
  if (!match) return undefined;
  const specifiers = (match[3] ?? '').replace(/^\(|\)$/g, '').split(',').map((s) => s.replace(/\s+/g, '')).filter(Boolean);
  if (!specifiers.every((s) => /^(?:===|==|!=|~=|<=|>=|<|>)[A-Za-z0-9.*+!_-]+$/.test(s))) return undefined;
  return normalizeName(match[1] ?? '') + specifiers.join(',');
}

function nameOf(line: string): { name?: string } {
  const match = PIP_NAME.exec(line.trim());
  return match?.[1] && !/^-/.test(line.trim()) ? { name: normalizeName(match[1]) } : {};
}

/** Logical lines of a requirements file: continuations joined, comments and blanks dropped. */
function requirementLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    if (raw.endsWith('\\')) {
      pending += `${raw.slice(0, -1)} `;
      continue;
    }
    const line = (pending + raw).replace(/(^|\s)#.*$/, '').trim();
    pending = '';
    if (line) lines.push(line);
  }
  if (pending.trim()) lines.push(pending.replace(/(^|\s)#.*$/, '').trim());
  return lines.filter(Boolean);
}

interface RequirementsScan {
  packageCount: number;
  unpinnedCount: number;
  includes: string[];
  problems: string[];
  requirements?: string[];
}

const INCLUDE = /^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=\S))(\S+)$/;
const CONSTRAINT = /^(?:-c|--constraint)(?:\s*=\s*|\s+|(?=\S))(\S+)$/;
const EDITABLE = /^(?:-e|--editable)(?:\s*=\s*|\s+|(?=\S))/;

/** Counts requirements of a requirements-format text, following `-r` and `-c` relative to `directory`. */
async function scanRequirements(text: string, directory: string, seen: Set<string>, scan: RequirementsScan, root: string | undefined): Promise<void> {
  const lines = requirementLines(text);
  const constraints = new Map<string, boolean>();
  const requirements: string[] = [];
  for (const line of lines) {
    const include = INCLUDE.exec(line);
    const constraint = CONSTRAINT.exec(line);
    if (include || constraint) {
      const target = resolve(directory, (include ?? constraint)?.[1] ?? '');
      if (seen.has(target)) continue;
      seen.add(target);
      let included: string;
      try {
        included = (await readWithin(root, target)).toString('utf8');
      } catch (error) {
        scan.problems.push(`cannot read ${include ? 'included' : 'constraint'} file ${(include ?? constraint)?.[1]}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        continue;
      }
      if (include) {
        scan.includes.push(target);
        await scanRequirements(included, dirname(target), seen, scan, root);
      } else {
        scan.includes.push(target);
        for (const c of requirementLines(included)) {
          const { name, pinned } = classifyRequirement(c);
          if (name) constraints.set(name, pinned || constraints.get(name) === true);
        }
      }
    } else if (EDITABLE.test(line)) {
      scan.packageCount++;
      scan.unpinnedCount++;
    } else if (!line.startsWith('-')) {
      requirements.push(line);
    }
    // other option lines (--index-url, --find-links, --pre, ...) are not requirements
  }
  for (const requirement of requirements) {
    scan.packageCount++;
    if (!classifyRequirement(requirement, constraints).pinned) scan.unpinnedCount++;
    const declared = declaredRequirement(requirement);
    if (declared !== undefined) (scan.requirements ??= []).push(declared);
  }
}

async function analyseRequirementsFile(absolute: string, text: string, root: string | undefined): Promise<Analysis> {
  const scan: RequirementsScan = { packageCount: 0, unpinnedCount: 0, includes: [], problems: [], requirements: [] };
  await scanRequirements(text, dirname(absolute), new Set([absolute]), scan, root);
  const analysis: Analysis = {
    pinned: scan.unpinnedCount === 0 && scan.problems.length === 0,
    unpinnedCount: scan.unpinnedCount,
    packageCount: scan.packageCount,
    includes: scan.includes,
    requirements: scan.requirements ?? [],
  };
  if (scan.problems.length) analysis.unknownReason = scan.problems.join('; ');
  return analysis;
}

/** A conda MatchSpec that fixes a version: `name=1.2`, `name==1.2`, `name=1.2=build`, `name 1.2`, `channel::name=1.2`. */
export function condaSpecPinned(spec: string): boolean {
  const s = spec.trim().replace(/^[^\s:]+::/, '').replace(/\[.*\]$/, '').trim();
  return /^[A-Za-z0-9_.-]+\s*={1,2}\s*[^\s=<>!*,|~]+(?:=[^\s*]+)?$/.test(s) || /^[A-Za-z0-9_.-]+\s+[^\s=<>!*,|~]+(?:\s+[^\s*]+)?$/.test(s);
}

async function analyseCondaEnvironment(absolute: string, text: string, root: string | undefined): Promise<Analysis> {
  let document: unknown;
  // yaml loads only when a conda file is present: it costs start-up time every run would pay.
  const { parse: parseYaml } = requireOnUse('yaml') as typeof import('yaml');
  try {
    document = parseYaml(text);
  } catch (error) {
    return { pinned: undefined, unpinnedCount: 0, packageCount: 0, unknownReason: `${basename(absolute)} is not valid YAML: ${(error as Error).message.split('\n')[0]}` };
  }
  const dependencies = (document as { dependencies?: unknown } | null)?.dependencies;
  let packageCount = 0;
  let unpinnedCount = 0;
  const problems: string[] = [];
  const includes: string[] = [];
  const requirements: string[] = [];
  if (Array.isArray(dependencies)) {
    for (const dependency of dependencies) {
      if (typeof dependency === 'string' || typeof dependency === 'number') {
        packageCount++;
        if (!condaSpecPinned(String(dependency))) unpinnedCount++;
      } else if (dependency && typeof dependency === 'object' && Array.isArray((dependency as { pip?: unknown }).pip)) {
        const pipLines = ((dependency as { pip: unknown[] }).pip).map(String).join('\n');
        const scan: RequirementsScan = { packageCount: 0, unpinnedCount: 0, includes, problems, requirements };
        await scanRequirements(pipLines, dirname(absolute), new Set([absolute]), scan, root);
        packageCount += scan.packageCount;
        unpinnedCount += scan.unpinnedCount;
      }
    }
  } else if (dependencies !== undefined && dependencies !== null) {
    problems.push(`${basename(absolute)}: dependencies is not a list`);
  }
  const analysis: Analysis = { pinned: unpinnedCount === 0 && problems.length === 0, unpinnedCount, packageCount, includes, requirements };
  if (problems.length) analysis.unknownReason = problems.join('; ');
  return analysis;
}

/** pyproject.toml: the dependency declarations of PEP 621, PEP 735 and Poetry. */
export function analysePyproject(text: string): Analysis {
  let table = '';
  let packageCount = 0;
  let unpinnedCount = 0;
  const requirements: string[] = [];
  const count = (pinned: boolean) => {
    packageCount++;
    if (!pinned) unpinnedCount++;
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      table = (header[1] ?? '').replace(/["']/g, '');
      continue;
    }
    const keyValue = /^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!keyValue) continue;
    const key = (keyValue[1] ?? '').replace(/^["']|["']$/g, '');
    const pep508Array = (table === 'project' && (key === 'dependencies')) ||
      table === 'project.optional-dependencies' || table === 'dependency-groups';
    const poetryTable = /^tool\.poetry\.(?:dependencies|dev-dependencies|group\.[^.]+\.dependencies)$/.test(table);
    if (pep508Array) {
      const { strings, end } = readValue(lines, i, keyValue[2] ?? '');
      i = end;
      for (const requirement of strings) {
        count(classifyRequirement(requirement).pinned);
        // What `pip install .` installs: [project] dependencies (extras and groups are asked for by name).
        const declared = table === 'project' ? declaredRequirement(requirement) : undefined;
        if (declared !== undefined) requirements.push(declared);
      }
    } else if (poetryTable && key !== 'python') {
      const { strings, raw, end } = readValue(lines, i, keyValue[2] ?? '');
      i = end;
      count(poetryPinned(raw, strings));
    }
  }
  return { pinned: unpinnedCount === 0, unpinnedCount, packageCount, requirements };
}

/** Poetry: `"1.2.3"` and `"==1.2.3"` are exact; `{ version = ... }` likewise; git with a full `rev` too. */
function poetryPinned(raw: string, strings: string[]): boolean {
  const exact = (v: string) => /^(?:==)?\s*\d[^\s*^~<>!=,|]*$/.test(v.trim());
  if (raw.trim().startsWith('{')) {
    const version = /\bversion\s*=\s*["']([^"']*)["']/.exec(raw)?.[1];
    if (version !== undefined) return exact(version);
    return /\brev\s*=\s*["'][0-9a-f]{40}["']/.test(raw);
  }
  if (raw.trim().startsWith('[')) return false;
  return strings.length === 1 && exact(strings[0] ?? '');
}

/** The strings of a TOML value starting at `lines[start]` after `=` (arrays may span lines). */
function readValue(lines: string[], start: number, first: string): { strings: string[]; raw: string; end: number } {
  const strings: string[] = [];
  let depth = 0;
  let braces = 0;
  let raw = '';
  let i = start;
  let text = first;
  for (;;) {
    raw += `${text}\n`;
    for (let j = 0; j < text.length; j++) {
      const c = text[j];
      if (c === '"' || c === "'") {
        let k = j + 1;
        let value = '';
        while (k < text.length && text[k] !== c) {
          if (c === '"' && text[k] === '\\' && k + 1 < text.length) k++;
          value += text[k];
          k++;
        }
        // strings of inline tables (`{ include-group = "x" }`, Poetry's `{ version = ... }`) are not requirements
        if (braces === 0) strings.push(value);
        j = k;
      } else if (c === '#') {
        break;
      } else if (c === '[' || c === '{') {
        depth++;
        if (c === '{') braces++;
      } else if (c === ']' || c === '}') {
        depth--;
        if (c === '}') braces--;
      }
    }
    if (depth <= 0 || i + 1 >= lines.length) return { strings, raw, end: i };
    i++;
    text = lines[i] ?? '';
  }
}

// --- pip freeze -----------------------------------------------------------------------------

/**
 * `pip freeze` of `python` and the origin of each installed distribution, recorded on the
 * `dependencies/pip-freeze` node (see the file comment). `reprov verify` calls it again for the
 * interpreter a bundle names.
 */
export async function recordPipFreeze(ctx: CollectContext, python: string): Promise<PipFreezeSummary> {
  const { graph } = ctx;
  const node = graph.node('dependencies', 'pip-freeze');
  const command = redactText(`${python} -m pip freeze`);
  graph.describe(node, [prov.Entity, reprov.DependencyFile], command);
  graph.add(node, reprov.ecosystem, 'pypi');
  graph.add(node, reprov.source, 'pip freeze');
  graph.add(node, reprov.interpreter, redactText(python));
  graph.add(ctx.run, prov.used, node);

  const [outcome, inventory] = await Promise.all([run(python, ['-m', 'pip', 'freeze'], ctx), installedPackages(ctx, python)]);
  const installed = 'reason' in inventory ? {} : { installed: inventory.packages };
  if ('reason' in inventory) graph.add(node, reprov.unknownReason, redactText(`listing installed packages failed: ${inventory.reason}`));
  else for (const p of inventory.packages) recordInstalled(ctx, node, p);
  if ('reason' in outcome) {
    const unknownReason = redactText(`${command} failed: ${outcome.reason}`);
    graph.add(node, reprov.unknownReason, unknownReason);
    return { node, packages: [], unpinnedCount: 0, unknownReason, ...installed, ...('reason' in inventory ? { installedUnknownReason: redactText(inventory.reason) } : {}) };
  }
  const packages: string[] = [];
  let unpinnedCount = 0;
  for (const line of outcome.stdout.split(/\r?\n/).map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    if (/^[A-Za-z0-9][A-Za-z0-9._-]*==\S+$/.test(line)) packages.push(line);
    else unpinnedCount++;
  }
  const sha256 = createHash('sha256').update(outcome.stdout).digest('hex');
  graph.checksum(node, 'sha256', sha256);
  for (const p of packages) graph.add(node, reprov.package, p);
  graph.add(node, reprov.packageCount, packages.length + unpinnedCount);
  graph.add(node, reprov.unpinnedCount, unpinnedCount);
  graph.add(node, reprov.pinned, unpinnedCount === 0);
  return { node, packages, unpinnedCount, sha256, ...installed, ...('reason' in inventory ? { installedUnknownReason: redactText(inventory.reason) } : {}) };
}

function recordInstalled(ctx: CollectContext, list: NamedNode, p: InstalledPackage): void {
  const { graph } = ctx;
  const node = graph.node('dependencies', 'pip-freeze', 'package', p.name);
  graph.add(list, reprov.installedPackage, node);
  graph.describe(node, [prov.Entity, reprov.InstalledPackage], `${p.name}==${p.version}`);
  graph.add(node, schema.name, p.name);
  graph.add(node, schema.version, p.version);
  graph.add(node, reprov.packageOrigin, p.origin);
  graph.add(node, reprov.installer, p.installer);
  graph.add(node, reprov.osPackage, p.osPackage);
  graph.add(node, reprov.osPackageVersion, p.osPackageVersion);
  graph.add(node, reprov.indexInstallable, p.indexInstallable);
  graph.add(node, reprov.directUrlKind, p.directUrlKind);
}

/** Lists the distributions of `python` in one process: name, version, metadata directory, INSTALLER and direct_url.json. */
const INVENTORY_SCRIPT = [
  'import json, sys',
  'import importlib.metadata as m',
  'out = []',
  'for d in m.distributions():',
  '    def text(n):',
  '        try:',
  '            return d.read_text(n)',
  '        except Exception:',
  '            return None',
  "    p = getattr(d, '_path', None)",
  "    out.append({'name': d.metadata['Name'], 'version': d.version, 'path': str(p) if p is not None else None, 'installer': text('INSTALLER'), 'direct_url': text('direct_url.json')})",
  "json.dump({'prefix': sys.prefix, 'packages': out}, sys.stdout)",
].join('\n');

interface RawDistribution { name?: unknown; version?: unknown; path?: unknown; installer?: unknown; direct_url?: unknown }

/** The installed distributions of `python` and where each came from (conda-meta, dpkg, INSTALLER). */
export async function installedPackages(ctx: CollectContext, python: string): Promise<{ packages: InstalledPackage[] } | { reason: string }> {
  const outcome = await run(python, ['-c', INVENTORY_SCRIPT], ctx);
  if ('reason' in outcome) return { reason: outcome.reason };
  let raw: { prefix?: unknown; packages?: unknown };
  try {
    raw = JSON.parse(outcome.stdout) as typeof raw;
  } catch {
    return { reason: `${python} printed no package list: ${outcome.stdout.slice(0, 80)}` };
  }
  if (!Array.isArray(raw.packages)) return { reason: `${python} printed no package list` };
  const prefix = typeof raw.prefix === 'string' ? raw.prefix : undefined;
  const packages: InstalledPackage[] = [];
  const seen = new Set<string>();
  for (const d of raw.packages as RawDistribution[]) {
    if (typeof d?.name !== 'string' || typeof d.version !== 'string') continue;
    const name = normalizeName(d.name);
    if (seen.has(name)) continue; // the first on sys.path is the one imported, as pip sees it
    seen.add(name);
    const p: InstalledPackage = { name, version: d.version, origin: 'unknown', indexInstallable: true };
    if (typeof d.path === 'string') p.path = d.path;
    const installer = typeof d.installer === 'string' ? d.installer.trim().split(/\r?\n/)[0]?.trim().slice(0, 40) : undefined;
    if (installer) p.installer = installer;
    const kind = typeof d.direct_url === 'string' ? directUrlKind(d.direct_url) : undefined;
    if (kind) p.directUrlKind = kind;
    p.indexInstallable = kind === undefined && versionInstallable(d.version);
    packages.push(p);
  }
  const conda = prefix ? await condaOwned(prefix) : new Set<string>();
  const dpkg = await dpkgOwners(packages.map((p) => p.path).filter((x): x is string => x !== undefined && /\/dist-packages\//.test(x)), ctx);
  for (const p of packages) {
    const owner = p.path ? dpkg.get(p.path) : undefined;
    if (p.path && conda.has(p.path)) p.origin = 'conda';
    else if (owner) {
      p.origin = 'dpkg';
      p.osPackage = owner.name;
      if (owner.version) p.osPackageVersion = owner.version;
    } else if (p.installer === 'debian') p.origin = 'dpkg';
    else if (p.installer) p.origin = p.installer.toLowerCase();
  }
  return { packages };
}

/** A version pip can ask an index for: PEP 440, with no local label. */
function versionInstallable(version: string): boolean {
  const parsed = parsePep440(version);
  return parsed !== null && parsed !== undefined && !parsed.local;
}

function directUrlKind(text: string): InstalledPackage['directUrlKind'] {
  try {
    const d = JSON.parse(text) as { url?: unknown; vcs_info?: unknown; dir_info?: { editable?: unknown }; archive_info?: unknown };
    if (d.vcs_info) return 'vcs';
    if (d.dir_info) return d.dir_info.editable === true ? 'editable' : 'directory';
    if (d.archive_info || typeof d.url === 'string') return 'archive';
  } catch { /* an unreadable direct_url.json says nothing */ }
  return undefined;
}

/** Metadata directories (absolute) that a conda-meta record of `prefix` lists files of. */
async function condaOwned(prefix: string): Promise<Set<string>> {
  const owned = new Set<string>();
  const dir = resolve(prefix, 'conda-meta');
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json')).slice(0, 20_000)) {
    let record: { files?: unknown };
    try {
      record = JSON.parse(await readFile(resolve(dir, name), 'utf8')) as typeof record;
    } catch {
      continue;
    }
    if (!Array.isArray(record.files)) continue;
    for (const file of record.files) {
      if (typeof file !== 'string') continue;
      const m = /^(.*?\.(?:dist-info|egg-info))(?:\/|$)/.exec(file);
      if (m?.[1]) owned.add(resolve(prefix, m[1]));
    }
  }
  return owned;
}

/** The dpkg package (and its version) owning each path: one `dpkg-query -S` for all paths (per 1000), one `dpkg-query -W` for the versions. */
async function dpkgOwners(paths: string[], ctx: CollectContext): Promise<Map<string, { name: string; version?: string }>> {
  const owners = new Map<string, { name: string; version?: string }>();
  if (!paths.length) return owners;
  // Absolute paths only (nothing an interpreter prints can pass for an option), in chunks that fit a command line.
  const wanted = new Set(paths.filter((p) => p.startsWith('/') && !p.includes('\n')));
  const chunks: string[][] = [];
  for (const path of wanted) {
    if (!chunks.length || (chunks[chunks.length - 1]?.length ?? 0) >= 1000) chunks.push([]);
    chunks[chunks.length - 1]?.push(path);
  }
  let text = '';
  for (const chunk of chunks) {
    const search = await run('dpkg-query', ['-S', ...chunk], ctx);
    // dpkg-query exits 1 when some path is not owned, printing the owned ones all the same.
    text += 'reason' in search ? search.stdout ?? '' : search.stdout;
  }
  for (const line of text.split('\n')) {
    const at = line.indexOf(': /');
    if (at < 0) continue;
    const path = line.slice(at + 2).trim();
    const name = line.slice(0, at).split(',')[0]?.trim();
    if (name && wanted.has(path) && !/^diversion by/.test(name)) owners.set(path, { name });
  }
  const names = [...new Set([...owners.values()].map((o) => o.name))];
  if (!names.length) return owners;
  const versions = await run('dpkg-query', ['-W', '--showformat=${binary:Package}\t${Package}\t${Version}\n', ...names], ctx);
  const byName = new Map<string, string>();
  for (const line of ('reason' in versions ? versions.stdout ?? '' : versions.stdout).split('\n')) {
    const [qualified, plain, version] = line.split('\t');
    if (!version) continue;
    if (qualified) byName.set(qualified, version);
    if (plain) byName.set(plain, version);
  }
  for (const owner of owners.values()) {
    const version = byName.get(owner.name);
    if (version) owner.version = version;
  }
  return owners;
}

function run(file: string, args: string[], ctx: CollectContext): Promise<{ stdout: string } | { reason: string; stdout?: string }> {
  return new Promise((done) => {
    execFile(file, args, {
      cwd: ctx.cwd,
      env: { ...ctx.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' },
      timeout: PIP_FREEZE_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      maxBuffer: 32 * 1024 * 1024,
      encoding: 'utf8',
      windowsHide: true,
    }, (error, stdout, stderr) => {
      if (!error) return done({ stdout });
      const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: string | number; signal?: string };
      if (e.code === 'ENOENT') return done({ reason: `${file} not found` });
      if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return done({ reason: `${file} printed more than 32 MiB` });
      if (e.killed || e.signal === 'SIGKILL') return done({ reason: `timed out after ${PIP_FREEZE_TIMEOUT_MS / 1000} s` });
      const lastLine = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).pop();
      done({ reason: lastLine ?? `exit status ${String(e.code ?? e.signal)}`, stdout });
    });
  });
}
