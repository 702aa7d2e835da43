/** Scan findings recorded with a run (`startRun({ scan: true })`), read back by check as the scan rules. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCAN_RULES } from '../../rules/scan/index.js';
import { checkBundles, rulesFor } from '../../src/check/check.js';
import type { RuleSetting } from '../../src/check/config.js';
import { Checker } from '../../src/check/engine.js';
import { RECORDED_SCAN_RULES } from '../../src/check/recorded-scan.js';
import type { BundleResult, RuleResult } from '../../src/check/types.js';
import { startRun, type StartRunOptions } from '../../src/run/run.js';
import { write } from '../support/git.js';

const OFF = { git: false, environment: false, hardware: false, dependencies: false, determinism: false, system: false };
const UNSEEDED = 'import numpy as np\n\nx = np.random.rand(3)\n';
const SEEDED = 'import numpy as np\n\nnp.random.seed(0)\nx = np.random.rand(3)\n';
const DEFAULTS = { config: {}, dir: tmpdir(), pointer: '' };

/** Records a run in a fresh directory holding `files`; returns the bundle's Turtle file. */
async function recordIn(files: Record<string, string>, options: Partial<StartRunOptions> = { scan: true }): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'reprov-recorded-scan-'));
  for (const [path, content] of Object.entries(files)) write(cwd, path, content);
  const run = await startRun({ experiment: 'scan', cwd, dir: 'b', collect: OFF, snapshotIntervalMs: 0, ...options });
  return (await run.end()).turtle;
}

async function check(file: string, settings: Record<string, RuleSetting> = {}, rules = rulesFor(DEFAULTS)): Promise<BundleResult> {
  const checker = new Checker({ rules, settingsFor: () => settings });
  const outcome = await checker.checkFile(file);
  if ('message' in outcome) throw new Error(outcome.message);
  return outcome;
}

const resultOf = (bundle: BundleResult, id: string): RuleResult | undefined => bundle.rules.find((r) => r.rule.id === id);
const withoutRecordedScan = rulesFor(DEFAULTS).filter((rule) => !RECORDED_SCAN_RULES.includes(rule));

