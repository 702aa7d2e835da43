/**
 * What the CLI loads before it knows the command (issue 16: load only what a command uses).
 * A module hook (node:module `register`) logs every module resolved (the bundle's chunks, mapped to
 * the packages they hold, and packages left outside the bundle); `reprov --version` and
 * `reprov --help` must load no package but commander: the RDF, SHACL, SPARQL, layout and
 * parser libraries load when a command needs them. Counts modules, never times them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
