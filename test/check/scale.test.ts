/**
 * `check` grows linearly with the bundle. Held by counting, never by timing:
 *  - the built-in shapes put no path on a predicate whose values grow with the bundle: shacl-engine
 *    (grapoi's PathList) spends time in the square of a path's values and keeps a result for every
 *    value that fails a nested shape (`sh:path prov:used` from a run with 16k parameters: 24 s,
 *    1.2 GB; 150k did not finish in 300 s). What a run used is checked by typed rules.
 *  - the rules' and SHACL's queries of the store (calls, and quads they return) grow in proportion
 *    to a parameter-heavy bundle, and the findings stay the same kinds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as RDF from '@rdfjs/types';
import { Parser, type Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { PACKAGE_ROOT } from '../../src/base/package-root.js';
import { BundleStore } from '../../src/check/bundle-store.js';
import { ShapeSet } from '../../src/check/shacl.js';
import { RUN_PREFIXES } from '../../src/prov/vocabulary.js';

const SH = 'http://www.w3.org/ns/shacl#';
const SHAPE_FILES = [...new Set(RULES.map((rule) => rule.meta.shape).filter((file): file is string => !!file))];

/**
 * Predicates built-in shapes may follow: each holds one or a few values per focus node. A path
 * added here must be one too: a path from a run through prov:used (or prov:generated,
 * reprov:package, reprov:variable, ...) is as long as the bundle; check it with a typed rule.
 */
const BOUNDED_PATHS = new Set([
  'https://w3id.org/reprov#noRepositoryReason',
  'https://schema.org/codeRepository',
  'https://w3id.org/reprov#containerImageDigest',
]);

describe('check scales linearly', () => {
  it('built-in shapes only follow predicates with a bounded number of values', () => {
    for (const file of SHAPE_FILES) {
      const quads = new Parser().parse(readFileSync(join(PACKAGE_ROOT, 'shapes', file), 'utf8'));
      for (const path of quads.filter((q) => q.predicate.value === `${SH}path`).map((q) => q.object)) {
        expect(path.termType === 'NamedNode' && BOUNDED_PATHS.has(path.value), `${file}: sh:path ${path.value}`).toBe(true);
      }
    }
  });

  it('the store work of SHACL and every rule grows in proportion to the parameters', async () => {
    const shapes = new ShapeSet(SHAPE_FILES);
    const small = await checkWork(shapes, 200);
    const large = await checkWork(shapes, 2000);
    expect(large.rules).toEqual(small.rules);
    // 10x the parameters: linear is ~10x the work (less: the fixed part of the bundle), quadratic ~100x.
    expect(large.work / small.work).toBeGreaterThan(5);
    expect(large.work / small.work).toBeLessThan(12);
  });
});

/** A recorded run with `params` parameters, its command, environment, hardware and a seed. */
function parameterBundle(params: number): Quad[] {
  const lines = [
    '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/command>, <urn:r/environment>, <urn:r/hardware>, <urn:r/seed/numpy> .',
    '<urn:r/command> a prov:Entity, prov:Plan, reprov:Command ; reprov:commandLine "python train.py" ; reprov:entryPoint "train.py" .',
    '<urn:r/environment> a prov:Entity, reprov:Environment ; schema:operatingSystem "Linux" ; reprov:pythonVersion "3.11.9" ; reprov:containerRuntime "docker" .',
    '<urn:r/hardware> a prov:Entity, reprov:Hardware ; reprov:cpuThreads 8 ; reprov:memoryBytes 17179869184 .',
    '<urn:r/seed/numpy> a prov:Entity, reprov:Seed ; prov:value 0 ; reprov:rng "numpy" .',
  ];
  for (let i = 0; i < params; i++) {
    lines.push(`<urn:r/param/p${i}> a prov:Entity, mls:HyperParameterSetting, reprov:Parameter ; rdfs:label "layer${i}.lr" ; prov:value ${i % 2 ? i : `"v${i}"`} .`);
    lines.push(`<urn:r/run> prov:used <urn:r/param/p${i}> .`);
  }
  const preamble = Object.entries(RUN_PREFIXES).map(([prefix, iri]) => `@prefix ${prefix}: <${iri}> .`).join('\n');
  return new Parser().parse(`${preamble}\n${lines.join('\n')}`);
}

/** Counts each query of the store and each quad (or term) it hands back, SHACL's dataset matches included. */
class CountingStore extends BundleStore {
  work = 0;

  override getQuads(...pattern: Parameters<BundleStore['getQuads']>): Quad[] {
    const quads = super.getQuads(...pattern);
    this.work += 1 + quads.length;
    return quads;
  }

  override *readQuads(...pattern: Parameters<BundleStore['readQuads']>): IterableIterator<Quad> {
    this.work++;
    for (const quad of super.readQuads(...pattern)) {
      this.work++;
      yield quad;
    }
  }

  override *terms(): ReturnType<BundleStore['terms']> {
    for (const term of super.terms()) {
      this.work++;
      yield term;
    }
  }

  override has(quad: RDF.Quad): boolean {
    this.work++;
    return super.has(quad);
  }

  override asDataset(): RDF.DatasetCore {
    const dataset = super.asDataset();
    const count = (matched: RDF.DatasetCore): RDF.DatasetCore => {
      const store = this;
      return {
        get size() {
          return matched.size;
        },
        has: (quad) => matched.has(quad),
        add: () => {
          throw new Error('read only');
        },
        delete: () => {
          throw new Error('read only');
        },
        match: (...pattern) => count(matched.match(...pattern)),
        *[Symbol.iterator]() {
          store.work++;
          for (const quad of matched) {
            store.work++;
            yield quad;
          }
        },
      };
    };
    return { ...count(dataset), match: (...pattern) => count(dataset.match(...pattern)) };
  }
}

async function checkWork(shapes: ShapeSet, params: number): Promise<{ work: number; rules: string[] }> {
  const store = new CountingStore(parameterBundle(params));
  store.work = 0;
  const input = { store, prefixes: { ...RUN_PREFIXES, r: 'urn:r/' }, file: 'bundle.ttl', violations: await shapes.validate(store) };
  const rules = new Set<string>();
  for (const rule of RULES) {
    const outcome = await rule.check(input);
    if (outcome.applies) for (const finding of outcome.findings) rules.add(finding.rule);
  }
  return { work: store.work, rules: [...rules].sort() };
}

