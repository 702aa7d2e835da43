/**
 * Interoperability with independent RDF and PROV implementations: every document of the
 * python3-prov corpus (398 PROV-JSON files) is converted to every output format, and
 *  - raptor (`rapper`) must parse every Turtle, N-Triples, N-Quads and TriG file, with as many
 *    statements as we wrote;
 *  - rdflib must load every RDF file (JSON-LD included) with as many distinct triples as our
 *    quads hold, and the Python `prov` package must read every PROV-JSON file we wrote.
 * Python runs once for the whole corpus (a script written into the temp dir); rapper runs from
 * two shell loops, so that ~1600 parses cost ~1600 forks of bash rather than of node.
 *
 * Off CI a missing tool skips its tests; on CI (`CI` set) a missing tool fails them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Quad, Term } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvDataset } from '../src/io/dataset.js';
import type { Format } from '../src/io/formats.js';
import { readProv } from '../src/io/read.js';
import { quadsFor, writeProv } from '../src/io/write.js';

const CORPUS = '/usr/lib/python3/dist-packages/prov/tests/json';
const PYTHON = '/usr/bin/python3';
const ON_CI = !!process.env.CI;

const corpusPresent = existsSync(CORPUS);
const rapperPresent = spawnSync('rapper', ['--version'], { stdio: 'ignore' }).status === 0;
const pythonPresent = spawnSync(PYTHON, ['-c', 'import prov, rdflib'], { stdio: 'ignore' }).status === 0;

interface Output {
  format: Format;
  extension: string;
  /** rapper's name for the syntax; none for JSON-LD (raptor has no JSON-LD parser). */
  rapper?: string;
  /** rdflib's format name; for PROV-JSON, `prov` reads it instead. */
  rdflib?: string;
}

const OUTPUTS: readonly Output[] = [
  { format: 'turtle', extension: 'ttl', rapper: 'turtle', rdflib: 'turtle' },
  { format: 'ntriples', extension: 'nt', rapper: 'ntriples', rdflib: 'nt' },
  { format: 'nquads', extension: 'nq', rapper: 'nquads', rdflib: 'nquads' },
  { format: 'trig', extension: 'trig', rapper: 'trig', rdflib: 'trig' },
  { format: 'jsonld', extension: 'jsonld', rdflib: 'json-ld' },
  { format: 'provjson', extension: 'json' },
];

/** One written file and what we know about its content. */
interface Written {
  document: string;
  output: Output;
  path: string;
  /** Statements written (duplicates included): what a streaming parser counts. */
  statements: number;
  /** Distinct statements: what a graph store holds. */
  distinct: number;
}

function termKey(term: Term): string {
  if (term.termType === 'Literal') {
    const literal = term as Term & { language: string; datatype: Term };
    return `${JSON.stringify(literal.value)}@${literal.language}^^${literal.datatype.value}`;
  }
  return term.termType === 'DefaultGraph' ? '' : `${term.termType}:${term.value}`;
}

function distinctCount(quads: Quad[]): number {
  return new Set(quads.map((q) => [q.subject, q.predicate, q.object, q.graph].map(termKey).join(' '))).size;
}

/**
 * Reads a file list (`syntax<TAB>path` lines) and runs rapper on each, printing
 * `path<TAB>exit status<TAB>rapper's messages on one line`.
 */
const RAPPER_LOOP = [
  'while IFS=$\'\\t\' read -r syntax file; do',
  '  out=$(rapper -i "$syntax" -c "$file" 2>&1); rc=$?; out=${out//$\'\\n\'/ }',
  '  printf \'%s\\t%s\\t%s\\n\' "$file" "$rc" "${out//$\'\\t\'/ }"',
  'done < "$1"',
].join('\n');

const PYTHON_SCRIPT = String.raw`
import json, sys, warnings, logging
warnings.simplefilter('ignore')
logging.disable(logging.CRITICAL)
import rdflib
import prov
# Count statements as written: no folding of "01"^^xsd:int into "1"^^xsd:int.
rdflib.NORMALIZE_LITERALS = False

jobs = json.load(open(sys.argv[1]))
report = {'rdf': {}, 'prov': {}, 'failures': []}
for job in jobs:
    path, kind = job['path'], job['kind']
    try:
        if kind == 'prov':
            document = prov.read(path, format='json')
            records = len(document.get_records()) + sum(len(b.get_records()) for b in document.bundles)
            report['prov'][path] = {'records': records, 'bundles': len(list(document.bundles))}
        else:
            dataset = rdflib.Dataset()
            dataset.parse(path, format=kind)
            report['rdf'][path] = {'triples': sum(1 for _ in dataset.quads((None, None, None, None)))}
    except Exception as error:
        report['failures'].append({'path': path, 'kind': kind, 'error': type(error).__name__ + ': ' + str(error)[:500]})
json.dump(report, sys.stdout)
`;

interface PythonReport {
  rdf: Record<string, { triples: number }>;
  prov: Record<string, { records: number; bundles: number }>;
  failures: { path: string; kind: string; error: string }[];
}

