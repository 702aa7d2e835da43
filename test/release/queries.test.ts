/**
 * `reprov query` through the built CLI: every query of docs/queries.md's cookbook run over bundles
 * recorded through the CLI (and imported yProv4ML runs), its answer compared with rdflib's
 * (Debian's /usr/bin/python3) over the same bundles' Turtle, one named graph each; formats, bad
 * queries and unparsable bundles.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { DATA_SHA256, expectOneLineError, importYProv4ML, QUERIES, recordSweep, rows, SWEEP, YPROV4ML_FIXTURES, type Results } from './sweep.js';

let root: string;
/** The directories queried: the sweep and the imported yProv4ML runs. */
let paths: string[];

let cacheDir: string;

beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'reprov-cache-'));
  process.env.REPROV_CACHE_DIR = cacheDir;
  root = recordSweep();
  importYProv4ML(root);
  paths = [join(root, 'runs'), join(root, 'yprov')];
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

function turtleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'metrics' ? [] : turtleFiles(full);
    return name === 'prov.ttl' ? [full] : [];
  });
}

const RDFLIB = `
import json, sys
from rdflib import Dataset, URIRef
spec = json.load(sys.stdin)
ds = Dataset(default_union=True)
for path, iri in spec["graphs"]:
    ds.graph(URIRef(iri)).parse(path, format="turtle")
sys.stdout.write(ds.query(spec["query"]).serialize(format="json").decode("utf-8"))
`;

