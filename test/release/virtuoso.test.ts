/**
 * `reprov push` and `--endpoint` against a real SPARQL server: a throwaway Debian Virtuoso
 * (test/support/virtuoso.ts). The cookbook of docs/queries.md gives the same answers on the server
 * as embedded; runs, lineage and impact list the same; pushing again changes nothing; credentials
 * never show; a server's failure is one line, exit 2. Skipped only where virtuoso-t is absent
 * outside CI (.ci/run installs it; in CI its absence fails).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { freePort, hasVirtuoso, startVirtuoso, type Virtuoso } from '../support/virtuoso.js';
import { DATA_SHA256, expectOneLineError, importYProv4ML, QUERIES, recordSweep, rows, SWEEP, type Results } from './sweep.js';

const available = hasVirtuoso();
const PASSWORD = 'pw-Zq8rT3vXk2';
const TOKEN = 'tok-Hn4sW9pLm7';
const SECRETS = { REPROV_ENDPOINT_USER: 'alice', REPROV_ENDPOINT_PASSWORD: PASSWORD };

/** A small HTTP server of our own, in another process (the CLI runs synchronously): what Virtuoso cannot be made to do. */
const ODD_SERVER = `
const http = require('http');
http.createServer((req, res) => {
  if (req.url.startsWith('/redirect')) { res.writeHead(302, { location: 'http://127.0.0.2:' + process.argv[1] + '/sparql' }); return res.end(); }
  if (req.url.startsWith('/html')) { res.writeHead(200, { 'content-type': 'text/html' }); return res.end('<html><body>Sign in</body></html>'); }
  if (req.url.startsWith('/silent')) return;
  if (req.url.startsWith('/basic')) {
    const ok = req.headers.authorization === 'Basic ' + Buffer.from('alice:${PASSWORD}').toString('base64');
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/sparql-results+json' });
    return res.end(ok ? '{"head":{},"boolean":true}' : '');
  }
  res.writeHead(404); res.end();
}).listen(Number(process.argv[1]), '127.0.0.1', () => console.log('ready'));
`;

let server: Virtuoso | undefined;
let odd: ChildProcess | undefined;
let oddBase = '';
let root: string;
let paths: string[];

