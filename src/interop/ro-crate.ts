/**
 * RO-Crate export: a bundle becomes a Workflow Run Crate of the Process Run Crate profile
 * (https://w3id.org/ro/wfrun/process/0.5, on RO-Crate 1.1), so a run can be archived and cited.
 *
 * - `ro-crate-metadata.json`: the metadata descriptor, and the root Dataset `./` that conforms to
 *   the profile, `hasPart` the files in the crate and `mentions` one CreateAction per run.
 * - each run (mls:Run) is a CreateAction with the run's PROV id as `@id`: `instrument` the code
 *   (SoftwareSourceCode from reprov:CodeState: repository, commit) or the command it ran,
 *   `object` its data inputs, dependency files and parameters (PropertyValue), `result` its
 *   outputs and metric files, `agent` the people it was associated with, `startTime`, `endTime`,
 *   `actionStatus` (Completed / Failed / Active from reprov:status).
 * - files are `File` (directories `Dataset`) entities with `contentSize` and `sha256` (of the
 *   copy in the crate; a copy that differs from the digest the bundle records is reported). The
 *   bundle's own prov.json and prov.ttl are in the crate too, `about` the run.
 * Only files that lie inside the root directory (the bundle's own by default) are copied: a
 * location that is absolute, climbs out with `..`, is a symbolic link out of it, or is missing
 * is described by its PROV id and not copied, and the export says why, one line each.
 * `sha256` is not in the RO-Crate 1.1 context: it is declared inline as schema.org's term.
 * - the code: a diff of uncommitted changes stored in the bundle (reprov:diffFile) and the run's
 *   entry script (the script its command ran, reprov:entryPoint, taken from the root: the run's
 *   working directory) are copied when they are regular files inside their directory, and are
 *   `hasPart` of the run's `instrument`. An entry script the root does not hold, or an absolute
 *   one outside the recorded working directory (a system program), is left out without a line;
 *   one whose path leaves the root (`..`, a link out) is reported like any other file.
 * The bundle's own files are found as their producer meant them (src/base/side-file.ts: a yProv4ML
 * path that repeats the bundle directory's trailing folders).
 */
import { copyFileSync, createReadStream, mkdirSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Literal, NamedNode, Term } from 'n3';
import { BundleStore } from '../check/bundle-store.js';
import { XSD } from '../prov/namespaces.js';
import { Zip, ZipDeflate } from 'fflate';
import { hashFile } from '../base/hash.js';
import { hasType, isBundleFile, objects } from '../check/graph-query.js';
import { confine, inside, type Refusal } from '../base/confine.js';
import { locateSideFile } from '../base/side-file.js';
import type { LoadedBundle } from '../io/load-bundle.js';
import { dcat, mls, prov, rdf, rdfs, reprov, schema, spdx } from '../prov/vocabulary.js';
import { UserError } from '../base/user-error.js';
import { writeDirectory } from '../base/output-dir.js';
import { withOutput } from '../base/output.js';

export const PROCESS_RUN_CRATE = 'https://w3id.org/ro/wfrun/process/0.5';
export const RO_CRATE_1_1 = 'https://w3id.org/ro/crate/1.1';
export const RO_CRATE_CONTEXT = ['https://w3id.org/ro/crate/1.1/context', { sha256: 'http://schema.org/sha256' }];
const METADATA_FILE = 'ro-crate-metadata.json';
const NUMERIC = new Set(['int', 'long', 'integer', 'short', 'byte', 'double', 'float', 'decimal', 'nonNegativeInteger', 'unsignedInt', 'unsignedLong']);

export interface RoCrateOptions {
  /** A directory, or a `.zip` file. */
  out: string;
  /** The directory the bundle's relative paths are resolved against, and that no copied file may leave (default: the bundle's). */
  root?: string;
  /** Replace a crate reprov wrote earlier (a directory with its marker, or a zip file). */
  overwrite?: boolean;
}

export interface RoCrateExport {
  out: string;
  format: 'directory' | 'zip';
  /** Paths of the files in the crate, the metadata file included. */
  files: string[];
  /** Files the bundle names that are not in the crate, and why: one line each. */
  notCopied: string[];
  /** Copies whose content differs from the digest the bundle records. */
  changed: string[];
}

type Json = Record<string, unknown>;
const ref = (id: string) => ({ '@id': id });
const refs = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => (v as { '@id': string })['@id']);

