import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Term } from 'n3';
import type { GraphStore as Store } from '../src/check/bundle-store.js';
import { focusName } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import type { CheckInput, Finding } from '../src/check/types.js';
import { DIRECTORY_DIGEST_METHOD, hashDirectory, hashFile } from '../src/base/hash.js';
import type { Refusal } from '../src/base/confine.js';
import { locateSideFile } from '../src/base/side-file.js';
import { prov, rdf, reprov, spdx } from '../src/prov/vocabulary.js';

const example = (sha256: string) => `<urn:r/run> a prov:Activity, mls:Run .
<urn:r/context/training> a prov:Activity, reprov:Context ; prov:wasInformedBy <urn:r/run> .
<urn:r/metric/training/loss> a prov:Entity, mls:ModelEvaluation, reprov:Metric ; reprov:metricFile "metrics/loss_training_reprov_GR0.csv" ; prov:atLocation "metrics/loss_training_reprov_GR0.csv" ; prov:wasGeneratedBy <urn:r/context/training> ; spdx:checksum <urn:r/metric/training/loss/checksum/sha256> .
<urn:r/metric/training/loss/checksum/sha256> a prov:Entity, spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "${sha256}" .`;
const LOSS_CSV = 'loss,training,reprov\n0,0.9,1714564800000,0\n1,0.5,1714564860000,1\n';

const meta = {
  id: 'RPV-M004',
  title: 'Files the bundle names exist and match',
  category: 'provenance',
  severity: 'error',
  weight: 8,
  description: 'Every file the bundle names as part of the run\'s record (a reprov:metricFile, or the prov:atLocation of a reprov:Metric) exists under the bundle\'s directory and, when the node records a SHA-256 checksum, has that digest. A path whose head repeats the bundle directory\'s own trailing folders (yProv4ML names `examples/prov/mnist_exp_0/metrics/loss.nc` from the directory the run started in) is also looked for with that head dropped. Severity: a file that is present with another digest (or is not the kind of file recorded, or cannot be read) is an error; a file that is absent is a warning, saying the files were not at hand (a bundle checked on its own, as CI linting a committed bundle file does). A path that leaves the bundle directory (absolute, `..`, or a symbolic link out of it) is an error and is never read. Applies when the bundle\'s directory is known and the bundle names such files.',
  why: 'The bundle is the evidence of what the run produced: its metric curves and outputs are in those files. A missing file leaves a claim nobody can inspect; a file whose digest differs was changed after the run (or belongs to another run), so its numbers are not the ones the bundle describes. A path outside the bundle points at whatever is on the reader\'s machine.',
  fix: 'Keep the bundle directory whole when copying or archiving it (metrics/ and artifacts/ beside prov.json), name files relative to the bundle, and do not edit files after the run; if a file was replaced on purpose, record the run again.',
  example: {
    failing: example('0f5e2b7c1d9a4e8b3c6f0a2d5e8b1c4f7a0d3e6b9c2f5a8d1e4b7c0f3a6d9e2b'),
    passing: example('d8e36c68cad9734059dd38088a75ae1baa352072cd4d425bcf57725b8d49bbb7'),
    files: { 'metrics/loss_training_reprov_GR0.csv': LOSS_CSV },
  },
} as const;

/**
 * The files the documented examples need in the bundle directory (path relative to it -> content):
 * the rule looks at files, so its examples only fail and pass with these written into a directory
 * passed as `baseDir` (without one the rule does not apply). The passing example records the
 * SHA-256 of this content; the failing one records another digest (the file changed after the run).
 */


const all = (store: Store, s: Term | null, p: Term | null, o: Term | null) => store.getQuads(s, p, o, null);
const typed = (store: Store, node: Term, type: Term) => all(store, node, rdf.type, type).length > 0;
const key = (term: Term) => `${term.termType}:${term.value}`;

interface NamedFile {
  node: Term;
  path: string;
  /** The property that names it. */
  via: string;
}

