/** `reprov verify` and `reprov diff` through the built CLI: exit codes, output formats, one-line errors. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { VERIFY_REPORT_SCHEMA_PATH } from '../../src/release/verify-report.js';
import { reprov } from '../support/cli.js';
import { recordRun, workspace, write } from './workspace.js';

const validateVerify = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(VERIFY_REPORT_SCHEMA_PATH, 'utf8')) as object);

/** One line naming what is wrong, exit 2, no stack trace. */
function expectOneLineError(result: ReturnType<typeof reprov>, ...fragments: string[]): void {
  expect(result.status).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** A usage error commander reports: exit 2, the error first, then the program's hint to run --help. */
function expectUsageError(result: ReturnType<typeof reprov>, fragment: string): void {
  expect(result.status).toBe(2);
  expect(result.stderr.split('\n')[0]).toContain(fragment);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('reprov verify', () => {
  it('exits 0 when the workspace is what the bundle describes, 1 after a data file changed', async () => {
    const ws = workspace();
    const bundle = await recordRun(ws, 'a');
    const ok = reprov(['verify', bundle], { cwd: ws });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ {2}ok +input +data\/train\.csv +same content \(SHA-256\)$/m);
    expect(ok.stdout).toMatch(/8 match: verified\n$/);

    write(ws, 'data/images/a.txt', 'changed\n');
    const bad = reprov(['verify', 'runs/a/prov.ttl', '--root', ws], { cwd: ws });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^ {2}MISMATCH +input +data\/images +the content differs from the recorded SHA-256 \(expected [0-9a-f]{12}…, found [0-9a-f]{12}…\)$/m);
    expect(bad.stdout).toMatch(/6 match, 2 mismatch: verification failed\n$/);
  });

  it('writes JSON valid against schemas/verify-report.schema.json', async () => {
    const ws = workspace();
    const bundle = await recordRun(ws, 'a');
    write(ws, 'model.bin', 'other weights');
    const result = reprov(['verify', bundle, '--root', ws, '--format', 'json']);
    expect(result.status).toBe(1);
    const doc = JSON.parse(result.stdout) as { ok: boolean; items: { kind: string; status: string }[] };
    expect(validateVerify(doc) ? [] : validateVerify.errors).toEqual([]);
    expect(doc.ok).toBe(false);
    expect(doc.items.filter((i) => i.status !== 'match')).toEqual([expect.objectContaining({ kind: 'output', status: 'mismatch', path: 'model.bin' })]);
  });

  it('gives one line and exit 2 for an unreadable bundle, a bad --root, a directory without one bundle', async () => {
    const ws = workspace();
    expectOneLineError(reprov(['verify', join(ws, 'nothing.ttl')]), 'nothing.ttl', 'cannot read input: no such file');
    writeFileSync(join(ws, 'broken.ttl'), '@prefix prov: <http://www.w3.org/ns/prov#> .\n<a> prov:used .\n');
    expectOneLineError(reprov(['verify', join(ws, 'broken.ttl')]), 'broken.ttl:2:');
    expectOneLineError(reprov(['verify', join(ws, 'data')]), 'data', 'no bundle in this directory');
    const bundle = await recordRun(ws, 'a');
    await recordRun(ws, 'b');
    expectOneLineError(reprov(['verify', join(ws, 'runs')]), 'runs', '2 bundles in this directory');
    expectOneLineError(reprov(['verify', bundle, '--root', join(ws, 'no-such-dir')]), '--root', 'no-such-dir: no such directory');
    expectUsageError(reprov(['verify', bundle, '--format', 'yaml']), "argument 'yaml' is invalid");
  });
});

describe('reprov diff', () => {
  it('exits 0 for runs with the same inputs, 1 when a parameter differs, and prints JSON', async () => {
    const ws = workspace();
    const a = await recordRun(ws, 'a', { lr: 0.1 });
    const same = await recordRun(ws, 'same', { lr: 0.1 });
    const other = await recordRun(ws, 'other', { lr: 0.2 });

    const equivalent = reprov(['diff', a, same]);
    expect(equivalent.status).toBe(0);
    expect(equivalent.stdout).toMatch(/no differences\n\nequivalent: /);

    const different = reprov(['diff', a, other]);
    expect(different.status).toBe(1);
    expect(different.stdout).toContain('\nparameters\n  ~ lr: 0.1 → 0.2\n');
    expect(different.stdout).toMatch(/not equivalent: the runs differ in parameters\n$/);

    const json = reprov(['diff', a, other, '-f', 'json']);
    expect(json.status).toBe(1);
    const doc = JSON.parse(json.stdout) as { equivalent: boolean; differing: string[] };
    expect(doc).toMatchObject({ equivalent: false, differing: ['parameters'] });
  });

  it('gives one line and exit 2 when a bundle cannot be read or holds no run', async () => {
    const ws = workspace();
    const a = await recordRun(ws, 'a');
    expectOneLineError(reprov(['diff', a, join(ws, 'missing')]), 'missing', 'cannot read input: no such file');
    writeFileSync(join(ws, 'empty.ttl'), '@prefix prov: <http://www.w3.org/ns/prov#> .\n<urn:x> a prov:Entity .\n');
    expectOneLineError(reprov(['diff', join(ws, 'empty.ttl'), a]), 'empty.ttl: the bundle records no run (mls:Run)');
    expectUsageError(reprov(['diff', a]), "missing required argument 'b'");
  });
});
