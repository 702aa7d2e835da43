import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import rule from './RPV-M004.js';
import { focuses, runRule } from '../test/support/rules.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const LOSS = 'loss,training,reprov\n0,0.9,1714564800000,0\n';

let root: string;
let bundle: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rpv-m004-'));
  bundle = join(root, 'bundle');
  mkdirSync(bundle);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (path: string, content: string) => {
  mkdirSync(dirname(join(bundle, path)), { recursive: true });
  writeFileSync(join(bundle, path), content);
};
const checksum = (node: string, hex: string) => `<urn:r/${node}> spdx:checksum <urn:r/${node}/checksum/sha256> .\n<urn:r/${node}/checksum/sha256> spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "${hex}" .`;
const RUN = '<urn:r/run> a prov:Activity, mls:Run .\n<urn:r/context/training> a prov:Activity, reprov:Context ; prov:wasInformedBy <urn:r/run> .';
const metric = (path: string, hex?: string) =>
  `${RUN}\n<urn:r/metric/loss> a prov:Entity, reprov:Metric ; reprov:metricFile "${path}" ; prov:atLocation "${path}" ; prov:wasGeneratedBy <urn:r/context/training> .${hex ? `\n${checksum('metric/loss', hex)}` : ''}`;
/** A metric stored in the bundle in a form of its own (a file or a directory): what RPV-M004 reads through prov:atLocation. */
const output = (types: string, path: string, hex?: string) =>
  `${RUN}\n<urn:r/out> a prov:Entity, reprov:Metric, ${types} ; prov:atLocation "${path}" ; prov:wasGeneratedBy <urn:r/run> .${hex ? `\n${checksum('out', hex)}` : ''}`;
const severities = async (turtle: string) => {
  const outcome = await runRule(rule, turtle, { baseDir: bundle });
  return outcome.applies ? outcome.findings.map((f) => f.severity) : [outcome.reason];
};
const messages = async (turtle: string) => {
  const outcome = await runRule(rule, turtle, { baseDir: bundle });
  return outcome.applies ? outcome.findings.map((f) => f.message) : [outcome.reason];
};

