import { describe, expect, it } from 'vitest';
import rule, { instant } from './RPV-M002.js';
import { focuses, runRule } from '../test/support/rules.js';

const activity = (id: string, start: string, end: string) =>
  `<urn:r/${id}> a prov:Activity ; prov:startedAtTime "${start}"^^xsd:dateTime ; prov:endedAtTime "${end}"^^xsd:dateTime .`;

describe('RPV-M002 no activity ends before it starts', () => {
  it('flags an activity that ends before it starts, naming it and both times', async () => {
    expect(await focuses(rule, activity('run', '2024-05-01T12:00:00Z', '2024-05-01T11:59:59Z'))).toEqual(['r:run']);
    const outcome = await runRule(rule, activity('run', '2024-05-01T12:00:00Z', '2024-05-01T10:00:00Z'));
    expect(outcome.applies && outcome.findings[0]?.message).toBe('the activity ends (2024-05-01T10:00:00Z) 2 h before it starts (2024-05-01T12:00:00Z)');
  });
  it('compares instants across time zones', async () => {
    // 13:30+02:00 is 11:30Z: before a 12:00Z start, although the text reads later.
    expect(await focuses(rule, activity('run', '2024-05-01T12:00:00Z', '2024-05-01T13:30:00+02:00'))).toEqual(['r:run']);
    // 08:30-05:00 is 13:30Z: after, although the text reads earlier.
    expect(await focuses(rule, activity('run', '2024-05-01T12:00:00Z', '2024-05-01T08:30:00-05:00'))).toEqual([]);
    expect(await focuses(rule, activity('run', '2024-05-01T14:00:00+02:00', '2024-05-01T12:00:00Z'))).toEqual([]);
  });
  it('compares fractions of a second', async () => {
    expect(await focuses(rule, activity('run', '2024-05-01T12:00:00.500001Z', '2024-05-01T12:00:00.5Z'))).toEqual(['r:run']);
    expect(await focuses(rule, activity('run', '2024-05-01T12:00:00.5Z', '2024-05-01T12:00:00.5Z'))).toEqual([]);
  });
  it('checks qualified start and end times and every activity', async () => {
    const qualified = '<urn:r/ctx> a prov:Activity ; prov:qualifiedStart [ a prov:Start ; prov:atTime "2024-05-01T12:00:00Z"^^xsd:dateTime ] ; prov:qualifiedEnd [ a prov:End ; prov:atTime "2024-05-01T11:00:00Z"^^xsd:dateTime ] .';
    expect(await focuses(rule, `${activity('run', '2024-05-01T10:00:00Z', '2024-05-01T13:00:00Z')}\n${qualified}`)).toEqual(['r:ctx']);
  });
  it('passes activities in order, and ignores times it cannot read', async () => {
    expect(await focuses(rule, activity('run', '2024-05-01T12:00:00Z', '2024-05-01T12:00:01Z'))).toEqual([]);
    expect(await focuses(rule, `${activity('run', '2024-05-01T12:00:00Z', '2024-05-01T12:00:01Z')}\n${activity('bad', 'yesterday', '2024-05-01T12:00:00Z')}`)).toEqual([]);
  });
  it('does not apply when no activity records both times', async () => {
    expect(await focuses(rule, '<urn:r/run> a prov:Activity, mls:Run ; prov:startedAtTime "2024-05-01T12:00:00Z"^^xsd:dateTime .')).toMatch(/^not applicable: no activity records both/);
    expect(await focuses(rule, activity('bad', 'yesterday', 'today'))).toMatch(/^not applicable/);
  });
  it('reads xsd:dateTime and xsd:date as instants', () => {
    expect(instant('2024-05-01T12:00:00Z')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(instant('2024-05-01T12:00:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(instant('2024-05-01T14:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(instant('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    expect(instant('0099-01-01T00:00:00Z')).toBe(new Date('0099-01-01T00:00:00Z').getTime());
    expect(instant('2024-13-01T00:00:00Z')).toBeUndefined();
    expect(instant('1715000000')).toBeUndefined();
  });
});
