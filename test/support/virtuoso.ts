/**
 * A throwaway Virtuoso (Debian's virtuoso-opensource) for the SPARQL server tests: its database
 * in a temporary directory, its SQL and HTTP ports free ports on 127.0.0.1, run in the foreground
 * as a child of the test and killed at the end.
 *
 * The anonymous SPARQL user is granted SPARQL_UPDATE, so that the Graph Store endpoint
 * (/sparql-graph-crud) takes PUTs without credentials: Virtuoso's authenticated endpoints
 * (/sparql-auth, /sparql-graph-crud-auth) speak only Digest authentication, which reprov does not
 * do, and this server listens only on the loopback interface and lives for one test file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const VIRTUOSO = '/usr/bin/virtuoso-t';
export const ISQL = '/usr/bin/isql-vt';

export function hasVirtuoso(): boolean {
  return spawnSync('sh', ['-c', 'command -v virtuoso-t && command -v isql-vt'], { encoding: 'utf8' }).status === 0;
}

/** A TCP port nothing listens on now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Virtuoso {
  /** The SPARQL query URL (/sparql). */
  url: string;
  /** The HTTP server's root (http://127.0.0.1:PORT). */
  base: string;
  dir: string;
  /** Runs SQL as dba through isql-vt. */
  sql(statement: string): string;
  stop(): Promise<void>;
}

export async function startVirtuoso(): Promise<Virtuoso> {
  const dir = mkdtempSync(join(tmpdir(), 'reprov-virtuoso-'));
  const [sqlPort, httpPort] = [await freePort(), await freePort()];
  // A static page: an answer that is not SPARQL.
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'page.html'), '<html><body><p>Sign in</p></body></html>\n');
  writeFileSync(join(dir, 'virtuoso.ini'), `[Database]
DatabaseFile = ${dir}/virtuoso.db
ErrorLogFile = ${dir}/virtuoso.log
LockFile = ${dir}/virtuoso.lck
TransactionFile = ${dir}/virtuoso.trx
xa_persistent_file = ${dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = ${dir}/virtuoso-temp.db
TransactionFile = ${dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:${sqlPort}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:${httpPort}
ServerRoot = ${dir}/www
ServerThreads = 8
[SPARQL]
MaxQueryExecutionTime = 120
`);
  const child: ChildProcess = spawn(VIRTUOSO, ['+foreground', '+configfile', join(dir, 'virtuoso.ini')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const sql = (statement: string) => {
    const result = spawnSync(ISQL, [String(sqlPort), 'dba', 'dba', `exec=${statement}`], { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0 || /\*\*\* Error/.test(result.stdout + result.stderr)) throw new Error(`isql-vt: ${statement}: ${result.stdout}${result.stderr}`);
    return result.stdout;
  };
  try {
    for (const started = Date.now(); ; ) {
      if (child.exitCode !== null) throw new Error(`virtuoso-t exited: ${log}`);
      if (Date.now() - started > 120_000) throw new Error(`virtuoso-t did not answer within 120 s: ${log}`);
      const ready = await fetch(`${base}/sparql?query=${encodeURIComponent('ASK {}')}`).then((r) => r.ok, () => false);
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    sql('GRANT SPARQL_UPDATE TO "SPARQL";');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${base}/sparql`, base, dir, sql, stop };
}