interface CrateFile {
  /** Path in the crate (POSIX separators). */
  path: string;
  source: string;
}

/** Writes the crate of a loaded bundle to `options.out` (a directory, or a zip when it ends in `.zip`). */
export async function exportRoCrate(bundle: LoadedBundle, options: RoCrateOptions): Promise<RoCrateExport> {
  if (!bundle.baseDir) throw new UserError(`${bundle.file}: read from standard input: the crate needs the bundle's directory (give the bundle's path)`);
  const plan = await planCrate(bundle, resolve(options.root ?? bundle.baseDir));
  const zip = /\.zip$/i.test(options.out);
  const metadata = JSON.stringify(plan.metadata, null, 2) + '\n';
  if (zip) await writeZip(options.out, metadata, plan.files, options.overwrite);
  else {
    await writeDirectory(options.out, { what: 'an RO-Crate', tool: 'reprov export ro-crate', overwrite: options.overwrite }, async (dir) => {
      for (const file of plan.files) {
        const target = join(dir, ...file.path.split('/'));
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(file.source, target);
      }
      writeFileSync(join(dir, METADATA_FILE), metadata);
    });
  }
  return { out: options.out, format: zip ? 'zip' : 'directory', files: [METADATA_FILE, ...plan.files.map((f) => f.path)], notCopied: plan.notCopied, changed: plan.changed };
}

/** The crate's metadata and the files to copy into it. Exported for tests and other writers. */
export async function planCrate(bundle: LoadedBundle, root: string): Promise<{ metadata: Json; files: CrateFile[]; notCopied: string[]; changed: string[] }> {
  const planner = new CratePlanner(bundle, root);
  await planner.plan();
  return { metadata: planner.metadata(), files: planner.files, notCopied: planner.notCopied, changed: planner.changed };
}

class CratePlanner {
  readonly files: CrateFile[] = [];
  readonly notCopied: string[] = [];
  readonly changed: string[] = [];
  private readonly store: BundleStore;
  private readonly entities = new Map<string, Json>();
  private readonly parts: string[] = [];
  private readonly actions: string[] = [];
  private readonly realRoot: string;
  private readonly realBundleDir: string;
  /** Where the bundle's own files (the bundle, its metric files) go in the crate: their place under the root, else the crate's top. */
  private readonly bundlePrefix: string;

  constructor(private readonly bundle: LoadedBundle, private readonly root: string) {
    this.store = new BundleStore(bundle.quads);
    try {
      this.realRoot = realpathSync(root);
    } catch {
      throw new UserError(`--root ${root}: no such directory`);
    }
    this.realBundleDir = realpathSync(bundle.baseDir!);
    this.bundlePrefix = inside(this.realRoot, this.realBundleDir) ? relative(this.realRoot, this.realBundleDir).split(sep).join('/') : '';
  }

  async plan(): Promise<void> {
    const runs = this.store.getSubjects(rdf.type, mls.Run, null).filter((r): r is NamedNode => r.termType === 'NamedNode');
    if (!runs.length) throw new UserError(`${this.bundle.file}: no run (mls:Run) in the bundle: nothing to describe as a Process Run Crate`);
    for (const run of runs) await this.planRun(run);
    await this.planBundleFiles(runs);
  }

  metadata(): Json {
    const runs = this.actions.map((id) => this.entities.get(id)!);
    const names = runs.map((r) => r.name).filter(Boolean);
    const root: Json = {
      '@id': './',
      '@type': 'Dataset',
      conformsTo: ref(PROCESS_RUN_CRATE),
      name: names.length === 1 ? `Provenance of the run ${names[0]}` : `Provenance of ${runs.length} runs`,
      description: `The run${runs.length === 1 ? '' : 's'}, ${runs.length === 1 ? 'its' : 'their'} inputs and outputs and the reprov provenance bundle, as a Process Run Crate.`,
      datePublished: new Date().toISOString(),
      hasPart: this.parts.map(ref),
      mentions: this.actions.map(ref),
    };
    const graph = [
      { '@id': METADATA_FILE, '@type': 'CreativeWork', conformsTo: ref(RO_CRATE_1_1), about: ref('./') },
      root,
      { '@id': PROCESS_RUN_CRATE, '@type': 'CreativeWork', name: 'Process Run Crate', version: '0.5' },
      { '@id': RO_CRATE_1_1, '@type': 'CreativeWork', name: 'RO-Crate', version: '1.1' },
      ...this.entities.values(),
    ];
    return { '@context': RO_CRATE_CONTEXT, '@graph': graph.map(withoutUndefined) };
  }