/** A location that is not a file at hand: a remote URL (`s3://`, `https://`, ...), or nothing. */
const isRemote = (path: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(path) && !/^file:\/\//i.test(path);

function namedFiles(input: CheckInput): NamedFile[] {
  const { store } = input;
  const files = new Map<string, NamedFile>();
  const add = (node: Term, path: Term, via: Term) => {
    const value = path.value.trim();
    if (value === '' || isRemote(value)) return;
    const id = `${key(node)}\u0000${value}`;
    if (!files.has(id)) files.set(id, { node, path: value, via: focusName(input, via) });
  };
  for (const q of all(store, null, reprov.metricFile, null)) add(q.subject, q.object, q.predicate);
  for (const q of all(store, null, prov.atLocation, null)) {
    const metric = typed(store, q.subject, reprov.Metric);
    if (metric) add(q.subject, q.object, q.predicate);
  }
  return [...files.values()];
}

const REFUSED: Record<Refusal, string> = {
  absolute: 'is an absolute path: a bundle names its files relative to its own directory, and a path outside it is not read',
  leaves: 'leaves the bundle directory (..): a path outside it is not read',
  link: 'is a symbolic link out of the bundle directory: it is not read',
  nul: 'holds a NUL character: it is not read',
};

function recordedSha256(store: Store, node: Term): string[] {
  return all(store, node, spdx.checksum, null)
    .filter((c) => all(store, c.object, spdx.algorithm, null).some((a) => /(^|[#/_])sha-?256$/i.test(a.object.value)))
    .flatMap((c) => all(store, c.object, spdx.checksumValue, null).map((v) => v.object.value.trim().toLowerCase()));
}

const short = (hex: string) => (hex.length > 16 ? `${hex.slice(0, 12)}…` : hex);

/** What is wrong with one named file (an absent file is a warning), or undefined when it is there and matches. Never reads outside `base`. */
async function problem(input: CheckInput, base: string, file: NamedFile): Promise<string | { absent: string } | undefined> {
  const { store } = input;
  const named = `${file.path} (${file.via})`;
  const where = locateSideFile(base, file.path, { alias: input.baseDir });
  if (!where.ok) return `${named} ${where.path === file.path ? '' : `(looked for as ${where.path}) `}${REFUSED[where.problem]}`;
  const real = where.absolute;
  let stats;
  try {
    stats = statSync(real);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? { absent: `${named} is not at hand: no such file in the bundle directory (the bundle was checked without its files, or they were lost when it was copied), so its content cannot be inspected` }
      : `${named} cannot be read (${code ?? String(error)})`;
  }
  const directory = typed(store, file.node, reprov.Directory);
  if (stats.isDirectory() && !directory) return `${named} is a directory, but the bundle describes a file`;
  if (!stats.isDirectory() && !stats.isFile()) return `${named} is not a regular file`;
  if (!stats.isDirectory() && directory) return `${named} is a file, but the bundle describes a directory`;
  const recorded = recordedSha256(store, file.node);
  if (!recorded.length) return undefined; // nothing to compare with (RPV-D003 asks outputs for a checksum)
  if (directory) {
    const method = all(store, file.node, reprov.digestMethod, null)[0]?.object.value;
    if (method !== undefined && method !== DIRECTORY_DIGEST_METHOD) return undefined; // a digest reprov cannot recompute
  }
  let actual: string;
  try {
    // Symbolic links inside a directory are hashed by their target's name, never followed.
    actual = directory ? (await hashDirectory(real, { progress: false })).sha256 : (await hashFile(real, { progress: false })).sha256;
  } catch (error) {
    return `${named} cannot be read (${error instanceof Error ? error.message : String(error)})`;
  }
  if (recorded.includes(actual)) return undefined;
  return `${named} has changed since the run: its SHA-256 is ${short(actual)}, the bundle records ${recorded.map(short).join(', ')}`;
}

export default defineRule({
  meta,
  async check(input) {
    const files = namedFiles(input);
    if (!files.length) return notApplicable('the bundle names no metric file or output file of its runs');
    if (input.baseDir === undefined) return notApplicable('the bundle\'s files are not at hand (no directory to resolve them against)');
    let base: string;
    try {
      base = realpathSync(resolve(input.baseDir));
    } catch {
      return notApplicable(`the bundle's directory ${input.baseDir} cannot be read`);
    }
    const out: Finding[] = [];
    for (const file of files) {
      const what = await problem(input, base, file);
      if (typeof what === 'string') out.push(finding(input, meta, file.node, what));
      else if (what) out.push({ ...finding(input, meta, file.node, what.absent), severity: 'warning' });
    }
    return findings(out);
  },
});
