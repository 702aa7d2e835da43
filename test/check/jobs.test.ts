import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseJobs } from '../../src/check/worker-pool.js';
import { REPO, reprov } from '../support/cli.js';

describe('reprov check --jobs (worker threads)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reprov-parallel-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Twelve bundles: failing and fixed ones, one that does not parse, one the configuration ignores.
  for (let i = 0; i < 10; i++) {
    mkdirSync(join(dir, `b${i}`));
    cpSync(join(REPO, 'examples', 'check', i % 2 ? 'after' : 'before', 'prov.ttl'), join(dir, `b${i}`, 'prov.ttl'));
  }
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, 'broken', 'prov.ttl'), '@prefix prov: <http://www.w3.org/ns/prov#> .\n<urn:a> a prov:Entity\n<urn:b> a prov:Entity .\n');
  mkdirSync(join(dir, 'skipped'));
  cpSync(join(REPO, 'examples', 'check', 'before', 'prov.ttl'), join(dir, 'skipped', 'prov.ttl'));
  writeFileSync(join(dir, 'reprov.config.json'), JSON.stringify({ ignore: ['skipped/**'], rules: { 'RPV-S001': 'warning' } }));

  it('reports exactly what one thread reports, in the same order, with the configuration applied in every worker', () => {
    const one = reprov(['check', '.', '-f', 'json', '-j', '1'], { cwd: dir });
    const two = reprov(['check', '.', '-f', 'json', '-j', '2'], { cwd: dir });
    expect(two.stdout).toBe(one.stdout);
    expect(two.status).toBe(2);
    expect(one.status).toBe(2);
    const report = JSON.parse(two.stdout) as { bundles: { file: string; findings: { rule: string; severity: string }[] }[] };
    expect(report.bundles.map((b) => b.file)).toEqual(Array.from({ length: 10 }, (_, i) => join(`b${i}`, 'prov.ttl')));
    expect(report.bundles[0]!.findings.find((f) => f.rule === 'RPV-S001')?.severity).toBe('warning');
    expect(two.stderr).toMatch(/^reprov: broken\/prov\.ttl:3:1: /m);
    expect(two.stderr).toBe(one.stderr);
  });

  it('takes standard input beside files', () => {
    const stdin = reprov(['check', '-', '.', '-f', 'json', '-j', '2'], { cwd: dir, input: '<urn:r/run> a <http://www.w3.org/ns/mls#Run> .' });
    const files = (JSON.parse(stdin.stdout) as { bundles: { file: string }[] }).bundles.map((b) => b.file);
    expect(files[0]).toBe('<stdin>');
    expect(files).toHaveLength(11);
  });

  it('refuses --jobs 0', () => {
    const result = reprov(['check', '.', '-j', '0'], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--jobs: expected a whole number from 1/);
  });
});

describe('the default number of workers (chooseJobs)', () => {
  const jobs = (cores: number, load: number, items: number, itemsPerWorker = 4) => chooseJobs({ cores, load, items, itemsPerWorker });

  it('uses one worker per free core when the work pays for them', () => {
    expect(jobs(2, 0, 1000)).toBe(2);
    expect(jobs(16, 0.3, 1000)).toBe(16);
    expect(jobs(16, 4, 1000)).toBe(12);
    expect(jobs(8, 2.6, 1000)).toBe(5); // 5.4 free cores: rounded
  });

  it('works in this thread when a core of two is busy, or the machine is loaded beyond its cores', () => {
    expect(jobs(2, 1, 1000)).toBe(1);
    expect(jobs(2, 0.6, 1000)).toBe(1);
    expect(jobs(2, 24, 1000)).toBe(1);
    expect(jobs(1, 0, 1000)).toBe(1);
  });

  it('starts no more workers than the items pay for, and none for a handful', () => {
    expect(jobs(16, 0, 7)).toBe(1);
    expect(jobs(16, 0, 8)).toBe(2);
    expect(jobs(16, 0, 23)).toBe(5);
    expect(jobs(2, 0, 100, 64)).toBe(1);
    expect(jobs(2, 0, 128, 64)).toBe(2);
  });

  it('never answers less than one, whatever the inputs', () => {
    expect(jobs(0, 0, 0)).toBe(1);
    expect(jobs(4, -1, 1000)).toBe(4); // a load below zero is not a fifth core
    expect(jobs(4, Number.NaN, 1000)).toBe(1);
  });
});