/** The same query over the same bundles' Turtle in rdflib, one named graph per bundle (IRI: its file: URL). */
function rdflib(query: string): Results {
  const graphs = paths.flatMap(turtleFiles).map((file) => [file, pathToFileURL(file).href]);
  const result = spawnSync('/usr/bin/python3', ['-c', RDFLIB], { input: JSON.stringify({ graphs, query }), encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Results;
}

function query(...args: string[]): Results {
  const result = reprov(['query', ...args, '-f', 'json', '-q']);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Results;
}

describe('docs/queries.md cookbook', () => {
  it('has the queries the issue asks for', () => {
    expect(QUERIES.map((q) => q.title)).toEqual(expect.arrayContaining(['Runs per status', 'Runs without a seed', 'Runs that used a file, by its digest', 'Best run per experiment', 'Energy per run']));
  });

  it.each(QUERIES)('$title: the same answer as rdflib, from the cache too', ({ query: text }) => {
    const ours = query(...paths, text);
    expect(query(...paths, '--no-cache', text)).toEqual(ours);
    const theirs = rdflib(text);
    expect(ours.head.vars).toEqual(theirs.head.vars);
    expect(rows(ours)).toEqual(rows(theirs));
  });

  it('answers what the recorded sweep says', () => {
    const byTitle = (title: string) => query(...paths, QUERIES.find((q) => q.title === title)!.query).results!.bindings;
    const statuses = Object.fromEntries(byTitle('Runs per status').map((b) => [b.status!.value, Number(b.runs!.value)]));
    expect(statuses).toEqual({ succeeded: 4, failed: 1, unknown: 2 });
    // The run of `other` recorded without -s, and the yProv4ML runs (their seed's value is in a NetCDF file).
    const unseeded = byTitle('Runs without a seed').map((b) => b.run!.value);
    expect(unseeded).toHaveLength(3);
    expect(unseeded.filter((r) => r.startsWith('urn:reprov:run:other-'))).toHaveLength(1);
    expect(byTitle('Runs that used a file, by its digest').map((b) => b.location!.value)).toEqual(SWEEP.map(() => 'data.csv'));
    expect(QUERIES.find((q) => q.title === 'Runs that used a file, by its digest')!.query).toContain(DATA_SHA256);
    const best = byTitle('Best run per experiment').map((b) => [b.experiment!.value, Number(b.best!.value)]);
    expect(best).toEqual([['other', 0.9], ['sweep', 0.7]]);
    expect(byTitle('Energy per run')).toHaveLength(SWEEP.length + 2);
  });
});

describe('reprov query', () => {
  const RUNS = 'PREFIX mls: <http://www.w3.org/ns/mls#> SELECT ?g ?run WHERE { GRAPH ?g { ?run a mls:Run } } ORDER BY ?run';

  it('puts each bundle in a named graph, its IRI the file: URL, and declares reprov\'s prefixes', () => {
    const graphs = query(join(root, 'runs'), RUNS).results!.bindings.map((b) => b.g!.value).sort();
    expect(graphs).toEqual(SWEEP.map((r) => pathToFileURL(join(root, 'runs', r.name, 'prov.ttl')).href).sort());
    // yProv4ML output as it is, mapped onto reprov's terms as it is read (and not cached).
    expect(query(YPROV4ML_FIXTURES, 'SELECT ?experiment WHERE { ?run a mls:Run ; reprov:experiment ?experiment } ORDER BY ?experiment').results!.bindings.map((b) => b.experiment!.value)).toEqual(['experiment_name', 'mnist_exp']);
    // No PREFIX lines: prov:, reprov:, mls: ... are declared.
    expect(query(join(root, 'runs'), 'SELECT (COUNT(*) AS ?n) WHERE { ?p a reprov:Parameter ; prov:value ?v }').results!.bindings[0]!.n!.value).toBe(String(SWEEP.length * 3));
  });

  it('writes a table, SPARQL CSV and TSV, ASK, and CONSTRUCT as N-Triples and Turtle; reads --query-file', () => {
    const dir = join(root, 'runs');
    const table = reprov(['query', dir, RUNS]);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^\?g +\?run$/);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(SWEEP.length + 1);
    expect(table.stderr).toMatch(/^reprov: 5 bundles( \(5 from the cache\))?, \d+ triples, 5 rows/);

    const csv = parse(reprov(['query', dir, RUNS, '-f', 'csv']).stdout) as string[][];
    expect(csv[0]).toEqual(['g', 'run']);
    expect(csv.slice(1).map((r) => r[1])).toEqual(query(dir, RUNS).results!.bindings.map((b) => b.run!.value));
    const tsv = reprov(['query', dir, RUNS, '-f', 'tsv']).stdout.trimEnd().split('\n');
    expect(tsv[0]).toBe('?g\t?run');
    expect(tsv[1]).toMatch(/^<file:\/\/\/.*prov\.ttl>\t<urn:reprov:run:.*\/run>$/);

    expect(query(dir, 'ASK { ?run reprov:status "failed" }').boolean).toBe(true);
    expect(reprov(['query', dir, 'ASK { ?run reprov:status "killed" }']).stdout).toBe('false\n');

    const construct = 'CONSTRUCT { ?run reprov:status ?status } WHERE { ?run reprov:status ?status }';
    const nt = reprov(['query', dir, construct, '-f', 'ntriples']).stdout.trimEnd().split('\n');
    expect(nt).toHaveLength(SWEEP.length);
    for (const line of nt) expect(line).toMatch(/^<urn:reprov:run:[^>]+\/run> <https:\/\/w3id\.org\/reprov#status> "(succeeded|failed)" \.$/);
    expect(reprov(['query', dir, construct]).stdout).toContain('<https://w3id.org/reprov#status>');

    const file = join(root, 'runs.rq');
    writeFileSync(file, RUNS);
    expect(query(dir, '--query-file', file)).toEqual(query(dir, RUNS));
    expect(query('-Q', file, dir)).toEqual(query(dir, RUNS));
  });

  it('keeps a hostile literal on its row in the table (newlines, tabs, bidirectional overrides escaped)', () => {
    const out = join(root, 'hostile');
    const value = 'line1\nline2\t\u202Eevil';
    const recorded = reprov(['record', '-q', '--no-git', '--no-hardware', '--no-system', '--no-instrument', '-e', 'hostile', '-o', out, '-p', `note=${value}`, '--', 'true'], { cwd: root });
    expect(recorded.status, recorded.stderr).toBe(0);
    const select = 'SELECT ?value WHERE { ?p a reprov:Parameter ; prov:value ?value }';
    const table = reprov(['query', out, select, '-q']);
    expect(table.stdout).toBe('?value\nline1\\nline2\\t\\u202eevil\n');
    expect(query(out, select).results!.bindings[0]!.value!.value).toBe(value);
  });

  it('refuses a malformed query in one line with its position, before reading any bundle (exit 2)', () => {
    const bad = 'PREFIX mls: <http://www.w3.org/ns/mls#>\nSELECT ?run WHERE {\n  ?run a mls:Run\n  FILTER (?run = ) }';
    // Oxigraph's column is where its parser gave up (here the end of the line holding the error).
    expectOneLineError(reprov(['query', join(root, 'runs'), bad]), '<query>: error at 4:', 'expected one of');
    // Reprov's prefixes are added on a line of their own: positions are still the user's.
    expectOneLineError(reprov(['query', join(root, 'runs'), 'SELECT ?x WHERE { ?x ?y }']), '<query>: error at 1:');
    const file = join(root, 'bad.rq');
    writeFileSync(file, 'SELECT * WHERE {\n?s ?p\n');
    expectOneLineError(reprov(['query', '--query-file', file, join(root, 'runs')]), 'bad.rq: error at 3:1');
    expectOneLineError(reprov(['query', join(root, 'runs'), 'INSERT DATA { <urn:a> <urn:b> <urn:c> }']), '<query>: error at 1:1');
    expectOneLineError(reprov(['query', join(root, 'runs'), RUNS, '-f', 'turtle']), 'a SELECT or ASK query gives a table');
    expectOneLineError(reprov(['query', join(root, 'runs'), 'CONSTRUCT WHERE { ?s ?p ?o }', '-f', 'csv']), 'gives a graph');
    expectOneLineError(reprov(['query', join(root, 'runs'), 'SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }']), 'service <http://127.0.0.1:9/sparql> is not supported');
    const empty = join(root, 'nothing-here');
    mkdirSync(empty, { recursive: true });
    expectOneLineError(reprov(['query', empty, RUNS]), 'no bundle found');
    expectOneLineError(reprov(['query', join(root, 'runs')]), 'no query given');
    expectOneLineError(reprov(['query']), 'no query given');
  });

  it('reports a bundle that fails to parse in one line and queries the others (exit 2)', () => {
    const mixed = join(root, 'mixed');
    cpSync(join(root, 'runs', 'a'), join(mixed, 'a'), { recursive: true });
    mkdirSync(join(mixed, 'broken'));
    writeFileSync(join(mixed, 'broken', 'prov.ttl'), '@prefix prov: <http://www.w3.org/ns/prov#> .\n<a> prov:used .\n');
    const result = reprov(['query', mixed, RUNS, '-f', 'csv', '-q']);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^reprov: .*broken\/prov\.ttl:2:\d+: .+/)]);
    expect(parse(result.stdout)).toHaveLength(2);
  });
});
