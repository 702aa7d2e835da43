/** Real git repositories for tests: git run without the user's global or system configuration. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ISOLATED = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

/** Runs git in `dir`; its standard output, trimmed. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: ISOLATED }).trim();
}

/** Runs git in `dir`; its standard output, byte for byte. */
export function gitBytes(dir: string, ...args: string[]): Buffer {
  return execFileSync('git', args, { cwd: dir, env: ISOLATED });
}

export function write(dir: string, file: string, content: string | Buffer): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), content);
}

/** Makes `dir` a repository on `main`; with files, one commit holding them. */
export function initRepo(dir: string, files: Record<string, string> = {}): string {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.org');
  git(dir, 'config', 'commit.gpgsign', 'false');
  if (Object.keys(files).length) {
    for (const [file, content] of Object.entries(files)) write(dir, file, content);
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'initial');
  }
  return dir;
}
