import { describe, expect, it } from 'vitest';
import rule from './RPV-E002.js';
import { focuses, runRule } from '../test/support/rules.js';

const run = (env: string) => `<urn:r/run> a mls:Run ; prov:used <urn:r/environment> .\n<urn:r/environment> a prov:Entity, reprov:Environment ; schema:operatingSystem "Debian GNU/Linux 12" ${env} .`;

describe('RPV-E002 a container run records its image digest', () => {
  it('flags a container without an image digest', async () => {
    const bundle = run('; reprov:containerRuntime "docker" ; reprov:containerImage "ghcr.io/org/train:v3"');
    expect(await focuses(rule, bundle)).toEqual(['r:environment']);
    const outcome = await runRule(rule, bundle);
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/^the run ran in a container but records no image digest/);
    expect(await focuses(rule, run('; reprov:containerRuntime "kubernetes"'))).toEqual(['r:environment']);
  });
  it('passes a container with its image digest', async () => {
    expect(await focuses(rule, run('; reprov:containerRuntime "podman" ; reprov:containerImageDigest "sha256:4c1e3b0f9a8d7e6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4"'))).toEqual([]);
  });
  it('does not apply outside containers, or without a run', async () => {
    expect(await focuses(rule, run('; reprov:pythonVersion "3.11.9"'))).toMatch(/^not applicable: .*container/);
    expect(await focuses(rule, '<urn:r/environment> a reprov:Environment ; reprov:containerRuntime "docker" .')).toMatch(/^not applicable: .*no run/);
  });
});