  private objects(node: Term, predicate: NamedNode): Term[] {
    return objects(this.store, node, predicate);
  }

  private hasType(node: Term, type: NamedNode): boolean {
    return hasType(this.store, node, type);
  }

  private values(node: Term, predicate: NamedNode): string[] {
    return this.objects(node, predicate).map((o) => o.value);
  }

  private first(node: Term, predicate: NamedNode): string | undefined {
    return this.values(node, predicate)[0];
  }

  /** A literal as JSON: numbers and booleans typed as such in the bundle become JSON numbers and booleans. */
  private json(node: Term, predicate: NamedNode): string | number | boolean | undefined {
    const term = this.objects(node, predicate)[0];
    if (term?.termType !== 'Literal') return term?.value;
    const type = (term as Literal).datatype.value.replace(XSD, '');
    if (type === 'boolean') return term.value === 'true' || term.value === '1';
    const n = Number(term.value);
    return NUMERIC.has(type) && Number.isFinite(n) && String(n) === term.value.replace(/^\+/, '') ? n : term.value;
  }

  private async planRun(run: NamedNode): Promise<void> {
    const used = this.objects(run, prov.used);
    const contexts = this.store.getSubjects(prov.wasInformedBy, run, null);
    const generated = [run, ...contexts].flatMap((activity) => this.store.getSubjects(prov.wasGeneratedBy, activity, null));

    const object: string[] = [];
    for (const entity of used) {
      if (this.hasType(entity, reprov.Parameter) || this.hasType(entity, reprov.Seed)) object.push(this.propertyValue(entity));
      else if ([reprov.File, reprov.Directory, dcat.Dataset, mls.Dataset, reprov.DependencyFile].some((t) => this.hasType(entity, t))) object.push(await this.dataEntity(entity));
    }
    const result: string[] = [];
    for (const entity of new Set(generated)) {
      if ([reprov.File, reprov.Directory, mls.Model, reprov.Artifact, reprov.Metric].some((t) => this.hasType(entity, t))) result.push(await this.dataEntity(entity));
    }
    const agents = this.objects(run, prov.wasAssociatedWith).filter((a) => this.hasType(a, prov.Person)).map((agent) => {
      this.entities.set(agent.value, { '@id': agent.value, '@type': 'Person', name: this.first(agent, rdfs.label) ?? agent.value });
      return agent.value;
    });
    const status = this.first(run, reprov.status);
    const command = used.find((e) => this.hasType(e, reprov.Command));
    const instrument = this.instrument(run, used, command);
    await this.planCode(instrument, used, command);
    const action: Json = {
      '@id': run.value,
      '@type': 'CreateAction',
      name: this.first(run, rdfs.label) ?? this.first(run, reprov.experiment) ?? run.value,
      description: command && (this.first(command, reprov.commandLine) ?? this.first(command, reprov.entryPoint)),
      startTime: this.first(run, prov.startedAtTime),
      endTime: this.first(run, prov.endedAtTime),
      instrument: ref(instrument),
      object: object.length ? object.map(ref) : undefined,
      result: result.length ? result.map(ref) : undefined,
      agent: agents.length ? agents.map(ref) : undefined,
      actionStatus: status && ref(`http://schema.org/${status === 'succeeded' ? 'Completed' : status === 'running' ? 'Active' : 'Failed'}ActionStatus`),
      error: status && !['succeeded', 'running'].includes(status) ? `the run ended ${status}` : undefined,
    };
    this.entities.set(run.value, action);
    this.actions.push(run.value);
  }

  /** The code the run executed: its code state, else its command, else a placeholder saying the bundle does not tell. */
  private instrument(run: NamedNode, used: Term[], command: Term | undefined): string {
    const code = used.find((e) => this.hasType(e, reprov.CodeState));
    if (code) {
      const repository = this.first(code, schema.codeRepository);
      this.entities.set(code.value, {
        '@id': code.value,
        '@type': 'SoftwareSourceCode',
        name: (command && this.first(command, reprov.entryPoint)) ?? repository?.replace(/\.git$/, '').split('/').pop() ?? 'code',
        codeRepository: repository,
        version: this.first(code, reprov.commit),
        description: this.codeDescription(code),
      });
      return code.value;
    }
    if (command) {
      this.entities.set(command.value, { '@id': command.value, '@type': 'SoftwareApplication', name: this.first(command, reprov.entryPoint) ?? this.first(command, reprov.commandLine) ?? 'command' });
      return command.value;
    }
    const id = `${run.value}#software`;
    this.entities.set(id, { '@id': id, '@type': 'SoftwareApplication', name: 'unrecorded code', description: 'The bundle does not record the code or command the run executed.' });
    return id;
  }

