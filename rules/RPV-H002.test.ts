import { describe, expect, it } from 'vitest';
import rule from './RPV-H002.js';
import { focuses, runRule } from '../test/support/rules.js';

const COMPLETE = 'schema:name "NVIDIA H100 80GB HBM3" ; reprov:memoryBytes 85520809984 ; reprov:driverVersion "550.54.15" ; reprov:cudaVersion "12.4"';
const gpu = (i: number, statements = COMPLETE) => `<urn:r/hardware/gpu/${i}> a prov:Entity, reprov:GPU ; reprov:gpuIndex ${i} ; ${statements} .`;
const run = (hw: string, ...gpus: string[]) => `<urn:r/run> a mls:Run ; prov:used <urn:r/hardware> .\n<urn:r/hardware> a prov:Entity, reprov:Hardware ; reprov:cpuThreads 32 ; reprov:memoryBytes 270582939648 ${hw} .\n${gpus.join('\n')}`;
const messages = async (turtle: string) => {
  const outcome = await runRule(rule, turtle);
  return outcome.applies ? outcome.findings.map((f) => `${f.focus}: ${f.message}`) : [];
};

describe('RPV-H002 GPUs are described', () => {
  it('flags each GPU that lacks its model, memory, driver or CUDA version, naming what is missing', async () => {
    const bundle = run('; reprov:gpuCount 2 ; reprov:gpu <urn:r/hardware/gpu/0>, <urn:r/hardware/gpu/1>', gpu(0), gpu(1, 'schema:name "NVIDIA H100 80GB HBM3" ; reprov:memoryBytes 85520809984'));
    expect(await focuses(rule, bundle)).toEqual(['r:hardware/gpu/1']);
    expect(await messages(bundle)).toEqual(['r:hardware/gpu/1: the GPU records no driver version (reprov:driverVersion), no CUDA version (reprov:cudaVersion): a rerun cannot match the GPU setup that produced the results']);
  });
  it('flags a GPU count without GPU descriptions, and GPUs without a count', async () => {
    expect(await focuses(rule, run('; reprov:gpuCount 4'))).toEqual(['r:hardware']);
    expect(await messages(run('; reprov:gpuCount 4'))).toEqual([expect.stringContaining('the run used 4 GPUs but records no model, memory, driver or CUDA version for them')]);
    expect(await focuses(rule, run('; reprov:gpu <urn:r/hardware/gpu/0>', gpu(0)))).toEqual(['r:hardware']);
    expect(await focuses(rule, run('; reprov:gpuCount 2 ; reprov:gpu <urn:r/hardware/gpu/0>', gpu(0)))).toEqual(['r:hardware']);
  });
  it('passes complete GPU descriptions with their count', async () => {
    expect(await focuses(rule, run('; reprov:gpuCount 2 ; reprov:gpu <urn:r/hardware/gpu/0>, <urn:r/hardware/gpu/1>', gpu(0), gpu(1)))).toEqual([]);
  });
  it('does not apply when no GPU was used or nothing is known about GPUs', async () => {
    expect(await focuses(rule, run('; reprov:gpuCount 0 ; reprov:unknownReason "no devices"'))).toMatch(/^not applicable: the run used no GPU/);
    expect(await focuses(rule, run('; reprov:unknownReason "nvidia-smi not found"'))).toMatch(/^not applicable: the bundle records no GPU/);
    expect(await focuses(rule, '<urn:r/run> a mls:Run .')).toMatch(/^not applicable/);
  });
});
