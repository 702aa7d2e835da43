/**
 * A rule may rate a finding below its own severity (RPV-M004: an absent file is a warning, a changed
 * one an error): the engine keeps that, a configured severity caps both, and the score charges the
 * rule at its worst finding's severity.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checker, type RuleSetting } from '../../src/check/engine.js';
import M004 from '../../rules/RPV-M004.js';
import C003 from '../../rules/RPV-C003.js';
import { RUN_PREFIXES } from '../../src/prov/vocabulary.js';

const PREAMBLE = Object.entries(RUN_PREFIXES).map(([p, iri]) => `@prefix ${p}: <${iri}> .`).join('\n') + '\n';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const bundle = (files: Record<string, string>) => `${PREAMBLE}<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/cmd> .
<urn:r/cmd> a reprov:Command ; reprov:commandLine "python train.py" .
${Object.entries(files).map(([path, content], i) => `<urn:r/m${i}> a reprov:Metric ; reprov:metricFile "${path}" ; prov:wasGeneratedBy <urn:r/run> ; spdx:checksum <urn:r/m${i}/c> .
<urn:r/m${i}/c> spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "${sha256(content)}" .`).join('\n')}`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rpv-severity-'));
  mkdirSync(join(dir, 'metrics'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = async (text: string, settings: Record<string, RuleSetting> = {}) => {
  const result = await new Checker({ rules: [M004, C003], settingsFor: () => settings }).checkText(text, join(dir, 'prov.ttl'), dir);
  const m004 = result.rules.find((r) => r.rule.id === 'RPV-M004')!;
  return { score: result.score, severity: m004.severity, findings: m004.findings.map((f) => f.severity) };
};

describe('per-finding severity', () => {
  it('an absent file is a warning and costs half the rule\'s weight; a changed file is an error and costs all of it', async () => {
    // C003 passes (weight 4); M004 weighs 8.
    const absent = await run(bundle({ 'metrics/a.csv': 'a' }));
    expect(absent).toEqual({ score: Math.round(100 * (1 - 4 / 12)), severity: 'warning', findings: ['warning'] });
    writeFileSync(join(dir, 'metrics', 'a.csv'), 'changed');
    const changed = await run(bundle({ 'metrics/a.csv': 'a' }));
    expect(changed).toEqual({ score: Math.round(100 * (1 - 8 / 12)), severity: 'error', findings: ['error'] });
    writeFileSync(join(dir, 'metrics', 'a.csv'), 'a');
    expect(await run(bundle({ 'metrics/a.csv': 'a' }))).toEqual({ score: 100, severity: 'error', findings: [] });
  });

  it('with both kinds, each keeps its own severity and the rule is charged as an error', async () => {
    writeFileSync(join(dir, 'metrics', 'b.csv'), 'changed');
    expect(await run(bundle({ 'metrics/a.csv': 'a', 'metrics/b.csv': 'b' }))).toEqual({ score: 33, severity: 'error', findings: ['warning', 'error'] });
  });

  it('a configured severity replaces the rule\'s and caps the milder findings', async () => {
    writeFileSync(join(dir, 'metrics', 'b.csv'), 'changed');
    const files = { 'metrics/a.csv': 'a', 'metrics/b.csv': 'b' };
    expect((await run(bundle(files), { 'RPV-M004': 'warning' })).findings).toEqual(['warning', 'warning']);
    expect((await run(bundle(files), { 'RPV-M004': 'info' }))).toEqual({ score: 100, severity: 'info', findings: ['info', 'info'] });
  });
});
