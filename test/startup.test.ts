/**
 * What the CLI loads before it knows the command (issue 16: load only what a command uses).
 * A module hook (node:module `register`) logs every module resolved; `reprov --version` and
 * `reprov --help` must load no package but commander: the RDF, SHACL, SPARQL, layout and
 * parser libraries load when a command needs them. Counts modules, never times them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'reprov-startup-'));
writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.REPROV_LOADED_LOG, result.url + '\\n');
  return result;
}
`);
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The npm packages a CLI invocation loaded (their names), and whether it succeeded. */
function packagesLoaded(args: string[]): { status: number | null; packages: string[] } {
  const log = join(dir, `${args.join('_').replace(/\W/g, '')}.log`);
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), CLI, ...args], { env: { ...process.env, REPROV_LOADED_LOG: log }, encoding: 'utf8' });
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const packages = new Set(urls.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((name): name is string => !!name));
  return { status: result.status, packages: [...packages].sort() };
}

describe('start-up: what the CLI loads before the command needs it', () => {
  it.each([['--version'], ['--help'], ['check', '--help'], ['report', '--help']])('reprov %s loads no package but commander', (...args) => {
    const { status, packages } = packagesLoaded(args);
    expect(status).toBe(0);
    expect(packages).toEqual(['commander']);
  });

  it('the guard sees a command that does load its libraries (convert loads n3)', () => {
    const input = join(dir, 'in.json');
    writeFileSync(input, '{"entity": {"ex:e": {}}, "prefix": {"ex": "http://example.org/"}}');
    const { status, packages } = packagesLoaded(['convert', input, '-t', 'turtle']);
    expect(status).toBe(0);
    expect(packages).toContain('n3');
  });
});
