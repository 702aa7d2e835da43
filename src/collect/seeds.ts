/**
 * Seeds and determinism settings: what a run needs so that a rerun draws the same random numbers
 * and takes the same (deterministic) kernels.
 *
 *     <base>seed/torch a prov:Entity, reprov:Seed ; rdfs:label "torch" ;
 *         prov:value 42 ; reprov:rng "torch" .
 *     <base>determinism/CUBLAS_WORKSPACE_CONFIG a prov:Entity, reprov:DeterminismSetting ;
 *         reprov:settingName "CUBLAS_WORKSPACE_CONFIG" ; prov:value ":4096:8" ; reprov:source "environment" .
 *     <base>run prov:used <base>seed/torch, <base>determinism/CUBLAS_WORKSPACE_CONFIG .
 *
 * `collectDeterminism` reads only the variables named in {@link DETERMINISM_VARIABLES} (every
 * other variable is the environment collector's); values, string seeds included, still pass
 * through `redactText` (./redact.ts) like everything a collector records. A numeric
 * PYTHONHASHSEED is also recorded as the seed `PYTHONHASHSEED` with rng "python-hash"
 * (`random`, the interpreter's default, is a setting but not a seed).
 */
import type { NamedNode } from 'n3';
import { DETERMINISM_VARIABLES, prov, reprov } from '../prov/vocabulary.js';
import type { CollectContext } from './context.js';
import { redactText } from '../base/redact.js';

/** Random number generators a seed is commonly given to; any other name is accepted too. */
export type SeedRng = 'global' | 'python' | 'python-hash' | 'numpy' | 'torch' | 'torch-cuda' | 'tensorflow' | 'jax' | 'js' | (string & {});

export interface SeedOptions {
  /** The seed's name, the last segment of its node id (`seed/<name>`). */
  name: string;
  /** The seed value. Integers beyond 2^53 are best given as bigint or string. */
  value: number | bigint | string;
  /** The generator it seeds (default `global`: one seed for every generator the run uses). */
  rng?: SeedRng;
}

/** Records a seed used by the run and returns its node. */
export function recordSeed(ctx: CollectContext, options: SeedOptions): NamedNode {
  const { graph } = ctx;
  const node = graph.node('seed', options.name);
  graph.describe(node, [prov.Entity, reprov.Seed], options.name);
  graph.add(node, prov.value, seedValue(options.value));
  graph.add(node, reprov.rng, options.rng ?? 'global');
  graph.add(ctx.run, prov.used, node);
  return node;
}

function seedValue(value: number | bigint | string): number | string {
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  return typeof value === 'string' ? redactText(value) : value;
}


export interface DeterminismSetting {
  name: string;
  value: string;
  node: NamedNode;
}

/** Records the determinism variables set in `ctx.env` (and PYTHONHASHSEED as a seed when numeric). */
export function collectDeterminism(ctx: CollectContext): DeterminismSetting[] {
  const { graph } = ctx;
  const settings: DeterminismSetting[] = [];
  for (const name of DETERMINISM_VARIABLES) {
    const value = ctx.env[name];
    if (value === undefined) continue;
    const node = graph.node('determinism', name);
    graph.describe(node, [prov.Entity, reprov.DeterminismSetting], name);
    graph.add(node, reprov.settingName, name);
    graph.add(node, prov.value, redactText(value));
    graph.add(node, reprov.source, 'environment');
    graph.add(ctx.run, prov.used, node);
    settings.push({ name, value: redactText(value), node });
    if (name === 'PYTHONHASHSEED' && /^\d+$/.test(value.trim())) {
      const seed = BigInt(value.trim());
      recordSeed(ctx, { name: 'PYTHONHASHSEED', value: seed, rng: 'python-hash' });
    }
  }
  return settings;
}