beforeAll(async () => {
  if (!available) {
    // CI installs Virtuoso (.ci/run): there, a missing server is a failure, not a skip.
    if (process.env.CI) throw new Error('virtuoso-t or isql-vt is missing: apt-get install virtuoso-opensource');
    return;
  }
  process.env.REPROV_CACHE_DIR = join(process.env.TMPDIR ?? '/tmp', `reprov-virtuoso-cache-${process.pid}`);
  server = await startVirtuoso();
  const port = await freePort();
  odd = spawn(process.execPath, ['-e', ODD_SERVER, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => odd!.stdout!.once('data', resolve));
  oddBase = `http://127.0.0.1:${port}`;
  root = recordSweep();
  importYProv4ML(root);
  paths = [join(root, 'runs'), join(root, 'yprov')];
}, 300_000);

afterAll(async () => {
  odd?.kill();
  await server?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
  if (process.env.REPROV_CACHE_DIR) rmSync(process.env.REPROV_CACHE_DIR, { recursive: true, force: true });
}, 60_000);

function json(args: string[], env?: NodeJS.ProcessEnv): Results {
  const result = reprov([...args, '-f', 'json', '-q'], { env });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Results;
}

const count = () => Number(json(['query', '--endpoint', server!.url, 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "file:")) }']).results!.bindings[0]!.n!.value);

/** Virtuoso 7 has no boolean type: `true` and `false` come back as the integers 1 and 0 (docs/servers.md). */
function virtuosoBooleans(results: Results): Results {
  for (const binding of results.results?.bindings ?? []) {
    for (const term of Object.values(binding)) {
      if (term.type === 'literal' && term.datatype === 'http://www.w3.org/2001/XMLSchema#boolean') Object.assign(term, { value: term.value === 'true' ? '1' : '0', datatype: 'http://www.w3.org/2001/XMLSchema#integer' });
    }
  }
  return results;
}

// Each test runs the CLI a dozen times: minutes on a loaded machine.
describe.skipIf(!available && !process.env.CI)('reprov push and --endpoint on Virtuoso', { timeout: 300_000 }, () => {
  it('pushes every bundle as one named graph; pushing again changes nothing', () => {
    const first = reprov(['push', ...paths, '--endpoint', server!.url]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/reprov: \d+ bundles, (\d+) triples pushed to http:\/\/127\.0\.0\.1:\d+\/sparql-graph-crud/);
    const sent = Number(/, (\d+) triples/.exec(first.stderr)![1]);
    const triples = count();
    expect(triples).toBe(sent);
    // Each bundle in the graph the embedded store gives it.
    const graphs = (r: Results) => r.results!.bindings.map((b) => b.g!.value).sort();
    const GRAPHS = 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?run a mls:Run } }';
    expect(graphs(json(['query', '--endpoint', server!.url, GRAPHS]))).toEqual(graphs(json(['query', ...paths, GRAPHS])));
    const again = reprov(['push', ...paths, '--endpoint', server!.url, '--graph-store', `${server!.base}/sparql-graph-crud`, '-j', '1']);
    expect(again.status, again.stderr).toBe(0);
    expect(count()).toBe(triples);
  });

  it.each(QUERIES)('$title: the same answer on the server as embedded', ({ query }) => {
    const embedded = virtuosoBooleans(json(['query', ...paths, query]));
    const remote = json(['query', '--endpoint', server!.url, query]);
    expect(remote.head.vars).toEqual(embedded.head.vars);
    expect(rows(remote)).toEqual(rows(embedded));
    expect(rows(remote).length).toBeGreaterThan(0);
  });

  it('ASK, CSV and a table work the same way', () => {
    expect(json(['query', '--endpoint', server!.url, 'ASK { ?run a mls:Run }'])).toEqual({ head: {}, boolean: true });
    expect(reprov(['query', '--endpoint', server!.url, 'ASK { ?run a mls:Nothing }']).stdout).toBe('false\n');
    const table = reprov(['query', '--endpoint', server!.url, '-q', 'SELECT ?e WHERE { ?run reprov:experiment ?e } ORDER BY ?e LIMIT 1']);
    expect(table.stdout.split('\n')[0]).toBe('?e');
    const csv = reprov(['query', '--endpoint', server!.url, '-f', 'csv', 'SELECT (COUNT(*) AS ?n) WHERE { ?run a mls:Run }']);
    expect(csv.stdout.replace(/"/g, '').trim().split(/\r?\n/)).toEqual(['n', String(SWEEP.length + 2)]);
    const CONSTRUCT = 'CONSTRUCT { ?run reprov:experiment ?e } WHERE { ?run reprov:experiment ?e }';
    const triples = (args: string[]) => reprov(['query', ...args, '-f', 'ntriples', '-q', CONSTRUCT]).stdout.trim().split('\n').map((line) => line.replace(/\s+/g, ' ')).sort();
    expect(triples(['--endpoint', server!.url])).toEqual(triples(paths));
  });

  it('runs, lineage and impact list the same from the server as from the files', () => {
    const local = reprov(['runs', ...paths, '-f', 'json', '-q', '--columns', 'run,experiment,status,start,duration,file,params.lr']);
    const remote = reprov(['runs', '--endpoint', server!.url, '-f', 'json', '-q', '--columns', 'run,experiment,status,start,duration,file,params.lr']);
    expect(remote.status, remote.stderr).toBe(0);
    expect(remote.stdout).toBe(local.stdout);
    const text = reprov(['runs', '--endpoint', server!.url, '--filter', 'params.lr>0.01', '--sort', '-params.lr', '-q']);
    expect(text.stdout.split('\n')[0]).not.toContain('score');
    expect(text.stdout.trim().split('\n')).toHaveLength(1 + SWEEP.filter((r) => r.lr > 0.01).length);
    expectOneLineError(reprov(['runs', '--endpoint', server!.url, '--sort', 'score']), 'no score');
    for (const command of ['impact', 'lineage']) {
      const here = reprov([command, DATA_SHA256, ...paths, '-f', 'json', '-q']);
      const there = reprov([command, DATA_SHA256, '--endpoint', server!.url, '-f', 'json', '-q']);
      expect(there.status, there.stderr).toBe(here.status);
      // The same runs, inputs and outputs; a run's parameters may come in another order from a server.
      if (here.stdout) expect(JSON.parse(there.stdout)).toEqual(JSON.parse(here.stdout));
      else expect(there.stderr).toMatch(/no run generated an entity with this digest in the \d+ graphs of http/);
    }
    expect(JSON.parse(reprov(['impact', DATA_SHA256, '--endpoint', server!.url, '-f', 'json', '-q']).stdout).runs).toHaveLength(SWEEP.length);
  });

  it('takes credentials only from the environment and never shows them', () => {
    // Sent as Basic authentication where the server asks for it.
    expect(json(['query', '--endpoint', `${oddBase}/basic`, 'ASK {}'], SECRETS)).toEqual({ head: {}, boolean: true });
    const refused = reprov(['query', '--endpoint', `${oddBase}/basic`, 'ASK {}'], { env: { REPROV_ENDPOINT_TOKEN: TOKEN } });
    expectOneLineError(refused, `${oddBase}/basic: HTTP 401`);
    const secretsOut = (result: ReturnType<typeof reprov>) => expect(result.stdout + result.stderr).not.toMatch(new RegExp(`${PASSWORD}|${TOKEN}|${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`));
    secretsOut(refused);
    // Virtuoso's authenticated endpoints speak Digest only: said in the one line.
    const digest = reprov(['push', paths[0]!, '--endpoint', `${server!.base}/sparql-auth`], { env: SECRETS });
    expectOneLineError(digest, `${server!.base}/sparql-graph-crud-auth: HTTP 401`);
    secretsOut(digest);
    const inUrl = reprov(['query', '--endpoint', `http://alice:${PASSWORD}@127.0.0.1:1/sparql`, 'ASK {}']);
    expectOneLineError(inUrl, '--endpoint: a URL with a user name or password is refused', 'REPROV_ENDPOINT_PASSWORD');
    secretsOut(inUrl);
    const half = reprov(['query', '--endpoint', server!.url, 'ASK {}'], { env: { REPROV_ENDPOINT_USER: 'alice' } });
    expectOneLineError(half, 'REPROV_ENDPOINT_PASSWORD is not');
    // A redirect to another host is not followed with the credentials.
    const moved = reprov(['query', '--endpoint', `${oddBase}/redirect`, 'ASK {}'], { env: { REPROV_ENDPOINT_TOKEN: TOKEN } });
    expectOneLineError(moved, 'redirected to another host (http://127.0.0.2:');
    secretsOut(moved);
  });

  it('a server that fails, is not there, is silent or answers in HTML is one line, exit 2', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/sparql`;
    for (const [args, fragments] of [
      [['query', '--endpoint', closed, 'ASK {}'], [`${closed}: cannot connect (ECONNREFUSED)`]],
      [['push', paths[0]!, '--endpoint', closed], [`${closed.replace('/sparql', '/sparql-graph-crud')}: cannot connect`]],
      [['runs', '--endpoint', closed], [closed]],
      [['impact', DATA_SHA256, '--endpoint', closed], [closed]],
      [['query', '--endpoint', `${server!.base}/nothing-here`, 'ASK {}'], [`${server!.base}/nothing-here: HTTP 404`]],
      [['push', paths[0]!, '--endpoint', server!.url, '--graph-store', `${server!.base}/nothing-here`], [`${server!.base}/nothing-here: HTTP 501`, 'prov.ttl']],
      [['query', '--endpoint', `${oddBase}/html`, 'ASK {}'], ['not SPARQL results', 'text/html']],
      [['query', '--endpoint', `${oddBase}/silent`, '--timeout', '1', 'ASK {}'], [`${oddBase}/silent: no answer within 1 s`]],
      [['push', paths[0]!, '--endpoint', `${oddBase}/elsewhere`], ['give --graph-store']],
      [['query', '--endpoint', 'ftp://127.0.0.1/sparql', 'ASK {}'], ['only http: and https:']],
      [['query', '--endpoint', 'not a url', 'ASK {}'], ['is not a URL']],
      [['query', '--endpoint', server!.url, '--timeout', '0', 'ASK {}'], ['--timeout']],
      [['runs', paths[0]!, '--endpoint', server!.url], ['give no paths']],
    ] as [string[], string[]][]) expectOneLineError(reprov(args), ...fragments);
    // A query reprov's engine refuses is refused before the server is asked, with its position.
    expectOneLineError(reprov(['query', '--endpoint', closed, 'SELECT ?r WHERE { ?r a mls:Run']), 'error at 1:');
  });
});
