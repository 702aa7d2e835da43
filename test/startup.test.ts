/**
 * What the CLI loads before it knows the command (issue 16: load only what a command uses).
 * A module hook (node:module `register`) logs every module resolved (the bundle's chunks, mapped to
 * the packages they hold, and packages left outside the bundle); `reprov --version` and
 * `reprov --help` must load no package but commander: the RDF, SHACL, SPARQL, layout and
 * parser libraries load when a command needs them. Counts modules, never times them. Then the code
 * cache the build writes for the bundle: used, and refused when it does not fit.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO } from './support/cli.js';
import { loadedBy } from './support/loaded.js';

const dir = mkdtempSync(join(tmpdir(), 'reprov-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The npm packages a CLI invocation loaded (their names), and whether it succeeded. */
const packagesLoaded = (args: string[]) => loadedBy(args);

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

  it('check loads the SHACL engine only for a bundle that a shape targets (a code state: RPV-C004)', () => {
    const bundle = (name: string, turtle: string) => {
      const file = join(dir, name);
      writeFileSync(file, `@prefix prov: <http://www.w3.org/ns/prov#> .\n@prefix reprov: <https://w3id.org/reprov#> .\n${turtle}\n`);
      return file;
    };
    const plain = packagesLoaded(['check', bundle('plain.ttl', '<urn:r/run> a prov:Activity ; prov:used <urn:r/data> .')]);
    expect(plain.packages).toContain('rdf-stores');
    expect(plain.packages).not.toContain('shacl-engine');
    const code = packagesLoaded(['check', bundle('code.ttl', '<urn:r/run> a prov:Activity ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, reprov:CodeState ; reprov:commit "3f2c9a1" .')]);
    expect(code.packages).toContain('shacl-engine');
  });
});

describe('start-up: worker threads run the bundle too', () => {
  // Unbundled, each check worker loaded ~300 files (0.4 s of CPU) before its first bundle.
  it.each([
    ['check', 'prov.ttl', '<urn:r/run> a <http://www.w3.org/ns/prov#Activity> .\n', 'dist/cli/worker-check.cjs'],
    ['scan', 'train.py', 'import random\nprint(random.random())\n', 'dist/cli/worker-scan.cjs'],
  ])('%s -j 2 starts the bundled worker, which loads no unbundled module', (command, name, text, worker) => {
    const work = mkdtempSync(join(dir, `${command}-`));
    for (const sub of ['a', 'b']) {
      mkdirSync(join(work, sub));
      writeFileSync(join(work, sub, name), text);
    }
    const { status, stderr, scripts } = loadedBy([command, 'a', 'b', '-j', '2', '-f', 'json'], work);
    expect(stderr).not.toContain('internal error');
    expect([0, 1]).toContain(status);
    expect(scripts).toContain(worker);
    expect(scripts.filter((file) => file.startsWith('dist/src/') && !file.endsWith('.cjs'))).toEqual([]);
  });
});

describe('start-up: the V8 code cache written at build (tools/cli-entry.cjs)', () => {
  const document = join(dir, 'cache-in.json');
  writeFileSync(document, '{"entity": {"ex:e": {"prov:label": "e"}}, "activity": {"ex:a": {}}, "used": {"_:u": {"prov:activity": "ex:a", "prov:entity": "ex:e"}}, "prefix": {"ex": "http://example.org/"}}');
  /** `reprov ARGS` run from `cli` with REPROV_CODE_CACHE=report: its result and what it said of each file's cache. */
  const reported = (cli: string, args: string[]) => {
    const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, REPROV_CODE_CACHE: 'report' } });
    const caches = new Map([...result.stderr.matchAll(/^code cache (\w+): (\S+)$/gm)].map(([, state, file]) => [file!, state!]));
    return { ...result, caches };
  };

  it('compiles every file a conversion loads from its cache', () => {
    const { status, caches } = reported(CLI, ['convert', document, '-t', 'turtle', '-o', join(dir, 'cache-out.ttl')]);
    expect(status).toBe(0);
    expect(caches.get('cli/main.cjs')).toBe('used');
    expect(caches.size).toBeGreaterThan(10);
    expect([...caches].filter(([, state]) => state !== 'used')).toEqual([]);
  });

  it('compiles from source when V8 refuses the caches (other V8 flags, as another Node would)', () => {
    const result = spawnSync(process.execPath, ['--no-opt', CLI, 'convert', document, '-t', 'turtle'], { encoding: 'utf8', env: { ...process.env, REPROV_CODE_CACHE: 'report' } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('prov:used');
    expect(result.stderr).toMatch(/^code cache rejected: cli\/main\.cjs$/m);
    expect(result.stderr).not.toMatch(/^code cache used/m);
  });

  it('does not use a damaged, truncated or stale cache, and the command still works', () => {
    // A copy of the package, so that its caches can be spoiled.
    const pkg = mkdtempSync(join(dir, 'pkg-'));
    cpSync(join(REPO, 'dist'), join(pkg, 'dist'), { recursive: true });
    for (const name of ['package.json', 'node_modules', 'schemas', 'shapes', 'contexts']) symlinkSync(join(REPO, name), join(pkg, name));
    const cli = join(pkg, 'dist/cli/reprov.cjs');
    const chunks = reported(cli, ['convert', document, '-t', 'turtle']).caches;
    const [damaged, truncated] = [...chunks.keys()].filter((file) => file.startsWith('cli/chunk-'));
    // Bytes changed inside: V8 itself would crash on it (checked by hand: "Fatal error ... Deserializer").
    const damage = readFileSync(join(pkg, 'dist', `${damaged!}.cache`));
    for (let i = 1000; i < damage.length - 8; i += 997) damage[i]! ^= 0x5a;
    writeFileSync(join(pkg, 'dist', `${damaged!}.cache`), damage);
    truncateSync(join(pkg, 'dist', `${truncated!}.cache`), 100);
    // Stale: the source changed but kept its length, which is all V8 compares.
    const main = join(pkg, 'dist/cli/main.cjs');
    writeFileSync(main, readFileSync(main, 'utf8').replace('Checkable machine-learning provenance', 'CHECKABLE machine-learning provenance'));

    const help = reported(cli, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('CHECKABLE machine-learning provenance');
    expect(help.caches.get('cli/main.cjs')).toBe('none');
    const converted = reported(cli, ['convert', document, '-t', 'turtle']);
    expect(converted.status, converted.stderr).toBe(0);
    expect(converted.stdout).toContain('prov:used');
    expect(converted.caches.get(damaged!)).toBe('none');
    expect(converted.caches.get(truncated!)).toBe('none');
  });
});
