import { describe, expect, it } from 'vitest';
import rule from './RPV-M003.js';
import { focuses, runRule } from '../test/support/rules.js';

const t = (time: string) => `"${time}"^^xsd:dateTime`;
const entity = (generated: string) => `<urn:r/data/x> a prov:Entity, reprov:File ; prov:generatedAtTime ${t(generated)} .`;
const usedAt = (time: string) => `<urn:r/run> a prov:Activity, mls:Run ; prov:qualifiedUsage [ a prov:Usage ; prov:entity <urn:r/data/x> ; prov:atTime ${t(time)} ] .`;
const ran = (start: string, end?: string) =>
  `<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/data/x> ; prov:startedAtTime ${t(start)}${end ? ` ; prov:endedAtTime ${t(end)}` : ''} .`;

describe('RPV-M003 nothing is used before it is generated', () => {
  it('flags a qualified usage earlier than the generation, naming the entity, the activity and both times', async () => {
    expect(await focuses(rule, `${entity('2024-05-01T12:00:00Z')}\n${usedAt('2024-05-01T11:00:00Z')}`)).toEqual(['r:data/x']);
    const outcome = await runRule(rule, `${entity('2024-05-01T12:00:00Z')}\n${usedAt('2024-05-01T11:00:00Z')}`);
    expect(outcome.applies && outcome.findings[0]?.message).toBe('r:run used it at 2024-05-01T11:00:00Z, but the entity was generated at 2024-05-01T12:00:00Z');
  });
  it('compares across time zones', async () => {
    // 13:30+02:00 is 11:30Z, before a 12:00Z generation.
    expect(await focuses(rule, `${entity('2024-05-01T12:00:00Z')}\n${usedAt('2024-05-01T13:30:00+02:00')}`)).toEqual(['r:data/x']);
    expect(await focuses(rule, `${entity('2024-05-01T12:00:00Z')}\n${usedAt('2024-05-01T08:30:00-05:00')}`)).toEqual([]);
  });
  it('reads a qualified generation time', async () => {
    const generated = `<urn:r/data/x> a prov:Entity ; prov:qualifiedGeneration [ a prov:Generation ; prov:activity <urn:r/prep> ; prov:atTime ${t('2024-05-01T12:00:00Z')} ] .\n<urn:r/prep> a prov:Activity .`;
    expect(await focuses(rule, `${generated}\n${usedAt('2024-05-01T11:00:00Z')}`)).toEqual(['r:data/x']);
  });
  it('flags an unqualified use by an activity that ended before the entity was generated', async () => {
    expect(await focuses(rule, `${entity('2024-05-01T12:00:00Z')}\n${ran('2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z')}`)).toEqual(['r:data/x']);
    const outcome = await runRule(rule, `${entity('2024-05-01T12:00:00Z')}\n${ran('2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z')}`);
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/^r:run used it and ended at 2024-05-01T11:00:00Z, but/);
  });
  it('passes an unqualified use by an activity still running when the entity was generated', async () => {
    // The run may have read it after 12:00, before it ended at 13:00.
    expect(await focuses(rule, `${entity('2024-05-01T12:00:00Z')}\n${ran('2024-05-01T10:00:00Z', '2024-05-01T13:00:00Z')}`)).toEqual([]);
  });
  it('passes uses after the generation', async () => {
    expect(await focuses(rule, `${entity('2024-05-01T12:00:00Z')}\n${usedAt('2024-05-01T12:00:00Z')}`)).toEqual([]);
    expect(await focuses(rule, `${entity('2024-05-01T09:00:00Z')}\n${ran('2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z')}`)).toEqual([]);
  });
  it('lets a timed qualified usage decide over the unqualified shortcut of the same use', async () => {
    const both = `${entity('2024-05-01T12:00:00Z')}\n${usedAt('2024-05-01T12:30:00Z')}\n<urn:r/run> prov:used <urn:r/data/x> ; prov:endedAtTime ${t('2024-05-01T13:00:00Z')} .`;
    expect(await focuses(rule, both)).toEqual([]);
  });
  it('does not apply when no times can be compared', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run ; prov:used <urn:r/data/x> .\n<urn:r/data/x> a reprov:File .')).toMatch(/^not applicable: no used entity has both/);
    expect(await focuses(rule, `<urn:r/data/x> a reprov:File .\n${ran('2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z')}`)).toMatch(/^not applicable/);
    expect(await focuses(rule, `${entity('2024-05-01T12:00:00Z')}\n${ran('2024-05-01T10:00:00Z')}`)).toMatch(/^not applicable/);
  });
});
