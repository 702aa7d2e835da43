/**
 * The recorder's watchdog: what makes `reprov record`'s command die with it, even when reprov is
 * SIGKILLed (Node has no prctl(PR_SET_PDEATHSIG)).
 *
 * A small Node process, started detached (its own session, so a Ctrl-C or a signal to reprov's
 * process group does not reach it) with a pipe from reprov as its standard input. reprov tells it
 * the bundle directory (`dir <path>`, before it is locked), the command's process group
 * (`child <pgid>`), that the command ended (`exited`), and that all is done (`done`). When the pipe closes without `done` (reprov died: the kernel closes the pipe of a
 * killed process), the watchdog
 *   1. removes the temporary files reprov left in the bundle directory (`.<name>.<pid>.<hex>.tmp`)
 *      and reprov's lock on it, so the bundle of the last snapshot is all that remains, and the
 *      instrumentation channel's temporary directory (told as `tmp <path>`);
 *   2. sends SIGTERM to the command's process group, and SIGKILL when it still lives 2 s later.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/** The watchdog itself, run with `node -e`: it must not depend on the build layout (src or dist). */
const WATCHDOG_SOURCE = String.raw`
const fs = require('fs'), path = require('path');
const [parentPid] = process.argv.slice(1);
let dir = '', temporaryDir = '';
const temporary = new RegExp('^\\..+\\.' + parentPid + '\\.[0-9a-f]+\\.tmp$');
let group = 0, done = false, finishing = false, buffer = '';
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE']) process.on(s, () => {});
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  for (let i; (i = buffer.indexOf('\n')) >= 0; buffer = buffer.slice(i + 1)) {
    const line = buffer.slice(0, i);
    if (line === 'done') done = true;
    else if (line === 'exited') group = 0;
    else if (line.startsWith('dir ')) dir = line.slice(4);
    else if (line.startsWith('tmp ')) temporaryDir = line.slice(4);
    else if (/^child \d+$/.test(line)) group = Number(line.slice(6));
  }
});
process.stdin.on('end', finish);
process.stdin.on('error', finish);
function alive(g) {
  try { process.kill(-g, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}
function clean() {
  if (temporaryDir) try { fs.rmSync(temporaryDir, { recursive: true, force: true }); } catch {}
  if (!dir) return;
  for (const d of [dir, path.join(dir, 'metrics'), path.join(dir, 'artifacts'), path.dirname(dir)]) {
    let names = [];
    try { names = fs.readdirSync(d); } catch {}
    for (const name of names) if (temporary.test(name)) try { fs.rmSync(path.join(d, name), { recursive: true, force: true }); } catch {}
  }
  let locks = [];
  try { locks = fs.readdirSync(dir).filter((name) => /^\.reprov-bundle(\.rank\d+)?\.lock$/.test(name)); } catch {}
  for (const name of locks) {
    const lock = path.join(dir, name);
    try { if (JSON.parse(fs.readFileSync(lock, 'utf8')).pid === Number(parentPid)) fs.rmSync(lock, { force: true }); } catch {}
  }
}
function finish() {
  if (finishing) return;
  finishing = true;
  if (done) process.exit(0);
  clean();
  if (!group) process.exit(0);
  try { process.kill(-group, 'SIGTERM'); } catch {}
  const start = Date.now();
  const wait = () => {
    if (!alive(group)) process.exit(0);
    if (Date.now() - start < 2000) return void setTimeout(wait, 50);
    try { process.kill(-group, 'SIGKILL'); } catch {}
    process.exit(0);
  };
  wait();
}
`;

export interface Watchdog {
  /** The bundle directory, told before reprov locks it. */
  bundle(dir: string): void;
  /** A temporary directory of reprov's (the instrumentation channel), removed if reprov dies. */
  temporary(dir: string): void;
  /** The command runs as process group `pgid` (its pid: it was spawned detached). */
  child(pgid: number): void;
  /** The command ended: nothing to kill any more. */
  exited(): void;
  /** reprov finished normally: the watchdog leaves without doing anything. */
  done(): void;
}

/** Starts the watchdog of a recorder. Never throws: without one, recording goes on unguarded. */
export function startWatchdog(): Watchdog {
  let process_: ChildProcess | undefined;
  try {
    process_ = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(process.pid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    process_.on('error', () => undefined);
    process_.stdin!.on('error', () => undefined);
    process_.unref();
    (process_.stdin as Socket).unref?.();
  } catch {
    process_ = undefined;
  }
  const send = (line: string) => {
    try {
      process_?.stdin?.write(`${line}\n`);
    } catch {
      // the watchdog is gone: nothing to tell
    }
  };
  return {
    // A path with a line break cannot be told in one line: such a bundle is left unguarded.
    bundle: (dir) => void (!/[\n\r]/.test(dir) && send(`dir ${dir}`)),
    temporary: (dir) => void (!/[\n\r]/.test(dir) && send(`tmp ${dir}`)),
    child: (pgid) => send(`child ${pgid}`),
    exited: () => send('exited'),
    done: () => {
      send('done');
      process_?.stdin?.end();
    },
  };
}
