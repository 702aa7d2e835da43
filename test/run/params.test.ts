/**
 * Nested parameters in the run API: flattened to `a.b` keys as the Python API and `record --params`
 * do, redacted by their full name, and refused with a one-line TypeError when they cannot be recorded.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRun } from '../../src/run/run.js';
import { flattenParams, type Params } from '../../src/run/params.js';
import { PROV, readBundle } from '../support/bundle.js';

const OFF = { git: false, hardware: false, system: false, dependencies: false, environment: false, determinism: false } as const;
const open = (params?: Params) => startRun({ experiment: 'params', cwd: mkdtempSync(join(tmpdir(), 'reprov-params-')), dir: 'b', collect: OFF, snapshotIntervalMs: 0, ...(params ? { params } : {}) });
const value = (dir: string, name: string) => readBundle(dir).values(`param/${name}`, `${PROV}value`);

describe('run API parameters', () => {
  it('flattens nested objects to dotted keys, in logParams, logParam and the start options', async () => {
    const run = await open({ model: { layers: 3, activation: 'relu' } });
    run.logParams({ optimizer: { name: 'adam', lr: 0.1, betas: [0.9, 0.999], schedule: { warmup: 100 } }, epochs: 5, amp: true, note: null, empty: {} });
    run.logParam('data', { split: { seed: 7 } });
    run.logParam('lr_scale', 2);
    const { dir } = await run.end();

    expect(value(dir, 'optimizer.name')).toEqual(['adam']);
    expect(value(dir, 'optimizer.lr')).toEqual(['0.1']);
    expect(value(dir, 'optimizer.schedule.warmup')).toEqual(['100']);
    expect(value(dir, 'optimizer.betas')).toEqual(['[0.9,0.999]']);
    expect(value(dir, 'epochs')).toEqual(['5']);
    expect(value(dir, 'amp')).toEqual(['true']);
    expect(value(dir, 'note')).toEqual(['null']);
    expect(value(dir, 'empty')).toEqual(['{}']);
    expect(value(dir, 'model.layers')).toEqual(['3']);
    expect(value(dir, 'data.split.seed')).toEqual(['7']);
    expect(value(dir, 'lr_scale')).toEqual(['2']);
    // No parameter node for the nested objects themselves.
    expect(value(dir, 'optimizer')).toEqual([]);
    expect(value(dir, 'optimizer.schedule')).toEqual([]);
  });

  it('takes a config typed by an interface, as logParams and logParam', async () => {
    interface TrainConfig { optimizer: { name: string; lr: number }; epochs: number; warmup?: number }
    const config: TrainConfig = { optimizer: { name: 'sgd', lr: 0.01 }, epochs: 3 };
    const run = await open();
    run.logParams(config);
    run.logParam('again', config.optimizer);
    const { dir } = await run.end();
    expect(value(dir, 'optimizer.lr')).toEqual(['0.01']);
    expect(value(dir, 'again.name')).toEqual(['sgd']);
    expect(value(dir, 'warmup')).toEqual([]);
  });

  it('flattens as the Python API does (same keys, same order), and leaves undefined out', () => {
    expect(flattenParams({ optimizer: { name: 'adam', lr: 1e-3 }, epochs: 5, skipped: undefined })).toEqual([
      ['optimizer.name', 'adam'],
      ['optimizer.lr', 0.001],
      ['epochs', 5],
    ]);
  });

  it('redacts a nested secret by its full name, and one in a value', async () => {
    const run = await open();
    run.logParams({ wandb: { api_key: 'k-1234567890abcdef' }, db: { url: 'postgres://user:hunter2pass@db:5432/x' } });
    const { dir, provJson, turtle } = await run.end();
    expect(value(dir, 'wandb.api_key')).toEqual(['[REDACTED:key]']);
    for (const file of [provJson, turtle]) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain('k-1234567890abcdef');
      expect(text).not.toContain('hunter2pass');
    }
  });

  it('takes hostile keys as ordinary names and refuses cycles with a TypeError naming the key', async () => {
    const run = await open();
    run.logParams(JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"name": "x"}, "toString": 3}') as Params);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const cyclic: { lr: number; self?: unknown } = { lr: 0.1 };
    cyclic.self = cyclic;
    expect(() => run.logParams({ opt: cyclic as Params })).toThrow(/^reprov: parameter opt\.self refers back to an object that contains it/);
    const list: unknown[] = [1];
    list.push(list);
    expect(() => run.logParam('list', list as Params[string])).toThrow(/^reprov: parameter list cannot be recorded: .*circular/);
    // What the types refuse, a JavaScript caller is told about; the bundle never gets a function's source.
    expect(() => run.logParams({ callback: (() => 'hunter2') as unknown as string })).toThrow(/^reprov: parameter callback is a function, not a value to record$/);
    const { dir, provJson } = await run.end();
    expect(readFileSync(provJson, 'utf8')).not.toContain('hunter2');
    expect(value(dir, '__proto__.polluted')).toEqual(['1']);
    expect(value(dir, 'constructor.name')).toEqual(['x']);
    expect(value(dir, 'toString')).toEqual(['3']);
  });
});
