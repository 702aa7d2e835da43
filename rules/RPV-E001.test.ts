import { describe, expect, it } from 'vitest';
import rule from './RPV-E001.js';
import { focuses, runRule } from '../test/support/rules.js';

const run = (env: string) => `<urn:r/run> a mls:Run ; prov:used <urn:r/environment> .\n<urn:r/environment> a prov:Entity, reprov:Environment ; reprov:hostname "h" ${env} .`;

describe('RPV-E001 operating system and runtime versions are recorded', () => {
  it('flags a run that used no environment', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run .')).toEqual(['r:run']);
    const outcome = await runRule(rule, '<urn:r/run> a mls:Run .');
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/^the run records no operating system and runtime version/);
  });
  it('flags an environment without the operating system, or without any runtime version', async () => {
    expect(await focuses(rule, run('; reprov:pythonVersion "3.11.9"'))).toEqual(['r:run']);
    expect(await focuses(rule, run('; schema:operatingSystem "Ubuntu 22.04.4 LTS" ; reprov:unknownReason "python version: python3 not found"'))).toEqual(['r:run']);
  });
  it('passes the operating system with a Python or a Node.js version, and checks each run of a bundle', async () => {
    const python = run('; schema:operatingSystem "Ubuntu 22.04.4 LTS" ; reprov:pythonVersion "3.11.9"');
    expect(await focuses(rule, python)).toEqual([]);
    expect(await focuses(rule, run('; schema:operatingSystem "macOS 14.4" ; reprov:nodeVersion "20.12.2"'))).toEqual([]);
    expect(await focuses(rule, `${python}\n<urn:r/run2> a mls:Run .`)).toEqual(['r:run2']);
  });
  it('does not apply without a run', async () => {
    expect(await focuses(rule, '<urn:r/environment> a reprov:Environment .')).toMatch(/^not applicable/);
  });
});