  /** The code files of a run, `hasPart` of its instrument: the stored diff of its uncommitted changes, and its entry script. */
  private async planCode(instrument: string, used: Term[], command: Term | undefined): Promise<void> {
    const parts: string[] = [];
    for (const code of used.filter((e) => this.hasType(e, reprov.CodeState))) {
      for (const diff of this.values(code, reprov.diffFile)) {
        const found = this.inside(diff, true);
        if (!('path' in found)) {
          this.notCopied.push(`${diff} (${code.value}, the stored diff): ${found.reason}; not copied`);
          continue;
        }
        if (!statSync(found.real).isFile()) {
          this.notCopied.push(`${diff} (${code.value}, the stored diff): not a regular file; not copied`);
          continue;
        }
        if (!this.entities.has(found.id)) {
          const { sha256, bytes } = await hashFile(found.real, { progress: false });
          this.files.push({ path: found.path, source: found.real });
          this.parts.push(found.id);
          this.entities.set(found.id, {
            '@id': found.id, '@type': 'File', name: 'uncommitted changes (git diff HEAD)', identifier: code.value,
            description: `The uncommitted changes the run's code had on top of commit ${this.first(code, reprov.commit) ?? '(unrecorded)'}, as stored in the bundle (secrets redacted): apply with git apply.`,
            encodingFormat: 'text/x-diff', contentSize: bytes, sha256,
          });
        }
        parts.push(found.id);
      }
    }
    const script = command && this.entryScript(command, used);
    if (script) parts.push(await this.addEntryScript(script, command!));
    if (!parts.length) return;
    const entity = this.entities.get(instrument)!;
    entity.hasPart = [...refs(entity.hasPart), ...parts.filter((p) => !refs(entity.hasPart).includes(p))].map(ref);
  }

  /**
   * The entry script's place under the root, when the command names a script file that is a
   * regular file there (an absolute path recorded under the run's working directory counts by its
   * place in it); undefined when there is none at hand. A path refused by `confine` is reported.
   */
  private entryScript(command: Term, used: Term[]): { path: string; real: string; id: string; named: string } | undefined {
    const named = this.first(command, reprov.entryPoint)?.trim();
    if (!named || named.startsWith('-') || /^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(named)) return undefined; // `-m package`, `-c code`, a URL
    let location = named;
    if (isAbsolute(named)) {
      const workingDirectories = used.filter((e) => this.hasType(e, reprov.Environment)).flatMap((e) => this.values(e, reprov.workingDirectory));
      const under = workingDirectories.find((dir) => isAbsolute(dir) && inside(dir, resolve(named)));
      if (under) location = relative(under, resolve(named)).split(sep).join('/');
    }
    const where = confine(this.realRoot, location);
    if (!where.ok) {
      // An absolute path outside the working directory is a program of the system (`/usr/bin/make`), not the run's code: left out without a line.
      if (where.problem !== 'absolute') this.notCopied.push(`${named} (${command.value}, the entry script): ${this.refused(where.problem, this.root)}; not copied`);
      return undefined;
    }
    // A regular file only: a directory, a FIFO or a device named by the bundle is not code to archive.
    if (!statSync(where.absolute, { throwIfNoEntry: false })?.isFile()) return undefined;
    const path = relative(this.realRoot, resolve(this.realRoot, location)).split(sep).join('/');
    return { path, real: where.absolute, id: path.split('/').map(encodeURIComponent).join('/'), named };
  }

  private async addEntryScript(script: { path: string; real: string; id: string; named: string }, command: Term): Promise<string> {
    const existing = this.entities.get(script.id);
    if (existing) return script.id;
    const { sha256, bytes } = await hashFile(script.real, { progress: false });
    this.files.push({ path: script.path, source: script.real });
    this.parts.push(script.id);
    this.entities.set(script.id, {
      '@id': script.id, '@type': ['File', 'SoftwareSourceCode'], name: basename(script.path), identifier: command.value,
      programmingLanguage: this.first(command, schema.programmingLanguage),
      description: `The run's entry script (${script.named}), as the run's working directory holds it at export time: the run's code is the recorded commit plus its uncommitted changes.`,
      encodingFormat: encodingFormat(script.path), contentSize: bytes, sha256,
    });
    return script.id;
  }

