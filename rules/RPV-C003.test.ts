import { describe, expect, it } from 'vitest';
import rule from './RPV-C003.js';
import { focuses, runRule } from '../test/support/rules.js';

const run = (command: string) => `<urn:r/run> a mls:Run ; prov:used <urn:r/command> .\n<urn:r/command> a prov:Plan, reprov:Command ${command} .`;

describe('RPV-C003 the command or entry point is recorded', () => {
  it('flags a run that used no command', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a reprov:CodeState ; reprov:commit "3f2c9a1" .')).toEqual(['r:run']);
    const outcome = await runRule(rule, '<urn:r/run> a mls:Run .');
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/^the run records no command: /);
  });
  it('flags a command that records neither command line nor entry point', async () => {
    expect(await focuses(rule, run('; rdfs:label "run"'))).toEqual(['r:run']);
  });
  it('flags a command line the run did not use', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run .\n<urn:r/command> a reprov:Command ; reprov:commandLine "python train.py" .')).toEqual(['r:run']);
  });
  it('passes a command line or an entry point, and checks each run of a bundle', async () => {
    expect(await focuses(rule, run('; reprov:commandLine "python train.py --epochs 3"'))).toEqual([]);
    expect(await focuses(rule, run('; reprov:entryPoint "train.py"'))).toEqual([]);
    expect(await focuses(rule, `${run('; reprov:entryPoint "train.py"')}\n<urn:r/run2> a mls:Run .`)).toEqual(['r:run2']);
  });
  it('does not apply without a run', async () => {
    expect(await focuses(rule, '<urn:r/command> a reprov:Command .')).toMatch(/^not applicable/);
  });
});
