import { describe, expect, it } from 'vitest';
import rule from './RPV-T002.js';
import { focuses, runRule } from '../test/support/rules.js';

const setting = (name: string, value: string) =>
  `<urn:r/determinism/${name}> a prov:Entity, reprov:DeterminismSetting ; reprov:settingName "${name}" ; prov:value "${value}" ; reprov:source "environment" .`;
const param = (id: string, label: string, value: string) =>
  `<urn:r/param/${id}> a prov:Entity, mls:HyperParameterSetting, reprov:Parameter ; rdfs:label "${label}" ; prov:value ${value} .`;
const run = (used: string[], nodes: string[]) =>
  `<urn:r/run> a prov:Activity, mls:Run${used.length ? ` ; prov:used ${used.map((u) => `<urn:r/${u}>`).join(', ')}` : ''} .\n${nodes.join('\n')}`;
const gpus = (n: number) => `<urn:r/hardware> a prov:Entity, reprov:Hardware ; reprov:gpuCount ${n} .`;

describe('RPV-T002 no known nondeterministic setting', () => {
  it('flags PYTHONHASHSEED=random and names the setting', async () => {
    expect(await focuses(rule, run(['determinism/PYTHONHASHSEED'], [setting('PYTHONHASHSEED', 'random')]))).toEqual(['r:determinism/PYTHONHASHSEED']);
    const outcome = await runRule(rule, run(['determinism/PYTHONHASHSEED'], [setting('PYTHONHASHSEED', 'random')]));
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/^PYTHONHASHSEED=random: /);
  });
  it('flags TF_DETERMINISTIC_OPS switched off', async () => {
    for (const value of ['0', 'false', 'False']) {
      expect(await focuses(rule, run(['determinism/TF_DETERMINISTIC_OPS'], [setting('TF_DETERMINISTIC_OPS', value)]))).toEqual(['r:determinism/TF_DETERMINISTIC_OPS']);
    }
    expect(await focuses(rule, run(['determinism/TF_DETERMINISTIC_OPS'], [setting('TF_DETERMINISTIC_OPS', '1')]))).toEqual([]);
  });
  it('flags cudnn benchmarking on and deterministic algorithms off, by parameter name', async () => {
    const cases: [string, string][] = [
      ['cudnn_benchmark', 'true'], ['torch.backends.cudnn.benchmark', 'true'], ['torch.backends.cudnn.benchmark', '"True"'],
      ['use_deterministic_algorithms', 'false'], ['torch.use_deterministic_algorithms', '"0"'], ['deterministic', 'false'],
      ['torch.backends.cudnn.deterministic', 'false'],
    ];
    for (const [label, value] of cases) expect(await focuses(rule, run(['param/p'], [param('p', label, value)]))).toEqual(['r:param/p']);
  });
  it('passes the same switches set for determinism', async () => {
    const cases: [string, string][] = [
      ['cudnn_benchmark', 'false'], ['torch.backends.cudnn.benchmark', '0'], ['use_deterministic_algorithms', 'true'], ['deterministic', 'true'], ['deterministic', '"warn"'],
    ];
    for (const [label, value] of cases) expect(await focuses(rule, run(['param/p'], [param('p', label, value)]))).toEqual([]);
  });
  it('flags a GPU run without CUBLAS_WORKSPACE_CONFIG, naming the run', async () => {
    expect(await focuses(rule, run(['hardware'], [gpus(2)]))).toEqual(['r:run']);
    const outcome = await runRule(rule, run(['hardware'], [gpus(1)]));
    expect(outcome.applies && outcome.findings[0]?.message).toMatch(/1 GPU but records no CUBLAS_WORKSPACE_CONFIG/);
    expect(await focuses(rule, run(['hardware', 'determinism/CUBLAS_WORKSPACE_CONFIG'], [gpus(2), setting('CUBLAS_WORKSPACE_CONFIG', ':4096:8')]))).toEqual([]);
  });
  it('reads environment variables, and reports a variable recorded twice once, on the determinism setting', async () => {
    const env = (name: string, value: string) => `<urn:r/environment> a prov:Entity, reprov:Environment ; reprov:variable <urn:r/environment/variable/${name}> .\n<urn:r/environment/variable/${name}> a prov:Entity, reprov:EnvironmentVariable ; reprov:variableName "${name}" ; prov:value "${value}" .`;
    expect(await focuses(rule, run(['environment'], [env('PYTHONHASHSEED', 'random')]))).toEqual(['r:environment/variable/PYTHONHASHSEED']);
    expect(await focuses(rule, run(['environment', 'determinism/PYTHONHASHSEED'], [env('PYTHONHASHSEED', 'random'), setting('PYTHONHASHSEED', 'random')]))).toEqual(['r:determinism/PYTHONHASHSEED']);
    expect(await focuses(rule, run(['environment', 'hardware'], [env('CUBLAS_WORKSPACE_CONFIG', ':16:8'), gpus(1)]))).toEqual([]);
  });
  it('passes deterministic settings', async () => {
    expect(await focuses(rule, run(['determinism/PYTHONHASHSEED', 'determinism/TF_DETERMINISTIC_OPS'], [setting('PYTHONHASHSEED', '0'), setting('TF_DETERMINISTIC_OPS', '1')]))).toEqual([]);
    expect(await focuses(rule, run(['hardware', 'determinism/PYTHONHASHSEED'], [gpus(0), setting('PYTHONHASHSEED', '0')]))).toEqual([]);
  });
  it('judges a merged run through its parts', async () => {
    const bundle = `${run(['hardware', 'determinism/CUBLAS_WORKSPACE_CONFIG'], [gpus(1), setting('CUBLAS_WORKSPACE_CONFIG', ':4096:8')])}\n<urn:m/run> a prov:Activity, mls:Run ; dcterms:hasPart <urn:r/run> .`;
    expect(await focuses(rule, bundle)).toEqual([]);
  });
  it('does not apply when nothing about determinism is recorded and no GPU was used', async () => {
    expect(await focuses(rule, run(['param/lr'], [param('lr', 'learning_rate', '0.1')]))).toMatch(/^not applicable: .*no determinism setting and ran on no GPU/);
    expect(await focuses(rule, run(['hardware'], [gpus(0)]))).toMatch(/^not applicable/);
    expect(await focuses(rule, '<urn:r/e> a prov:Entity .')).toMatch(/^not applicable: .*no run/);
  });
});