  private codeDescription(code: Term): string | undefined {
    const dirty = this.first(code, reprov.dirty);
    const branch = this.first(code, reprov.branch);
    const parts = [branch && `branch ${branch}`, dirty === 'true' ? 'with uncommitted changes' : dirty === 'false' ? 'clean working tree' : undefined];
    const text = parts.filter(Boolean).join(', ');
    return text || undefined;
  }

  private propertyValue(entity: Term): string {
    this.entities.set(entity.value, {
      '@id': entity.value,
      '@type': 'PropertyValue',
      name: this.first(entity, rdfs.label) ?? entity.value,
      value: this.json(entity, prov.value),
      description: this.hasType(entity, reprov.Seed) ? `random seed${this.first(entity, reprov.rng) ? ` (${this.first(entity, reprov.rng)})` : ''}` : undefined,
    });
    return entity.value;
  }

  /** A file or directory the bundle names: copied into the crate when it lies inside the root, described by its PROV id otherwise. */
  private async dataEntity(entity: Term): Promise<string> {
    const location = this.first(entity, reprov.metricFile) ?? this.first(entity, prov.atLocation);
    const directory = this.hasType(entity, reprov.Directory);
    const recorded = this.recordedSha256(entity);
    const name = this.first(entity, rdfs.label) ?? location ?? entity.value;
    // A run's metric files live in its bundle (docs/vocabulary.md); what it read and wrote, under the root.
    const inBundle = isBundleFile(this.store, entity);
    const found = location === undefined ? { reason: 'the bundle names no location' } : this.inside(location, inBundle);
    if ('path' in found) {
      const existing = this.entities.get(found.id);
      if (existing) return found.id;
      const copied = directory ? this.addDirectory(found.path, found.real) : await this.addFile(found.path, found.real, recorded, entity);
      this.entities.set(found.id, { '@id': found.id, '@type': directory ? 'Dataset' : 'File', name, identifier: entity.value, ...copied });
      this.parts.push(found.id);
      return found.id;
    }
    this.notCopied.push(`${location ?? entity.value} (${entity.value}): ${found.reason}; not copied`);
    this.entities.set(entity.value, {
      '@id': entity.value,
      '@type': directory ? 'Dataset' : 'File',
      name,
      alternateName: location,
      description: `Not in the crate: ${found.reason}.`,
      contentSize: this.json(entity, dcat.byteSize),
      sha256: directory ? undefined : recorded[0],
    });
    return entity.value;
  }

  private recordedSha256(entity: Term): string[] {
    return this.objects(entity, spdx.checksum)
      .filter((c) => this.objects(c, spdx.algorithm).some((a) => a.equals(spdx.checksumAlgorithm_sha256)))
      .flatMap((c) => this.values(c, spdx.checksumValue).map((v) => v.trim().toLowerCase()));
  }