function run(command: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe.skipIf(!corpusPresent && !ON_CI)('interoperability with raptor, rdflib and python prov (python3-prov corpus)', () => {
  let dir = '';
  const written: Written[] = [];
  const bundlesByDocument = new Map<string, number>();
  const conversionErrors: string[] = [];

  it.runIf(ON_CI)('has its tools on CI: the corpus, rapper, and /usr/bin/python3 with prov and rdflib', () => {
    expect({ corpusPresent, rapperPresent, pythonPresent }).toEqual({ corpusPresent: true, rapperPresent: true, pythonPresent: true });
  });

  beforeAll(async () => {
    if (!corpusPresent) return;
    dir = mkdtempSync(join(tmpdir(), 'reprov-interop-'));
    for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort()) {
      const document = file.replace(/\.json$/, '');
      const json = readFileSync(join(CORPUS, file), 'utf8');
      bundlesByDocument.set(document, Object.keys((JSON.parse(json) as { bundle?: object }).bundle ?? {}).length);
      let dataset: ProvDataset;
      try {
        dataset = await readProv(json, { format: 'provjson', file });
      } catch (error) {
        conversionErrors.push(`${document}: readProv: ${(error as Error).message}`);
        continue;
      }
      for (const output of OUTPUTS) {
        try {
          const text = await writeProv(dataset, output.format, { mergeBundles: true });
          const path = join(dir, `${document}.${output.extension}`);
          writeFileSync(path, text);
          const quads = quadsFor(output.format, dataset.quads, { mergeBundles: true });
          written.push({ document, output, path, statements: quads.length, distinct: distinctCount(quads) });
        } catch (error) {
          conversionErrors.push(`${document}: writeProv ${output.format}: ${(error as Error).message}`);
        }
      }
    }
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('converts all 398 documents to the six formats', () => {
    expect(conversionErrors).toEqual([]);
    expect(bundlesByDocument.size).toBe(398);
    expect(written).toHaveLength(398 * OUTPUTS.length);
  });

  it.skipIf(!rapperPresent && !ON_CI)('rapper parses every Turtle, N-Triples, N-Quads and TriG file, with the statement count we wrote', async () => {
    const jobs = written.filter((w) => w.output.rapper);
    // Two loops for two cores; each takes every other file.
    const halves = [0, 1].map((half) => jobs.filter((_, i) => i % 2 === half));
    writeFileSync(join(dir, 'rapper.sh'), RAPPER_LOOP);
    const results = await Promise.all(halves.map((half, i) => {
      const list = join(dir, `rapper-${i}.tsv`);
      writeFileSync(list, half.map((w) => `${w.output.rapper}\t${w.path}\n`).join(''));
      return run('bash', [join(dir, 'rapper.sh'), list]);
    }));
    const lines = results.flatMap((r) => r.stdout.split('\n').filter(Boolean));
    expect(results.map((r) => r.stderr).join('')).toBe('');
    expect(lines).toHaveLength(jobs.length);

    const byPath = new Map(jobs.map((w) => [w.path, w]));
    const failures: string[] = [];
    for (const line of lines) {
      const [path = '', status = '', messages = ''] = line.split('\t');
      const job = byPath.get(path)!;
      const count = /Parsing returned (\d+) triples?/.exec(messages)?.[1];
      if (status !== '0' || /rapper: (Error|Warning)/.test(messages)) failures.push(`${path}: exit ${status}: ${messages}`);
      else if (Number(count) !== job.statements) failures.push(`${path}: rapper read ${count} statements, we wrote ${job.statements}`);
    }
    expect(failures).toEqual([]);
  }, 90_000);

  it.skipIf(!pythonPresent && !ON_CI)('rdflib loads every RDF file and python prov reads every PROV-JSON file', async () => {
    const jobs = written.map((w) => ({ path: w.path, kind: w.output.rdflib ?? 'prov' }));
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    writeFileSync(join(dir, 'load.py'), PYTHON_SCRIPT);
    const { status, stdout, stderr } = await run(PYTHON, [join(dir, 'load.py'), join(dir, 'jobs.json')]);
    expect(status, stderr).toBe(0);
    const report = JSON.parse(stdout) as PythonReport;
    expect(report.failures).toEqual([]);

    // As many files loaded as written, per format.
    const loaded = (kind: string) => jobs.filter((j) => j.kind === kind && (kind === 'prov' ? report.prov[j.path] : report.rdf[j.path])).length;
    for (const output of OUTPUTS) {
      expect(loaded(output.rdflib ?? 'prov'), output.format).toBe(written.filter((w) => w.output === output).length);
    }

    // rdflib holds exactly the distinct statements we wrote.
    const mismatches = written.filter((w) => w.output.rdflib && report.rdf[w.path]!.triples !== w.distinct)
      .map((w) => `${w.path}: rdflib ${report.rdf[w.path]!.triples}, ours ${w.distinct}`);
    expect(mismatches).toEqual([]);

    // prov sees the bundles the corpus document has.
    const bundleMismatches = written.filter((w) => w.output.format === 'provjson' && report.prov[w.path]!.bundles !== bundlesByDocument.get(w.document))
      .map((w) => `${w.document}: prov reads ${report.prov[w.path]!.bundles} bundles, the corpus document has ${bundlesByDocument.get(w.document)}`);
    expect(bundleMismatches).toEqual([]);
  }, 90_000);
});
