/** The configuration's `shapes`: each named node shape becomes a rule whose results are scored findings. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBundles } from '../../src/check/check.js';
import { userShapeRules } from '../../src/check/user-shapes.js';

const ROOT = mkdtempSync(join(tmpdir(), 'reprov-user-shapes-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

const TEAM_SHAPE = `@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix mls: <http://www.w3.org/ns/mls#> .
@prefix reprov: <https://w3id.org/reprov#> .
@prefix team: <https://example.org/team-shapes#> .
team:RunHasExperiment a sh:NodeShape ;
  sh:name "A run names its experiment" ;
  sh:severity sh:Warning ;
  reprov:category "code" ;
  reprov:weight 8 ;
  reprov:fix "Pass -e NAME to reprov record." ;
  sh:targetClass mls:Run ;
  sh:property [ sh:path reprov:experiment ; sh:minCount 1 ; sh:message "the run names no experiment" ] .
`;

const bundle = (experiment: boolean) => `@prefix mls: <http://www.w3.org/ns/mls#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix reprov: <https://w3id.org/reprov#> .
<urn:r/run> a prov:Activity, mls:Run${experiment ? ' ; reprov:experiment "cifar"' : ''} .
`;

function project(name: string, shape: string): string {
  const dir = join(ROOT, name);
  mkdirSync(join(dir, 'shapes'), { recursive: true });
  writeFileSync(join(dir, 'shapes', 'team.ttl'), shape);
  writeFileSync(join(dir, 'reprov.config.json'), JSON.stringify({ shapes: ['shapes'] }));
  writeFileSync(join(dir, 'bare.ttl'), bundle(false));
  writeFileSync(join(dir, 'named.ttl'), bundle(true));
  return dir;
}

describe('user SHACL shapes', () => {
  it('report their results as findings of a rule named after the shape, with its severity, category and weight in the score', async () => {
    const dir = project('team', TEAM_SHAPE);
    const config = join(dir, 'reprov.config.json');
    const { result } = await checkBundles([join(dir, 'bare.ttl'), join(dir, 'named.ttl')], { config, jobs: 1 });
    const [bare, named] = result.bundles;
    expect(bare!.findings.filter((f) => f.rule === 'RunHasExperiment')).toEqual([{
      rule: 'RunHasExperiment', category: 'code', severity: 'warning', focus: 'urn:r/run',
      message: 'the run names no experiment', fix: 'Pass -e NAME to reprov record.',
    }]);
    expect(named!.findings.filter((f) => f.rule === 'RunHasExperiment')).toEqual([]);
    const team = (b: typeof bare) => b!.rules.find((r) => r.rule.id === 'RunHasExperiment')!;
    expect(team(bare).rule).toMatchObject({ title: 'A run names its experiment', weight: 8, category: 'code' });
    expect(team(bare).applies).toBe(true);
    // Nothing else tells the two bundles apart.
    expect(bare!.score).toBeLessThan(named!.score!);
  });

  it('say which file and place is wrong', () => {
    const broken = join(ROOT, 'broken.ttl');
    writeFileSync(broken, '@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:s> a sh:NodeShape\n<urn:t> a sh:NodeShape .\n');
    expect(() => userShapeRules([broken])).toThrow(/broken\.ttl:3:1: /);
    const badCategory = join(ROOT, 'category.ttl');
    writeFileSync(badCategory, '@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:x#S> a sh:NodeShape ; <https://w3id.org/reprov#category> "style" .\n');
    expect(() => userShapeRules([badCategory])).toThrow(/category\.ttl: shape <urn:x#S>: reprov:category 'style' is not one of randomness, /);
  });
});
