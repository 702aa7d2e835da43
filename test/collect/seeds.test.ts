/** Seeds and determinism settings. */
import { DataFactory, type Quad, type Term } from 'n3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CollectContext } from '../../src/collect/context.js';
import { collectDeterminism, recordSeed } from '../../src/collect/seeds.js';
import { DETERMINISM_VARIABLES } from '../../src/prov/vocabulary.js';
import { RunGraph } from '../../src/prov/graph.js';
import { prov, rdf, rdfs, reprov } from '../../src/prov/vocabulary.js';

const { literal, namedNode } = DataFactory;
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const BASE = 'https://example.org/runs/1/';

let ctx: CollectContext;
beforeEach(() => {
  const graph = new RunGraph(BASE);
  ctx = { graph, run: graph.node('run'), cwd: '/tmp', env: {} };
});

const has = (quads: Quad[], s: Term, p: Term, o: Term) => quads.some((q) => q.subject.equals(s) && q.predicate.equals(p) && q.object.equals(o));
const objects = (s: Term, p: Term) => ctx.graph.quads.filter((q) => q.subject.equals(s) && q.predicate.equals(p)).map((q) => q.object);
const typed = (value: string, type: string) => literal(value, namedNode(`${XSD}${type}`));

describe('recordSeed', () => {
  it('adds a seed entity the run used', () => {
    const node = recordSeed(ctx, { name: 'torch', value: 42, rng: 'torch' });
    const q = ctx.graph.quads;
    expect(node.value).toBe(`${BASE}seed/torch`);
    expect(has(q, node, rdf.type, prov.Entity)).toBe(true);
    expect(has(q, node, rdf.type, reprov.Seed)).toBe(true);
    expect(has(q, node, rdfs.label, literal('torch'))).toBe(true);
    expect(has(q, node, prov.value, typed('42', 'int'))).toBe(true);
    expect(has(q, node, reprov.rng, literal('torch'))).toBe(true);
    expect(has(q, ctx.run, prov.used, node)).toBe(true);
  });

  it('defaults the rng to global and keeps large seeds exact', () => {
    const global = recordSeed(ctx, { name: 'seed', value: 1234 });
    expect(objects(global, reprov.rng)).toEqual([literal('global')]);
    const big = recordSeed(ctx, { name: 'np', value: 2n ** 64n - 1n, rng: 'numpy' });
    expect(objects(big, prov.value)).toEqual([literal('18446744073709551615')]);
    const safe = recordSeed(ctx, { name: 'small', value: 7n });
    expect(objects(safe, prov.value)).toEqual([typed('7', 'int')]);
    const long = recordSeed(ctx, { name: 'long', value: 2 ** 40 });
    expect(objects(long, prov.value)).toEqual([typed(String(2 ** 40), 'long')]);
    const text = recordSeed(ctx, { name: 'js', value: 'abc', rng: 'js' });
    expect(objects(text, prov.value)).toEqual([literal('abc')]);
  });
});

describe('collectDeterminism', () => {
  it('records every determinism variable that is set, and nothing else', () => {
    ctx.env = {
      CUBLAS_WORKSPACE_CONFIG: ':4096:8',
      TF_DETERMINISTIC_OPS: '1',
      OMP_NUM_THREADS: '1',
      MKL_NUM_THREADS: '',
      AWS_SECRET_ACCESS_KEY: 'do-not-record',
      PATH: '/usr/bin',
    };
    const settings = collectDeterminism(ctx);
    expect(settings.map((s) => [s.name, s.value])).toEqual([
      ['CUBLAS_WORKSPACE_CONFIG', ':4096:8'], ['TF_DETERMINISTIC_OPS', '1'], ['OMP_NUM_THREADS', '1'], ['MKL_NUM_THREADS', ''],
    ]);
    const node = namedNode(`${BASE}determinism/CUBLAS_WORKSPACE_CONFIG`);
    const q = ctx.graph.quads;
    expect(has(q, node, rdf.type, prov.Entity)).toBe(true);
    expect(has(q, node, rdf.type, reprov.DeterminismSetting)).toBe(true);
    expect(has(q, node, reprov.settingName, literal('CUBLAS_WORKSPACE_CONFIG'))).toBe(true);
    expect(has(q, node, prov.value, literal(':4096:8'))).toBe(true);
    expect(has(q, node, reprov.source, literal('environment'))).toBe(true);
    expect(has(q, ctx.run, prov.used, node)).toBe(true);
    expect(q.some((quad) => quad.object.value.includes('do-not-record') || quad.object.value === '/usr/bin')).toBe(false);
    expect(q.some((quad) => quad.object.equals(reprov.Seed))).toBe(false);
  });

  it('records a numeric PYTHONHASHSEED as a python-hash seed too', () => {
    ctx.env = { PYTHONHASHSEED: '0' };
    collectDeterminism(ctx);
    const seed = namedNode(`${BASE}seed/PYTHONHASHSEED`);
    expect(has(ctx.graph.quads, seed, rdf.type, reprov.Seed)).toBe(true);
    expect(objects(seed, prov.value)).toEqual([typed('0', 'int')]);
    expect(objects(seed, reprov.rng)).toEqual([literal('python-hash')]);
    expect(has(ctx.graph.quads, namedNode(`${BASE}determinism/PYTHONHASHSEED`), prov.value, literal('0'))).toBe(true);
  });

  it('does not take PYTHONHASHSEED=random for a seed', () => {
    ctx.env = { PYTHONHASHSEED: 'random' };
    expect(collectDeterminism(ctx)).toHaveLength(1);
    expect(ctx.graph.quads.some((q) => q.object.equals(reprov.Seed))).toBe(false);
  });

  it('records nothing when none is set', () => {
    expect(collectDeterminism(ctx)).toEqual([]);
    expect(ctx.graph.quads).toEqual([]);
    expect(DETERMINISM_VARIABLES).toContain('PYTORCH_CUDA_ALLOC_CONF');
    expect(DETERMINISM_VARIABLES).toHaveLength(9);
  });
});