describe('recorded scan findings in check', () => {
  it('reports each recorded finding as its scan rule: same id, weight and fix, focused on the finding node, located at file:line:column', async () => {
    const bundle = await check(await recordIn({ 'train.py': UNSEEDED }));
    const s102 = resultOf(bundle, 'RPV-S102')!;
    expect(s102.rule).toBe(SCAN_RULES.find((r) => r.meta.id === 'RPV-S102')!.meta);
    expect(s102.applies).toBe(true);
    expect(s102.findings).toEqual([{
      rule: 'RPV-S102', category: 'randomness', severity: 'error', focus: 'run:scan/1',
      message: "train.py:3:5: numpy.random.rand() draws from NumPy's global generator with no np.random.seed() before it",
      fix: s102.rule.fix, location: { file: 'train.py', line: 3, column: 5 },
    }]);
    // A rule the scan applied and that found nothing passes.
    expect(resultOf(bundle, 'RPV-S103')).toMatchObject({ applies: true, findings: [] });
    // Only Python was scanned: the JavaScript rule was not looked for, so it is not counted either way.
    expect(resultOf(bundle, 'RPV-S106')).toMatchObject({ applies: false, reason: 'the recorded scan did not look for RPV-S106 (turned off, or no scanned file of its language)' });
  });

  it('counts the scan rules in the score only when the bundle records a scan', async () => {
    const plain = await recordIn({ 'train.py': UNSEEDED }, {});
    const unscanned = await check(plain);
    for (const rule of SCAN_RULES) {
      expect(resultOf(unscanned, rule.meta.id)).toMatchObject({ applies: false, reason: 'the bundle records no scan of the code (reprov record --scan)' });
    }
    expect(unscanned.score).toBe((await check(plain, {}, withoutRecordedScan)).score);

    const unseeded = await recordIn({ 'train.py': UNSEEDED });
    const seeded = await recordIn({ 'train.py': SEEDED });
    const [found, clean] = [await check(unseeded), await check(seeded)];
    expect(found.score).toBeLessThan(clean.score!);
    expect(found.categories.randomness).toBeLessThan(clean.categories.randomness!);
    // The seed is the only difference: the unseeded run loses exactly RPV-S102's weight (6, an error) out of the same total.
    const applied = clean.rules.filter((r) => r.applies);
    const total = applied.reduce((sum, r) => sum + r.rule.weight, 0);
    const lost = applied.filter((r) => r.findings.length).reduce((sum, r) => sum + r.rule.weight * (r.severity === 'error' ? 1 : r.severity === 'warning' ? 0.5 : 0), 0);
    expect(applied.map((r) => r.rule.id)).toContain('RPV-S102');
    expect(found.score).toBe(Math.round(100 * (1 - (lost + 6) / total)));
    // Not counted, a clean scan would change nothing; counted, its passing rules carry weight.
    expect(clean.score).not.toBe((await check(seeded, {}, withoutRecordedScan)).score);
  });

  it("takes check's rule settings: a severity replaces the recorded one, off leaves the rule out", async () => {
    const file = await recordIn({ 'train.py': UNSEEDED });
    expect((await check(file, { 'RPV-S102': 'warning' })).findings.filter((f) => f.rule === 'RPV-S102').map((f) => f.severity)).toEqual(['warning']);
    expect(resultOf(await check(file, { 'RPV-S102': 'off' }), 'RPV-S102')).toBeUndefined();
  });

  it('checkBundles accepts a configuration file that sets scan rules (one configuration for scan, record --scan and check)', async () => {
    const file = await recordIn({ 'train.py': UNSEEDED });
    const config = join(mkdtempSync(join(tmpdir(), 'reprov-recorded-scan-config-')), 'reprov.config.json');
    writeFileSync(config, '{ "rules": { "RPV-S102": "info" } }');
    const { result } = await checkBundles([file], { config, jobs: 1 });
    expect(result.bundles[0]!.findings.filter((f) => f.rule === 'RPV-S102').map((f) => f.severity)).toEqual(['info']);
  });

  it('describes the code node itself when git is not collected, so the findings hang off a typed entity', async () => {
    const text = readFileSync(await recordIn({ 'train.py': UNSEEDED }), 'utf8');
    expect(text).toMatch(/run:code a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState/);
    expect(text).toMatch(/prov:used [^.]*run:code/);
  });

  it('says why a scan recorded with the run did not complete', async () => {
    const bundle = await check(await recordIn({ 'train.py': UNSEEDED, 'reprov.config.json': '{"rules": {"RPV-S109": "off"}}' }));
    expect(resultOf(bundle, 'RPV-S102')).toMatchObject({
      applies: false,
      reason: expect.stringMatching(/^the scan recorded with the run did not complete: reprov\.config\.json:\/rules\/RPV-S109: unknown rule RPV-S109/),
    });
  });

  describe('reads only what the bundle states', () => {
    const turtle = (scanned: string, findings: string) => `@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix mls: <http://www.w3.org/ns/mls#> .
@prefix reprov: <https://w3id.org/reprov#> .
@prefix run: <urn:r/> .
run:run a prov:Activity, mls:Run ; prov:used run:code .
run:code a prov:Entity, reprov:CodeState ; reprov:scanned ${scanned} ; reprov:scanRule "RPV-S102" .
${findings}
`;
    const bundleFile = (text: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'reprov-recorded-scan-ttl-'));
      write(dir, 'prov.ttl', text);
      return join(dir, 'prov.ttl');
    };

    it('a finding without a usable place has no location; other rules and unlinked findings are not reported', async () => {
      const bundle = await check(bundleFile(turtle('true', `
run:code reprov:scanFinding <urn:r/scan/1>, <urn:r/scan/2> .
<urn:r/scan/1> a reprov:ScanFinding ; reprov:ruleId "RPV-S102" ; reprov:message "m1" ; reprov:sourceFile "a.py" ; reprov:line 0 ; reprov:column 1 .
<urn:r/scan/2> a reprov:ScanFinding ; reprov:ruleId "RPV-S101" ; reprov:message "m2" ; reprov:sourceFile "a.py" ; reprov:line 2 ; reprov:column 1 .
<urn:r/scan/3> a reprov:ScanFinding ; reprov:ruleId "RPV-S102" ; reprov:message "not linked" ; reprov:sourceFile "a.py" ; reprov:line 3 ; reprov:column 1 .`)));
      const [only, ...others] = resultOf(bundle, 'RPV-S102')!.findings;
      expect(others).toEqual([]);
      expect(only).toMatchObject({ focus: 'run:scan/1', message: 'm1' });
      expect(only).not.toHaveProperty('location');
      // RPV-S101 is not among the rules the scan applied: its stray finding is not read.
      expect(resultOf(bundle, 'RPV-S101')).toMatchObject({ applies: false, findings: [] });
    });

    it('reprov:scanned false is no scan', async () => {
      const bundle = await check(bundleFile(turtle('false', '')));
      expect(resultOf(bundle, 'RPV-S102')).toMatchObject({ applies: false, reason: 'the bundle records no scan of the code (reprov record --scan)' });
    });
  });
});
