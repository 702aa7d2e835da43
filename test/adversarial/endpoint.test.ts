/**
 * A hostile or careless SPARQL server (reprov push / --endpoint, src/release/endpoint.ts): its error
 * bodies echo what it was sent — the Authorization header, the Basic payload alone, the decoded
 * user:password, the token — and it redirects elsewhere. No credential may reach stdout or stderr;
 * every failure is one line, exit 2. Also the hostile forms of `--endpoint` itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';

const PASSWORD = 'pw-Adv3rsarial9';
const TOKEN = 'tk-Adv3rsarial7';
const USER = 'mallory-user';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
// Secrets that are not valid regular expressions, and a Basic payload holding `+` and `/`.
const ODD_PASSWORD = 's3cret(pw?Adv3rsarial[';
const ODD_TOKEN = 'tk+Adv3rsarial(7*';
const ODD_USER = 'bob';
const ODD_BASIC = Buffer.from(`${ODD_USER}:${ODD_PASSWORD}~~>`).toString('base64');
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const LEAKS = new RegExp([PASSWORD, TOKEN, BASIC, ODD_PASSWORD, ODD_TOKEN, ODD_BASIC, 'Adv3rsarial'].map(literal).join('|'));

// Another process: the CLI runs synchronously, so a server in this one could not answer it.
const ECHO_SERVER = `
const http = require('http');
const server = http.createServer((req, res) => {
  const auth = req.headers.authorization ?? '';
  const payload = auth.split(' ')[1] ?? '';
  const decoded = Buffer.from(payload, 'base64').toString();
  if (req.url.startsWith('/elsewhere')) { res.writeHead(307, { location: 'http://127.0.0.2:' + server.address().port + '/sparql' }); return res.end(); }
  req.resume();
  res.writeHead(500, { 'content-type': 'text/plain' });
  res.end('denied: ' + auth + ' | ' + payload + ' | ' + decoded + '\\nsecond line ' + payload);
}).listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

let server: ChildProcess | undefined;
let base = '';
let bundleDir = '';

beforeAll(async () => {
  server = spawn(process.execPath, ['-e', ECHO_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => server!.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim())));
  base = `http://127.0.0.1:${port}`;
  bundleDir = mkdtempSync(join(tmpdir(), 'reprov-adv-endpoint-'));
  writeFileSync(join(bundleDir, 'prov.json'), JSON.stringify({ prefix: { ex: 'http://example.org/' }, entity: { 'ex:e': {} } }));
});
afterAll(() => server?.kill());

const BASIC_ENV = { REPROV_ENDPOINT_USER: USER, REPROV_ENDPOINT_PASSWORD: PASSWORD };
const TOKEN_ENV = { REPROV_ENDPOINT_TOKEN: TOKEN };
const ODD_BASIC_ENV = { REPROV_ENDPOINT_USER: ODD_USER, REPROV_ENDPOINT_PASSWORD: `${ODD_PASSWORD}~~>` };
const ODD_TOKEN_ENV = { REPROV_ENDPOINT_TOKEN: ODD_TOKEN };
const CREDENTIALS = [['Basic', BASIC_ENV], ['Bearer', TOKEN_ENV], ['Basic, a password with regex characters and a payload with +', ODD_BASIC_ENV], ['Bearer, a token with regex characters', ODD_TOKEN_ENV]] as const;

function expectSafeFailure(result: ReturnType<typeof reprov>): void {
  expect(result.status, result.stderr).toBe(2);
  expect(result.stdout + result.stderr).not.toMatch(LEAKS);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('a SPARQL server that echoes the credentials it was sent', () => {
  it.each(CREDENTIALS)('query --endpoint with %s credentials: the echo is redacted, one line, exit 2', (_kind, env) => {
    expectSafeFailure(reprov(['query', '--endpoint', `${base}/sparql`, 'ASK {}'], { env }));
  });

  it.each(CREDENTIALS)('push with %s credentials: the echo is redacted, one line, exit 2', (_kind, env) => {
    expectSafeFailure(reprov(['push', bundleDir, '--endpoint', `${base}/sparql`, '--graph-store', `${base}/store`, '--no-cache'], { env }));
  });

  it('a redirect to another host is not followed with the credentials', () => {
    const result = reprov(['query', '--endpoint', `${base}/elsewhere`, 'ASK {}'], { env: BASIC_ENV });
    expectSafeFailure(result);
    expect(result.stderr).toMatch(/another host/);
  });
});

describe('hostile --endpoint values', () => {
  it.each([
    ['empty', ''],
    ['a file URL', 'file:///etc/passwd'],
    ['not a URL', '../../etc/passwd'],
    ['credentials in the URL', `http://${USER}:${PASSWORD}@127.0.0.1:1/sparql`],
    ['a token in the query string', `http://127.0.0.1:1/sparql?access_token=${TOKEN}`],
  ])('%s: one line, exit 2, nothing secret printed', (_what, url) => {
    expectSafeFailure(reprov(['query', '--endpoint', url, 'ASK {}']));
  });
});

describe('a SPARQL server with no run graph', () => {
  const EMPTY_SERVER = `
const http = require('http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
    res.end(JSON.stringify({ head: { vars: ['g'] }, results: { bindings: [] } }));
  });
}).listen(0, '127.0.0.1', () => console.log(server.address().port));
`;
  let empty: ChildProcess | undefined;
  let url = '';
  beforeAll(async () => {
    empty = spawn(process.execPath, ['-e', EMPTY_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    url = `http://127.0.0.1:${await new Promise<string>((resolve) => empty!.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim())))}/sparql`;
  });
  afterAll(() => empty?.kill());

  it.each(['lineage', 'impact'])('%s --endpoint says so in one line (exit 2), not nothing', (command) => {
    const result = reprov([command, 'sha256:' + 'a'.repeat(64), '--endpoint', url]);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^reprov: http:\/\/127\.0\.0\.1:\d+\/sparql: no run \(mls:Run\) in the graphs\n$/);
  });
});
