import { describe, expect, it } from 'vitest';
import rule from './RPV-M001.js';
import { focuses, runRule } from '../test/support/rules.js';

const RUN = '<urn:r/run> a prov:Activity, mls:Run .';

describe('RPV-M001 relations point at declared things', () => {
  it('flags each undeclared object of a relation once, whatever points at it', async () => {
    const bundle = `${RUN}\n<urn:r/run> prov:used <urn:r/data/in>, <urn:r/seed/x> ; prov:wasAssociatedWith <urn:r/agent/ghost> .\n<urn:r/ctx> a prov:Activity ; prov:used <urn:r/data/in> .\n<urn:r/seed/x> a reprov:Seed .`;
    expect((await focuses(rule, bundle) as string[]).sort()).toEqual(['r:agent/ghost', 'r:data/in']);
    const outcome = await runRule(rule, bundle);
    const message = outcome.applies ? outcome.findings.find((f) => f.focus === 'r:data/in')?.message : '';
    expect(message).toMatch(/r:ctx prov:used, r:run prov:used points at it/);
  });
  it('checks every relation the rule names', async () => {
    for (const relation of ['prov:wasGeneratedBy', 'prov:wasInformedBy', 'prov:wasAttributedTo', 'prov:wasDerivedFrom', 'prov:wasAssociatedWith']) {
      expect(await focuses(rule, `<urn:r/e> a prov:Entity ; ${relation} <urn:r/x> .`)).toEqual(['r:x']);
    }
  });
  it('checks the ends of qualified influence nodes', async () => {
    expect(await focuses(rule, `${RUN}\n<urn:r/run> prov:qualifiedUsage <urn:r/usage/1> .\n<urn:r/usage/1> a prov:Usage ; prov:entity <urn:r/data/in> .`)).toEqual(['r:data/in']);
    expect(await focuses(rule, `${RUN}\n<urn:r/run> prov:qualifiedAssociation [ a prov:Association ; prov:agent <urn:r/agent/a> ] .`)).toEqual(['r:agent/a']);
    expect(await focuses(rule, '<urn:r/m> a mls:Model ; prov:qualifiedGeneration [ a prov:Generation ; prov:activity <urn:r/train> ] .')).toEqual(['r:train']);
  });
  it('names an undeclared blank node through what points at it', async () => {
    expect(await focuses(rule, `${RUN}\n<urn:r/run> prov:used [ rdfs:label "anonymous" ] .`)).toEqual(['r:run/used']);
  });
  it('passes when every end is declared, with any type', async () => {
    const bundle = `${RUN}\n<urn:r/run> prov:used <urn:r/data/in> ; prov:wasAssociatedWith <urn:r/agent/user> .\n<urn:r/data/in> a reprov:File .\n<urn:r/agent/user> a prov:Person .\n<urn:r/model> a mls:Model ; prov:wasGeneratedBy <urn:r/run> .`;
    expect(await focuses(rule, bundle)).toEqual([]);
  });
  it('does not apply without relations', async () => {
    expect(await focuses(rule, `${RUN}\n<urn:r/e> a prov:Entity ; rdfs:label "e" .`)).toMatch(/^not applicable: the bundle records no PROV relation/);
  });
});