describe('RPV-M004 files the bundle names exist and match', () => {
  it('passes metric files and outputs that exist and match their checksum', async () => {
    write('metrics/loss.csv', LOSS);
    write('artifacts/model.pt', 'weights');
    expect(await focuses(rule, metric('metrics/loss.csv', sha256(LOSS)), { baseDir: bundle })).toEqual([]);
    expect(await focuses(rule, output('reprov:File, mls:Model', 'artifacts/model.pt', sha256('weights')), { baseDir: bundle })).toEqual([]);
    expect(await focuses(rule, output('reprov:Artifact', './artifacts/../artifacts/model.pt', sha256('weights').toUpperCase()), { baseDir: bundle })).toEqual([]);
  });
  it('passes a file without a recorded checksum when it exists', async () => {
    write('metrics/loss.csv', LOSS);
    expect(await focuses(rule, metric('metrics/loss.csv'), { baseDir: bundle })).toEqual([]);
  });
  it('warns of a missing file (the files were not at hand), naming the node', async () => {
    expect(await focuses(rule, metric('metrics/loss.csv', sha256(LOSS)), { baseDir: bundle })).toEqual(['r:metric/loss']);
    expect(await messages(metric('metrics/loss.csv'))).toEqual([expect.stringMatching(/^metrics\/loss.csv \(reprov:metricFile\) is not at hand: no such file in the bundle directory/)]);
    expect(await severities(metric('metrics/loss.csv', sha256(LOSS)))).toEqual(['warning']);
    expect(await focuses(rule, output('mls:Model', 'model.pt'), { baseDir: bundle })).toEqual(['r:out']);
  });
  it('flags a file whose SHA-256 differs from the recorded one as an error', async () => {
    write('metrics/loss.csv', `${LOSS}1,0.1,1714564860000,1\n`);
    expect(await focuses(rule, metric('metrics/loss.csv', sha256(LOSS)), { baseDir: bundle })).toEqual(['r:metric/loss']);
    const [message] = await messages(metric('metrics/loss.csv', sha256(LOSS)));
    expect(message).toMatch(/^metrics\/loss.csv \(reprov:metricFile\) has changed since the run: its SHA-256 is [0-9a-f]{12}…, the bundle records [0-9a-f]{12}…$/);
    expect(await severities(metric('metrics/loss.csv', sha256(LOSS)))).toEqual(['error']);
  });
  it('finds a file named from the directory the run started in (the path repeats the bundle directory\'s trailing folders, as yProv4ML writes it)', async () => {
    write('metrics/loss.csv', LOSS);
    // The bundle directory is <tmp>/bundle: yProv4ML would name the file bundle/metrics/loss.csv.
    expect(await focuses(rule, metric('bundle/metrics/loss.csv', sha256(LOSS)), { baseDir: bundle })).toEqual([]);
    write('metrics/loss.csv', 'changed\n');
    expect(await messages(metric('bundle/metrics/loss.csv', sha256(LOSS)))).toEqual([expect.stringMatching(/^bundle\/metrics\/loss.csv \(reprov:metricFile\) has changed since the run/)]);
  });
  it('checks a different prov:atLocation beside the metric file', async () => {
    write('metrics/loss.csv', LOSS);
    const bundleText = `${RUN}\n<urn:r/metric/loss> a reprov:Metric ; reprov:metricFile "metrics/loss.csv" ; prov:atLocation "metrics/old.csv" .`;
    expect(await messages(bundleText)).toEqual(['metrics/old.csv (prov:atLocation) is not at hand: no such file in the bundle directory (the bundle was checked without its files, or they were lost when it was copied), so its content cannot be inspected']);
  });
  it('hashes a directory output with the reprov directory digest', async () => {
    write('artifacts/model/weights.bin', 'w');
    const { hashDirectory } = await import('../src/base/hash.js');
    const digest = (await hashDirectory(join(bundle, 'artifacts/model'))).sha256;
    expect(await focuses(rule, output('reprov:Directory, mls:Model', 'artifacts/model', digest), { baseDir: bundle })).toEqual([]);
    expect(await messages(output('reprov:File, mls:Model', 'artifacts/model'))).toEqual(['artifacts/model (prov:atLocation) is a directory, but the bundle describes a file']);
    write('artifacts/model/extra.bin', 'x');
    expect(await focuses(rule, output('reprov:Directory, mls:Model', 'artifacts/model', digest), { baseDir: bundle })).toEqual(['r:out']);
  });
  describe('never reads outside the bundle directory', () => {
    const secret = 'not the bundle\'s business\n';
    beforeEach(() => writeFileSync(join(root, 'outside.csv'), secret));
    it('flags an absolute path without reading it', async () => {
      const outside = join(root, 'outside.csv');
      // The recorded digest matches the file outside: a rule that read it would pass it.
      expect(await messages(metric(outside, sha256(secret)))).toEqual([`${outside} (reprov:metricFile) is an absolute path: a bundle names its files relative to its own directory, and a path outside it is not read`]);
      expect(await focuses(rule, metric(`file://${outside}`, sha256(secret)), { baseDir: bundle })).toEqual(['r:metric/loss']);
      expect(await focuses(rule, output('reprov:File', 'C:\\\\data\\\\model.pt'), { baseDir: bundle })).toEqual(['r:out']);
    });
    it('flags repeated folders followed by a climb out as leaving it, as an error, without reading what lies there', async () => {
      // bundle/../outside.csv read as written stays inside (<tmp>/bundle/bundle/../outside.csv is absent);
      // dropping the repeated folder would read <tmp>/outside.csv, whose digest the bundle records: refused.
      expect(await messages(metric('bundle/../outside.csv', sha256(secret)))).toEqual(['bundle/../outside.csv (reprov:metricFile) (looked for as ../outside.csv) leaves the bundle directory (..): a path outside it is not read']);
      expect(await severities(metric('bundle/../outside.csv', sha256(secret)))).toEqual(['error']);
      expect(await severities(metric('../../etc/passwd'))).toEqual(['error']);
    });
    it('flags a path that leaves it with ..', async () => {
      expect(await messages(metric('../outside.csv', sha256(secret)))).toEqual(['../outside.csv (reprov:metricFile) leaves the bundle directory (..): a path outside it is not read']);
      expect(await focuses(rule, metric('metrics/../../outside.csv', sha256(secret)), { baseDir: bundle })).toEqual(['r:metric/loss']);
    });
    it('flags a symbolic link out of it, and a link inside whose directory links out', async () => {
      mkdirSync(join(bundle, 'metrics'));
      symlinkSync(join(root, 'outside.csv'), join(bundle, 'metrics', 'loss.csv'));
      expect(await messages(metric('metrics/loss.csv', sha256(secret)))).toEqual(['metrics/loss.csv (reprov:metricFile) is a symbolic link out of the bundle directory: it is not read']);
      symlinkSync(root, join(bundle, 'up'));
      expect(await focuses(rule, metric('up/outside.csv', sha256(secret)), { baseDir: bundle })).toEqual(['r:metric/loss']);
    });
    it('follows a symbolic link that stays inside', async () => {
      write('metrics/real.csv', LOSS);
      symlinkSync('real.csv', join(bundle, 'metrics', 'loss.csv'));
      expect(await focuses(rule, metric('metrics/loss.csv', sha256(LOSS)), { baseDir: bundle })).toEqual([]);
    });
    it('accepts a bundle directory reached through a symbolic link', async () => {
      write('metrics/loss.csv', LOSS);
      symlinkSync(bundle, join(root, 'alias'));
      expect(await focuses(rule, metric('metrics/loss.csv', sha256(LOSS)), { baseDir: join(root, 'alias') })).toEqual([]);
    });
  });
  it('looks only at the bundle\'s own metric files: inputs, outputs recorded relative to the working directory and remote locations are not its files', async () => {
    const text = `${RUN}\n<urn:r/run> prov:used <urn:r/in> .\n<urn:r/in> a reprov:File ; prov:atLocation "data/train.csv" .\n`
      + '<urn:r/other> a prov:Activity .\n<urn:r/x> a mls:Model ; prov:atLocation "elsewhere.pt" ; prov:wasGeneratedBy <urn:r/other> .\n'
      + '<urn:r/remote> a mls:Model ; prov:atLocation "s3://bucket/model.pt" ; prov:wasGeneratedBy <urn:r/run> .';
    expect(await focuses(rule, text, { baseDir: bundle })).toMatch(/^not applicable: the bundle names no metric file or output file/);
  });
  it('does not apply without a bundle directory', async () => {
    expect(await focuses(rule, metric('/etc/passwd'))).toMatch(/^not applicable: the bundle's files are not at hand/);
    expect(await focuses(rule, metric('metrics/loss.csv'), { baseDir: join(root, 'gone') })).toMatch(/^not applicable: the bundle's directory .* cannot be read/);
  });
  it('fails its documented failing example and passes its passing one, with the example files at hand', async () => {
    for (const [path, content] of Object.entries(rule.meta.example.files ?? {})) write(path, content);
    const failing = await runRule(rule, rule.meta.example.failing, { baseDir: bundle });
    expect(failing.applies && failing.findings.map((f) => f.focus)).toEqual(['r:metric/training/loss']);
    expect(await runRule(rule, rule.meta.example.passing, { baseDir: bundle })).toEqual({ applies: true, findings: [] });
  });
});