  /**
   * Where a location lies: inside the root, or for the bundle's own files inside the bundle's
   * directory (its crate path and real path), or the reason it is not copied.
   */
  private inside(location: string, inBundle: boolean): { path: string; real: string; id: string } | { reason: string } {
    if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(location) && !/^file:/i.test(location)) return { reason: 'a remote location' };
    const [base, shown] = inBundle ? [this.realBundleDir, this.bundle.baseDir!] : [this.realRoot, this.root];
    // Found as their producer meant them: a yProv4ML path, written from the directory the run started in, repeats the trailing folders of the bundle's directory (the default root).
    const where = locateSideFile(base, location, { alias: shown });
    if (!where.ok) return { reason: this.refused(where.problem, shown) };
    const local = relative(base, resolve(base, where.path)).split(sep).join('/');
    if (!local) return { reason: `${shown} itself: only files inside it are copied` };
    const stats = statSync(where.absolute, { throwIfNoEntry: false });
    if (!stats) return { reason: `not found in ${shown}` };
    if (!stats.isFile() && !stats.isDirectory()) return { reason: 'not a regular file or directory' };
    const path = inBundle && this.bundlePrefix ? `${this.bundlePrefix}/${local}` : local;
    const id = path.split('/').map(encodeURIComponent).join('/') + (stats.isDirectory() ? '/' : '');
    return { path, real: where.absolute, id };
  }

  private refused(problem: Refusal, base: string): string {
    switch (problem) {
      case 'absolute': return `an absolute path: only files inside ${base} are copied`;
      case 'leaves': return `it leaves ${base} (..): only files inside it are copied`;
      case 'link': return `a symbolic link out of ${base}: it is not copied`;
      case 'nul': return 'the path holds a NUL character';
    }
  }

  private async addFile(path: string, real: string, recorded: string[], entity: Term): Promise<Json> {
    const { sha256, bytes } = await hashFile(real, { progress: false });
    if (recorded.length && !recorded.includes(sha256)) this.changed.push(`${path} (${entity.value}): its SHA-256 is ${sha256}, the bundle records ${recorded.join(', ')}`);
    this.files.push({ path, source: real });
    return { contentSize: bytes, sha256, encodingFormat: encodingFormat(path) };
  }

  /** The regular files below a directory (symbolic links and special files are left out); its total size. */
  private addDirectory(path: string, real: string): Json {
    let bytes = 0;
    const walk = (relativeDir: string) => {
      for (const entry of readdirSync(join(real, relativeDir), { withFileTypes: true })) {
        const rel = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(rel);
        else if (entry.isFile()) {
          const source = join(real, rel);
          bytes += statSync(source).size;
          this.files.push({ path: `${path}/${rel}`, source });
        }
      }
    };
    walk('');
    return { contentSize: bytes };
  }

  /** The bundle file itself and its sibling prov.json / prov.ttl, `about` the runs. */
  private async planBundleFiles(runs: NamedNode[]): Promise<void> {
    const dir = this.bundle.baseDir!;
    const names = new Set([basename(this.bundle.file), 'prov.json', 'prov.ttl']);
    for (const name of names) {
      const source = join(dir, name);
      if (!statSync(source, { throwIfNoEntry: false })?.isFile()) continue;
      const path = this.bundlePrefix ? `${this.bundlePrefix}/${name}` : name;
      const id = path.split('/').map(encodeURIComponent).join('/');
      if (this.entities.has(id)) continue;
      const { sha256, bytes } = await hashFile(source, { progress: false });
      this.files.push({ path, source });
      this.parts.push(id);
      this.entities.set(id, {
        '@id': id,
        '@type': 'File',
        name: `reprov provenance bundle (${name.endsWith('.ttl') ? 'Turtle' : name.endsWith('.json') ? 'PROV-JSON' : 'RDF'})`,
        encodingFormat: encodingFormat(name),
        contentSize: bytes,
        sha256,
        about: runs.map((r) => ref(r.value)),
      });
    }
  }
}


const FORMATS: Record<string, string> = {
  csv: 'text/csv', json: 'application/json', jsonld: 'application/ld+json', ttl: 'text/turtle', txt: 'text/plain',
  yaml: 'application/yaml', yml: 'application/yaml', diff: 'text/x-diff', md: 'text/markdown', nt: 'application/n-triples',
};

function encodingFormat(path: string): string | undefined {
  return FORMATS[path.split('.').pop()?.toLowerCase() ?? ''];
}

function withoutUndefined(entity: Json): Json {
  return Object.fromEntries(Object.entries(entity).filter(([, v]) => v !== undefined));
}

/** Streams the crate into a zip written beside `out` and renamed into place when complete (through the one output writer). */
async function writeZip(out: string, metadata: string, files: CrateFile[], overwrite = false): Promise<void> {
  const target = resolve(out);
  const existing = statSync(target, { throwIfNoEntry: false });
  if (existing?.isFile() && !overwrite) throw new UserError(`${out} already exists: pass --overwrite to replace it, or choose another file`);
  mkdirSync(dirname(target), { recursive: true });
  await withOutput(target, (sink) => new Promise<void>((done, fail) => {
    const zip = new Zip((error, chunk, final) => {
      if (error) return fail(error);
      try {
        sink.write(chunk);
      } catch (writeError) {
        return fail(writeError);
      }
      if (final) done();
    });
    const add = async () => {
      const meta = new ZipDeflate(METADATA_FILE, { level: 6 });
      zip.add(meta);
      meta.push(new TextEncoder().encode(metadata), true);
      for (const file of files) {
        const entry = new ZipDeflate(file.path, { level: 6 });
        zip.add(entry);
        for await (const chunk of createReadStream(file.source)) entry.push(chunk as Uint8Array, false);
        entry.push(new Uint8Array(0), true);
      }
      zip.end();
    };
    add().catch(fail);
  }));
}
