import { describe, expect, it } from 'vitest';
import rule from './RPV-H001.js';
import { focuses, runRule } from '../test/support/rules.js';

const run = (hw: string) => `<urn:r/run> a mls:Run ; prov:used <urn:r/hardware> .\n<urn:r/hardware> a prov:Entity, reprov:Hardware ; reprov:gpuCount 0 ${hw} .`;

describe('RPV-H001 CPU and memory are recorded', () => {
  it('flags a run that used no hardware description', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run .')).toEqual(['r:run']);
    const outcome = await runRule(rule, '<urn:r/run> a mls:Run .');
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/^the run records no CPU and memory/);
  });
  it('flags hardware without the CPU, or without the memory', async () => {
    expect(await focuses(rule, run('; reprov:memoryBytes 17179869184'))).toEqual(['r:run']);
    expect(await focuses(rule, run('; reprov:cpuModel "Apple M2" ; reprov:cpuThreads 8'))).toEqual(['r:run']);
  });
  it('does not take a GPU memory for the machine memory', async () => {
    expect(await focuses(rule, `${run('; reprov:cpuThreads 8 ; reprov:gpu <urn:r/hardware/gpu/0>')}\n<urn:r/hardware/gpu/0> a reprov:GPU ; reprov:memoryBytes 85899345920 .`)).toEqual(['r:run']);
  });
  it('passes the CPU model or thread count with the memory, and checks each run of a bundle', async () => {
    const recorded = run('; reprov:cpuModel "Apple M2" ; reprov:memoryBytes 17179869184');
    expect(await focuses(rule, recorded)).toEqual([]);
    expect(await focuses(rule, run('; reprov:cpuThreads 16 ; reprov:memoryBytes 17179869184'))).toEqual([]);
    expect(await focuses(rule, `${recorded}\n<urn:r/run2> a mls:Run .`)).toEqual(['r:run2']);
  });
  it('does not apply without a run', async () => {
    expect(await focuses(rule, '<urn:r/hardware> a reprov:Hardware .')).toMatch(/^not applicable/);
  });
});
